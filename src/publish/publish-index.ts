/** Publishing the index: straight from one job's state, or through the registry's staging tags for a matrix. */
import * as core from '@actions/core'
import { mapLimit } from '../concurrency.js'
import { ArchwayError } from '../errors.js'
import { type BuildInputs, getCredentials } from '../inputs.js'
import { formatPlatform, type Platform, parsePlatform } from '../platform.js'
import { connect } from '../registries.js'
import type { RegistryClient } from '../registry/client.js'
import type { PublishState } from '../state.js'
import { publishedSummary, writeSummary } from '../summary.js'
import { buildIndex, type IndexDocument, type IndexNotes, type PlatformManifest } from './index-manifest.js'
import { cleanUp, readStaged, stage } from './stage.js'

type Images = readonly PlatformManifest[]
type Target = PublishState['targets'][number]
type Access = Pick<BuildInputs, 'image' | 'credentials'>

/** Every child must be there before any tag points at the index; then each tag. */
async function putIndex(client: RegistryClient, target: Target, index: IndexDocument, images: Images): Promise<void> {
  const name = `${target.registry}/${target.repository}`
  const missing = (
    await mapLimit(images, 8, async i =>
      (await client.headManifest(target.repository, i.manifest.digest)) ? undefined : formatPlatform(i.platform)
    )
  ).filter(Boolean)
  if (missing.length) throw new ArchwayError(`${name} lacks the image of ${missing.join(', ')}; no tag was moved`)
  // Each tag PUT carries the index's bytes, which makes it reachable by digest too: all in one round.
  await mapLimit(target.tags, 8, tag => client.putManifest(target.repository, tag, index.bytes, index.mediaType))
}

function imagesOf(s: PublishState): Images {
  return s.images.map(i => ({ platform: platformOf(i.platform), manifest: { mediaType: i.mediaType, digest: i.digest, size: i.size } }))
}

/** Rebuilds the index from a single job's state; it must be the one main announced. Pure. */
export function indexFromState(s: PublishState): IndexDocument {
  const index = buildIndex(imagesOf(s), s.annotations, s.descriptorAnnotations)
  if (s.digest && index.digest !== s.digest)
    throw new ArchwayError(`the index rebuilt in the post step (${index.digest}) differs from the one announced (${s.digest})`)
  return index
}

export interface PublishOutcome {
  /** The index published, or undefined when this job left it to another. */
  readonly index?: IndexDocument
  /** The platform images it lists. */
  readonly images?: Images
  readonly lines: string[]
}

const refs = (t: Target) => t.tags.map(tag => `${t.registry}/${t.repository}:${tag}`).join(', ')

/** A job that built every platform: publish its index. */
export async function publishIndex(s: PublishState, access: Access): Promise<PublishOutcome> {
  const index = indexFromState(s)
  const images = imagesOf(s)
  const lines: string[] = []
  for (const target of s.targets) {
    await putIndex(await connect(target.registry, access), target, index, images)
    lines.push(`Published ${index.digest} as ${refs(target)}`)
  }
  return { index, lines }
}

export interface MatrixRelease {
  readonly key: string
  readonly attempt: string
  readonly platforms: readonly Platform[]
  /** False for `mode: stage`: a merge job publishes. */
  readonly publish: boolean
}

/** The release a state names, its platforms parsed. */
export function releaseOf(r: NonNullable<PublishState['release']>): MatrixRelease {
  return { key: r.key, attempt: r.attempt, publish: r.publish, platforms: r.platforms.map(platformOf) }
}

function platformOf(text: string): Platform {
  const platform = parsePlatform(text)
  if (!platform) throw new ArchwayError(`post state names an unknown platform ${text}`)
  return platform
}

/**
 * One job of a matrix: stage this job's platforms, then publish if every platform of the
 * release is staged; otherwise leave it to the job that stages last.
 */
export async function stageAndPublish(s: PublishState, release: MatrixRelease, access: Access): Promise<PublishOutcome> {
  const own = imagesOf(s)
  const lines: string[] = []
  let published: Omit<PublishOutcome, 'lines'> = {}
  for (const target of s.targets) {
    const client = await connect(target.registry, access)
    await stage(client, target.repository, release.key, release.attempt, own)
    lines.push(
      `Staged ${own.map(i => formatPlatform(i.platform)).join(', ')} for release ${release.key} in ${target.registry}/${target.repository}`
    )
    if (!release.publish) continue
    const outcome = await publishStaged(client, target, release, s, lines)
    if (!outcome) continue
    published = outcome
  }
  return { ...published, lines }
}

/** `mode: merge`: publish what the run staged; every platform must be there. */
export async function mergeStaged(
  targets: readonly Target[],
  release: MatrixRelease,
  notes: IndexNotes,
  access: Access
): Promise<PublishOutcome> {
  const lines: string[] = []
  let published: Omit<PublishOutcome, 'lines'> = {}
  for (const target of targets) {
    const outcome = await publishStaged(await connect(target.registry, access), target, release, notes, lines)
    if (!outcome) throw new ArchwayError(`${lines[lines.length - 1]}; nothing was published`)
    published = outcome
  }
  return { ...published, lines }
}

async function publishStaged(
  client: RegistryClient,
  target: Target,
  release: MatrixRelease,
  notes: IndexNotes,
  lines: string[]
): Promise<{ index: IndexDocument; images: Images } | undefined> {
  const staged = await readStaged(client, target.repository, release.key, release.platforms)
  const waiting = staged.filter(x => !x.image).map(x => formatPlatform(x.platform))
  if (waiting.length) {
    lines.push(
      `${target.registry}/${target.repository}: ${waiting.join(', ')} not staged yet by this run; the job that stages the last platform publishes the index`
    )
    return undefined
  }
  const images = staged.map(x => ({ platform: x.platform, manifest: x.image! }))
  const index = buildIndex(images, notes.annotations, notes.descriptorAnnotations)
  await putIndex(client, target, index, images)
  lines.push(`Every platform is staged: published ${index.digest} as ${refs(target)}`)
  lines.push(
    (await cleanUp(client, target.repository, staged))
      ? 'Deleted the staging tags'
      : 'The registry does not delete the staging tags (archway-stage-*); they point at small artifacts, not at the images'
  )
  return { index, images }
}

/** The post step's publish: from one job's state, or staged first in a matrix; the summary says what was published. */
export async function publishFromState(publish: PublishState): Promise<void> {
  const access = getCredentials()
  const outcome = await core.group('Publish the index', async () => {
    const o = publish.release ? await stageAndPublish(publish, releaseOf(publish.release), access) : await publishIndex(publish, access)
    for (const line of o.lines) core.info(line)
    return o
  })
  if (outcome.index) await writeSummary(publishedSummary(outcome.lines))
}
