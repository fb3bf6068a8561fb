/**
 * The build plan for the engine and builder at hand; then per platform, as soon as its image is
 * in its OCI layout and in the engine: the tests inside it, the architecture check, and (when
 * asked) the push by digest. Nothing is pushed unless every platform passed, so a failure
 * anywhere moves nothing.
 */

import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { availableParallelism, freemem } from 'node:os'
import { join } from 'node:path'
import * as core from '@actions/core'
import { grouped, printGroup } from './action/log-group.js'
import { testTimes } from './action/summary.js'
import { requireAttestation, wantsAttestation } from './build/attestations.js'
import { buildEach } from './build/build.js'
import { type EmulationCost, emulationCost, type StepCost } from './build/cost.js'
import { costLines } from './build/cost-report.js'
import { type BuildHost, builderPushTarget } from './build/host.js'
import { type BuildPlan, buildsAtOnce, describePlan, localRef, planBuild, platformSlug, pushedTo } from './build/plan.js'
import { nodeOf, recordedRunSteps } from './docker/build-record.js'
import { docker, type EngineInfo } from './docker/engine.js'
import { type CrashSignal, runTest, type TestResult } from './docker/test-run.js'
import type { Swap } from './emulation/emulation.js'
import { crashedBuildPlatform } from './image-test/emulator-crash.js'
import type { BuildInputs } from './inputs/inputs.js'
import { connect, targetsOf } from './inputs/registries.js'
import type { PlatformImage } from './oci/layout.js'
import { attachProvenance, imagePurl } from './publish/provenance.js'
import { type Published, prepareImage, pushImage } from './publish/push-image.js'
import { mapLimit, quiet, settled } from './shared/concurrency.js'
import { ArchwayError, errorMessage } from './shared/errors.js'
import { formatPlatform, needsEmulation } from './shared/platform.js'
import type { Platform } from './shared/platform-table.js'
import { type ArchReport, archFailure, archLogLine, archOk, verifyImageArch } from './verify/arch.js'

export interface PlatformResult {
  readonly platform: Platform
  readonly buildSeconds: number
  /** True when one build served every platform (its time is shared). */
  readonly sharedBuild: boolean
  readonly test?: TestResult
  /** When the test crashed under emulation and ran again under another QEMU: the first crash's signal and the two versions. */
  readonly retry?: Retry
  readonly arch?: ArchReport
  readonly published?: Published
  /** The builder's node that built it (from BuildKit's record of the build), when buildx named it. */
  readonly node?: string
}

export interface Retry {
  readonly signal: CrashSignal
  readonly from: string
  readonly to: string
}

/** The warning's advice when another QEMU did what the first could not. */
const pinAdvice = (name: string, version: string) => `to use that QEMU for ${name} from the start: qemu-version: ${name}=${version}`

export interface PipelineResult {
  readonly engine: EngineInfo
  readonly plan: BuildPlan
  readonly platforms: readonly PlatformResult[]
  /** What the builds' RUN steps cost per platform they ran as, when a platform is emulated and BuildKit's records could be read. */
  readonly cost?: EmulationCost
}

const seconds = (since: number) => (Date.now() - since) / 1000

/** A local tag no one else uses: the build is loaded into the engine under it. Pure. */
export function localTag(repository: string, env: NodeJS.ProcessEnv = process.env, pid = process.pid): string {
  const name = repository
    .split('/')
    .pop()!
    .replace(/[^a-z0-9._-]/g, '-')
  return `archway.local/${name}:${env.GITHUB_RUN_ID ?? 'run'}-${env.GITHUB_RUN_ATTEMPT ?? '1'}-${pid}`
}

/** Pushes run this many platforms at once. */
const PARALLEL = Math.max(2, availableParallelism())

/** The memory free for builds: what the kernel says is available (cgroup limits included where Node reads them). */
const availableMemory = () => (process as { availableMemory?: () => number }).availableMemory?.() ?? freemem()

