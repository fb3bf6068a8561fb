/** The main step: inputs, then QEMU and binfmt_misc, then build, test, verify and push. */
import * as core from '@actions/core'
import { mkdir, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { registerEmulators } from './emulation.js'
import { ArchwayError, errorMessage } from './errors.js'
import { type BuildInputs, type Inputs, getInputs } from './inputs.js'
import { type PipelineResult, runPipeline } from './pipeline.js'
import { ALL_PLATFORMS, type Platform, emulatorsNeeded, formatPlatform, hostDebianArch, qemuArch } from './platform.js'
import { buildIndex, indexAnnotations } from './publish/index-manifest.js'
import { runnerFacts } from './publish/runner-facts.js'
import { targetsOf } from './registry/connect.js'
import { setupQemu } from './qemu/setup.js'
import { type PublishState, saveState } from './state.js'
import { type SummaryFacts, renderSummary, writeSummary } from './summary.js'

export async function run(): Promise<void> {
  try {
    await main(getInputs())
  } catch (err) {
    core.setFailed(err instanceof ArchwayError ? err.message : `Archway failed: ${errorMessage(err)}`)
    if (err instanceof Error && !(err instanceof ArchwayError) && err.stack) core.debug(err.stack)
  }
}

async function main(inputs: Inputs): Promise<void> {
  const host = hostDebianArch()
  const platforms = inputs.platforms.map(formatPlatform)
  core.setOutput('platforms', platforms.join(','))
  const emulation = await setUpEmulation(inputs, host)
  const facts: SummaryFacts = { platforms, host, emulation }
  let qemuCache: { key: string; paths: string[] } | undefined
  if (emulation?.setup.saveKey) qemuCache = { key: emulation.setup.saveKey, paths: emulation.setup.cachePaths }

  if (!inputs.build) {
    saveState({ qemuCache })
    await writeSummary(renderSummary(facts))
    return
  }
  const build = inputs.build
  const needed = new Set(emulatorsNeeded(inputs.platforms, host))
  const emulated = new Set(inputs.platforms.filter(p => needed.has(qemuArch(p))).map(formatPlatform))
  let pipeline: PipelineResult | undefined
  let publish: PublishState | undefined
  try {
    pipeline = await runPipeline(build, inputs.platforms, { scratch: await scratchDir(), qemuVersion: emulation?.setup.installed.debianVersion, emulated })
    if (build.push) publish = await publishState(build, pipeline, inputs.platforms)
  } finally {
    // Saved whatever happens: the QEMU cache is worth keeping even when the build fails.
    saveState({ qemuCache, publish })
  }
  core.setOutput('image', `${build.image.registry}/${build.image.repository}`)
  core.setOutput('tags', build.tags.map(t => `${t.registry}/${t.repository}:${t.tag}`).join(','))
  if (publish) {
    core.setOutput('digest', publish.digest)
    core.setOutput('platform-digests', JSON.stringify(Object.fromEntries(publish.images.map(i => [i.platform, i.digest]))))
    core.info(`Index ${publish.digest}: the post step publishes it as ${build.tags.map(t => `${t.registry}/${t.repository}:${t.tag}`).join(', ')} once the job has succeeded`)
  }
  await writeSummary(renderSummary({ ...facts, pipeline, index: publish ? { digest: publish.digest, tags: build.tags.map(t => `${t.registry}/${t.repository}:${t.tag}`), pushed: false } : undefined }))
}

async function setUpEmulation(inputs: Inputs, host: 'amd64' | 'arm64'): Promise<SummaryFacts['emulation']> {
  const needed = emulatorsNeeded(inputs.platforms, host)
  if (needed.length === 0) {
    core.info(`Every requested platform (${inputs.platforms.map(formatPlatform).join(', ')}) runs natively on this ${host} host; no emulation set up`)
    return undefined
  }
  const toolCache = process.env.RUNNER_TOOL_CACHE
  if (!toolCache) throw new ArchwayError('RUNNER_TOOL_CACHE is not set; Archway runs as a GitHub Actions step, which sets it')
  const started = Date.now()
  const emulation = await core.group('QEMU', async () => {
    const setup = await setupQemu({
      query: inputs.qemuVersion,
      mirror: inputs.qemuMirror,
      host,
      needed,
      cacheable: emulatorsNeeded(ALL_PLATFORMS, host),
      toolCache,
      useActionsCache: inputs.cache,
      now: new Date(),
      log: { warning: m => core.warning(m), info: m => core.info(m) }
    })
    const q = setup.installed
    core.info(`QEMU ${q.qemuVersion}: Debian ${q.package} ${q.debianVersion} from ${q.suite} (${q.codename}), .deb SHA-256 ${q.debSha256}`)
    core.info(`Source: ${setup.source}${setup.source === 'Debian archive' ? ` (${q.url})` : ''}`)
    const registered = await registerEmulators(setup.installed, needed, inputs.binfmtFlags, m => core.info(m))
    core.info(`Set up in ${((Date.now() - started) / 1000).toFixed(2)} s`)
    return { setup, registered }
  })
  const q = emulation.setup.installed
  core.setOutput('qemu-version', q.debianVersion)
  core.setOutput('qemu-sha256', q.debSha256)
  core.setOutput('qemu-path', q.dir)
  return emulation
}

async function scratchDir(): Promise<string> {
  const base = process.env.RUNNER_TEMP || tmpdir()
  await mkdir(base, { recursive: true })
  return mkdtemp(join(base, 'archway-'))
}

async function publishState(build: BuildInputs, pipeline: PipelineResult | undefined, platforms: readonly Platform[]): Promise<PublishState> {
  const results = pipeline?.platforms ?? []
  const images = results.flatMap(r => (r.published ? [{ platform: r.platform, manifest: r.published.descriptor }] : []))
  if (images.length !== platforms.length) throw new ArchwayError('not every platform was pushed; no index')
  const annotations = indexAnnotations(build.annotations, await runnerFacts())
  const index = buildIndex(images, annotations)
  return { targets: targetsOf(build), images: images.map(i => ({ platform: formatPlatform(i.platform), ...i.manifest })), annotations, digest: index.digest }
}
