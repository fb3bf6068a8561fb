/**
 * Build every platform, then per platform: save its OCI layout, run the tests inside it,
 * verify its architecture, and (when asked) push it by digest. Nothing is pushed unless
 * every platform passed, so a failure anywhere moves nothing.
 */

import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import * as core from '@actions/core'
import { checkAttestationStore, requireAttestation, wantsAttestation } from './attestations.js'
import { mapLimit } from './concurrency.js'
import { buildArgv } from './docker/buildx.js'
import { docker, type EngineInfo, engineInfo } from './docker/engine.js'
import { withSecretFiles } from './docker/secret-files.js'
import { runTest, type TestResult } from './docker/test-run.js'
import { ArchwayError } from './errors.js'
import { run } from './exec.js'
import type { BuildInputs } from './inputs.js'
import { findPlatformImage, type PlatformImage } from './oci/layout.js'
import { formatPlatform, type Platform } from './platform.js'
import { attachProvenance } from './publish/provenance.js'
import { type Published, prepareImage, pushImage } from './publish/push-image.js'
import { connect, targetsOf } from './registries.js'
import { type ArchReport, archFailure, archOk, verifyImageArch } from './verify/arch.js'

export interface PlatformResult {
  readonly platform: Platform
  readonly buildSeconds: number
  /** True when one build served every platform (its time is shared). */
  readonly sharedBuild: boolean
  readonly test?: TestResult
  readonly arch?: ArchReport
  readonly published?: Published
}

export interface PipelineResult {
  readonly engine: EngineInfo
  readonly platforms: readonly PlatformResult[]
}

