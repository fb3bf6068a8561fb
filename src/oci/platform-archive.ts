/**
 * One platform's image out of an OCI layout, as the stream of an archive `docker load` takes on
 * either image store: `oci-layout`, an `index.json` naming the image's manifest alone (what the
 * containerd store loads), Docker's `manifest.json` (what the classic store loads), and the
 * image's blobs, read from the layout as they are sent. Nothing is written to disk.
 */
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { type Pack, pack } from 'tar-stream'
import { blobPath, type PlatformImage } from './layout.js'
import { Annotation, type ImageIndex, MediaType } from './types.js'

/** The documents of the archive of `image` named `name` (`archway.local/app:1-arm64`). Pure. */
export function archiveDocuments(image: PlatformImage, name: string): { index: ImageIndex; dockerManifest: unknown[] } {
  const blob = (digest: string) => `blobs/${digest.replace(':', '/')}`
  const tag = name.slice(name.lastIndexOf(':') + 1)
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: MediaType.OciIndex,
    manifests: [{ ...image.descriptor, annotations: { 'io.containerd.image.name': name, [Annotation.RefName]: tag } }]
  }
  const dockerManifest = [
    { Config: blob(image.manifest.config.digest), RepoTags: [name], Layers: image.manifest.layers.map(l => blob(l.digest)) }
  ]
  return { index, dockerManifest }
}

/** The blobs the archive holds, each once: the manifest, the config, the layers. Pure. */
export function archiveBlobs(image: PlatformImage): { digest: string; size: number }[] {
  const all = [image.descriptor, image.manifest.config, ...image.manifest.layers]
  const seen = new Set<string>()
  return all.filter(d => !seen.has(d.digest) && seen.add(d.digest)).map(d => ({ digest: d.digest, size: d.size }))
}

const entry = (p: Pack, name: string, data: string | Buffer) =>
  new Promise<void>((resolve, reject) => p.entry({ name, mode: 0o644 }, data, err => (err ? reject(err) : resolve())))

/** The archive as a stream; an unreadable blob ends it with an error. */
export function platformArchive(image: PlatformImage, name: string): Readable {
  const p = pack()
  const { index, dockerManifest } = archiveDocuments(image, name)
  const fill = async () => {
    await entry(p, 'oci-layout', JSON.stringify({ imageLayoutVersion: '1.0.0' }))
    await entry(p, 'index.json', JSON.stringify(index))
    await entry(p, 'manifest.json', JSON.stringify(dockerManifest))
    for (const b of archiveBlobs(image)) {
      const sink = p.entry({ name: `blobs/${b.digest.replace(':', '/')}`, size: b.size, mode: 0o644 })
      await pipeline(createReadStream(blobPath(image.dir, b.digest)), sink)
    }
    p.finalize()
  }
  fill().catch((err: unknown) => p.destroy(err as Error))
  return Readable.from(p)
}
