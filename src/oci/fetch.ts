/**
 * An image the builder pushed by digest, fetched back from the registry into an OCI layout: the
 * index (when there is one), every manifest under it (attestations included), their configs and
 * layers, each checked against its digest as it arrives. What the tests, the architecture check
 * and the push then read are the registry's own bytes.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { mapLimit } from '../concurrency.js'
import type { RegistryClient } from '../registry/client.js'
import { blobPath, LayoutError, MAX_JSON_BLOB } from './layout.js'
import { type Descriptor, type ImageIndex, type ImageManifest, isIndexMediaType, isManifestMediaType, MediaType } from './types.js'

/** Blobs downloaded at once. */
const DOWNLOADS_AT_ONCE = 6

/** How much came from the registry. */
export interface Fetched {
  readonly blobs: number
  readonly bytes: number
}

/** The image `top` (an index or a manifest) of `repository`, with everything it names, into the OCI layout `dir`. */
export async function fetchLayout(client: RegistryClient, repository: string, top: Descriptor, dir: string): Promise<Fetched> {
  await mkdir(join(dir, 'blobs', top.digest.split(':')[0]), { recursive: true })
  const documents = new Map<string, Buffer>()
  const blobs = new Map<string, Descriptor>()

  const document = async (d: Descriptor): Promise<Buffer> => {
    if (d.size > MAX_JSON_BLOB) throw new LayoutError(`${d.digest} is ${d.size} bytes, more than a manifest may be`)
    const { bytes } = await client.getManifest(repository, d.digest)
    documents.set(d.digest, bytes)
    return bytes
  }
  const visit = async (d: Descriptor, depth: number): Promise<void> => {
    if (documents.has(d.digest)) return
    if (depth > 2) throw new LayoutError(`${repository}@${top.digest}: indexes nest deeper than a build pushes them`)
    const bytes = await document(d)
    if (isIndexMediaType(d.mediaType)) {
      const index = JSON.parse(bytes.toString()) as ImageIndex
      for (const child of index.manifests ?? []) await visit(child, depth + 1)
    } else if (isManifestMediaType(d.mediaType)) {
      const manifest = JSON.parse(bytes.toString()) as ImageManifest
      for (const b of [manifest.config, ...(manifest.layers ?? [])]) blobs.set(b.digest, b)
    } else throw new LayoutError(`${repository}@${d.digest} is a ${d.mediaType}, neither an image index nor a manifest`)
  }
  await visit(top, 0)

  await Promise.all([...documents].map(([digest, bytes]) => writeFile(blobPath(dir, digest), bytes)))
  await mapLimit([...blobs.values()], DOWNLOADS_AT_ONCE, b => client.downloadBlob(repository, b.digest, b.size, blobPath(dir, b.digest)))
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }))
  await writeFile(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [top] }))
  const bytes = [...documents.values()].reduce((n, b) => n + b.length, 0) + [...blobs.values()].reduce((n, b) => n + b.size, 0)
  return { blobs: documents.size + blobs.size, bytes }
}
