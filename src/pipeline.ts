/**
 * The stages of a build, in order: the build plan for the engine and builder at hand; then per
 * platform, as soon as its image is in its OCI layout and in the engine, its checks (the tests
 * inside it and the architecture check); a crashed test once more under another QEMU; what
 * emulation cost; the gate; and (when asked) the push by digest. Nothing is pushed unless every
 * platform passed, so a failure anywhere moves nothing.
 */

import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { availableParallelism, freemem } from 'node:os'
import { join } from 'node:path'
import * as core from '@actions/core'
import { grouped, printGroup } from './action/log-group.js'
import type { PipelineResult, PlatformResult } from './action/results.js'
import { buildAgainAfterACrash } from './build/after-crash.js'
import { wantsAttestation } from './build/attestations.js'
import { buildEach } from './build/build.js'
import { BuildRecords } from './build/cost-records.js'
import { costLines, testTimes } from './build/cost-report.js'
import { type BuildHost, builderPushTarget } from './build/host.js'
import { buildsAtOnce, describePlan, localRef, planBuild, platformSlug } from './build/plan.js'
import { nodeOf } from './docker/build-record.js'
import { docker } from './docker/engine.js'
import type { CrashRecovery } from './emulation/emulator-crash.js'
import { testAgainAfterCrashes } from './image-test/after-crash.js'
import { checkPlatform } from './image-test/check.js'
import { requireAllPassed } from './image-test/failures.js'
import type { BuildInputs } from './inputs/inputs.js'
import type { PlatformImage } from './oci/layout.js'
import { prepareImage } from './publish/push-image.js'
import { pushPlatforms } from './publish/push-platforms.js'
import { formatPlatform, type RunnerArch } from './shared/platform.js'
import type { Platform } from './shared/platform-table.js'

/** A local tag no one else uses: the build is loaded into the engine under it. Pure. */
export function localTag(repository: string, env: NodeJS.ProcessEnv = process.env, pid = process.pid): string {
  const name = repository
    .split('/')
    .pop()!
    .replace(/[^a-z0-9._-]/g, '-')
  return `archway.local/${name}:${env.GITHUB_RUN_ID ?? 'run'}-${env.GITHUB_RUN_ATTEMPT ?? '1'}-${pid}`
}

/** The memory free for builds: what the kernel says is available (cgroup limits included where Node reads them). */
const availableMemory = () => (process as { availableMemory?: () => number }).availableMemory?.() ?? freemem()

export interface PipelineOptions extends CrashRecovery {
  /** Where the pipeline keeps its scratch folder (the OCI layouts) while it runs: the runner's RUNNER_TEMP. */
  readonly tempDir: string
  /** The runner's own architecture: what runs emulated here (needsEmulation), for a build step of a target or of another platform (`FROM --platform=...`). */
  readonly runnerArch: RunnerArch
  /** The engine and builder, as asked before anything was set up (see build/host.ts). */
  readonly host: BuildHost
}

export async function runPipeline(b: BuildInputs, platforms: readonly Platform[], o: PipelineOptions): Promise<PipelineResult> {
  const { engine, builder } = o.host
  core.info(`Docker ${engine.version}, ${engine.store} image store, builder ${builder.name} (${builder.driver} driver)`)
  const cores = availableParallelism()
  const memory = availableMemory()
  const plan = planBuild(engine, builder, platforms, cores, memory, o.emulated, wantsAttestation(b), builderPushTarget(b, builder))
  core.info(describePlan(plan))
  const tag = localTag(b.image.repository)
  await mkdir(o.tempDir, { recursive: true })
  const scratch = await mkdtemp(join(o.tempDir, 'archway-'))
  const engineNames = new Set<string>()
  // The tests, emulated work too, run as many at once as builds would.
  const run = { plan, b, tag, scratch, parallel: buildsAtOnce(platforms.length, cores, memory), engineNames }
  try {
    // The layers are compressed for the push while the tests run; a platform whose crashed test
    // passes again under another QEMU is compressed before its push instead.
    const stopPreparing = new AbortController()
    const prepare = (p: Platform, image: PlatformImage, signal?: AbortSignal) =>
      prepareImage(image, join(scratch, platformSlug(p)), b.annotations.manifest[formatPlatform(p)] ?? {}, signal)
    // BuildKit's records of the builds are read for the emulation-cost report as soon as each build ends.
    const records = new BuildRecords()
    const firstChecks = await buildAgainAfterACrash(o, () =>
      buildEach(run, built =>
        grouped(`Test and verify ${formatPlatform(built.platform)}`, log => {
          if (o.emulated.size > 0 && built.recordRef) records.read(built.recordRef)
          const preparing = b.push ? (image: PlatformImage, signal: AbortSignal) => prepare(built.platform, image, signal) : undefined
          return checkPlatform(built, b, log, preparing, stopPreparing)
        })
      )
    )
    const checked = await testAgainAfterCrashes(firstChecks, b.test, o)

    const cost = o.emulated.size > 0 ? await records.cost(checked, o.runnerArch) : undefined
    const report = cost ? costLines(cost, testTimes(checked)) : []
    if (report.length) printGroup('What emulation cost', report)

    requireAllPassed(checked, plan, o)
    const published = b.push ? await pushPlatforms(b, checked, prepare) : undefined
    const results: PlatformResult[] = checked.map(c => ({
      platform: c.platform,
      buildSeconds: c.buildSeconds,
      sharedBuild: c.sharedBuild,
      test: c.test,
      retry: c.retry,
      arch: c.arch,
      published: published?.get(formatPlatform(c.platform)),
      node: c.recordRef ? nodeOf(c.recordRef) : undefined
    }))
    return { engine, plan, platforms: results, cost }
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
