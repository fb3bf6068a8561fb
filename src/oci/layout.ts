/**
 * Reading an OCI image layout directory (`oci-layout`, `index.json`, `blobs/<alg>/<hex>`), as
 * `docker save` writes it on either image store and `docker buildx build --output type=oci` does.
 * Every blob is checked against its descriptor's size and digest before any of it is believed.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { ArchwayError, VerificationError } from '../shared/errors.js'
import { platformKey } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'
import {
  type Descriptor,
  type DescriptorPlatform,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
  isAttestation,
  isImageConfigMediaType,
  isIndexMediaType,
  isManifestMediaType
} from './types.js'

/** The layout is missing, malformed, or does not hold what was asked for. */
export class LayoutError extends ArchwayError {}

/** JSON documents (indexes, manifests, configs) larger than this are refused rather than read. */
export const MAX_JSON_BLOB = 16 * 1024 * 1024
/** How deep indexes may nest (buildx: index.json -> image index -> manifests, so 2). */
const MAX_INDEX_DEPTH = 8

const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/

/** The path of a blob in the layout. Refuses anything that is not a well-formed digest (no path tricks). */
export function blobPath(dir: string, digest: string): string {
  if (!DIGEST.test(digest)) throw new VerificationError(`"${digest}" is not a sha256 or sha512 digest`)
  const [algorithm, hex] = digest.split(':')
  return join(dir, 'blobs', algorithm, hex)
}

/** Checks `data` against a descriptor's size and digest; throws VerificationError naming the blob. */
export function verifyBlobBytes(descriptor: Descriptor, data: Buffer): void {
  blobPath('', descriptor.digest)
  if (data.length !== descriptor.size)
    throw new VerificationError(`blob ${descriptor.digest} has ${data.length} bytes, its descriptor says ${descriptor.size}`)
  const [algorithm, hex] = descriptor.digest.split(':')
  const actual = createHash(algorithm).update(data).digest('hex')
  if (actual !== hex)
    throw new VerificationError(`blob ${descriptor.digest} does not match its digest (its bytes hash to ${algorithm}:${actual})`)
}

/** Reads a whole blob, refusing one over `maxSize` or whose bytes do not match the descriptor. */
export async function readBlob(dir: string, descriptor: Descriptor, maxSize = MAX_JSON_BLOB): Promise<Buffer> {
  const path = blobPath(dir, descriptor.digest)
  if (descriptor.size > maxSize)
    throw new LayoutError(`blob ${descriptor.digest} is ${descriptor.size} bytes, more than the ${maxSize} read whole`)
  const data = await readFile(path).catch((err: unknown) => {
    throw new LayoutError(`blob ${descriptor.digest} is missing from the OCI layout ${dir}`, { cause: err })
  })
  verifyBlobBytes(descriptor, data)
  return data
}

/** Reads and parses a JSON blob after checking its digest. */
export async function readJsonBlob<T>(dir: string, descriptor: Descriptor): Promise<T> {
  return parseJson<T>(await readBlob(dir, descriptor), `blob ${descriptor.digest}`)
}

/**
 * A blob as a stream, for layers too large to hold, read `chunkSize` bytes at a time (Node's
 * 64 KiB by default): its bytes are hashed as they pass, and the
 * stream ends in a VerificationError, instead of ending, when the size or digest is wrong. So a
 * reader must treat what it saw as unconfirmed until the stream has ended cleanly.
 */
export function blobStream(dir: string, descriptor: Descriptor, chunkSize?: number): Readable {
  const path = blobPath(dir, descriptor.digest)
  return Readable.from(verifiedChunks(dir, path, descriptor, chunkSize), { objectMode: false })
}

