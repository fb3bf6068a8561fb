/** The manifest endpoints: HEAD, GET, PUT and DELETE, each answer checked against the digest of the bytes. */

import { type Descriptor, MediaType } from '../oci/types.js'
import { digestOf } from '../shared/digest.js'
import { ArchwayError, VerificationError } from '../shared/errors.js'
import { repositoryScope } from './auth.js'
import { parseErrorBody } from './errors.js'
import { algorithmOf, isDigest, validateDigest, validateManifestRef, validateRepository } from './reference.js'
import type { RegistryRequests } from './requests.js'
import { header } from './transport.js'

/** Sent with every manifest HEAD and GET: the two index and the two image manifest types. */
export const MANIFEST_ACCEPT = [MediaType.OciIndex, MediaType.OciManifest, MediaType.DockerManifestList, MediaType.DockerManifest].join(
  ', '
)

/** A manifest as a registry sent it. */
export interface FetchedManifest {
  /** Exactly as the registry sent them. */
  readonly bytes: Buffer
  readonly mediaType: string
  /** Of `bytes`: sha256, or the algorithm of the digest asked for. */
  readonly digest: string
}

const GENERIC_TYPES = new Set(['', 'application/json', 'application/octet-stream', 'text/plain'])

/** The manifest's digest, media type and size, or undefined when the registry has no such manifest. */
export async function headManifest(api: RegistryRequests, repo: string, ref: string): Promise<Descriptor | undefined> {
  validateRepository(repo)
  validateManifestRef(ref)
  const res = await api.call({
    method: 'HEAD',
    url: api.url(`/v2/${repo}/manifests/${ref}`),
    scopes: [repositoryScope(repo, 'pull')],
    headers: { accept: MANIFEST_ACCEPT }
  })
  if (res.status === 404) return undefined
  if (res.status !== 200) throw api.error('HEAD', res)
  const digest = header(res, 'docker-content-digest')
  const size = Number(header(res, 'content-length') ?? NaN)
  const mediaType = bareMediaType(header(res, 'content-type'))
  if (digest && isDigest(digest) && Number.isInteger(size) && mediaType && !GENERIC_TYPES.has(mediaType)) {
    if (isDigest(ref) && algorithmOf(digest) === algorithmOf(ref) && digest !== ref) {
      throw new VerificationError(`Manifest ${repo}@${ref} on ${api.registry}: the registry gives its digest as ${digest}`)
    }
    return { digest: isDigest(ref) ? ref : digest, mediaType, size }
  }
  // The registry left something out of the HEAD answer: read the manifest itself.
  const m = await getManifest(api, repo, ref)
  return { digest: m.digest, mediaType: m.mediaType, size: m.bytes.length }
}

/** The manifest's exact bytes; when `ref` is a digest, bytes that do not match it are refused. */
export async function getManifest(api: RegistryRequests, repo: string, ref: string): Promise<FetchedManifest> {
  validateRepository(repo)
  validateManifestRef(ref)
  const res = await api.call({
    method: 'GET',
    url: api.url(`/v2/${repo}/manifests/${ref}`),
    scopes: [repositoryScope(repo, 'pull')],
    headers: { accept: MANIFEST_ACCEPT }
  })
  if (res.status !== 200) throw api.error('GET', res)
  const algorithm = isDigest(ref) ? algorithmOf(ref) : 'sha256'
  const digest = digestOf(res.body, algorithm)
  if (isDigest(ref) && digest !== ref) {
    throw new VerificationError(`Manifest ${repo}@${ref} from ${api.registry}: the bytes sent have the digest ${digest}: refused`)
  }
  const claimed = header(res, 'docker-content-digest')
  if (claimed && algorithmOf(claimed) === algorithm && claimed !== digest) {
    throw new VerificationError(
      `Manifest ${repo}:${ref} from ${api.registry}: the registry names it ${claimed} but the bytes sent have the digest ${digest}: refused`
    )
  }
  return { bytes: res.body, mediaType: manifestMediaType(header(res, 'content-type'), res.body), digest }
}

/**
 * PUTs the exact bytes under a tag or their digest, with `mediaType` as Content-Type, and
 * returns their sha256 digest (checked against Docker-Content-Digest when the registry
 * sends one).
 */
export async function putManifest(api: RegistryRequests, repo: string, ref: string, bytes: Buffer, mediaType: string): Promise<string> {
  validateRepository(repo)
  validateManifestRef(ref)
  if (!/^[\w.+-]+\/[\w.+-]+$/.test(mediaType)) throw new ArchwayError(`"${mediaType}" is not a media type (type/subtype)`)
  const digest = digestOf(bytes)
  if (isDigest(ref) && digestOf(bytes, algorithmOf(ref)) !== ref) {
    throw new VerificationError(`Manifest for ${repo}@${ref}: the bytes to send have the digest ${digestOf(bytes, algorithmOf(ref))}`)
  }
  const res = await api.call({
    method: 'PUT',
    url: api.url(`/v2/${repo}/manifests/${ref}`),
    scopes: [repositoryScope(repo, 'pull,push')],
    headers: { 'content-type': mediaType },
    body: bytes,
    sameOriginOnly: true
  })
  if (![200, 201, 202].includes(res.status)) throw api.error('PUT', res)
  const claimed = header(res, 'docker-content-digest')
  if (claimed && algorithmOf(claimed) === 'sha256' && claimed !== digest) {
    throw new VerificationError(
      `Manifest ${repo}:${ref} on ${api.registry}: the registry stored it as ${claimed}, but the bytes sent have the digest ${digest}`
    )
  }
  api.log(`Manifest ${digest} (${mediaType}) is in ${repo}${isDigest(ref) ? '' : ` as ${ref}`}`)
  return digest
}

/** Deletes a manifest by digest: true when deleted, false when the registry does not allow deletion (405, UNSUPPORTED). */
export async function deleteManifest(api: RegistryRequests, repo: string, digest: string): Promise<boolean> {
  validateRepository(repo)
  validateDigest(digest)
  const res = await api.call({
    method: 'DELETE',
    url: api.url(`/v2/${repo}/manifests/${digest}`),
    scopes: [repositoryScope(repo, 'delete')]
  })
  if ([200, 202, 204].includes(res.status)) return true
  if (res.status === 405 || parseErrorBody(res.body).some(c => c.code === 'UNSUPPORTED')) return false
  throw api.error('DELETE', res)
}

function bareMediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim()
}

/** The Content-Type, unless it is generic: then the document's own `mediaType` field. */
function manifestMediaType(contentType: string | undefined, bytes: Buffer): string {
  const type = bareMediaType(contentType)
  if (!GENERIC_TYPES.has(type)) return type
  try {
    const field = (JSON.parse(bytes.toString()) as { mediaType?: unknown }).mediaType
    return typeof field === 'string' ? field : type
  } catch {
    return type
  }
}
