/**
 * buildx's provenance attestations, published as OCI referrers of the platform manifests they
 * describe (the referrers API, or the `sha256-<hex>` tag schema), never as entries of the index.
 */

import { blobPath, LayoutError, readBlob, readJsonBlob, readLayoutIndex } from '../oci/layout.js'
import {
  Annotation,
  type ArtifactDescriptor,
  ATTESTATION_MANIFEST,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
  isAttestation,
  isIndexMediaType,
  isManifestMediaType,
  MediaType
} from '../oci/types.js'
import type { BlobSource } from '../registry/blob-upload.js'
import type { RegistryClient } from '../registry/client.js'
import { DOCKER_HUB } from '../registry/reference.js'
import { digestOf } from '../shared/digest.js'
import { ArchwayError } from '../shared/errors.js'

/** How deep indexes may nest while looking for an attestation (buildx: index.json -> image index -> manifests). */
const MAX_DEPTH = 8

/** The attestation manifest of one platform image, read from a layout (checked against its digest). */
export interface Attestation {
  readonly dir: string
  readonly descriptor: Descriptor
  readonly manifest: ImageManifest
}

/**
 * The attestation descriptors among `descriptors` that name `subject` (the platform
 * manifest's digest in the layout), each once. Pure.
 */
export function attestationsFor(descriptors: readonly Descriptor[], subject: string): Descriptor[] {
  const out = new Map<string, Descriptor>()
  for (const d of descriptors)
    if (isAttestation(d) && d.annotations?.[Annotation.ReferenceDigest] === subject && !out.has(d.digest)) out.set(d.digest, d)
  return [...out.values()]
}

/**
 * The attestation manifest of the image whose manifest digest in the layout is `subject`,
 * searched through the layout's nested indexes; undefined when there is none. Throws
 * LayoutError when several different ones name it, or when it is no manifest.
 */
export async function findAttestation(dir: string, subject: string): Promise<Attestation | undefined> {
  const found = new Map<string, Descriptor>()
  const visit = async (descriptors: readonly Descriptor[], depth: number, seen: ReadonlySet<string>): Promise<void> => {
    for (const d of attestationsFor(descriptors, subject)) found.set(d.digest, d)
    for (const d of descriptors) {
      if (!isIndexMediaType(d.mediaType)) continue
      if (depth >= MAX_DEPTH || seen.has(d.digest)) throw new LayoutError(`image indexes nest too deep (or in a cycle) at ${d.digest}`)
      const child = await readJsonBlob<ImageIndex>(dir, d)
      if (child?.schemaVersion !== 2 || !Array.isArray(child.manifests))
        throw new LayoutError(`index ${d.digest} is not an image index (schemaVersion 2 with manifests)`)
      await visit(child.manifests, depth + 1, new Set([...seen, d.digest]))
    }
  }
  await visit((await readLayoutIndex(dir)).manifests, 0, new Set())
  if (found.size === 0) return undefined
  if (found.size > 1)
    throw new LayoutError(
      `the OCI layout ${dir} holds ${found.size} different attestation manifests for ${subject}: ${[...found.keys()].join(', ')}`
    )
  const descriptor = [...found.values()][0]
  if (!isManifestMediaType(descriptor.mediaType))
    throw new LayoutError(`attestation ${descriptor.digest} for ${subject} is of type ${descriptor.mediaType}, not an image manifest`)
  const manifest = await readJsonBlob<ImageManifest>(dir, descriptor)
  if (manifest?.schemaVersion !== 2 || !manifest.config || !Array.isArray(manifest.layers)) {
    throw new LayoutError(`attestation ${descriptor.digest} is not an image manifest (schemaVersion 2 with config and layers)`)
  }
  return { dir, descriptor, manifest }
}

export interface ReferrerDocument {
  readonly bytes: Buffer
  /** As the referrers list gives it: with the artifact type and the manifest's annotations. */
  readonly descriptor: ArtifactDescriptor
}

/**
 * An image's package URL as BuildKit names in-toto subjects:
 * `pkg:docker/<name>@<tag or digest>?platform=<os%2Farch>`, the name as docker prints it (Docker
 * Hub's without `docker.io/` and `library/`). Pure.
 */
