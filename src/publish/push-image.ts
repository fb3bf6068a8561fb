/** Pushes one platform image from its OCI layout, by digest only: blobs, then the manifest. */
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import { mapLimit } from '../concurrency.js'
import { blobPath, blobStream, type PlatformImage, readBlob } from '../oci/layout.js'
import { type Descriptor, MediaType } from '../oci/types.js'
import type { RegistryClient } from '../registry/client.js'
import { type OciManifestDocument, ociManifest, uncompressedLayers } from './oci-manifest.js'

/** Blob uploads in flight at once, per image. */
const PARALLEL_BLOBS = 4

/** Gzips an uncompressed layer into `scratch` (deterministic: no name, no time), returning its descriptor and file. */
async function gzipLayer(image: PlatformImage, layer: Descriptor, scratch: string): Promise<{ descriptor: Descriptor; path: string }> {
  const path = join(scratch, `${layer.digest.replace(':', '-')}.tar.gz`)
  const hash = createHash('sha256')
  let size = 0
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk)
      size += chunk.length
      done(null, chunk)
    }
  })
  await pipeline(blobStream(image.dir, layer), createGzip(), tap, createWriteStream(path))
  return { descriptor: { mediaType: MediaType.OciLayerGzip, digest: `sha256:${hash.digest('hex')}`, size }, path }
}

export interface Published extends OciManifestDocument {
  /** Compressed size of the image: its config and layers as pushed. */
  readonly compressedSize: number
}

/** The manifest to publish (with the platform's `manifest:` annotations) and where each blob lies, without touching the registry. */
export async function prepareImage(
  image: PlatformImage,
  scratch: string,
  annotations: Readonly<Record<string, string>> = {}
): Promise<{ doc: Published; blobs: { digest: string; size: number; path: string }[] }> {
  await mkdir(scratch, { recursive: true })
  const replaced = new Map<string, Descriptor>()
  const paths = new Map<string, string>()
  for (const layer of uncompressedLayers(image.manifest)) {
    const gz = await gzipLayer(image, layer, scratch)
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
export async function pushImage(
  client: RegistryClient,
  repository: string,
  prepared: Awaited<ReturnType<typeof prepareImage>>
): Promise<Published> {
  await mapLimit(prepared.blobs, PARALLEL_BLOBS, b => client.pushBlob(repository, b.digest, { path: b.path, size: b.size }))
  const { doc } = prepared
  await client.putManifest(repository, doc.descriptor.digest, doc.bytes, doc.descriptor.mediaType)
  return doc
}
