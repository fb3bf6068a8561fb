/** The main step: the inputs, then emulation, then build, test, verify and push; the post step publishes. */
import * as core from '@actions/core'
import { setImageOutputs, setPlatformsOutput, setQemuOutputs } from './action/outputs.js'
import type { PipelineResult } from './action/results.js'
import { type PublishState, saveState } from './action/state.js'
import { runStep } from './action/step.js'
import { renderSummary, writeSummary } from './action/summary.js'
import { type BuildHost, builderEmulatorsWarning, checkedBuildHost } from './build/host.js'
import { merge, startRelease } from './coordination/matrix.js'
import { emulateFor, type JobEmulation } from './emulation/job.js'
import { type BuildInputs, getInputs, type Inputs } from './inputs/inputs.js'
import { runPipeline } from './pipeline.js'
import { pendingPublish } from './publish/pending.js'
import { formatReference } from './registry/reference.js'
import { formatPlatform } from './shared/platform.js'
import { runnerTemp } from './shared/runner-temp.js'

export async function run(): Promise<void> {
  await runStep('Archway failed', () => main(getInputs()))
}

async function main(inputs: Inputs): Promise<void> {
  const { build, platforms: all } = inputs
  setPlatformsOutput(all)
  if (build?.mode === 'merge') return setImageOutputs(await merge(build, all))
  // The engine and builder are asked, and what they cannot do refused, before anything is set up.
  const buildHost = build ? await checkedBuildHost(build) : undefined
  // Recorded first, so that the window in which other jobs cannot see this one is as short as can be.
  const release = build?.share && build.push ? await startRelease(build, all, build.share) : undefined
  const job = await emulateFor(inputs, build?.share ?? all)
  if (job.emulation) setQemuOutputs(job.emulation.groups[0].setup.installed, job.qemuVersions)
  const facts = { platforms: all.map(formatPlatform), runnerArch: job.runnerArch, emulation: job.emulation }
  if (!build || !buildHost) {
    saveState({ qemuCaches: job.cacheEntries() })
    return writeSummary(renderSummary(facts))
  }
  let pipeline: PipelineResult | undefined
  let publish: PublishState | undefined
  try {
    pipeline = await buildAndPush(inputs, build, buildHost, job)
    if (build.push) publish = await pendingPublish(build, pipeline, all, release)
  } finally {
    // Saved whatever happens: the QEMU cache is worth keeping even when the build fails.
    saveState({ qemuCaches: job.cacheEntries(), publish })
    if (job.emulation && job.swaps.length > 0) setQemuOutputs(job.emulation.groups[0].setup.installed, job.qemuVersions)
  }
  setImageOutputs({ image: build.image, tags: build.tags, images: publish?.images, digest: publish?.digest })
  const index = publish?.digest ? { digest: publish.digest, tags: build.tags.map(formatReference), pushed: false } : undefined
  await writeSummary(renderSummary({ ...facts, pipeline, index }))
}

async function buildAndPush(inputs: Inputs, build: BuildInputs, host: BuildHost, job: JobEmulation): Promise<PipelineResult> {
  const stale = await builderEmulatorsWarning(host.builder, [...job.emulated])
  if (stale) core.warning(stale)
  return runPipeline(build, build.share ?? inputs.platforms, { ...job, tempDir: runnerTemp(), host })
}
