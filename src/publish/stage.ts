/**
 * A matrix's coordination through the registry: per platform, a small staging manifest (its
 * `subject` the platform's image) under a run-scoped tag only its job writes; read back by
 * whoever publishes, and deleted where the registry allows it.
 */

import { mapLimit } from '../concurrency.js'
import { sha256Hex } from '../digest.js'
import { type Descriptor, EMPTY_DESCRIPTOR, EMPTY_JSON, MediaType } from '../oci/types.js'
import { formatPlatform, type Platform, parsePlatform } from '../platform.js'
import type { RegistryClient } from '../registry/client.js'
import { RegistryError } from '../registry/errors.js'
import type { PlatformManifest } from './index-manifest.js'

const A = { run: 'io.archway.run', attempt: 'io.archway.attempt', platform: 'io.archway.platform', release: 'io.archway.release' } as const

/**
 * What identifies one release of one run: the run id, and the tags and platforms it
 * publishes (so two jobs of a run that publish different images keep apart, and a separate
 * merge job with the same inputs finds them). Pure.
 */
export function releaseKey(runId: string, tags: readonly string[], platforms: readonly Platform[]): string {
  const what = `${[...tags].sort().join(',')}\n${platforms.map(formatPlatform).sort().join(',')}`
  return `${runId}-${sha256Hex(what).slice(0, 12)}`
}

/** The staging tag of one platform of one release. Pure. */
export function stageTag(key: string, platform: Platform): string {
  return `archway-stage-${key}-${formatPlatform(platform).replace(/\//g, '-')}`
}

/** The staging manifest's bytes (pure): unique per run attempt, pointing at the platform's manifest. */
export function stageManifest(key: string, attempt: string, platform: Platform, subject: Descriptor): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      artifactType: MediaType.ArchwayStage,
      config: EMPTY_DESCRIPTOR,
      layers: [EMPTY_DESCRIPTOR],
      subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
      annotations: { [A.attempt]: attempt, [A.platform]: formatPlatform(platform), [A.release]: key }
    })
  )
}

/** Reads a staging manifest back: the platform it stands for and its image's descriptor. Pure. */
export function readStageManifest(bytes: Buffer, key: string): { platform: Platform; subject: Descriptor } | undefined {
  try {
    const doc = JSON.parse(bytes.toString()) as { artifactType?: string; subject?: Descriptor; annotations?: Record<string, string> }
    const platform = parsePlatform(doc.annotations?.[A.platform] ?? '')
    if (doc.artifactType !== MediaType.ArchwayStage || doc.annotations?.[A.release] !== key || !platform || !doc.subject) return undefined
    return { platform, subject: { mediaType: doc.subject.mediaType, digest: doc.subject.digest, size: doc.subject.size } }
  } catch {
    return undefined
  }
}

export async function stage(
  client: RegistryClient,
  repository: string,
  key: string,
  attempt: string,
  images: readonly PlatformManifest[]
): Promise<void> {
  await client.pushBlob(repository, EMPTY_DESCRIPTOR.digest, EMPTY_JSON)
  await mapLimit(images, 8, i =>
    client.putManifest(repository, stageTag(key, i.platform), stageManifest(key, attempt, i.platform, i.manifest), MediaType.OciManifest)
  )
}

export interface Staged {
  readonly platform: Platform
  /** The platform's image, or undefined while no job of the run has staged it. */
  readonly image?: Descriptor
  /** The staging manifest as read, for the clean-up. */
  readonly staging?: { readonly tag: string; readonly digest: string; readonly bytes: Buffer }
}

export async function readStaged(
  client: RegistryClient,
  repository: string,
  key: string,
  platforms: readonly Platform[]
): Promise<Staged[]> {
  return mapLimit(platforms, 8, async platform => {
    const tag = stageTag(key, platform)
    // A tag may vanish between any two requests (the publisher deletes the staging tags): a 404 is "not staged".
    const m = await client.getManifest(repository, tag).catch((err: unknown) => {
      if (err instanceof RegistryError && err.status === 404) return undefined
      throw err
    })
    if (!m) return { platform }
    const read = readStageManifest(m.bytes, key)
    return read && formatPlatform(read.platform) === formatPlatform(platform)
      ? { platform, image: read.subject, staging: { tag, digest: m.digest, bytes: m.bytes } }
      : { platform }
  })
}

/**
 * Deletes the staging manifests, and with them their tags, where the registry allows it; false
 * where it does not. One at a time, then a check: the distribution registry can answer a DELETE
 * that races another change to the repository's tags with an error after removing the manifest
 * but not its tag, so a staging tag still listed is put back and deleted again.
 */
export async function cleanUp(client: RegistryClient, repository: string, staged: readonly Staged[]): Promise<boolean> {
  const mine = staged.flatMap(s => (s.staging ? [s.staging] : []))
  for (const m of mine) {
    if ((await client.deleteManifest(repository, m.digest).catch(() => undefined)) === false) return false
  }
  const listed = new Set(await client.listTags(repository).catch(() => []))
  for (const m of mine.filter(x => listed.has(x.tag))) {
    await client
      .putManifest(repository, m.digest, m.bytes, MediaType.OciManifest)
      .then(() => client.deleteManifest(repository, m.digest))
      .catch(() => undefined)
  }
  if (!mine.some(m => listed.has(m.tag))) return true
  const still = new Set(await client.listTags(repository).catch(() => mine.map(m => m.tag)))
  return !mine.some(m => still.has(m.tag))
}