export function imagePurl(registry: string, repository: string, version: string, platform: string): string {
  const name = registry === DOCKER_HUB ? repository.replace(/^library\//, '') : `${registry}/${repository}`
  return `pkg:docker/${name}@${version}?platform=${encodeURIComponent(platform)}`
}

/**
 * An in-toto statement (SLSA provenance, SBOM) whose subject is the image as published: one
 * entry per name it is published under, each with the published manifest's digest, in place of
 * the build's local tag; everything else as it was. Undefined when the bytes are no in-toto
 * statement. Pure.
 */
export function restateSubject(bytes: Buffer, names: readonly string[], digest: string): Buffer | undefined {
  let statement: { _type?: unknown; subject?: unknown; [k: string]: unknown }
  try {
    statement = JSON.parse(bytes.toString())
  } catch {
    return undefined
  }
  if (typeof statement._type !== 'string' || !statement._type.startsWith('https://in-toto.io/Statement/')) return undefined
  const [algorithm, hex] = digest.split(':')
  const subject = names.map(name => ({ name, digest: { [algorithm]: hex } }))
  return Buffer.from(JSON.stringify({ ...statement, subject }))
}

/** An image config whose `rootfs.diff_ids` name `renamed`'s new digests; undefined when nothing in it changes. Pure. */
export function withDiffIds(bytes: Buffer, renamed: ReadonlyMap<string, string>): Buffer | undefined {
  let config: { rootfs?: { diff_ids?: unknown } }
  try {
    config = JSON.parse(bytes.toString())
  } catch {
    return undefined
  }
  const ids = config.rootfs?.diff_ids
  if (!Array.isArray(ids) || !ids.some(id => renamed.has(id) && renamed.get(id) !== id)) return undefined
  return Buffer.from(JSON.stringify({ ...config, rootfs: { ...config.rootfs, diff_ids: ids.map(id => renamed.get(id) ?? id) } }))
}

/**
 * The manifest an attestation is published as: an OCI image manifest with `artifactType`,
 * the attestation's config and layers (its in-toto statements restated for the published
 * image, see restateSubject), and `subject`, the published platform manifest. Deterministic. Pure.
 */
export function referrerManifest(
  attestation: ImageManifest,
  subject: { readonly mediaType: string; readonly digest: string; readonly size: number }
): ReferrerDocument {
  const annotations = { ...(attestation.annotations ?? {}), [Annotation.ReferenceType]: ATTESTATION_MANIFEST }
  const doc = {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    artifactType: MediaType.DockerAttestationManifest,
    config: attestation.config,
    layers: attestation.layers,
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations
  }
  const bytes = Buffer.from(JSON.stringify(doc))
  return {
    bytes,
    descriptor: {
      mediaType: MediaType.OciManifest,
      digest: digestOf(bytes),
      size: bytes.length,
      artifactType: MediaType.DockerAttestationManifest,
      annotations
    }
  }
}

/**
 * The referrers tag schema's tag for a subject: `<algorithm>-<encoded>`, characters a tag
 * may not hold replaced by `-`, at most 128 characters (OCI distribution spec). Pure.
 */
export function referrersTag(digest: string): string {
  return digest.replace(/[^a-zA-Z0-9._-]/g, '-').slice(0, 128)
}

/**
 * The referrers index under the fallback tag with `add` in it: the existing index's entries
 * kept in their order (one of the same digest replaced in place), new ones appended.
 * `changed` is false when the existing index already lists them as given. Pure.
 */
export function mergeReferrersIndex(
  existing: Buffer | undefined,
  add: readonly ArtifactDescriptor[],
  name = 'the referrers tag'
): { bytes: Buffer; changed: boolean } {
  let base: { manifests: Descriptor[]; [k: string]: unknown } = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] }
  if (existing) {
    let parsed: unknown
    try {
      parsed = JSON.parse(existing.toString())
    } catch {
      parsed = undefined
    }
    const p = parsed as { schemaVersion?: unknown; mediaType?: unknown; manifests?: unknown } | undefined
    if (p?.schemaVersion !== 2 || !Array.isArray(p.manifests) || (p.mediaType !== undefined && p.mediaType !== MediaType.OciIndex)) {
      throw new ArchwayError(`${name} holds something other than an OCI image index (the referrers tag schema's); it was left as it is`)
    }
    base = p as typeof base
  }
  const manifests = [...base.manifests]
  for (const d of add) {
    const entry: Descriptor = {
      mediaType: d.mediaType,
      digest: d.digest,
      size: d.size,
      artifactType: d.artifactType,
      ...(d.annotations ? { annotations: d.annotations } : {})
    }
    const at = manifests.findIndex(m => m.digest === d.digest)
    if (at >= 0) manifests[at] = entry
    else manifests.push(entry)
  }
  const merged = { ...base, schemaVersion: 2, mediaType: MediaType.OciIndex, manifests }
  const bytes = Buffer.from(JSON.stringify(merged))
  const changed = !existing || JSON.stringify(JSON.parse(existing.toString())) !== bytes.toString()
  return { bytes, changed }
}

