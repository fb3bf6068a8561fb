/** The main step: inputs, then QEMU and binfmt_misc, then build, test, verify and push. */
import * as core from '@actions/core'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { registerEmulators } from './emulation.js'
import { ArchwayError, errorMessage } from './errors.js'
import { type BuildInputs, type Inputs, getInputs } from './inputs.js'
import { type PipelineResult, checkProvenanceEngine, runPipeline } from './pipeline.js'
import { ALL_PLATFORMS, type Platform, emulatorsNeeded, formatPlatform, hostDebianArch, qemuArch } from './platform.js'
import { buildIndex, indexAnnotations } from './publish/index-manifest.js'
import { runnerFacts } from './publish/runner-facts.js'
import { mergeStaged, releaseOf } from './publish/publish-index.js'
import { releaseKey } from './publish/stage.js'
import { targetsOf } from './registries.js'
import { formatReference } from './registry/reference.js'
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
  const build = inputs.build
  if (build?.mode === 'merge') return merge(build, inputs.platforms)
  // provenance needs the containerd image store: checked before anything is set up or built.
  if (build) await checkProvenanceEngine(build)

  // In a matrix, this job builds (and so emulates) only its share.
  const share = build?.share ?? inputs.platforms
  const emulation = await setUpEmulation(inputs, share, host)
  const facts: SummaryFacts = { platforms, host, emulation }
  const qemuCache = emulation?.setup.saveKey ? { key: emulation.setup.saveKey, paths: emulation.setup.cachePaths } : undefined
  if (!build) {
    saveState({ qemuCache })
    await writeSummary(renderSummary(facts))
    return
  }

  const needed = new Set(emulatorsNeeded(share, host))
  const emulated = new Set(share.filter(p => needed.has(qemuArch(p))).map(formatPlatform))
  const tags = build.tags.map(formatReference)
  let pipeline: PipelineResult | undefined
  let publish: PublishState | undefined
  const scratch = await scratchDir()
  try {
    pipeline = await runPipeline(build, share, { scratch, qemuVersion: emulation?.setup.installed.debianVersion, emulated })
    if (build.push) publish = await publishState(build, pipeline, share, build.share ? release(tags, inputs.platforms, build.mode) : undefined)
  } finally {
    // Saved whatever happens: the QEMU cache is worth keeping even when the build fails.
    saveState({ qemuCache, publish })
    await rm(scratch, { recursive: true, force: true })
  }
  core.setOutput('image', `${build.image.registry}/${build.image.repository}`)
  core.setOutput('tags', tags.join(','))
  if (publish) {
    core.setOutput('platform-digests', JSON.stringify(Object.fromEntries(publish.images.map(i => [i.platform, i.digest]))))
    if (publish.digest) {
      core.setOutput('digest', publish.digest)
      core.info(`Index ${publish.digest}: the post step publishes it as ${tags.join(', ')} once the job has succeeded`)
    } else {
      core.info(`The post step stages ${share.map(formatPlatform).join(', ')} once the job has succeeded; the job of this run that stages the last platform publishes the index as ${tags.join(', ')}`)
    }
  }
  await writeSummary(renderSummary({ ...facts, pipeline, index: publish?.digest ? { digest: publish.digest, tags, pushed: false } : undefined }))
}

/** The release a matrix job belongs to: this run, these tags, all these platforms. */
function release(tags: readonly string[], all: readonly Platform[], mode: BuildInputs['mode'] = 'auto'): NonNullable<PublishState['release']> {
  const runId = process.env.GITHUB_RUN_ID
  if (!runId) throw new ArchwayError('GITHUB_RUN_ID is not set; a matrix of jobs (the build input) is coordinated per workflow run')
  return { key: releaseKey(runId, tags, all), attempt: process.env.GITHUB_RUN_ATTEMPT ?? '1', platforms: all.map(formatPlatform), publish: mode !== 'stage' }
}

/** `mode: merge`: a job of its own that publishes what this run's jobs staged. */
async function merge(build: BuildInputs, all: readonly Platform[]): Promise<void> {
  const tags = build.tags.map(formatReference)
  const r = release(tags, all)
  const annotations = indexAnnotations(build.annotations, await runnerFacts())
  const outcome = await core.group('Publish the index from the staged platforms', async () => {
    const o = await mergeStaged(targetsOf(build), releaseOf(r), annotations, build)
    o.lines.forEach(line => core.info(line))
    return o
  })
  const index = outcome.index!
  core.setOutput('image', `${build.image.registry}/${build.image.repository}`)
  core.setOutput('tags', tags.join(','))
  core.setOutput('digest', index.digest)
  core.setOutput('platform-digests', JSON.stringify(Object.fromEntries(outcome.images!.map(i => [formatPlatform(i.platform), i.manifest.digest]))))
  await writeSummary(`**Archway**: index \`${index.digest}\` published as ${tags.map(t => `\`${t}\``).join(', ')} from the platforms this run staged.\n`)
}

async function setUpEmulation(inputs: Inputs, platforms: readonly Platform[], host: 'amd64' | 'arm64'): Promise<SummaryFacts['emulation']> {
  const needed = emulatorsNeeded(platforms, host)
  if (needed.length === 0) {
    core.info(`Every platform to build (${platforms.map(formatPlatform).join(', ')}) runs natively on this ${host} host; no emulation set up`)
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

async function publishState(build: BuildInputs, pipeline: PipelineResult | undefined, share: readonly Platform[], release?: PublishState['release']): Promise<PublishState> {
  const results = pipeline?.platforms ?? []
  const images = results.flatMap(r => (r.published ? [{ platform: r.platform, manifest: r.published.descriptor }] : []))
  if (images.length !== share.length) throw new ArchwayError('not every platform was pushed; no index')
  const annotations = indexAnnotations(build.annotations, await runnerFacts())
  const state = { targets: targetsOf(build), images: images.map(({ platform, manifest: m }) => ({ platform: formatPlatform(platform), mediaType: m.mediaType, digest: m.digest, size: m.size })), annotations }
  // One job with every platform knows its index now; a matrix job learns it only when the last platform is staged.
  return release ? { ...state, release } : { ...state, digest: buildIndex(images, annotations).digest }
}
