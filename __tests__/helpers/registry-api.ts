/** Reads what a loopback registry holds, with skopeo (an independent client) and plain HTTP, and deletes what a test pushed. */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'

export function skopeoRaw(ref: string, creds?: string): Buffer {
  return execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', ...(creds ? ['--creds', creds] : []), `docker://${ref}`], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
}

export function sha256(b: Buffer): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`
}

/** The tags of a repository; [] when the repository does not exist. */
export async function tagsOf(registry: string, repository: string, auth?: { username: string; password: string }): Promise<string[]> {
  const headers: Record<string, string> = auth
    ? { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` }
    : {}
  const r = await fetch(`http://${registry}/v2/${repository}/tags/list`, { headers })
  if (r.status === 404) return []
  if (!r.ok) throw new Error(`tags/list of ${registry}/${repository}: ${r.status}`)
  return ((await r.json()) as { tags: string[] | null }).tags ?? []
}

/** The platforms an index lists, in its order, as os/architecture[/variant]. */
export function indexPlatforms(raw: Buffer): string[] {
  const index = JSON.parse(raw.toString()) as { manifests: { platform: { os: string; architecture: string; variant?: string } }[] }
  return index.manifests.map(m => [m.platform.os, m.platform.architecture, m.platform.variant].filter(Boolean).join('/'))
}

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json'
]

interface Manifest {
  readonly digest: string
  /** An index's entries; BuildKit before v0.21 lists a registry cache's layers and config here too, as blobs. */
  readonly manifests?: { digest: string; mediaType?: string }[]
  readonly config?: { digest: string }
  readonly layers?: { digest: string }[]
}

/** The manifest under a tag or digest of an open registry, with its digest; undefined when there is none. */
async function manifestOf(registry: string, repository: string, ref: string): Promise<Manifest | undefined> {
  const r = await fetch(`http://${registry}/v2/${repository}/manifests/${ref}`, { headers: { accept: MANIFEST_TYPES.join(', ') } })
  if (r.status === 404) return undefined
  if (!r.ok) throw new Error(`manifest ${ref} of ${registry}/${repository}: ${r.status}`)
  const bytes = Buffer.from(await r.arrayBuffer())
  return { ...(JSON.parse(bytes.toString()) as Omit<Manifest, 'digest'>), digest: sha256(bytes) }
}

/** Whether an index entry is a manifest (an entry without a media type is taken as one), not a blob. */
const isManifest = (d: { mediaType?: string }) => d.mediaType === undefined || MANIFEST_TYPES.includes(d.mediaType)

/** The manifest under `ref` and, if it is an index, every manifest it lists (those the registry has). */
async function manifestTree(registry: string, repository: string, ref: string): Promise<Manifest[]> {
  const top = await manifestOf(registry, repository, ref)
  if (!top) return []
  const children = await Promise.all((top.manifests ?? []).filter(isManifest).map(m => manifestOf(registry, repository, m.digest)))
  return [top, ...children.filter(m => m !== undefined)]
}

/** The digest of the manifest under a tag of an open registry; undefined when there is none. */
export async function digestOf(registry: string, repository: string, tag: string): Promise<string | undefined> {
  return (await manifestOf(registry, repository, tag))?.digest
}

/** The layers of the image, or cache, under a tag or digest of an open registry: its own, or those of every manifest its index lists. */
export async function layersOf(registry: string, repository: string, ref: string): Promise<string[]> {
  return [...new Set((await manifestTree(registry, repository, ref)).flatMap(m => (m.layers ?? []).map(l => l.digest)))]
}

/**
 * Deletes from an open registry (distribution with `delete: enabled`) every manifest under the
 * repository's tags, an index's manifests with it, and the manifests `digests` names (pushed by
 * digest, perhaps under no tag), then the repository's links to their configs and layers: the
 * repository is left with no tag and no blob. The bytes themselves stay in the registry's storage
 * until its garbage collection, which runs only with the registry stopped.
 */
export async function deleteRepository(registry: string, repository: string, digests: readonly string[] = []): Promise<void> {
  const refs = [...(await tagsOf(registry, repository)), ...digests]
  const manifests = (await Promise.all(refs.map(ref => manifestTree(registry, repository, ref)))).flat()
  const byDigest = new Map(manifests.map(m => [m.digest, m]))
  const blobs = new Set(
    [...byDigest.values()].flatMap(m => [
      ...(m.config ? [m.config.digest] : []),
      ...(m.layers ?? []).map(l => l.digest),
      ...(m.manifests ?? []).filter(d => !isManifest(d)).map(d => d.digest)
    ])
  )
  const remove = async (kind: 'manifests' | 'blobs', digest: string) => {
    const r = await fetch(`http://${registry}/v2/${repository}/${kind}/${digest}`, { method: 'DELETE' })
    if (r.status !== 202 && r.status !== 404) throw new Error(`DELETE ${kind}/${digest} of ${registry}/${repository}: ${r.status}`)
  }
  for (const digest of byDigest.keys()) await remove('manifests', digest)
  for (const digest of blobs) await remove('blobs', digest)
}

/** The configs and layers the manifests under a tag or digest of an open registry name, that the registry does not have. */
export async function missingBlobs(registry: string, repository: string, ref: string): Promise<string[]> {
  const blobs = (await manifestTree(registry, repository, ref)).flatMap(m => [
    ...(m.config ? [m.config.digest] : []),
    ...(m.layers ?? []).map(l => l.digest)
  ])
  const there = await Promise.all(
    blobs.map(async d => (await fetch(`http://${registry}/v2/${repository}/blobs/${d}`, { method: 'HEAD' })).status === 200)
  )
  return blobs.filter((_, i) => !there[i])
}

/** The configs of the image under a tag or digest of an open registry: its own, or those of every image its index lists. */
export async function configsOf(registry: string, repository: string, ref: string): Promise<Record<string, unknown>[]> {
  const digests = (await manifestTree(registry, repository, ref)).flatMap(m => (m.config ? [m.config.digest] : []))
  return Promise.all(
    digests.map(async d => {
      const r = await fetch(`http://${registry}/v2/${repository}/blobs/${d}`)
      if (!r.ok) throw new Error(`blob ${d} of ${registry}/${repository}: ${r.status}`)
      return (await r.json()) as Record<string, unknown>
    })
  )
}
