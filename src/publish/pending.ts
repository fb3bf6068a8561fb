/** What the post step is to publish, from the platforms main pushed: kept in the post state. */
import * as core from '@actions/core'
import type { PipelineResult } from '../action/results.js'
import type { PublishState } from '../action/state.js'
import type { BuildInputs } from '../inputs/inputs.js'
import { targetsOf } from '../inputs/registries.js'
import { formatReference } from '../registry/reference.js'
import { ArchwayError } from '../shared/errors.js'
import { formatPlatform, formatPlatforms } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'
import { buildIndex, indexNotes } from './index-manifest.js'
import { runnerFacts } from './runner-facts.js'

/**
 * One job with every platform knows its index now, and gives its digest; a matrix job (a
 * `build` share) learns it only when the last platform is staged.
 */
export async function pendingPublish(
  build: BuildInputs,
  pipeline: PipelineResult,
  all: readonly Platform[],
  release?: PublishState['release']
): Promise<PublishState> {
  const share = build.share ?? all
  const images = pipeline.platforms.flatMap(r => (r.published ? [{ platform: r.platform, manifest: r.published.descriptor }] : []))
  if (images.length !== share.length) throw new ArchwayError('not every platform was pushed; no index')
  const notes = indexNotes(build.annotations, await runnerFacts())
  const state = {
    targets: targetsOf(build),
    images: images.map(({ platform, manifest: m }) => ({
      platform: formatPlatform(platform),
      mediaType: m.mediaType,
      digest: m.digest,
      size: m.size
    })),
    ...notes
  }
  const tags = build.tags.map(formatReference).join(', ')
  if (build.share) {
    if (!release) throw new ArchwayError('a matrix job has no release to stage its platforms for')
    core.info(
      `The post step stages ${formatPlatforms(share)} once the job has succeeded; the job of this run that stages the last platform publishes the index as ${tags}`
    )
    return { ...state, release }
  }
  const digest = buildIndex(images, notes.annotations, notes.descriptorAnnotations).digest
  core.info(`Index ${digest}: the post step publishes it as ${tags} once the job has succeeded`)
  return { ...state, digest }
}
