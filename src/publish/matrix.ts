/** A matrix of jobs: the release a job belongs to, and `mode: merge`, the job that publishes what the run staged. */
import * as core from '@actions/core'
import { ArchwayError } from '../errors.js'
import type { BuildInputs } from '../inputs.js'
import { setImageOutputs } from '../outputs.js'
import { formatPlatform, type Platform } from '../platform.js'
import { targetsOf } from '../registries.js'
import { formatReference } from '../registry/reference.js'
import type { PublishState } from '../state.js'
import { mergeSummary, writeSummary } from '../summary.js'
import { indexNotes } from './index-manifest.js'
import { mergeStaged, releaseOf } from './publish-index.js'
import { runnerFacts } from './runner-facts.js'
import { releaseKey } from './stage.js'

/** The release a matrix job belongs to: this run, these tags, all these platforms. */
export function matrixRelease(
  build: Pick<BuildInputs, 'tags' | 'mode'>,
  all: readonly Platform[],
  env: NodeJS.ProcessEnv = process.env
): NonNullable<PublishState['release']> {
  const runId = env.GITHUB_RUN_ID
  if (!runId) throw new ArchwayError('GITHUB_RUN_ID is not set; a matrix of jobs (the build input) is coordinated per workflow run')
  return {
    key: releaseKey(runId, build.tags.map(formatReference), all),
    attempt: env.GITHUB_RUN_ATTEMPT ?? '1',
    platforms: all.map(formatPlatform),
    publish: build.mode !== 'stage'
  }
}

/** `mode: merge`: a job of its own that publishes what this run's jobs staged. */
export async function merge(build: BuildInputs, all: readonly Platform[]): Promise<void> {
  const release = releaseOf(matrixRelease({ ...build, mode: 'merge' }, all))
  const notes = indexNotes(build.annotations, await runnerFacts())
  const outcome = await core.group('Publish the index from the staged platforms', async () => {
    const o = await mergeStaged(targetsOf(build), release, notes, build)
    for (const line of o.lines) core.info(line)
    return o
  })
  const index = outcome.index
  if (!index) throw new ArchwayError('no index was published')
  const images = outcome.images?.map(i => ({ platform: formatPlatform(i.platform), digest: i.manifest.digest }))
  setImageOutputs({ image: build.image, tags: build.tags, images, digest: index.digest })
  await writeSummary(mergeSummary(index.digest, build.tags.map(formatReference)))
}
