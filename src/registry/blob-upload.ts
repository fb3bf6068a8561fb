/** Blob uploads in go-containerregistry's steps: check, open a session (or mount), stream, commit; after a failure, on from where the session is. */
import { stat } from 'node:fs/promises'
import { digestOf } from '../shared/digest.js'
import { errorMessage, VerificationError } from '../shared/errors.js'
import { repositoryScope } from './auth.js'
import { checkExistingBlob } from './blobs.js'
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

/** An open upload session: where to send its next request, the chunk size it takes, and how far it is. */
interface Session {
  /** The last Location the registry gave for it. */
  location: URL
  readonly chunkSize: number
  /** Bytes of the blob the registry holds in it. */
  offset: number
  /** PATCHes sent into it. */
  chunks: number
}

const OCTETS = { 'content-type': 'application/octet-stream' }

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
  let session: Session | undefined
  try {
    // A PUT or PATCH that failed leaves its session where the registry says it is: the next try
    // asks (GET on the session) and goes on from there, in the same session; a new one is opened
    // only when the registry no longer knows the old one.
    await withRetry(
      api.retryPolicy,
      async () => {
        if (session) {
          const state = await uploadStatus(api, upload, session, size)
          if (state === 'gone') {
            session = undefined
            // The failed request may have committed it before its answer was lost.
            if (await checkExistingBlob(api, repo, digest, scopes)) {
              api.log(`Blob ${digest} is in ${repo}: the upload whose answer was lost committed it`)
              return
            }
          } else if (state === 'unknown') {
            await cancelUpload(api, upload, session)
            session = undefined
          }
        }
        if (!session) {
          session = await initiateUpload(api, upload, chunking.size)
          if (!session) return
        }
        const how = await streamBlob(api, upload, session, source, size, chunking.threshold)
        session = undefined
        api.log(`Blob ${digest} (${size} bytes) uploaded to ${repo} in ${how}`)
      },
      { onRetry: (err, n, wait) => api.log(`Upload of ${digest} to ${repo} goes on (retry ${n}) in ${wait} ms: ${errorMessage(err)}`) }
    )
  } catch (err) {
    if (session) await cancelUpload(api, upload, session)
    // The registry may have stored it and the answer been lost (a reset during the PUT).
    if (err instanceof RegistryError && (await checkExistingBlob(api, repo, digest, scopes).catch(() => false))) return
    throw err
  }
}

/** POST: a new upload session, or undefined when the blob was mounted from `u.from`. */
async function initiateUpload(api: RegistryRequests, u: Upload, chunkSize: number): Promise<Session | undefined> {
  const pairs: [string, string][] = u.from
    ? [
        ['mount', u.digest],
        ['from', u.from]
      ]
    : []
  const start = withQuery(api.url(`/v2/${u.repo}/blobs/uploads/`), pairs)
  const res = await api.call({ method: 'POST', url: start, scopes: u.scopes, retry: false })
  if (res.status === 201 && u.from) {
    api.log(`Blob ${u.digest} mounted into ${u.repo} from ${u.from}`)
    return undefined
  }
  const least = Number(header(res, 'oci-chunk-min-length'))
  return {
    location: api.location('POST', res, 202),
    chunkSize: Number.isSafeInteger(least) && least > chunkSize ? least : chunkSize,
    offset: 0,
    chunks: 0
  }
}

/**
 * Where a session stands (GET on it: 204 with Range and Location, in the distribution API):
 * `open` with its offset and Location brought up to date; `gone` when the registry answers 404
 * (BLOB_UPLOAD_UNKNOWN: closed, cancelled or expired; or a Location it no longer takes);
 * `unknown` when the answer says nothing usable, so that the session is cancelled and another opened.
 */
