/**
 * What a platform image is published as: an OCI image manifest over the layout's own
 * config and layers. Docker schema 2 media types are renamed to their OCI equals (same
 * bytes); uncompressed layers (the classic store's `docker save`) are gzipped first, unless
 * gzip would not shrink them (prepareImage), then they stay OCI's uncompressed layers;
 * the `manifest:` annotations are added to the built manifest's own. Pure.
 */
import { sortedAnnotations } from '../inputs/annotations.js'
import type { Descriptor, ImageManifest } from '../oci/types.js'
import { MediaType } from '../oci/types.js'
import { digestOf } from '../shared/digest.js'

const OCI_EQUIVALENT: Readonly<Record<string, string>> = {
  [MediaType.DockerConfig]: MediaType.OciConfig,
  [MediaType.DockerLayerGzip]: MediaType.OciLayerGzip,
  [MediaType.DockerLayerZstd]: MediaType.OciLayerZstd,
  [MediaType.DockerLayer]: MediaType.OciLayer
}

/** The uncompressed layers: gzipped before they are published, where gzip shrinks them. */
export function uncompressedLayers(manifest: ImageManifest): Descriptor[] {
  return manifest.layers.filter(l => l.mediaType === MediaType.OciLayer || l.mediaType === MediaType.DockerLayer)
}

export interface OciManifestDocument {
  readonly bytes: Buffer
  readonly descriptor: Descriptor
}

/**
 * The OCI manifest to publish. `replaced` maps an uncompressed layer's digest to its gzipped
 * descriptor; `annotations` are set over the built manifest's own (keys sorted). When nothing
 * changes (already OCI, already compressed, no new annotation), `original` is kept byte for
 * byte, so the published digest is the one that was built and tested; otherwise the manifest
 * differs from the tested one only by media types, compression and annotations, over the same
 * config and layer contents.
 */
export function ociManifest(
  manifest: ImageManifest,
  original: Buffer,
  replaced: ReadonlyMap<string, Descriptor> = new Map(),
  annotations: Readonly<Record<string, string>> = {}
): OciManifestDocument {
  const rename = (d: Descriptor): Descriptor => {
    const swapped = replaced.get(d.digest)
    if (swapped) return { mediaType: swapped.mediaType, digest: swapped.digest, size: swapped.size }
    return { ...d, mediaType: OCI_EQUIVALENT[d.mediaType] ?? d.mediaType }
  }
  const config = rename(manifest.config)
  const layers = manifest.layers.map(rename)
  const built = manifest.annotations ?? {}
  const notes = sortedAnnotations(Object.entries({ ...built, ...annotations }))
  const unchanged =
    manifest.mediaType === MediaType.OciManifest &&
    config.mediaType === manifest.config.mediaType &&
    layers.every((l, i) => l.digest === manifest.layers[i].digest && l.mediaType === manifest.layers[i].mediaType) &&
    Object.entries(annotations).every(([k, v]) => built[k] === v)
  const bytes = unchanged
    ? original
    : Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaType.OciManifest,
          config,
          layers,
          ...(Object.keys(notes).length ? { annotations: notes } : {})
        })
      )
  return { bytes, descriptor: { mediaType: MediaType.OciManifest, digest: digestOf(bytes), size: bytes.length } }
}
