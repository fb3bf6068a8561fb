/** The main step: the inputs, then emulation, then build, test, verify and push; the post step publishes. */
import { tmpdir } from 'node:os'
import { checkAttestationEngine } from './attestations.js'
import { emulatedPlatforms, setUpEmulation } from './emulation.js'
import { getInputs, type Inputs } from './inputs.js'
import { setImageOutputs, setPlatformsOutput } from './outputs.js'
import { type PipelineResult, runPipeline } from './pipeline.js'
import { formatPlatform, hostDebianArch } from './platform.js'
import { merge } from './publish/matrix.js'
import { pendingPublish } from './publish/pending.js'
import { formatReference } from './registry/reference.js'
import { type PublishState, saveState } from './state.js'
import { runStep } from './step.js'
import { renderSummary, writeSummary } from './summary.js'

export async function run(): Promise<void> {
  await runStep('Archway failed', () => main(getInputs()))
}

async function main(inputs: Inputs): Promise<void> {
  const host = hostDebianArch()
  const { build, platforms: all } = inputs
  setPlatformsOutput(all)
  if (build?.mode === 'merge') return merge(build, all)
  if (build) await checkAttestationEngine(build)
  const share = build?.share ?? all
  const emulation = await setUpEmulation(inputs, share, host)
  const facts = { platforms: all.map(formatPlatform), host, emulation }
  const qemuCache = emulation?.setup.saveKey ? { key: emulation.setup.saveKey, paths: emulation.setup.cachePaths } : undefined
  if (!build) {
    saveState({ qemuCache })
    return writeSummary(renderSummary(facts))
  }

  let pipeline: PipelineResult | undefined
  let publish: PublishState | undefined
  try {
    const options = {
      tempDir: process.env.RUNNER_TEMP || tmpdir(),
      qemuVersion: emulation?.setup.installed.debianVersion,
      emulated: emulatedPlatforms(share, host)
    }
    pipeline = await runPipeline(build, share, options)
    if (build.push) publish = await pendingPublish(build, pipeline, all)
  } finally {
    // Saved whatever happens: the QEMU cache is worth keeping even when the build fails.
    saveState({ qemuCache, publish })
  }
  setImageOutputs({ image: build.image, tags: build.tags, images: publish?.images, digest: publish?.digest })
  const index = publish?.digest ? { digest: publish.digest, tags: build.tags.map(formatReference), pushed: false } : undefined
  await writeSummary(renderSummary({ ...facts, pipeline, index }))
}
