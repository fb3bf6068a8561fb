/** Pushes one platform image from its OCI layout, by digest only: blobs, then the manifest. */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { blobPath, blobStream, type PlatformImage, readBlob } from '../oci/layout.js'
import { type Descriptor, MediaType } from '../oci/types.js'
import type { RegistryClient } from '../registry/client.js'
import { mapLimit } from '../shared/concurrency.js'
import { BLOCK_SIZE, gzipToFile, wouldStoreAll } from './compress.js'
import { type OciManifestDocument, ociManifest, uncompressedLayers } from './oci-manifest.js'

/** Blob uploads in flight at once, per image. */
const PARALLEL_BLOBS = 4

/** Gzips an uncompressed layer into `scratch` (deterministic: see compress.ts), returning its descriptor and file. */
async function gzipLayer(
  image: PlatformImage,
  layer: Descriptor,
  scratch: string,
  signal?: AbortSignal
): Promise<{ descriptor: Descriptor; path: string }> {
  const path = join(scratch, `${layer.digest.replace(':', '-')}.tar.gz`)
  const { digest, size } = await gzipToFile(blobStream(image.dir, layer, BLOCK_SIZE), path, { signal })
  return { descriptor: { mediaType: MediaType.OciLayerGzip, digest, size }, path }
}

export interface Published extends OciManifestDocument {
  /** Compressed size of the image: its config and layers as pushed. */
  readonly compressedSize: number
}

/** A platform image ready to push: its manifest as published, and the file each of its blobs is in. */
export interface PreparedImage {
  readonly doc: Published
  readonly blobs: readonly { readonly digest: string; readonly size: number; readonly path: string }[]
}

/**
 * The manifest to publish (with the platform's `manifest:` annotations) and where each blob lies,
 * without touching the registry; `signal` stops the compression between two blocks. Uncompressed
 * layers (the classic store's) are gzipped, except those gzip would only store (wouldStoreAll),
 * which are published as they are: the same size, the very bytes the engine ran.
 */
export async function prepareImage(
  image: PlatformImage,
  scratch: string,
  annotations: Readonly<Record<string, string>> = {},
  signal?: AbortSignal
): Promise<PreparedImage> {
  await mkdir(scratch, { recursive: true })
  const replaced = new Map<string, Descriptor>()
  const paths = new Map<string, string>()
  for (const layer of uncompressedLayers(image.manifest)) {
    // A layer gzip would only store is published as it is, under OCI's uncompressed layer type.
    if (await wouldStoreAll(blobPath(image.dir, layer.digest), layer.size)) continue
    const gz = await gzipLayer(image, layer, scratch, signal)
    replaced.set(layer.digest, gz.descriptor)
    paths.set(gz.descriptor.digest, gz.path)
  }
  const doc = ociManifest(image.manifest, await readBlob(image.dir, image.descriptor), replaced, annotations)
  const manifest = JSON.parse(doc.bytes.toString()) as { config: Descriptor; layers: Descriptor[] }
  const unique = new Map<string, Descriptor>([manifest.config, ...manifest.layers].map(d => [d.digest, d]))
  const blobs = [...unique.values()].map(d => ({
    digest: d.digest,
    size: d.size,
    path: paths.get(d.digest) ?? blobPath(image.dir, d.digest)
  }))
  return { doc: { ...doc, compressedSize: blobs.reduce((n, b) => n + b.size, 0) }, blobs }
}

/** Pushes the blobs a registry lacks, then the manifest under its digest; no tag moves. */
export async function pushImage(client: RegistryClient, repository: string, prepared: PreparedImage): Promise<Published> {
  await mapLimit(prepared.blobs, PARALLEL_BLOBS, b => client.pushBlob(repository, b.digest, { path: b.path, size: b.size }))
  const { doc } = prepared
  await client.putManifest(repository, doc.descriptor.digest, doc.bytes, doc.descriptor.mediaType)
  return doc
}