export interface AttachedProvenance {
  readonly referrer: ArtifactDescriptor
  /** `referrers API`, or the fallback tag written (`tag sha256-...`). */
  readonly via: string
}

/**
 * Pushes an attestation as a referrer of the published platform manifest `subject`: its
 * blobs, then its manifest by digest. Then asks the referrers API for the subject's
 * referrers: a registry with the API lists the new one; one without answers 404 (an empty
 * list), and the referrers tag schema's index is read, merged and put back.
 */
export async function attachProvenance(
  client: RegistryClient,
  repository: string,
  attestation: Attestation,
  subject: { readonly mediaType: string; readonly digest: string; readonly size: number },
  names: readonly string[]
): Promise<AttachedProvenance> {
  const { dir, manifest } = attestation
  const fromLayout = (d: Descriptor): BlobSource => ({ path: blobPath(dir, d.digest), size: d.size })
  const layers = await Promise.all(
    manifest.layers.map(async (d): Promise<{ descriptor: Descriptor; source: BlobSource }> => {
      if (d.mediaType !== MediaType.InToto) return { descriptor: d, source: fromLayout(d) }
      const restated = restateSubject(await readBlob(dir, d), names, subject.digest)
      if (!restated) return { descriptor: d, source: fromLayout(d) }
      return { descriptor: { ...d, digest: digestOf(restated), size: restated.length }, source: restated }
    })
  )
  // The attestation's config lists its layers' digests (they are uncompressed): restated ones there too.
  const renamed = new Map(manifest.layers.map((d, i) => [d.digest, layers[i].descriptor.digest]))
  const restatedConfig = withDiffIds(await readBlob(dir, manifest.config), renamed)
  const config = restatedConfig
    ? { descriptor: { ...manifest.config, digest: digestOf(restatedConfig), size: restatedConfig.length }, source: restatedConfig }
    : { descriptor: manifest.config, source: fromLayout(manifest.config) }
  const blobs = new Map<string, BlobSource>([config, ...layers].map(b => [b.descriptor.digest, b.source]))
  for (const [digest, source] of blobs) await client.pushBlob(repository, digest, source)
  const doc = referrerManifest({ ...manifest, config: config.descriptor, layers: layers.map(l => l.descriptor) }, subject)
  await client.putManifest(repository, doc.descriptor.digest, doc.bytes, MediaType.OciManifest)
  const listed = await client.referrers(repository, subject.digest)
  if (listed.some(d => d.digest === doc.descriptor.digest)) return { referrer: doc.descriptor, via: 'referrers API' }
  const tag = referrersTag(subject.digest)
  const existing = (await client.headManifest(repository, tag)) ? (await client.getManifest(repository, tag)).bytes : undefined
  const merged = mergeReferrersIndex(existing, [doc.descriptor], `${client.registry}/${repository}:${tag}`)
  if (merged.changed) await client.putManifest(repository, tag, merged.bytes, MediaType.OciIndex)
  return { referrer: doc.descriptor, via: `tag ${tag}` }
}