async function* verifiedChunks(dir: string, path: string, descriptor: Descriptor, chunkSize?: number): AsyncGenerator<Buffer> {
  const [algorithm, hex] = descriptor.digest.split(':')
  const hash = createHash(algorithm)
  let size = 0
  let file: Readable
  try {
    await stat(path)
    file = createReadStream(path, { highWaterMark: chunkSize })
  } catch (err) {
    throw new LayoutError(`blob ${descriptor.digest} is missing from the OCI layout ${dir}`, { cause: err })
  }
  for await (const chunk of file as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > descriptor.size) {
      file.destroy()
      throw new VerificationError(`blob ${descriptor.digest} is longer than the ${descriptor.size} bytes its descriptor says`)
    }
    hash.update(chunk)
    yield chunk
  }
  if (size !== descriptor.size)
    throw new VerificationError(`blob ${descriptor.digest} has ${size} bytes, its descriptor says ${descriptor.size}`)
  const actual = hash.digest('hex')
  if (actual !== hex)
    throw new VerificationError(`blob ${descriptor.digest} does not match its digest (its bytes hash to ${algorithm}:${actual})`)
}

function parseJson<T>(data: Buffer, what: string): T {
  try {
    return JSON.parse(data.toString('utf8')) as T
  } catch (err) {
    throw new LayoutError(`${what} is not JSON`, { cause: err })
  }
}

/** Reads `oci-layout` (must say version 1.0.0) and the top-level `index.json` of a layout. */
export async function readLayoutIndex(dir: string): Promise<ImageIndex> {
  const marker = await readFile(join(dir, 'oci-layout')).catch((err: unknown) => {
    throw new LayoutError(`${dir} is not an OCI image layout (no oci-layout file)`, { cause: err })
  })
  const version = parseJson<{ imageLayoutVersion?: unknown }>(marker, `${dir}/oci-layout`).imageLayoutVersion
  if (version !== '1.0.0') throw new LayoutError(`${dir}/oci-layout has imageLayoutVersion ${JSON.stringify(version)}, not "1.0.0"`)
  const index = parseJson<ImageIndex>(
    await readFile(join(dir, 'index.json')).catch((err: unknown) => {
      throw new LayoutError(`${dir} is not an OCI image layout (no index.json)`, { cause: err })
    }),
    `${dir}/index.json`
  )
  checkIndex(index, `${dir}/index.json`)
  return index
}

function checkIndex(index: ImageIndex, what: string): void {
  if (index?.schemaVersion !== 2 || !Array.isArray(index.manifests))
    throw new LayoutError(`${what} is not an image index (schemaVersion 2 with manifests)`)
}

function checkManifest(manifest: ImageManifest, what: string): void {
  if (manifest?.schemaVersion !== 2 || !manifest.config || !Array.isArray(manifest.layers)) {
    throw new LayoutError(`${what} is not an image manifest (schemaVersion 2 with config and layers)`)
  }
}

/** An image manifest the layout holds, with the platform its index descriptor (or, lacking one, its config) gives. */
export interface ImageRef {
  readonly descriptor: Descriptor
  readonly platform: DescriptorPlatform
}

/**
 * Every image manifest in the layout, descending through nested indexes (buildx's
 * index.json -> image index -> manifests) and leaving out attestation manifests and
 * artifacts. A manifest whose descriptor has no platform (the classic store's `docker save`)
 * takes the platform from its config. Each manifest once, in index order.
 */
export async function listImages(dir: string): Promise<ImageRef[]> {
  const found = new Map<string, ImageRef>()
  const visit = async (descriptors: readonly Descriptor[], depth: number, seen: ReadonlySet<string>): Promise<void> => {
    for (const d of descriptors) {
      if (isAttestation(d) || found.has(d.digest)) continue
      if (isIndexMediaType(d.mediaType)) {
        if (depth >= MAX_INDEX_DEPTH || seen.has(d.digest))
          throw new LayoutError(`image indexes nest too deep (or in a cycle) at ${d.digest}`)
        const child = await readJsonBlob<ImageIndex>(dir, d)
        checkIndex(child, `index ${d.digest}`)
        await visit(child.manifests, depth + 1, new Set([...seen, d.digest]))
      } else if (isManifestMediaType(d.mediaType)) {
        const platform = d.platform ?? (await configPlatform(dir, d))
        if (platform) found.set(d.digest, { descriptor: d, platform })
      }
    }
  }
  await visit((await readLayoutIndex(dir)).manifests, 0, new Set())
  return [...found.values()]
}

