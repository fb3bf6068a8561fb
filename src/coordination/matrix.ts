/** A matrix of jobs: the release a job belongs to, its "started" record, and `mode: merge`, the job that publishes what the run staged. */
import * as core from '@actions/core'
import type { ImageOutputs } from '../action/outputs.js'
import type { PublishState } from '../action/state.js'
import { mergeSummary, writeSummary } from '../action/summary.js'
import type { BuildInputs } from '../inputs/inputs.js'
import { targetsOf } from '../inputs/registries.js'
import { indexNotes } from '../publish/index-manifest.js'
import { mergeStaged, releaseOf, storeOf } from '../publish/publish-index.js'
import { runnerFacts } from '../publish/runner-facts.js'
import { formatReference } from '../registry/reference.js'
import { ArchwayError } from '../shared/errors.js'
import { formatPlatform, formatPlatforms } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'
import { attemptOf, releaseKey } from './records.js'
import { chooseStore } from './store.js'

type Release = NonNullable<PublishState['release']>

/** The release a matrix job belongs to: this run and attempt, these tags, all these platforms, and where its records are kept. */
export function matrixRelease(
  build: Pick<BuildInputs, 'tags' | 'mode'>,
  all: readonly Platform[],
  env: NodeJS.ProcessEnv = process.env
): { release: Release; line: string } {
  const runId = env.GITHUB_RUN_ID
  if (!runId) throw new ArchwayError('GITHUB_RUN_ID is not set; a matrix of jobs (the build input) is coordinated per workflow run')
  const { kind, line } = chooseStore(env, targetsOf(build)[0])
  return {
    release: {
      key: releaseKey(runId, build.tags.map(formatReference), all),
      attempt: attemptOf(env.GITHUB_RUN_ATTEMPT),
      platforms: all.map(formatPlatform),
      publish: build.mode !== 'stage',
      store: kind
    },
    line
  }
}

/**
 * A matrix job that pushes, before anything is built: its release, and "started in this attempt"
 * for each platform of its share, so that no publisher takes an image of these platforms from an
 * earlier attempt unless this job finishes.
 */
export async function startRelease(build: BuildInputs, all: readonly Platform[], share: readonly Platform[]): Promise<Release> {
  const { release, line } = matrixRelease(build, all)
  core.info(line)
  const store = await storeOf(release, targetsOf(build), build)
  await store.write(share.map(platform => ({ state: 'started', platform, attempt: release.attempt })))
  core.info(`Recorded ${formatPlatforms(share)} as started in attempt ${release.attempt} of release ${release.key}`)
  return release
}

/** `mode: merge`: a job of its own that publishes what this run's jobs staged. */
export async function merge(build: BuildInputs, all: readonly Platform[]): Promise<ImageOutputs> {
  const { release: state, line } = matrixRelease({ ...build, mode: 'merge' }, all)
  const release = releaseOf(state)
  const notes = indexNotes(build.annotations, await runnerFacts())
  const outcome = await core.group('Publish the index from the staged platforms', async () => {
    core.info(line)
    const o = await mergeStaged(targetsOf(build), release, notes, build)
    for (const l of o.lines) core.info(l)
    return o
  })
  const index = outcome.index
  if (!index) throw new ArchwayError('no index was published')
  const images = outcome.images?.map(i => ({ platform: formatPlatform(i.platform), digest: i.manifest.digest }))
  await writeSummary(mergeSummary(index.digest, build.tags.map(formatReference)))
  return { image: build.image, tags: build.tags, images, digest: index.digest }
}