async function uploadStatus(api: RegistryRequests, u: Upload, s: Session, size: number): Promise<'open' | 'gone' | 'unknown'> {
  const res = await api.call({ method: 'GET', url: s.location, scopes: u.scopes })
  if (res.status === 404) {
    api.log(`Upload session of ${u.digest} is gone (${api.error('GET', res).message}): a new one is opened`)
    return 'gone'
  }
  const offset = res.status === 204 ? rangeOffset(header(res, 'range')) : undefined
  if (offset === undefined || offset > size) {
    api.log(
      `Upload session of ${u.digest}: the registry's answer to GET gives no usable offset (${res.status}, Range ${header(res, 'range')})`
    )
    return 'unknown'
  }
  const location = header(res, 'location')
  if (location) s.location = new URL(location, res.url)
  s.offset = offset
  api.log(`Upload session of ${u.digest} holds ${offset} of ${size} bytes: it goes on from there`)
  return 'open'
}

/**
 * The offset after the bytes a Range header (`0-<last byte>`) says the session holds. `0-0` is
 * read as empty: distribution sends it for an empty session (and for one holding one byte, which
 * the next request's Content-Range or the closing digest check then refuses).
 */
export function rangeOffset(range: string | undefined): number | undefined {
  const m = /^(?:bytes=)?0-(\d+)$/.exec(range?.trim() ?? '')
  if (!m) return undefined
  const last = Number(m[1])
  return last === 0 ? 0 : last + 1
}

/**
 * Sends what the session lacks of the blob and commits it: the whole blob in one PUT when the
 * session is empty and the blob no bigger than the chunked threshold; else PATCHes of chunks from
 * the session's offset, then an empty closing PUT. Returns how, for the log.
 */
async function streamBlob(
  api: RegistryRequests,
  u: Upload,
  s: Session,
  source: BlobSource,
  size: number,
  threshold: number
): Promise<string> {
  if (s.offset === 0 && size <= threshold) {
    await commitBlob(api, u, s.location, source)
    return 'one PUT'
  }
  while (s.offset < size) {
    const offset = s.offset
    const n = Math.min(s.chunkSize, size - offset)
    const body: RequestBody = Buffer.isBuffer(source) ? source.subarray(offset, offset + n) : { path: source.path, offset, size: n }
    const res = await api.call({
      method: 'PATCH',
      url: s.location,
      scopes: u.scopes,
      retry: false,
      headers: { ...OCTETS, 'content-range': `${offset}-${offset + n - 1}` },
      body
    })
    s.location = api.location('PATCH', res, 202)
    s.offset = offset + n
    s.chunks++
  }
  await commitBlob(api, u, s.location, undefined)
  return `${s.chunks} chunks`
}

/** The closing PUT with the digest: carrying the whole blob when no chunk was sent, else empty. */
async function commitBlob(api: RegistryRequests, u: Upload, location: URL, body: BlobSource | undefined): Promise<void> {
  const headers = body === undefined ? undefined : OCTETS
  const res = await api.call({
    method: 'PUT',
    url: withQuery(location, [['digest', u.digest]]),
    scopes: u.scopes,
    headers,
    body,
    retry: false
  })
  if (res.status !== 201) throw api.error('PUT', res)
}

/** DELETE on a session given up on, so that the registry can free what it holds; best-effort, never an error. */
async function cancelUpload(api: RegistryRequests, u: Upload, s: Session): Promise<void> {
  try {
    const res = await api.call({ method: 'DELETE', url: s.location, scopes: u.scopes, retry: false })
    api.log(`Upload session of ${u.digest} cancelled: ${res.status}`)
  } catch (err) {
    api.log(`Upload session of ${u.digest} could not be cancelled: ${errorMessage(err)}`)
  }
}

/**
 * Appends `name=value` pairs to the query as it is, so that the registry's own parameters keep
 * their exact encoding. A digest's `:` and a repository's `/` are sent as they are (both may
 * stand in a query), so that the URL reads the same in a log line as on the wire.
 */
export function withQuery(url: URL, pairs: readonly (readonly [string, string])[]): URL {
  const u = new URL(url)
  const text = pairs.map(([k, v]) => `${queryText(k)}=${queryText(v)}`).join('&')
  if (text) u.search = u.search ? `${u.search}&${text}` : `?${text}`
  return u
}

const queryText = (s: string) => encodeURIComponent(s).replace(/%3A/gi, ':').replace(/%2F/gi, '/')

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