const seconds = (since: number) => (Date.now() - since) / 1000
const keyOf = (p: Platform) =>
  formatPlatform(p)
    .replace(/^linux\//, '')
    .replace(/\//g, '')

/** A local tag no one else uses: the build is loaded into the engine under it. Pure. */
export function localTag(repository: string, env: NodeJS.ProcessEnv = process.env, pid = process.pid): string {
  const name = repository
    .split('/')
    .pop()!
    .replace(/[^a-z0-9._-]/g, '-')
  return `archway.local/${name}:${env.GITHUB_RUN_ID ?? 'run'}-${env.GITHUB_RUN_ATTEMPT ?? '1'}-${pid}`
}

interface Built {
  readonly ref: (p: Platform) => string
  readonly seconds: (p: Platform) => number
  readonly shared: boolean
}

/** One build for every platform on the containerd store with buildx's default builder; one per platform otherwise. Pure. */
const oneBuild = (b: BuildInputs, engine: EngineInfo) => engine.store === 'containerd' && !b.builder

/** The local tag a platform's build is loaded under: the one tag of a shared build, or one of its own. Pure. */
const localRef = (shared: boolean, tag: string, p: Platform) => (shared ? tag : `${tag}-${keyOf(p)}`)

async function buildAll(
  b: BuildInputs,
  platforms: readonly Platform[],
  engine: EngineInfo,
  tag: string,
  secretFiles: ReadonlyMap<string, string>
): Promise<Built> {
  if (oneBuild(b, engine)) {
    const started = Date.now()
    await core.group(`Build ${platforms.map(formatPlatform).join(', ')} (one build, containerd image store)`, () =>
      docker(buildArgv(b, platforms, tag, secretFiles), { echo: true })
    )
    const took = seconds(started)
    core.info(`Built ${platforms.length} platform(s) in ${took.toFixed(1)} s`)
    return { ref: p => localRef(true, tag, p), seconds: () => took, shared: true }
  }
  const took = new Map<string, number>()
  for (const p of platforms) {
    const started = Date.now()
    await core.group(`Build ${formatPlatform(p)}`, () => docker(buildArgv(b, [p], localRef(false, tag, p), secretFiles), { echo: true }))
    took.set(formatPlatform(p), seconds(started))
  }
  return { ref: p => localRef(false, tag, p), seconds: p => took.get(formatPlatform(p)) ?? 0, shared: false }
}

/**
 * `docker save`, unpacked: the OCI layout the tests' checks and the push read. On the
 * containerd store one save holds every platform (through its nested index); on the classic
 * store, or with per-platform builds, each platform's tag is saved on its own.
 */
async function saveLayouts(built: Built, platforms: readonly Platform[], scratch: string): Promise<Map<string, PlatformImage>> {
  const groups = new Map<string, Platform[]>()
  for (const p of platforms) groups.set(built.ref(p), [...(groups.get(built.ref(p)) ?? []), p])
  const out = new Map<string, PlatformImage>()
  let n = 0
  for (const [ref, members] of groups) {
    const dir = join(scratch, `layout-${n++}`)
    await mkdir(dir, { recursive: true })
    const tar = `${dir}.tar`
    await docker(['save', '-o', tar, ref])
    await run('tar', ['-xf', tar, '-C', dir])
    await rm(tar, { force: true })
    for (const p of members) out.set(formatPlatform(p), await findPlatformImage(dir, p))
  }
  return out
}

/** Runs `work` with its log lines held back, then prints them as one group: groups of parallel work stay whole. */
async function grouped<T>(name: string, work: (log: (line: string) => void) => Promise<T>): Promise<T> {
  const lines: string[] = []
  try {
    return await work(line => lines.push(line))
  } finally {
    core.startGroup(name)
    for (const line of lines) core.info(line)
    core.endGroup()
  }
}

/** Tests and pushes run this many platforms at once. */
const PARALLEL = Math.max(2, availableParallelism())

export interface PipelineOptions {
  /** Where the pipeline keeps its scratch folder (the OCI layouts) while it runs: the runner's RUNNER_TEMP. */
  readonly tempDir: string
  /** The QEMU in use, for the hint when an emulated test crashes. */
  readonly qemuVersion?: string
  /** Platforms that run under emulation on this host. */
  readonly emulated: ReadonlySet<string>
}

export async function runPipeline(b: BuildInputs, platforms: readonly Platform[], o: PipelineOptions): Promise<PipelineResult> {
  const engine = await engineInfo()
  core.info(`Docker ${engine.version}, ${engine.store} image store${b.builder ? `, builder ${b.builder}` : ''}`)
  checkAttestationStore(b, engine.store)
  const tag = localTag(b.image.repository)
  await mkdir(o.tempDir, { recursive: true })
  const scratch = await mkdtemp(join(o.tempDir, 'archway-'))
  try {
    return await buildTestPush(b, platforms, { ...o, scratch }, engine, tag)
  } finally {
    await removeLocalImages([...new Set(platforms.map(p => localRef(oneBuild(b, engine), tag, p)))])
    await rm(scratch, { recursive: true, force: true })
  }
}

/**
 * The local tags the build loaded are only Archway's (nobody else knows their names): they
 * are removed when the pipeline ends, whatever its outcome, so runs do not pile images up
 * on a long-lived (self-hosted) runner. The build cache keeps the layers.
 */
async function removeLocalImages(refs: readonly string[]): Promise<void> {
  const out = await docker(['image', 'rm', ...refs], { allowFailure: true })
  if (out.exitCode !== 0 && !/No such image/i.test(out.stderr))
    core.info(`Could not remove the local images ${refs.join(', ')}: ${out.stderr.trim()}`)
}

async function buildTestPush(
  b: BuildInputs,
  platforms: readonly Platform[],
  o: PipelineOptions & { scratch: string },
  engine: EngineInfo,
  tag: string
): Promise<PipelineResult> {
  const built = await withSecretFiles(b.settings.secrets, join(o.scratch, 'secrets'), files => buildAll(b, platforms, engine, tag, files))

  const layouts = await core.group('Save each platform as an OCI layout', async () => {
    const started = Date.now()
    const l = await saveLayouts(built, platforms, o.scratch)
    core.info(`Saved in ${seconds(started).toFixed(1)} s`)
    return l
  })
  const checked = await mapLimit(platforms, PARALLEL, p =>
    grouped(`Test and verify ${formatPlatform(p)}`, async log => {
      const image = layouts.get(formatPlatform(p))!
      log(`Image ${image.descriptor.digest} (${image.manifest.layers.length} layers)`)
      const test = b.test ? await runTest(built.ref(p), p, b.test, log) : undefined
      if (test) log(`Test ${test.outcome.kind} in ${test.seconds.toFixed(1)} s`)
      const arch = b.verifyArch ? await verifyImageArch(image) : undefined
      if (arch)
        log(
          archOk(arch)
            ? `Architecture: ${arch.elfChecked} ELF files of ${arch.filesChecked} files are all ${arch.expected}`
            : `Architecture: ${archFailure(arch)}`
        )
      return { platform: p, image, test, arch }
    })
  )

  const failures = checked.flatMap(c => failureLines(c, o))
  if (failures.length > 0) throw new ArchwayError(`${failures.join('; ')}. Nothing was pushed.`)

  const published = new Map<string, Published>()
  if (b.push) {
    const notes = (p: Platform) => b.annotations.manifest[formatPlatform(p)] ?? {}
    const prepared = await mapLimit(checked, PARALLEL, c => prepareImage(c.image, join(o.scratch, keyOf(c.platform)), notes(c.platform)))
    const attestations = wantsAttestation(b) ? await mapLimit(checked, PARALLEL, c => requireAttestation(c.image)) : undefined
    for (const target of targetsOf(b)) {
      const client = await connect(target.registry, b)
      const docs = await mapLimit(checked, PARALLEL, (c, i) =>
        grouped(`Push ${formatPlatform(c.platform)} to ${target.registry}/${target.repository}`, async log => {
          const started = Date.now()
          const d = await pushImage(client, target.repository, prepared[i])
          log(`Pushed ${d.descriptor.digest} (${d.compressedSize} bytes) in ${seconds(started).toFixed(1)} s`)
          const added = Object.keys(notes(c.platform)).length
          if (added)
            log(
              `Its manifest is the tested image's (${c.image.descriptor.digest}) with ${added} annotations, over the same config and layer contents`
            )
          if (attestations) {
            const a = await attachProvenance(client, target.repository, attestations[i], d.descriptor)
            log(`Attestations ${a.referrer.digest} attached to ${d.descriptor.digest} as an OCI referrer (${a.via})`)
          }
          return d
        })
      )
      for (const [i, c] of checked.entries()) published.set(formatPlatform(c.platform), docs[i])
    }
  }
  return {
    engine,
    platforms: checked.map(c => ({
      platform: c.platform,
      buildSeconds: built.seconds(c.platform),
      sharedBuild: built.shared,
      test: c.test,
      arch: c.arch,
      published: published.get(formatPlatform(c.platform))
    }))
  }
}

/** Why a platform failed, one clause each; none when it passed. Pure. */
export function failureLines(
  c: { platform: Platform; test?: TestResult; arch?: ArchReport },
  o: Pick<PipelineOptions, 'qemuVersion' | 'emulated'>
): string[] {
  const name = formatPlatform(c.platform)
  const out: string[] = []
  const tail = (t: TestResult) => (t.tail.length ? `; last lines: ${t.tail.slice(-5).join(' | ')}` : '')
  const t = c.test
  if (t?.outcome.kind === 'failed') out.push(`Tests failed on ${name} with exit code ${t.outcome.exitCode}${tail(t)}`)
  if (t?.outcome.kind === 'crashed') {
    const emulated = o.emulated.has(name)
    const hint = emulated
      ? ` under QEMU ${o.qemuVersion ?? '(unknown)'}; an emulator crash depends on the QEMU version: try another qemu-version (stable, latest, 10.0, 7.2)`
      : ''
    out.push(`Tests crashed on ${name} with ${t.outcome.signal} (exit code ${t.outcome.exitCode})${hint}${tail(t)}`)
  }
  if (c.arch && !archOk(c.arch)) out.push(`Architecture check failed: ${archFailure(c.arch)}`)
  return out
}
