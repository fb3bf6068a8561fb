/** The main step: the inputs, then emulation, then build, test, verify and push; the post step publishes. */
import * as core from '@actions/core'
import { setImageOutputs, setPlatformsOutput, setQemuOutputs } from './action/outputs.js'
import { type PublishState, saveState } from './action/state.js'
import { runStep } from './action/step.js'
import { renderSummary, writeSummary } from './action/summary.js'
import { contextCredentialsWarning } from './build/context-credentials.js'
import { type BuildHost, builderEmulatorsWarning, checkBuildHost, inspectBuildHost } from './build/host.js'
import { merge, startRelease } from './coordination/matrix.js'
import { emulatedPlatforms, qemuVersionsOf, type Swap, setUpEmulation, swapEmulator } from './emulation/emulation.js'
import type { QemuSetup } from './emulation/qemu/setup.js'
import { type BuildInputs, getInputs, type Inputs } from './inputs/inputs.js'
import { type PipelineResult, runPipeline } from './pipeline.js'
import { pendingPublish } from './publish/pending.js'
import { formatReference } from './registry/reference.js'
import { formatPlatform, hostDebianArch } from './shared/platform.js'
import type { Platform } from './shared/platform-table.js'
import { runnerTemp } from './shared/runner-temp.js'

export async function run(): Promise<void> {
  await runStep('Archway failed', () => main(getInputs()))
}

async function main(inputs: Inputs): Promise<void> {
  const { build, platforms: all } = inputs
  setPlatformsOutput(all)
  if (!build) {
    const { facts, qemuCaches } = await emulate(inputs, all)
    saveState({ qemuCaches })
    return writeSummary(renderSummary(facts))
  }
  if (build.mode === 'merge') return merge(build, all)
  // The engine and builder are asked, and what they cannot do refused, before anything is set up.
  const buildHost = await inspectBuildHost(build.builder)
  checkBuildHost(build, buildHost)
  const leak = await contextCredentialsWarning(build.context, build.file)
  if (leak) core.warning(leak)
  return buildJob(inputs, build, buildHost)
}

/** QEMU and binfmt_misc for the platforms this job builds, and what the summary and post step need of them. */
async function emulate(inputs: Inputs, share: readonly Platform[]) {
  const host = hostDebianArch()
  const emulation = await setUpEmulation(inputs, share, host)
  const facts = { platforms: inputs.platforms.map(formatPlatform), host, emulation }
  const qemuCaches = cacheEntries((emulation?.groups ?? []).map(g => g.setup))
  return { host, emulation, facts, qemuCaches }
}

/** Each QEMU the Actions cache missed, to be saved by the post step under its own key. */
function cacheEntries(setups: readonly QemuSetup[]): { key: string; paths: readonly string[] }[] {
  return setups.flatMap(s => (s.saveKey ? [{ key: s.saveKey, paths: s.cachePaths }] : []))
}

async function buildJob(inputs: Inputs, build: BuildInputs, buildHost: BuildHost): Promise<void> {
  const share = build.share ?? inputs.platforms
  // Recorded first, so that the window in which other jobs cannot see this one is as short as can be.
  const release = build.share && build.push ? await startRelease(build, inputs.platforms, share) : undefined
  const { host, emulation, facts, qemuCaches } = await emulate(inputs, share)
  let pipeline: PipelineResult | undefined
  let publish: PublishState | undefined
  // The QEMU each platform runs under, kept current as a crash swaps one (see swapEmulator).
  const qemuVersions = qemuVersionsOf(emulation)
  const swaps: Swap[] = []
  try {
    const options = {
      tempDir: runnerTemp(),
      qemuVersions,
      emulated: emulatedPlatforms(share, host),
      machine: host,
      host: buildHost,
      swapEmulator: async (p: Platform, log: (line: string) => void) => {
        const swap = await swapEmulator(inputs, host, p, qemuVersions.get(formatPlatform(p)), log)
        if (swap) {
          swaps.push(swap)
          qemuVersions.set(swap.platform, swap.to)
        }
        return swap
      }
    }
    const stale = await builderEmulatorsWarning(buildHost.builder, [...options.emulated])
    if (stale) core.warning(stale)
    pipeline = await runPipeline(build, share, options)
    if (build.push) publish = await pendingPublish(build, pipeline, inputs.platforms, release)
  } finally {
    // Saved whatever happens: the QEMU cache is worth keeping even when the build fails.
    saveState({ qemuCaches: [...qemuCaches, ...cacheEntries(swaps.map(s => s.setup))], publish })
    if (emulation && swaps.length > 0) setQemuOutputs(emulation.groups[0].setup.installed, qemuVersions)
  }
  setImageOutputs({ image: build.image, tags: build.tags, images: publish?.images, digest: publish?.digest })
  const index = publish?.digest ? { digest: publish.digest, tags: build.tags.map(formatReference), pushed: false } : undefined
  await writeSummary(renderSummary({ ...facts, pipeline, index }))
}
