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
  /** The staging manifest's own digest, for the clean-up. */
  readonly stagingDigest?: string
}

export async function readStaged(
  client: RegistryClient,
  repository: string,
  key: string,
  platforms: readonly Platform[]
): Promise<Staged[]> {
  return mapLimit(platforms, 8, async platform => {
    // A tag may vanish between any two requests (the publisher deletes the staging tags): a 404 is "not staged".
    const m = await client.getManifest(repository, stageTag(key, platform)).catch((err: unknown) => {
      if (err instanceof RegistryError && err.status === 404) return undefined
      throw err
    })
    if (!m) return { platform }
    const read = readStageManifest(m.bytes, key)
    return read && formatPlatform(read.platform) === formatPlatform(platform)
      ? { platform, image: read.subject, stagingDigest: m.digest }
      : { platform }
  })
}

/** Deletes the staging manifests (and with them their tags) where the registry allows it; false where it does not. */
export async function cleanUp(client: RegistryClient, repository: string, staged: readonly Staged[]): Promise<boolean> {
  const results = await mapLimit(
    staged.filter(s => s.stagingDigest),
    8,
    s => client.deleteManifest(repository, s.stagingDigest!).catch(() => false)
  )
  return results.every(Boolean)
}
