/**
 * The multi-platform OCI image index, built by a pure function from the platform images
 * and annotations: platforms in one fixed order, annotations sorted, no wall-clock field
 * unless given, so the same facts always give the same bytes and the same digest.
 */
import { type Annotations, type PlatformAnnotations, sortedAnnotations } from '../inputs/annotations.js'
import { type Descriptor, MediaType } from '../oci/types.js'
import { digestOf } from '../shared/digest.js'
import { formatPlatform, platformOrder } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'

/** One entry of the index: a platform and its image manifest as published. */
export interface PlatformManifest {
  readonly platform: Platform
  readonly manifest: Descriptor
}

export interface IndexDocument {
  readonly bytes: Buffer
  readonly digest: string
  readonly mediaType: typeof MediaType.OciIndex
}

/**
 * What the index says besides its platform entries: its own annotations, and each entry's
 * (by canonical platform). Every job of a release builds its index from these and the images.
 */
export interface IndexNotes {
  readonly annotations: readonly (readonly [string, string])[]
  readonly descriptorAnnotations: PlatformAnnotations
}

export function buildIndex(
  images: readonly PlatformManifest[],
  annotations: Iterable<readonly [string, string]>,
  descriptorAnnotations: PlatformAnnotations = {}
): IndexDocument {
  const seen = new Set<string>()
  for (const i of images) {
    const key = formatPlatform(i.platform)
    if (seen.has(key)) throw new Error(`two images for ${key}`)
    seen.add(key)
  }
  const manifests = [...images]
    .sort((a, b) => platformOrder(a.platform) - platformOrder(b.platform))
    .map(i => {
      const notes = sortedAnnotations(Object.entries(descriptorAnnotations[formatPlatform(i.platform)] ?? {}))
      return {
        mediaType: i.manifest.mediaType,
        digest: i.manifest.digest,
        size: i.manifest.size,
        platform: {
          architecture: i.platform.architecture,
          os: i.platform.os,
          ...(i.platform.variant ? { variant: i.platform.variant } : {})
        },
        ...(Object.keys(notes).length ? { annotations: notes } : {})
      }
    })
  const notes = sortedAnnotations(annotations)
  const doc = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests, ...(Object.keys(notes).length ? { annotations: notes } : {}) }
  const bytes = Buffer.from(JSON.stringify(doc))
  return { bytes, digest: digestOf(bytes), mediaType: MediaType.OciIndex }
}

export interface RunnerFacts {
  readonly serverUrl?: string
  readonly repository?: string
  readonly sha?: string
  /** ISO 8601 time of the commit (or SOURCE_DATE_EPOCH), never the wall clock. */
  readonly created?: string
}

/**
 * The index annotations: what the user gave, over the source, revision and created facts
 * of the run. Pure; the user's value wins on a clash.
 */
export function indexAnnotations(user: readonly (readonly [string, string])[], facts: RunnerFacts): [string, string][] {
  const out = new Map<string, string>()
  if (facts.serverUrl && facts.repository) out.set('org.opencontainers.image.source', `${facts.serverUrl}/${facts.repository}`)
  if (facts.sha) out.set('org.opencontainers.image.revision', facts.sha)
  if (facts.created) out.set('org.opencontainers.image.created', facts.created)
  for (const [k, v] of user) out.set(k, v)
  return [...out]
}

/** The index's notes from the `annotations` input and the run: its annotations over the run's facts, and each entry's. Pure. */
export function indexNotes(user: Pick<Annotations, 'index' | 'manifestDescriptor'>, facts: RunnerFacts): IndexNotes {
  return { annotations: indexAnnotations(user.index, facts), descriptorAnnotations: user.manifestDescriptor }
}