/** The platform an image manifest's config states; undefined for an artifact (its config is no image config). */
async function configPlatform(dir: string, descriptor: Descriptor): Promise<DescriptorPlatform | undefined> {
  const manifest = await readJsonBlob<ImageManifest>(dir, descriptor)
  checkManifest(manifest, `manifest ${descriptor.digest}`)
  if (!isImageConfigMediaType(manifest.config.mediaType)) return undefined
  const config = await readJsonBlob<ImageConfig>(dir, manifest.config)
  return { os: config.os ?? '?', architecture: config.architecture ?? '?', ...(config.variant ? { variant: config.variant } : {}) }
}

/** One platform's image, read from a layout: every document here has been checked against its digest. */
export interface PlatformImage {
  readonly dir: string
  readonly platform: Platform
  /** The image manifest's descriptor, as the index gives it. */
  readonly descriptor: Descriptor
  readonly manifest: ImageManifest
  readonly config: ImageConfig
}

/** The images of `images` for `platform` (arm64/v8 = arm64, arm = arm/v7), by normalised platform. */
export function selectImages(images: readonly ImageRef[], platform: Platform): ImageRef[] {
  const want = platformKey(platform)
  return images.filter(i => platformKey(i.platform) === want)
}

/**
 * Finds and reads the image manifest for `platform`. Throws LayoutError naming the platforms the
 * layout does hold when there is none, or when several different manifests claim the platform.
 */
export async function findPlatformImage(dir: string, platform: Platform): Promise<PlatformImage> {
  const images = await listImages(dir)
  const matches = selectImages(images, platform)
  const want = platformKey(platform)
  if (matches.length === 0) {
    const held = images.map(i => platformKey(i.platform)).join(', ') || 'none'
    throw new LayoutError(`the OCI layout ${dir} holds no image for ${want} (it holds: ${held})`)
  }
  if (matches.length > 1)
    throw new LayoutError(
      `the OCI layout ${dir} holds ${matches.length} different images for ${want}: ${matches.map(m => m.descriptor.digest).join(', ')}`
    )
  const descriptor = matches[0].descriptor
  const manifest = await readJsonBlob<ImageManifest>(dir, descriptor)
  checkManifest(manifest, `manifest ${descriptor.digest}`)
  if (!isImageConfigMediaType(manifest.config.mediaType))
    throw new LayoutError(`manifest ${descriptor.digest} has a config of type ${manifest.config.mediaType}, not an image config`)
  const config = await readJsonBlob<ImageConfig>(dir, manifest.config)
  return { dir, platform, descriptor, manifest, config }
}

/** A blob an image needs, in the order a push sends them: layers, then the config, then the manifest. */
export interface BlobRef {
  readonly role: 'layer' | 'config' | 'manifest'
  readonly mediaType: string
  readonly digest: string
  readonly size: number
  /** Where the blob lies in the layout. */
  readonly path: string
}

/** The blobs of an image (layers, config, manifest) with their sizes, from its documents alone. Pure. */
export function imageBlobs(image: PlatformImage): BlobRef[] {
  const ref = (role: BlobRef['role'], d: Descriptor): BlobRef => ({
    role,
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    path: blobPath(image.dir, d.digest)
  })
  const seen = new Set<string>()
  const layers = image.manifest.layers.filter(l => !seen.has(l.digest) && seen.add(l.digest)).map(l => ref('layer', l))
  return [...layers, ref('config', image.manifest.config), ref('manifest', image.descriptor)]
}

/**
 * Every blob the image for `platform` needs for a push, each checked to be present in the layout
 * with the size its descriptor gives (the digests of layers are checked as a push streams them).
 */
export async function platformBlobs(dir: string, platform: Platform): Promise<BlobRef[]> {
  const blobs = imageBlobs(await findPlatformImage(dir, platform))
  for (const b of blobs) {
    const st = await stat(b.path).catch((err: unknown) => {
      throw new LayoutError(`${b.role} blob ${b.digest} is missing from the OCI layout ${dir}`, { cause: err })
    })
    if (st.size !== b.size) throw new VerificationError(`${b.role} blob ${b.digest} has ${st.size} bytes, its descriptor says ${b.size}`)
  }
  return blobs
}
