/**
 * The multi-platform OCI image index, built by a pure function from the platform images
 * and annotations: platforms in one fixed order, annotations sorted, no wall-clock field
 * unless given, so the same facts always give the same bytes and the same digest.
 */
import { digestOf } from '../digest.js'
import { type Platform, SUPPORTED_PLATFORMS, formatPlatform } from '../platform.js'

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'

export interface Descriptor {
  readonly mediaType: string
  readonly digest: string
  readonly size: number
}

export interface PlatformImage {
  readonly platform: Platform
  readonly manifest: Descriptor
}

export interface IndexDocument {
  readonly bytes: Buffer
  readonly digest: string
  readonly mediaType: typeof OCI_INDEX
}

function sorted(entries: Iterable<readonly [string, string]>): Record<string, string> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

export function buildIndex(images: readonly PlatformImage[], annotations: Iterable<readonly [string, string]>): IndexDocument {
  const seen = new Set<string>()
  for (const i of images) {
    const key = formatPlatform(i.platform)
    if (seen.has(key)) throw new Error(`two images for ${key}`)
    seen.add(key)
  }
  const order = (p: Platform) => SUPPORTED_PLATFORMS.indexOf(formatPlatform(p))
  const manifests = [...images]
    .sort((a, b) => order(a.platform) - order(b.platform))
    .map(i => ({
      mediaType: i.manifest.mediaType,
      digest: i.manifest.digest,
      size: i.manifest.size,
      platform: { architecture: i.platform.architecture, os: i.platform.os, ...(i.platform.variant ? { variant: i.platform.variant } : {}) }
    }))
  const notes = sorted(annotations)
  const doc = { schemaVersion: 2, mediaType: OCI_INDEX, manifests, ...(Object.keys(notes).length ? { annotations: notes } : {}) }
  const bytes = Buffer.from(JSON.stringify(doc))
  return { bytes, digest: digestOf(bytes), mediaType: OCI_INDEX }
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
