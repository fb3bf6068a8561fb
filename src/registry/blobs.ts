/** The blob endpoints that read: HEAD, and GET into memory or streamed to a file, checked against the digest. */
import { rm } from 'node:fs/promises'
import { digestOf } from '../shared/digest.js'
import { VerificationError } from '../shared/errors.js'
import { repositoryScope } from './auth.js'
import { algorithmOf, validateDigest, validateRepository } from './reference.js'
import type { RegistryRequests } from './requests.js'

export async function blobExists(api: RegistryRequests, repo: string, digest: string): Promise<boolean> {
  validateRepository(repo)
  validateDigest(digest)
  return checkExistingBlob(api, repo, digest, [repositoryScope(repo, 'pull')])
}

/** The blob's bytes, checked against its digest (redirects to storage are followed, without credentials). */
export async function getBlob(api: RegistryRequests, repo: string, digest: string): Promise<Buffer> {
  validateRepository(repo)
  validateDigest(digest)
  const res = await api.call({ method: 'GET', url: api.url(`/v2/${repo}/blobs/${digest}`), scopes: [repositoryScope(repo, 'pull')] })
  if (res.status !== 200) throw api.error('GET', res)
  const actual = digestOf(res.body, algorithmOf(digest))
  if (actual !== digest) throw new VerificationError(`Blob ${repo}@${digest} from ${api.registry} has the digest ${actual}: refused`)
  return res.body
}

/**
 * The blob written to `path`, streamed and hashed on the way (a layer too large to hold), and
 * checked against its digest and `size`: a blob that does not match is removed and refused.
 */
export async function downloadBlob(api: RegistryRequests, repo: string, digest: string, size: number, path: string): Promise<void> {
  validateRepository(repo)
  validateDigest(digest)
  const res = await api.call({
    method: 'GET',
    url: api.url(`/v2/${repo}/blobs/${digest}`),
    scopes: [repositoryScope(repo, 'pull')],
    saveTo: { path, algorithm: algorithmOf(digest) }
  })
  if (res.status !== 200 || !res.saved) throw api.error('GET', res)
  if (res.saved.digest !== digest || res.saved.size !== size) {
    await rm(path, { force: true })
    throw new VerificationError(
      `Blob ${repo}@${digest} from ${api.registry} has ${res.saved.size} bytes (${size} expected) with the digest ${res.saved.digest}: refused`
    )
  }
}

/** HEAD: whether the repository holds the blob, with the scopes the caller's requests need. */
export async function checkExistingBlob(api: RegistryRequests, repo: string, digest: string, scopes: readonly string[]): Promise<boolean> {
  const res = await api.call({ method: 'HEAD', url: api.url(`/v2/${repo}/blobs/${digest}`), scopes })
  if (res.status === 200) return true
  if (res.status === 404) return false
  throw api.error('HEAD', res)
}