export interface PipelineOptions {
  /** Where the pipeline keeps its scratch folder (the OCI layouts) while it runs: the runner's RUNNER_TEMP. */
  readonly tempDir: string
  /** The QEMU each emulated platform runs under, for the hint when its test crashes. */
  readonly qemuVersions: ReadonlyMap<string, string>
  /** Platforms that run under emulation on this host. */
  readonly emulated: ReadonlySet<string>
  /** This host's architecture: what runs emulated here (needsEmulation), for a build step of a target or of another platform (`FROM --platform=...`). */
  readonly machine: 'amd64' | 'arm64'
  /** The engine and builder, as asked before anything was set up (see build-host.ts). */
  readonly host: BuildHost
  /** Registers another QEMU for a platform whose test crashed under emulation (emulation.ts, swapEmulator). */
  readonly swapEmulator?: (platform: Platform, log: (line: string) => void) => Promise<Swap | undefined>
}

export async function runPipeline(b: BuildInputs, platforms: readonly Platform[], o: PipelineOptions): Promise<PipelineResult> {
  const { engine, builder } = o.host
  core.info(`Docker ${engine.version}, ${engine.store} image store, builder ${builder.name} (${builder.driver} driver)`)
  const cores = availableParallelism()
  const plan = planBuild(
    engine,
    builder,
    platforms,
    cores,
    availableMemory(),
    o.emulated,
    wantsAttestation(b),
    builderPushTarget(b, builder)
  )
  core.info(describePlan(plan))
  const tag = localTag(b.image.repository)
  await mkdir(o.tempDir, { recursive: true })
  const scratch = await mkdtemp(join(o.tempDir, 'archway-'))
  const engineNames = new Set<string>()
  try {
    // The tests, emulated work too, run as many at once as builds would.
    const testsAtOnce = buildsAtOnce(platforms.length, cores, availableMemory())
    return { engine, plan, ...(await buildTestPush(b, plan, { ...o, scratch, testsAtOnce, engineNames }, tag)) }
  } finally {
    await removeLocalImages([...new Set(platforms.map(p => localRef(plan, tag, p))), ...engineNames])
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
  plan: BuildPlan,
  o: PipelineOptions & { scratch: string; testsAtOnce: number; engineNames: Set<string> },
  tag: string
): Promise<{ platforms: PlatformResult[]; cost?: EmulationCost }> {
  const notes = (p: Platform) => b.annotations.manifest[formatPlatform(p)] ?? {}
  // The layers are compressed for the push while the tests run. A failed check stops every
  // compression under way (nothing will be pushed); a platform whose crashed test passes again
  // under another QEMU is compressed before its push instead.
  const stopPreparing = new AbortController()
  const prepare = (p: Platform, image: PlatformImage, signal?: AbortSignal) =>
    prepareImage(image, join(o.scratch, platformSlug(p)), notes(p), signal)
  // BuildKit's records of the builds are read for the emulation-cost report as soon as each build ends.
  const records = new Map<string, Promise<StepCost[]>>()
  const readRecord = (ref: string) => {
    if (!records.has(ref)) records.set(ref, quiet(recordedRunSteps(ref)))
  }

  const checked = await buildAgainAfterACrash(o, () =>
    buildEach({ plan, b, tag, scratch: o.scratch, parallel: o.testsAtOnce, engineNames: o.engineNames }, built =>
      grouped(`Test and verify ${formatPlatform(built.platform)}`, async log => {
        const { platform: p } = built
        if (o.emulated.size > 0 && built.recordRef) readRecord(built.recordRef)
        // The test runs in the engine as soon as the image is there; the architecture check and the
        // compression read the layout once it is written; all end before any error is thrown.
        // The test's lines follow the image's in the group, whichever comes first.
        const testLines: string[] = []
        const testing = b.test ? runTest(built.imageId, p, b.test, line => testLines.push(line)) : Promise.resolve(undefined)
        const inLayout = built.layout.then(({ image, notes }) => {
          log(
            `Image ${image.descriptor.digest} (${image.manifest.layers.length} layers)${built.recordRef ? `, built on node ${nodeOf(built.recordRef)}` : ''}`
          )
          for (const note of notes) log(note)
          return image
        })
        const verifying = inLayout.then(image => (b.verifyArch ? verifyImageArch(image, { ignore: b.verifyArchIgnore }) : undefined))
        // Another platform's failed check can stop it before it is awaited here.
        const preparing = quiet(b.push ? inLayout.then(image => prepare(p, image, stopPreparing.signal)) : Promise.resolve(undefined))
        const [tested, verified] = await Promise.allSettled([testing, verifying])
        for (const line of testLines) log(line)
        if (tested.status === 'rejected' || verified.status === 'rejected' || !passed(tested.value, verified.value)) stopPreparing.abort()
        const prepared = await settled(preparing)
        if (tested.status === 'rejected') throw tested.reason
        if (verified.status === 'rejected') throw verified.reason
        if (prepared.status === 'rejected' && !stopPreparing.signal.aborted) throw prepared.reason
        const [test, arch] = [tested.value, verified.value]
        if (test) log(`Test ${test.outcome.kind} in ${test.seconds.toFixed(1)} s`)
        if (arch) log(archLogLine(arch))
        return {
          platform: p,
          image: await inLayout,
          imageId: built.imageId,
          test,
          retry: undefined as Retry | undefined,
          arch,
          prepared: prepared.status === 'fulfilled' ? prepared.value : undefined,
          buildSeconds: built.buildSeconds,
          sharedBuild: built.sharedBuild,
          recordRef: built.recordRef
        }
      })
    )
  )

  // A crash under emulation runs once more under another QEMU, once every other test has ended.
  for (const [i, c] of checked.entries()) {
    const name = formatPlatform(c.platform)
    const crash = c.test?.outcome
    if (crash?.kind !== 'crashed' || !o.emulated.has(name) || !o.swapEmulator || !b.test) continue
    const again = await grouped(`Test ${name} again under another QEMU`, async log => {
      log(`The test crashed with ${crash.signal} under QEMU ${o.qemuVersions.get(name) ?? '(unknown)'}`)
      const swap = await o.swapEmulator!(c.platform, log)
      if (!swap) {
        log('The archive holds no other QEMU to try')
        return undefined
      }
      const test = await runTest(c.imageId, c.platform, b.test!, log)
      log(`Test ${test.outcome.kind} in ${test.seconds.toFixed(1)} s under QEMU ${swap.to}`)
      return { test, retry: { signal: crash.signal, from: swap.from, to: swap.to } }
    })
    if (!again) continue
    checked[i] = { ...c, ...again }
    if (again.test.outcome.kind === 'passed')
      core.warning(
        `${name}: the test crashed under QEMU ${again.retry.from} and passed under QEMU ${again.retry.to}; ${pinAdvice(name, again.retry.to)}`
      )
  }

  const cost = o.emulated.size > 0 ? await measureCost(checked, o, records) : undefined
  const report = cost ? costLines(cost, testTimes(checked)) : []
  if (report.length) printGroup('What emulation cost', report)

  const failures = checked.flatMap(c => failureLines(c, o))
  if (failures.length > 0) throw new ArchwayError(`${failures.join('; ')}. ${nothingPublished(plan)}`)

  const published = new Map<string, Published>()
  if (b.push) {
    const prepared = await mapLimit(checked, PARALLEL, async c => c.prepared ?? prepare(c.platform, c.image))
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
            const versions = target.tags.length > 0 ? target.tags : [d.descriptor.digest]
            const names = versions.map(v => imagePurl(target.registry, target.repository, v, formatPlatform(c.platform)))
            const a = await attachProvenance(client, target.repository, attestations[i], d.descriptor, names)
            log(`Attestations ${a.referrer.digest} attached to ${d.descriptor.digest} as an OCI referrer (${a.via})`)
          }
          return d
        })
      )
      for (const [i, c] of checked.entries()) published.set(formatPlatform(c.platform), docs[i])
    }
  }
  const platforms = checked.map(c => ({
    platform: c.platform,
    buildSeconds: c.buildSeconds,
    sharedBuild: c.sharedBuild,
    test: c.test,
    retry: c.retry,
    arch: c.arch,
    published: published.get(formatPlatform(c.platform)),
    node: c.recordRef ? nodeOf(c.recordRef) : undefined
  }))
  return { platforms, cost }
}

