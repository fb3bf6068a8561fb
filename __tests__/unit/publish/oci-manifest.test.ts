import { createHash } from 'node:crypto'
import type { Descriptor, ImageManifest } from '../../../src/oci/types.js'
import { MediaType } from '../../../src/oci/types.js'
import { ociManifest } from '../../../src/publish/oci-manifest.js'

const hex = (c: string) => c.repeat(64)
const config: Descriptor = { mediaType: MediaType.OciConfig, digest: `sha256:${hex('c')}`, size: 700 }
const layers: Descriptor[] = [
  { mediaType: MediaType.OciLayerGzip, digest: `sha256:${hex('1')}`, size: 1000 },
  { mediaType: MediaType.OciLayerGzip, digest: `sha256:${hex('2')}`, size: 200 }
]
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`

/** A manifest as a layout holds it: its document, and its bytes as written (indented, as some writers do). */
function built(m: ImageManifest): { manifest: ImageManifest; bytes: Buffer } {
  return { manifest: m, bytes: Buffer.from(JSON.stringify(m, null, 3)) }
}
const oci = built({ schemaVersion: 2, mediaType: MediaType.OciManifest, config, layers })
const docker = built({
  schemaVersion: 2,
  mediaType: MediaType.DockerManifest,
  config: { ...config, mediaType: MediaType.DockerConfig },
  layers: layers.map(l => ({ ...l, mediaType: MediaType.DockerLayerGzip }))
})
const META = {
  'org.opencontainers.image.version': '1.4.2',
  'org.opencontainers.image.created': '2026-11-30T00:00:00.000Z',
  'org.opencontainers.image.title': 'app'
}

describe('the manifest a platform is published as', () => {
  it('is the built OCI manifest byte for byte when no annotation is given', () => {
    for (const notes of [undefined, {}]) {
      const doc = ociManifest(oci.manifest, oci.bytes, new Map(), notes)
      expect(doc.bytes.equals(oci.bytes)).toBe(true)
      expect(doc.descriptor).toEqual({ mediaType: MediaType.OciManifest, digest: sha256(oci.bytes), size: oci.bytes.length })
    }
  })

  it('carries the manifest: annotations, keys sorted, over the same config and layers: another digest, the same bytes every time', () => {
    const doc = ociManifest(oci.manifest, oci.bytes, new Map(), META)
    expect(doc.descriptor.digest).not.toBe(sha256(oci.bytes))
    expect(doc.descriptor).toEqual({ mediaType: MediaType.OciManifest, digest: sha256(doc.bytes), size: doc.bytes.length })
    const published = JSON.parse(doc.bytes.toString())
    expect(published).toEqual({ schemaVersion: 2, mediaType: MediaType.OciManifest, config, layers, annotations: META })
    expect(Object.keys(published.annotations)).toEqual([
      'org.opencontainers.image.created',
      'org.opencontainers.image.title',
      'org.opencontainers.image.version'
    ])
    const reordered = Object.fromEntries(Object.entries(META).reverse())
    expect(ociManifest(oci.manifest, oci.bytes, new Map(), reordered).bytes.equals(doc.bytes)).toBe(true)
  })

  it("sets them over the built manifest's own annotations, and keeps the built bytes when they add nothing", () => {
    const own = built({ ...oci.manifest, annotations: { z: 'built', b: 'built' } })
    const doc = ociManifest(own.manifest, own.bytes, new Map(), { b: 'given', a: 'given' })
    expect(JSON.parse(doc.bytes.toString()).annotations).toEqual({ a: 'given', b: 'given', z: 'built' })
    expect(Object.keys(JSON.parse(doc.bytes.toString()).annotations)).toEqual(['a', 'b', 'z'])
    expect(ociManifest(own.manifest, own.bytes, new Map(), { b: 'built' }).bytes.equals(own.bytes)).toBe(true)
  })

  it('renames a Docker manifest to OCI with or without annotations, over the same config and layer digests', () => {
    const plain = JSON.parse(ociManifest(docker.manifest, docker.bytes).bytes.toString())
    expect(plain).toEqual({ schemaVersion: 2, mediaType: MediaType.OciManifest, config, layers })
    const noted = ociManifest(docker.manifest, docker.bytes, new Map(), META)
    expect(JSON.parse(noted.bytes.toString())).toEqual({ ...plain, annotations: META })
  })

  it('puts the gzipped layers of an uncompressed image in, annotations too', () => {
    const raw = built({ ...oci.manifest, layers: [{ mediaType: MediaType.OciLayer, digest: `sha256:${hex('9')}`, size: 5000 }] })
    const gz: Descriptor = { mediaType: MediaType.OciLayerGzip, digest: `sha256:${hex('8')}`, size: 900 }
    const doc = ociManifest(raw.manifest, raw.bytes, new Map([[`sha256:${hex('9')}`, gz]]), { k: 'v' })
    expect(JSON.parse(doc.bytes.toString())).toEqual({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config,
      layers: [gz],
      annotations: { k: 'v' }
    })
  })
})
