/**
 * The blob endpoints: HEAD, GET, and uploads in go-containerregistry's steps (remote/write.go):
 * check for the existing blob, initiate an upload session (or mount), stream the blob, commit.
 */
import { stat } from 'node:fs/promises'
import { digestOf } from '../digest.js'
import { errorMessage, VerificationError } from '../errors.js'
import { repositoryScope } from './auth.js'
import { RegistryError } from './errors.js'
import { algorithmOf, validateDigest, validateRepository } from './reference.js'
import type { RegistryRequests } from './requests.js'
import { withRetry } from './retry.js'
import { header, type RequestBody } from './transport.js'

/** A blob's bytes: in memory, or a file of known size streamed from disk. */
export type BlobSource = Buffer | { readonly path: string; readonly size: number }

export interface PushBlobOptions {
  /** A repository of the same registry that may hold the blob already: mounted instead of uploaded when it does. */
  readonly mountFrom?: string
}

export interface Chunking {
  /** Blobs bigger than this are sent in PATCH chunks rather than in one PUT. */
  readonly threshold: number
  /** Raised to the registry's OCI-Chunk-Min-Length when it asks for more. */
  readonly size: number
}

/** One upload: what goes where, with the scopes its requests need. */
interface Upload {
  readonly repo: string
  readonly digest: string
  readonly scopes: readonly string[]
  /** The repository to mount from. */
  readonly from: string | undefined
}

/** An open upload session: where to send the next request, and the chunk size it takes. */
interface Session {
  readonly location: URL
  readonly chunkSize: number
}

const OCTETS = { 'content-type': 'application/octet-stream' }

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
 * Uploads a blob unless the repository has it: mounted from `mountFrom` when that
 * repository has it, else one POST then a PUT of the whole blob, or (above the chunked
 * threshold) PATCHes of chunks then a closing PUT. A Buffer is checked against the digest
 * before anything is sent; a file's digest is checked by the registry.
 */
export async function pushBlob(
  api: RegistryRequests,
  repo: string,
  digest: string,
  source: BlobSource,
  options: PushBlobOptions,
  chunking: Chunking
): Promise<void> {
  validateRepository(repo)
  validateDigest(digest)
  const from = options.mountFrom !== undefined && options.mountFrom !== repo ? validateRepository(options.mountFrom) : undefined
  const size = await sourceSize(repo, digest, source)
  const scopes = [repositoryScope(repo, 'pull,push'), ...(from ? [repositoryScope(from, 'pull')] : [])]
  if (await checkExistingBlob(api, repo, digest, scopes)) {
    api.log(`Blob ${digest} is already in ${repo}`)
    return
  }
  const upload: Upload = { repo, digest, scopes, from }
  try {
    // A PUT or PATCH cut off after part of the blob reached the registry leaves that session
    // holding the part (a second PUT to it is refused: BLOB_UPLOAD_INVALID; a chunk sent twice
    // would corrupt it): every try starts again from a new session.
    await withRetry(
      api.retryPolicy,
      async () => {
        const session = await initiateUpload(api, upload, chunking.size)
        if (!session) return
        const chunked = size <= chunking.threshold ? undefined : await streamBlob(api, upload, session, source, size)
        await commitBlob(api, upload, chunked?.location ?? session.location, chunked ? undefined : source)
        api.log(`Blob ${digest} (${size} bytes) uploaded to ${repo} in ${chunked ? `${chunked.chunks} chunks` : 'one PUT'}`)
      },
      { onRetry: (err, n, wait) => api.log(`Upload of ${digest} to ${repo} starts again (retry ${n}) in ${wait} ms: ${errorMessage(err)}`) }
    )
  } catch (err) {
    // The registry may have stored it and the answer been lost (a reset during the PUT).
    if (err instanceof RegistryError && (await checkExistingBlob(api, repo, digest, scopes).catch(() => false))) return
    throw err
  }
}

async function checkExistingBlob(api: RegistryRequests, repo: string, digest: string, scopes: readonly string[]): Promise<boolean> {
  const res = await api.call({ method: 'HEAD', url: api.url(`/v2/${repo}/blobs/${digest}`), scopes })
  if (res.status === 200) return true
  if (res.status === 404) return false
  throw api.error('HEAD', res)
}

/** POST: a new upload session, or undefined when the blob was mounted from `u.from`. */
async function initiateUpload(api: RegistryRequests, u: Upload, chunkSize: number): Promise<Session | undefined> {
  const start = api.url(`/v2/${u.repo}/blobs/uploads/`)
  if (u.from) {
    start.searchParams.set('mount', u.digest)
    start.searchParams.set('from', u.from)
  }
  const res = await api.call({ method: 'POST', url: start, scopes: u.scopes, retry: false })
  if (res.status === 201 && u.from) {
    api.log(`Blob ${u.digest} mounted into ${u.repo} from ${u.from}`)
    return undefined
  }
  const least = Number(header(res, 'oci-chunk-min-length'))
  return { location: api.location('POST', res, 202), chunkSize: Number.isSafeInteger(least) && least > chunkSize ? least : chunkSize }
}

/** PATCHes the blob in chunks; returns where to commit it. */
async function streamBlob(
  api: RegistryRequests,
  u: Upload,
  session: Session,
  source: BlobSource,
  size: number
): Promise<{ location: URL; chunks: number }> {
  let location = session.location
  let chunks = 0
  for (let offset = 0; offset < size; offset += session.chunkSize) {
    const n = Math.min(session.chunkSize, size - offset)
    const body: RequestBody = Buffer.isBuffer(source) ? source.subarray(offset, offset + n) : { path: source.path, offset, size: n }
    const res = await api.call({
      method: 'PATCH',
      url: location,
      scopes: u.scopes,
      retry: false,
      headers: { ...OCTETS, 'content-range': `${offset}-${offset + n - 1}` },
      body
    })
    location = api.location('PATCH', res, 202)
    chunks++
  }
  return { location, chunks }
}

/** The closing PUT with the digest: carrying the whole blob when no chunk was sent, else empty. */
async function commitBlob(api: RegistryRequests, u: Upload, location: URL, body: BlobSource | undefined): Promise<void> {
  const headers = body === undefined ? undefined : OCTETS
  const res = await api.call({ method: 'PUT', url: withQuery(location, 'digest', u.digest), scopes: u.scopes, headers, body, retry: false })
  if (res.status !== 201) throw api.error('PUT', res)
}

/** Appends `name=value` to the query as it is, so that the registry's own parameters keep their exact encoding. */
function withQuery(url: URL, name: string, value: string): URL {
  const u = new URL(url)
  const pair = `${encodeURIComponent(name)}=${encodeURIComponent(value)}`
  u.search = u.search ? `${u.search}&${pair}` : `?${pair}`
  return u
}

async function sourceSize(repo: string, digest: string, source: BlobSource): Promise<number> {
  if (Buffer.isBuffer(source)) {
    const actual = digestOf(source, algorithmOf(digest))
    if (actual !== digest) throw new VerificationError(`Blob for ${repo}: the bytes given have the digest ${actual}, not ${digest}`)
    return source.length
  }
  const { size } = await stat(source.path)
  if (size !== source.size) throw new VerificationError(`Blob ${digest} for ${repo}: ${source.path} has ${size} bytes, not ${source.size}`)
  return size
}