/**
 * What the builds' RUN steps cost per platform they ran as, read from BuildKit's record of each
 * build; undefined, with a line saying why, when a record cannot be read (it is a report: the
 * job goes on).
 */
async function measureCost(
  built: readonly { platform: Platform; recordRef?: string }[],
  o: Pick<PipelineOptions, 'machine'>,
  reads: ReadonlyMap<string, Promise<StepCost[]>>
): Promise<EmulationCost | undefined> {
  const refs = [...new Set(built.flatMap(b => (b.recordRef ? [b.recordRef] : [])))]
  if (refs.length === 0) {
    core.info('What emulation cost is not shown: buildx gave no reference of its record of the build')
    return undefined
  }
  try {
    const steps = await Promise.all(refs.map(ref => reads.get(ref) ?? recordedRunSteps(ref)))
    // A target or a stage's other platform (`FROM --platform=...`): emulated by the same rule.
    return emulationCost(steps.flat(), p => needsEmulation(p, o.machine))
  } catch (err) {
    core.info(`What emulation cost is not shown: BuildKit's record of the build could not be read (${errorMessage(err)})`)
    return undefined
  }
}

/** What a failed check leaves in the registry, for its error. Pure. */
function nothingPublished(plan: BuildPlan): string {
  if (plan.kind !== 'pushed' && plan.kind !== 'pushed-each') return 'Nothing was pushed.'
  return `Nothing was tagged: what the builder pushed to ${pushedTo(plan.pushTo)} stays by digest only, untagged, for the registry's garbage collection.`
}

