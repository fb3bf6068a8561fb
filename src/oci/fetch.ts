/**
 * An image the builder pushed by digest, read back from the registry: first its documents (the
 * index when there is one, every manifest under it, attestations included), which name each
 * platform's manifest; then everything into an OCI layout, configs and layers too, each blob
 * checked against its digest as it arrives. What the architecture check and the push then read
 * are the registry's own bytes.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { RegistryClient } from '../registry/client.js'
import { mapLimit, quiet } from '../shared/concurrency.js'
import { platformKey } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'
import { blobPath, LayoutError, MAX_JSON_BLOB } from './layout.js'
import {
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
  isAttestation,
  isIndexMediaType,
  isManifestMediaType,
  MediaType
} from './types.js'

/** Blobs downloaded at once. */
const DOWNLOADS_AT_ONCE = 6

/** What a push by digest left in the registry, its documents read. */
export interface Pushed {
  readonly repository: string
  readonly top: Descriptor
  /** Every index and manifest under `top`, by digest, as the registry sent them (checked against their digests). */
  readonly documents: ReadonlyMap<string, Buffer>
  /** The image manifests the indexes name with a platform, attestations left out. */
  readonly images: readonly Descriptor[]
  /** The configs and layers the manifests name, each once. */
  readonly blobs: readonly Descriptor[]
}

/** How much came from the registry. */
export interface Fetched {
  readonly blobs: number
  readonly bytes: number
}

/** The documents of the image `top` (an index or a manifest) of `repository`. */
export async function readPushed(client: RegistryClient, repository: string, top: Descriptor): Promise<Pushed> {
  const documents = new Map<string, Buffer>()
  const blobs = new Map<string, Descriptor>()
  const images: Descriptor[] = []
  const visit = async (d: Descriptor, depth: number): Promise<void> => {
    if (documents.has(d.digest)) return
    if (depth > 2) throw new LayoutError(`${repository}@${top.digest}: indexes nest deeper than a build pushes them`)
    if (d.size > MAX_JSON_BLOB) throw new LayoutError(`${repository}@${d.digest} is ${d.size} bytes, more than a manifest may be`)
    const { bytes } = await client.getManifest(repository, d.digest)
    documents.set(d.digest, bytes)
    if (isIndexMediaType(d.mediaType)) {
      const index = JSON.parse(bytes.toString()) as ImageIndex
      for (const child of index.manifests ?? []) {
        if (child.platform && !isAttestation(child) && isManifestMediaType(child.mediaType)) images.push(child)
        await visit(child, depth + 1)
      }
    } else if (isManifestMediaType(d.mediaType)) {
      const manifest = JSON.parse(bytes.toString()) as ImageManifest
      for (const b of [manifest.config, ...(manifest.layers ?? [])]) blobs.set(b.digest, b)
    } else throw new LayoutError(`${repository}@${d.digest} is a ${d.mediaType}, neither an image index nor a manifest`)
  }
  await visit(top, 0)
  if (isManifestMediaType(top.mediaType)) images.push(top)
  return { repository, top, documents, images, blobs: [...blobs.values()] }
}

/**
 * The manifest pushed for `platform`: the one an index names for it, or the manifest pushed alone
 * (a build of that one platform). Pure.
 */
export function pushedManifest(pushed: Pushed, platform: Platform): Descriptor {
  if (isManifestMediaType(pushed.top.mediaType)) return pushed.top
  const want = platformKey(platform)
  const found = pushed.images.filter(d => d.platform && platformKey(d.platform) === want)
  if (found.length !== 1)
    throw new LayoutError(
      `${pushed.repository}@${pushed.top.digest} names ${found.length} manifests for ${want}, where the build pushed one`
    )
  return found[0]
}

/** A fetch into an OCI layout under way: the whole of it, and any blobs of it on their own. */
export interface Fetching {
  /** Every blob fetched and checked. */
  readonly done: Promise<Fetched>
  /** These blobs (of `pushed`) fetched and checked; rejects as soon as one of them fails. */
  readonly blobs: (digests: readonly string[]) => Promise<void>
  /** The blobs of one image manifest of `pushed`, its config and layers, fetched and checked. */
  readonly image: (manifest: Descriptor) => Promise<void>
}

/**
 * Everything `pushed` names, into the OCI layout `dir`: its documents, `oci-layout` and
 * `index.json` at once (resolved when they are written), then its blobs, streamed and checked,
 * in the order the manifests name them, so that the first image's blobs are there first.
 */
export async function startFetch(client: RegistryClient, pushed: Pushed, dir: string): Promise<Fetching> {
  for (const algorithm of new Set([...pushed.documents.keys(), ...pushed.blobs.map(b => b.digest)].map(d => d.split(':')[0])))
    await mkdir(join(dir, 'blobs', algorithm), { recursive: true })
  await Promise.all([...pushed.documents].map(([digest, bytes]) => writeFile(blobPath(dir, digest), bytes)))
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }))
  await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [pushed.top] }))
  const each = new Map(pushed.blobs.map(b => [b.digest, deferred()]))
  const done = quiet(
    mapLimit(pushed.blobs, DOWNLOADS_AT_ONCE, b => {
      const one = each.get(b.digest)!
      return client.downloadBlob(pushed.repository, b.digest, b.size, blobPath(dir, b.digest)).then(one.resolve, (err: unknown) => {
        one.reject(err)
        throw err
      })
    }).then(() => {
      const bytes = [...pushed.documents.values()].reduce((n, b) => n + b.length, 0) + pushed.blobs.reduce((n, b) => n + b.size, 0)
      return { blobs: pushed.documents.size + pushed.blobs.length, bytes }
    })
  )
  // A failed download is the whole fetch's error (`done`); each blob's promise is awaited only where asked.
  for (const d of each.values()) d.promise.catch(() => undefined)
  const blobs = async (digests: readonly string[]) => {
    await Promise.all(
      digests.map(digest => {
        const one = each.get(digest)
        if (!one) throw new LayoutError(`${pushed.repository}@${pushed.top.digest} names no blob ${digest}`)
        return one.promise
      })
    )
  }
  const image = (manifest: Descriptor) => {
    const bytes = pushed.documents.get(manifest.digest)
    if (!bytes) return Promise.reject(new LayoutError(`${pushed.repository}@${pushed.top.digest} names no manifest ${manifest.digest}`))
    const m = JSON.parse(bytes.toString()) as ImageManifest
    return blobs([m.config, ...(m.layers ?? [])].map(b => b.digest))
  }
  return { done, blobs, image }
}

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (err: unknown) => void } {
  let resolve!: () => void
  let reject!: (err: unknown) => void
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}
