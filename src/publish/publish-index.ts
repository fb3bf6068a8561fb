/** Publishing the index: straight from one job's state, or through the matrix's records. */
import * as core from '@actions/core'
import type { PublishState } from '../action/state.js'
import { publishedSummary, writeSummary } from '../action/summary.js'
import type { Verdict } from '../coordination/records.js'
import { openStore, type RecordStore, type StoreKind } from '../coordination/store.js'
import { type BuildInputs, getCredentials } from '../inputs/inputs.js'
import { connect } from '../inputs/registries.js'
import type { RegistryClient } from '../registry/client.js'
import { mapLimit } from '../shared/concurrency.js'
import { ArchwayError } from '../shared/errors.js'
import { formatPlatform, parsePlatform } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'
import { buildIndex, type IndexDocument, type IndexNotes, type PlatformManifest } from './index-manifest.js'

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
  readonly attempt: number
  readonly platforms: readonly Platform[]
  /** False for `mode: stage`: a merge job publishes. */
  readonly publish: boolean
  readonly store: StoreKind
}

/** The release a state names, its platforms parsed. */
export function releaseOf(r: NonNullable<PublishState['release']>): MatrixRelease {
  return { key: r.key, attempt: r.attempt, publish: r.publish, store: r.store, platforms: r.platforms.map(platformOf) }
}

function platformOf(text: string): Platform {
  const platform = parsePlatform(text)
  if (!platform) throw new ArchwayError(`post state names an unknown platform ${text}`)
  return platform
}

/** The release's records, kept with the first repository the tags name where they are in the registry. */
export function storeOf(
  release: Pick<MatrixRelease, 'key' | 'store'>,
  targets: readonly Pick<Target, 'registry' | 'repository'>[],
  access: Access
): Promise<RecordStore> {
  const place = targets[0]
  return openStore(release.store, release.key, place, () => connect(place.registry, access))
}

/**
 * One job of a matrix: record this job's platforms as done, then publish if every platform of
 * the release is; otherwise leave it to the job that records the last.
 */
export async function stageAndPublish(s: PublishState, release: MatrixRelease, access: Access): Promise<PublishOutcome> {
  const own = imagesOf(s)
  const store = await storeOf(release, s.targets, access)
  await store.write(own.map(i => ({ state: 'done', platform: i.platform, attempt: release.attempt, image: i.manifest })))
  const lines = [
    `Staged ${own.map(i => formatPlatform(i.platform)).join(', ')} for release ${release.key} (attempt ${release.attempt}) in ${store.where}`
  ]
  if (!release.publish) return { lines }
  return { ...(await publishStaged(store, s.targets, release, s, access, lines)), lines }
}

/** `mode: merge`: publish what the run staged; every platform must be there. */
export async function mergeStaged(
  targets: readonly Target[],
  release: MatrixRelease,
  notes: IndexNotes,
  access: Access
): Promise<PublishOutcome> {
  const lines: string[] = []
  const outcome = await publishStaged(await storeOf(release, targets, access), targets, release, notes, access, lines)
  if (!outcome) throw new ArchwayError(`${lines[lines.length - 1]}; nothing was published`)
  return { ...outcome, lines }
}

/** Which platforms the release still waits for, and why, in one line; undefined when none. Pure. */
export function waitingLine(where: string, verdicts: readonly Verdict[]): string | undefined {
  const named = (w: Verdict['waiting']) =>
    verdicts
      .filter(v => v.waiting === w)
      .map(v => (w === 'started, not done' ? `${formatPlatform(v.platform)} started in attempt ${v.attempt}` : formatPlatform(v.platform)))
  const notStaged = named('not staged')
  const started = named('started, not done')
  if (notStaged.length === 0 && started.length === 0) return undefined
  const parts = [
    ...(notStaged.length ? [`${notStaged.join(', ')} not staged yet by this run`] : []),
    ...(started.length ? [`${started.join(', ')} and not done (it runs, or failed): no image of an earlier attempt is taken`] : [])
  ]
  return `${where}: ${parts.join('; ')}; the job that stages the last platform publishes the index`
}

async function publishStaged(
  store: RecordStore,
  targets: readonly Target[],
  release: MatrixRelease,
  notes: IndexNotes,
  access: Access,
  lines: string[]
): Promise<{ index: IndexDocument; images: Images } | undefined> {
  const verdicts = await store.read(release.platforms, release.attempt)
  const waiting = waitingLine(store.where, verdicts)
  if (waiting) {
    lines.push(waiting)
    return undefined
  }
  const images = verdicts.map(v => ({ platform: v.platform, manifest: v.image! }))
  const index = buildIndex(images, notes.annotations, notes.descriptorAnnotations)
  for (const target of targets) {
    await putIndex(await connect(target.registry, access), target, index, images)
    lines.push(`Every platform is staged: published ${index.digest} as ${refs(target)}`)
  }
  lines.push(await store.cleanUp(release.platforms, release.attempt))
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
