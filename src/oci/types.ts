/** OCI image layout documents and media types, with their Docker schema 2 equivalents. Pure. */

export const MediaType = {
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  OciConfig: 'application/vnd.oci.image.config.v1+json',
  OciLayer: 'application/vnd.oci.image.layer.v1.tar',
  OciLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  OciLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  OciLayerNondistributable: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  OciLayerNondistributableGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  OciLayerNondistributableZstd: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
  OciEmpty: 'application/vnd.oci.empty.v1+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerConfig: 'application/vnd.docker.container.image.v1+json',
  DockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  DockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  DockerLayerZstd: 'application/vnd.docker.image.rootfs.diff.tar.zstd',
  DockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  /** The layers of a buildx attestation manifest: one in-toto statement each (SLSA provenance, SBOM). */
  InToto: 'application/vnd.in-toto+json',
  /**
   * The `artifactType` of a published attestation referrer: buildkit's own type for an attestation
   * manifest (what it gives with `oci-artifact=true`), which buildx imagetools and Docker Scout know.
   */
  DockerAttestationManifest: 'application/vnd.docker.attestation.manifest.v1+json',
  /** The `artifactType` of a matrix job's staging manifest. */
  ArchwayStage: 'application/vnd.archway.stage.v1+json'
} as const

/** The OCI empty JSON blob (`{}`) and its descriptor: the config and layer of an artifact with no content. */
export const EMPTY_JSON = Buffer.from('{}')
export const EMPTY_DESCRIPTOR = {
  mediaType: MediaType.OciEmpty,
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2
} as const

/** Annotations that buildx puts on an attestation manifest's descriptor in the image index. */
export const Annotation = {
  ReferenceType: 'vnd.docker.reference.type',
  ReferenceDigest: 'vnd.docker.reference.digest',
  RefName: 'org.opencontainers.image.ref.name',
  Created: 'org.opencontainers.image.created'
} as const

/** The value of `vnd.docker.reference.type` on an attestation manifest (whose platform is `unknown/unknown`). */
export const ATTESTATION_MANIFEST = 'attestation-manifest'

export interface DescriptorPlatform {
  readonly architecture: string
  readonly os: string
  readonly variant?: string
  readonly 'os.version'?: string
  readonly 'os.features'?: readonly string[]
}

export interface Descriptor {
  readonly mediaType: string
  /** `sha256:<64 hex>` (or `sha512:<128 hex>`). */
  readonly digest: string
  readonly size: number
  readonly platform?: DescriptorPlatform
  readonly annotations?: Readonly<Record<string, string>>
  readonly urls?: readonly string[]
  readonly artifactType?: string
}

/** A referrer's descriptor, as a referrers list gives it: with the artifact's type. */
export type ArtifactDescriptor = Descriptor & { readonly artifactType: string }

export interface ImageIndex {
  readonly schemaVersion: 2
  readonly mediaType?: string
  readonly manifests: readonly Descriptor[]
  readonly annotations?: Readonly<Record<string, string>>
  readonly subject?: Descriptor
}

export interface ImageManifest {
  readonly schemaVersion: 2
  readonly mediaType?: string
  readonly artifactType?: string
  readonly config: Descriptor
  readonly layers: readonly Descriptor[]
  readonly annotations?: Readonly<Record<string, string>>
  readonly subject?: Descriptor
}

/** The parts of an image configuration Archway reads. */
export interface ImageConfig {
  readonly architecture?: string
  readonly os?: string
  readonly variant?: string
  readonly rootfs?: { readonly type: string; readonly diff_ids: readonly string[] }
  readonly config?: Readonly<Record<string, unknown>>
}

const INDEX_TYPES: ReadonlySet<string> = new Set([MediaType.OciIndex, MediaType.DockerManifestList])
const MANIFEST_TYPES: ReadonlySet<string> = new Set([MediaType.OciManifest, MediaType.DockerManifest])
const CONFIG_TYPES: ReadonlySet<string> = new Set([MediaType.OciConfig, MediaType.DockerConfig])

export function isIndexMediaType(mediaType: string | undefined): boolean {
  return mediaType !== undefined && INDEX_TYPES.has(mediaType)
}

export function isManifestMediaType(mediaType: string | undefined): boolean {
  return mediaType !== undefined && MANIFEST_TYPES.has(mediaType)
}

/** True for an image configuration (not an artifact's config, nor an attestation's). */
export function isImageConfigMediaType(mediaType: string | undefined): boolean {
  return mediaType !== undefined && CONFIG_TYPES.has(mediaType)
}

/** True for a buildx attestation manifest's descriptor (annotation `vnd.docker.reference.type: attestation-manifest`). */
export function isAttestation(d: Descriptor): boolean {
  return d.annotations?.[Annotation.ReferenceType] === ATTESTATION_MANIFEST
}

export type LayerCompression = 'none' | 'gzip' | 'zstd'

const LAYER_COMPRESSION: Readonly<Record<string, LayerCompression>> = {
  [MediaType.OciLayer]: 'none',
  [MediaType.OciLayerGzip]: 'gzip',
  [MediaType.OciLayerZstd]: 'zstd',
  [MediaType.OciLayerNondistributable]: 'none',
  [MediaType.OciLayerNondistributableGzip]: 'gzip',
  [MediaType.OciLayerNondistributableZstd]: 'zstd',
  [MediaType.DockerLayer]: 'none',
  [MediaType.DockerLayerGzip]: 'gzip',
  [MediaType.DockerLayerZstd]: 'zstd',
  [MediaType.DockerForeignLayerGzip]: 'gzip'
}

/** How a layer of this media type is compressed; undefined when it is not a filesystem layer Archway knows. */
export function layerCompression(mediaType: string): LayerCompression | undefined {
  return LAYER_COMPRESSION[mediaType]
}