/** Whether a platform's checks passed: its test (when there is one) and its architecture check (when asked). Pure. */
const passed = (test?: TestResult, arch?: ArchReport) => (!test || test.outcome.kind === 'passed') && (!arch || archOk(arch))

/**
 * The build plan carried out; when a build step of one emulated platform crashed (emulator-crash.ts),
 * once more with another QEMU registered for that platform's emulator: passing, with a warning
 * giving the per-platform pin; failing again, with an error naming both versions.
 */
async function buildAgainAfterACrash<T>(o: PipelineOptions, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (err) {
    const p = o.swapEmulator ? crashedBuildPlatform(err, o.emulated) : undefined
    if (!p || !o.swapEmulator) throw err
    const name = formatPlatform(p)
    const from = o.qemuVersions.get(name) ?? '(unknown)'
    const swap = await grouped(`Build ${name} again under another QEMU`, async log => {
      log(`A build step for ${name} crashed under QEMU ${from}`)
      return o.swapEmulator!(p, log)
    })
    if (!swap) throw err
    try {
      const done = await work()
      core.warning(
        `${name}: a build step crashed under QEMU ${from} and the build passed under QEMU ${swap.to}; ${pinAdvice(name, swap.to)}`
      )
      return done
    } catch (again) {
      throw new ArchwayError(
        `The build of ${name} crashed under QEMU ${from}, and under QEMU ${swap.to} it failed again: ${errorMessage(again)}`,
        {
          cause: again
        }
      )
    }
  }
}

/** Why a platform failed, one clause each; none when it passed. Pure. */
export function failureLines(
  c: { platform: Platform; test?: TestResult; retry?: Retry; arch?: ArchReport },
  o: Pick<PipelineOptions, 'qemuVersions' | 'emulated'>
): string[] {
  const name = formatPlatform(c.platform)
  const out: string[] = []
  const tail = (t: TestResult) => (t.tail.length ? `; last lines: ${t.tail.slice(-5).join(' | ')}` : '')
  const t = c.test
  if (t?.outcome.kind === 'failed') out.push(`Tests failed on ${name} with exit code ${t.outcome.exitCode}${tail(t)}`)
  if (t?.outcome.kind === 'crashed' && c.retry) {
    out.push(
      `Tests crashed on ${name} with ${c.retry.signal} under QEMU ${c.retry.from}, and again with ${t.outcome.signal} (exit code ${t.outcome.exitCode}) under QEMU ${c.retry.to}: not an emulator bug of one version${tail(t)}`
    )
  } else if (t?.outcome.kind === 'crashed') {
    const emulated = o.emulated.has(name)
    const hint = emulated
      ? ` under QEMU ${o.qemuVersions.get(name) ?? '(unknown)'}; an emulator crash depends on the QEMU version: try another qemu-version for it (${name}=latest, ${name}=7.2, or stable, 10.0, ... for every platform)`
      : ''
    out.push(`Tests crashed on ${name} with ${t.outcome.signal} (exit code ${t.outcome.exitCode})${hint}${tail(t)}`)
  }
  if (c.arch && !archOk(c.arch)) out.push(`Architecture check failed: ${archFailure(c.arch)}`)
  return out
}
