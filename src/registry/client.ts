/**
 * The one registry client (OCI distribution API v2) every registry path of the action uses.
 * Layers, from the call down: API method -> auth (401 challenge, token per scope, one more
 * try) -> retry (requests safe to repeat) -> redirects (Authorization kept to the
 * registry's origin) -> one HTTP exchange.
 */
import { digestOf } from '../digest.js'
import { stat } from 'node:fs/promises'
import { ArchwayError, VerificationError, errorMessage } from '../errors.js'
import { type Descriptor, MediaType } from '../oci/types.js'
import { type Credentials, RegistryAuth, repositoryScope } from './auth.js'
import { RegistryError, parseErrorBody, redactUrl } from './errors.js'
import { isDigest, isInsecureRegistry, registryApiHost, validateDigest, validateManifestRef, validateRegistry, validateRepository } from './reference.js'
import { DEFAULT_RETRY_POLICY, RETRYABLE_STATUSES, type RetryPolicy, parseRetryAfter, withRetry } from './retry.js'
import { type RequestBody, type TransportOptions, type TransportResponse, header, sameOrigin, sendFollowingRedirects } from './transport.js'

/** Sent with every manifest HEAD and GET: the two index and the two image manifest types. */
export const MANIFEST_ACCEPT = [MediaType.OciIndex, MediaType.OciManifest, MediaType.DockerManifestList, MediaType.DockerManifest].join(', ')

const MiB = 1024 * 1024
/** Blobs bigger than this are sent in PATCH chunks rather than in one PUT. */
export const DEFAULT_CHUNKED_UPLOAD_THRESHOLD = 64 * MiB
export const DEFAULT_CHUNK_SIZE = 16 * MiB

export interface RegistryClientOptions {
  /** host[:port] as in image references; `docker.io` is reached at registry-1.docker.io. */
  readonly registry: string
  readonly credentials?: Credentials
  /** Plain HTTP. Default: true for localhost, 127.0.0.0/8 and [::1], as docker does. */
  readonly insecure?: boolean
  readonly retry?: RetryPolicy
  /** Connect and read (idle) timeout of each request. Default 30 s. */
  readonly timeoutMs?: number
  readonly userAgent?: string
  /** Debug lines (requests, retries, tokens obtained); never a credential or a token. */
  readonly log?: (line: string) => void
  readonly chunkedUploadThreshold?: number
  readonly chunkSize?: number
}

/** A blob's bytes: in memory, or a file of known size streamed from disk. */
export type BlobSource = Buffer | { readonly path: string; readonly size: number }

export interface PushBlobOptions {
  /** A repository of the same registry that may hold the blob already: mounted instead of uploaded when it does. */
  readonly mountFrom?: string
}

/** A manifest as a registry sent it. */
export interface FetchedManifest {
  /** Exactly as the registry sent them. */
  readonly bytes: Buffer
  readonly mediaType: string
  /** Of `bytes`: sha256, or the algorithm of the digest asked for. */
  readonly digest: string
}

interface Call {
  readonly method: string
  readonly url: URL
  readonly scopes: readonly string[]
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: RequestBody
  /** Whether the request may be sent again after a retryable failure (default true). */
  readonly retry?: boolean
  /** A redirect to another origin is refused (a manifest PUT: only the registry can say it moved a tag). */
  readonly sameOriginOnly?: boolean
}

export { digestOf }

/** The target of `rel="next"` in a `Link` header (RFC 8288), as the tags list and referrers paginate. */
export function nextLink(value: string | undefined): string | undefined {
  if (!value) return undefined
  for (const m of value.matchAll(/<([^>]*)>([^<]*)/g)) {
    if (/;\s*rel\s*=\s*(?:"[^"]*\bnext\b[^"]*"|next\b)/i.test(m[2])) return m[1]
  }
  return undefined
}

export class RegistryClient {
  /** As given: `ghcr.io`, `127.0.0.1:5000`. */
  readonly registry: string
  /** `https://ghcr.io/`, `http://127.0.0.1:5000/`. */
  readonly baseUrl: URL
  private readonly auth: RegistryAuth
  /** Passwords and tokens: scrubbed from every error message. */
  private readonly secrets = new Set<string>()
  private readonly retryPolicy: RetryPolicy
  private readonly transport: TransportOptions
  private readonly userAgent: string
  private readonly log: (line: string) => void
  private readonly chunkThreshold: number
  private readonly chunkSize: number

  constructor(options: RegistryClientOptions) {
    this.registry = validateRegistry(options.registry)
    const insecure = options.insecure ?? isInsecureRegistry(options.registry)
    this.baseUrl = new URL(`${insecure ? 'http' : 'https'}://${registryApiHost(options.registry)}/`)
    this.retryPolicy = options.retry ?? DEFAULT_RETRY_POLICY
    this.transport = { connectTimeoutMs: options.timeoutMs, readTimeoutMs: options.timeoutMs }
    this.userAgent = options.userAgent ?? 'archway'
    this.log = options.log ?? (() => {})
    this.chunkThreshold = options.chunkedUploadThreshold ?? DEFAULT_CHUNKED_UPLOAD_THRESHOLD
    this.chunkSize = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE)
    this.auth = new RegistryAuth({
      registry: this.baseUrl,
      credentials: options.credentials,
      secrets: this.secrets,
      log: this.log,
      get: (url, headers) => this.exchange({ method: 'GET', url, scopes: [], headers }, undefined)
    })
  }

  /** GET /v2/: checks that the registry answers and, with credentials, that they are accepted. */
  async ping(): Promise<void> {
    const res = await this.call({ method: 'GET', url: this.url('/v2/'), scopes: [] })
    if (res.status !== 200) throw this.error('GET', res)
  }

  async blobExists(repo: string, digest: string): Promise<boolean> {
    validateRepository(repo)
    validateDigest(digest)
    return this.exists(repo, digest, [repositoryScope(repo, 'pull')])
  }

  /** The blob's bytes, checked against its digest (redirects to storage are followed, without credentials). */
  async getBlob(repo: string, digest: string): Promise<Buffer> {
    validateRepository(repo)
    validateDigest(digest)
    const res = await this.call({ method: 'GET', url: this.url(`/v2/${repo}/blobs/${digest}`), scopes: [repositoryScope(repo, 'pull')] })
    if (res.status !== 200) throw this.error('GET', res)
    const actual = digestOf(res.body, algorithmOf(digest))
    if (actual !== digest) throw new VerificationError(`Blob ${repo}@${digest} from ${this.registry} has the digest ${actual}: refused`)
    return res.body
  }

  /**
   * Uploads a blob unless the repository has it: mounted from `mountFrom` when that
   * repository has it, else one POST then a PUT of the whole blob, or (above the chunked
   * threshold) PATCHes of chunks then a closing PUT. A Buffer is checked against the digest
   * before anything is sent; a file's digest is checked by the registry.
   */
  async pushBlob(repo: string, digest: string, source: BlobSource, options: PushBlobOptions = {}): Promise<void> {
    validateRepository(repo)
    validateDigest(digest)
    const from = options.mountFrom !== undefined && options.mountFrom !== repo ? validateRepository(options.mountFrom) : undefined
    const size = await sourceSize(repo, digest, source)
    const scopes = [repositoryScope(repo, 'pull,push'), ...(from ? [repositoryScope(from, 'pull')] : [])]
    if (await this.exists(repo, digest, scopes)) {
      this.log(`Blob ${digest} is already in ${repo}`)
      return
    }
    try {
      await this.upload(repo, digest, source, size, scopes, from)
    } catch (err) {
      // The registry may have stored it and the answer been lost (a reset during the PUT).
      if (err instanceof RegistryError && (await this.exists(repo, digest, scopes).catch(() => false))) return
      throw err
    }
  }

  /** The manifest's digest, media type and size, or undefined when the registry has no such manifest. */
  async headManifest(repo: string, ref: string): Promise<Descriptor | undefined> {
    validateRepository(repo)
    validateManifestRef(ref)
    const res = await this.call({ method: 'HEAD', url: this.url(`/v2/${repo}/manifests/${ref}`), scopes: [repositoryScope(repo, 'pull')], headers: { accept: MANIFEST_ACCEPT } })
    if (res.status === 404) return undefined
    if (res.status !== 200) throw this.error('HEAD', res)
    const digest = header(res, 'docker-content-digest')
    const size = Number(header(res, 'content-length') ?? NaN)
    const mediaType = bareMediaType(header(res, 'content-type'))
    if (digest && isDigest(digest) && Number.isInteger(size) && mediaType && !GENERIC_TYPES.has(mediaType)) {
      if (isDigest(ref) && algorithmOf(digest) === algorithmOf(ref) && digest !== ref) {
        throw new VerificationError(`Manifest ${repo}@${ref} on ${this.registry}: the registry gives its digest as ${digest}`)
      }
      return { digest: isDigest(ref) ? ref : digest, mediaType, size }
    }
    // The registry left something out of the HEAD answer: read the manifest itself.
    const m = await this.getManifest(repo, ref)
    return { digest: m.digest, mediaType: m.mediaType, size: m.bytes.length }
  }

  /** The manifest's exact bytes; when `ref` is a digest, bytes that do not match it are refused. */
  async getManifest(repo: string, ref: string): Promise<FetchedManifest> {
    validateRepository(repo)
    validateManifestRef(ref)
    const res = await this.call({ method: 'GET', url: this.url(`/v2/${repo}/manifests/${ref}`), scopes: [repositoryScope(repo, 'pull')], headers: { accept: MANIFEST_ACCEPT } })
    if (res.status !== 200) throw this.error('GET', res)
    const algorithm = isDigest(ref) ? algorithmOf(ref) : 'sha256'
    const digest = digestOf(res.body, algorithm)
    if (isDigest(ref) && digest !== ref) {
      throw new VerificationError(`Manifest ${repo}@${ref} from ${this.registry}: the bytes sent have the digest ${digest}: refused`)
    }
    const claimed = header(res, 'docker-content-digest')
    if (claimed && algorithmOf(claimed) === algorithm && claimed !== digest) {
      throw new VerificationError(`Manifest ${repo}:${ref} from ${this.registry}: the registry names it ${claimed} but the bytes sent have the digest ${digest}: refused`)
    }
    return { bytes: res.body, mediaType: manifestMediaType(header(res, 'content-type'), res.body), digest }
  }

  /**
   * PUTs the exact bytes under a tag or their digest, with `mediaType` as Content-Type, and
   * returns their sha256 digest (checked against Docker-Content-Digest when the registry
   * sends one).
   */
  async putManifest(repo: string, ref: string, bytes: Buffer, mediaType: string): Promise<string> {
    validateRepository(repo)
    validateManifestRef(ref)
    if (!/^[\w.+-]+\/[\w.+-]+$/.test(mediaType)) throw new ArchwayError(`"${mediaType}" is not a media type (type/subtype)`)
    const digest = digestOf(bytes)
    if (isDigest(ref) && digestOf(bytes, algorithmOf(ref)) !== ref) {
      throw new VerificationError(`Manifest for ${repo}@${ref}: the bytes to send have the digest ${digestOf(bytes, algorithmOf(ref))}`)
    }
    const res = await this.call({
      method: 'PUT',
      url: this.url(`/v2/${repo}/manifests/${ref}`),
      scopes: [repositoryScope(repo, 'pull,push')],
      headers: { 'content-type': mediaType },
      body: bytes,
      sameOriginOnly: true
    })
    if (![200, 201, 202].includes(res.status)) throw this.error('PUT', res)
    const claimed = header(res, 'docker-content-digest')
    if (claimed && algorithmOf(claimed) === 'sha256' && claimed !== digest) {
      throw new VerificationError(`Manifest ${repo}:${ref} on ${this.registry}: the registry stored it as ${claimed}, but the bytes sent have the digest ${digest}`)
    }
    this.log(`Manifest ${digest} (${mediaType}) is in ${repo}${isDigest(ref) ? '' : ` as ${ref}`}`)
    return digest
  }

  /** Every tag, across `Link` pages; none for a repository the registry does not know (404). */
  async listTags(repo: string): Promise<string[]> {
    validateRepository(repo)
    const tags: string[] = []
    for await (const page of this.pages(this.url(`/v2/${repo}/tags/list`), [repositoryScope(repo, 'pull')], {})) {
      const list = (page as { tags?: unknown }).tags
      if (Array.isArray(list)) tags.push(...list.filter((t): t is string => typeof t === 'string'))
    }
    return tags
  }

  /** Deletes a manifest by digest: true when deleted, false when the registry does not allow deletion (405, UNSUPPORTED). */
  async deleteManifest(repo: string, digest: string): Promise<boolean> {
    validateRepository(repo)
    validateDigest(digest)
    const res = await this.call({ method: 'DELETE', url: this.url(`/v2/${repo}/manifests/${digest}`), scopes: [repositoryScope(repo, 'delete')] })
    if ([200, 202, 204].includes(res.status)) return true
    if (res.status === 405 || parseErrorBody(res.body).some(c => c.code === 'UNSUPPORTED')) return false
    throw this.error('DELETE', res)
  }

  /** The manifests whose `subject` is `digest` (the referrers API); none when the registry lacks the API (404). */
  async referrers(repo: string, digest: string, artifactType?: string): Promise<Descriptor[]> {
    validateRepository(repo)
    validateDigest(digest)
    const url = this.url(`/v2/${repo}/referrers/${digest}`)
    if (artifactType !== undefined) url.searchParams.set('artifactType', artifactType)
    const found: Descriptor[] = []
    for await (const page of this.pages(url, [repositoryScope(repo, 'pull')], { accept: MediaType.OciIndex })) {
      const list = (page as { manifests?: unknown }).manifests
      if (Array.isArray(list)) found.push(...list.filter(isDescriptor))
    }
    return artifactType === undefined ? found : found.filter(d => d.artifactType === artifactType)
  }

  // --- Uploads ----------------------------------------------------------------------

  private async exists(repo: string, digest: string, scopes: readonly string[]): Promise<boolean> {
    const res = await this.call({ method: 'HEAD', url: this.url(`/v2/${repo}/blobs/${digest}`), scopes })
    if (res.status === 200) return true
    if (res.status === 404) return false
    throw this.error('HEAD', res)
  }

  private async upload(repo: string, digest: string, source: BlobSource, size: number, scopes: readonly string[], from: string | undefined): Promise<void> {
    const start = this.url(`/v2/${repo}/blobs/uploads/`)
    if (from) {
      start.searchParams.set('mount', digest)
      start.searchParams.set('from', from)
    }
    /** Opens an upload session: its URL and the chunk size it takes, or undefined when the blob was mounted. */
    const begin = async (retry: boolean): Promise<{ session: URL; chunkSize: number } | undefined> => {
      const res = await this.call({ method: 'POST', url: start, scopes, retry })
      if (res.status === 201 && from) {
        this.log(`Blob ${digest} mounted into ${repo} from ${from}`)
        return undefined
      }
      const least = Number(header(res, 'oci-chunk-min-length'))
      return { session: this.location('POST', res, 202), chunkSize: Number.isSafeInteger(least) && least > this.chunkSize ? least : this.chunkSize }
    }
    const octets = { 'content-type': 'application/octet-stream' }

    if (size <= this.chunkThreshold) {
      // A PUT cut off after part of the blob reached the registry leaves that session holding
      // the part (a second PUT to it is refused: BLOB_UPLOAD_INVALID): every try opens a new one.
      await withRetry(
        this.retryPolicy,
        async () => {
          const opened = await begin(false)
          if (!opened) return
          const res = await this.call({ method: 'PUT', url: withQuery(opened.session, 'digest', digest), scopes, headers: octets, body: source, retry: false })
          if (res.status !== 201) throw this.error('PUT', res)
          this.log(`Blob ${digest} (${size} bytes) uploaded to ${repo} in one PUT`)
        },
        { onRetry: (err, n, wait) => this.log(`Upload of ${digest} to ${repo} starts again (retry ${n}) in ${wait} ms: ${errorMessage(err)}`) }
      )
      return
    }

    // A chunk sent twice would corrupt the session: retry the whole upload from a new session instead.
    await withRetry(
      this.retryPolicy,
      async () => {
        const opened = await begin(false)
        if (!opened) return
        let session = opened.session
        let chunks = 0
        for (let offset = 0; offset < size; offset += opened.chunkSize) {
          const n = Math.min(opened.chunkSize, size - offset)
          const body: RequestBody = Buffer.isBuffer(source) ? source.subarray(offset, offset + n) : { path: source.path, offset, size: n }
          const res = await this.call({ method: 'PATCH', url: session, scopes, retry: false, headers: { ...octets, 'content-range': `${offset}-${offset + n - 1}` }, body })
          session = this.location('PATCH', res, 202)
          chunks++
        }
        const res = await this.call({ method: 'PUT', url: withQuery(session, 'digest', digest), scopes, retry: false })
        if (res.status !== 201) throw this.error('PUT', res)
        this.log(`Blob ${digest} (${size} bytes) uploaded to ${repo} in ${chunks} chunks`)
      },
      { onRetry: (err, n, wait) => this.log(`Upload of ${digest} to ${repo} starts again (retry ${n}) in ${wait} ms: ${errorMessage(err)}`) }
    )
  }

  /** The Location of an answer with the expected status, resolved against the URL that answered. */
  private location(method: string, res: TransportResponse, expected: number): URL {
    if (res.status !== expected) throw this.error(method, res)
    const loc = header(res, 'location')
    if (!loc) throw new RegistryError({ method, url: res.url, status: res.status, text: 'the answer has no Location', secrets: this.secrets })
    return new URL(loc, res.url)
  }

  // --- Requests ---------------------------------------------------------------------

  private url(path: string): URL {
    return new URL(path, this.baseUrl)
  }

  /** Pages of a JSON list, following `Link: <...>; rel="next"`; nothing when the first page is a 404. */
  private async *pages(first: URL, scopes: readonly string[], headers: Readonly<Record<string, string>>): AsyncGenerator<unknown> {
    const seen = new Set<string>()
    let url: URL | undefined = first
    while (url) {
      seen.add(url.href)
      const res = await this.call({ method: 'GET', url, scopes, headers })
      if (res.status === 404 && url === first) return
      if (res.status !== 200) throw this.error('GET', res)
      try {
        yield JSON.parse(res.body.toString()) as unknown
      } catch (err) {
        if (!(err instanceof SyntaxError)) throw err
        throw new RegistryError({ method: 'GET', url: res.url, status: res.status, text: 'the answer is not JSON', secrets: this.secrets })
      }
      const next = nextLink(header(res, 'link'))
      url = next === undefined ? undefined : new URL(next, res.url)
      if (url && seen.has(url.href)) throw new RegistryError({ method: 'GET', url, status: res.status, text: 'the next page link goes round in a circle', secrets: this.secrets })
    }
  }

  /** A request with the registry's authentication: on a 401 from the registry, one more try with what its challenge asks for. */
  private async call(c: Call): Promise<TransportResponse> {
    const own = sameOrigin(c.url, this.baseUrl)
    const sent = own ? await this.auth.authorization(c.scopes) : undefined
    const res = await this.exchange(c, sent)
    if (!own || res.status !== 401 || !sameOrigin(res.url, this.baseUrl)) return res
    const again = await this.auth.challenged(res, c.scopes, sent)
    return again === undefined ? res : this.exchange(c, again)
  }

  /** One request with its retries; Authorization, when given, is sent to c.url's origin only. */
  private async exchange(c: Call, authorization: string | undefined): Promise<TransportResponse> {
    const headers: Record<string, string> = { 'user-agent': this.userAgent, ...c.headers }
    if (authorization !== undefined) headers.authorization = authorization
    const once = async (): Promise<TransportResponse> => {
      let res: TransportResponse
      try {
        res = await sendFollowingRedirects({ method: c.method, url: c.url, headers, body: c.body }, { ...this.transport, sameOriginOnly: c.sameOriginOnly })
      } catch (cause) {
        throw new RegistryError({ method: c.method, url: c.url, cause, secrets: this.secrets })
      }
      this.log(`${c.method} ${redactUrl(res.url)}: ${res.status}`)
      if (RETRYABLE_STATUSES.has(res.status)) throw this.error(c.method, res)
      return res
    }
    if (c.retry === false) return once()
    return withRetry(this.retryPolicy, once, {
      onRetry: (err, n, wait) => this.log(`Retry ${n} of ${c.method} ${redactUrl(c.url)} in ${wait} ms: ${errorMessage(err)}`)
    })
  }

  private error(method: string, res: TransportResponse): RegistryError {
    const codes = parseErrorBody(res.body)
    const text = codes.length === 0 ? bodySnippet(res) : undefined
    return new RegistryError({ method, url: res.url, status: res.status, codes, text, retryAfterMs: parseRetryAfter(header(res, 'retry-after')), secrets: this.secrets })
  }
}

// --- Helpers --------------------------------------------------------------------------

/** Appends `name=value` to the query as it is, so that the registry's own parameters keep their exact encoding. */
function withQuery(url: URL, name: string, value: string): URL {
  const u = new URL(url)
  const pair = `${encodeURIComponent(name)}=${encodeURIComponent(value)}`
  u.search = u.search ? `${u.search}&${pair}` : `?${pair}`
  return u
}

function algorithmOf(digest: string): string {
  return digest.slice(0, digest.indexOf(':'))
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

const GENERIC_TYPES = new Set(['', 'application/json', 'application/octet-stream', 'text/plain'])

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

function isDescriptor(d: unknown): d is Descriptor {
  if (typeof d !== 'object' || d === null) return false
  const o = d as Record<string, unknown>
  return typeof o.mediaType === 'string' && typeof o.digest === 'string' && typeof o.size === 'number'
}

/** The first bytes of a non-JSON answer (a proxy's HTML page), in one line. */
function bodySnippet(res: TransportResponse): string | undefined {
  const text = res.body.subarray(0, 200).toString().replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim()
  return text === '' ? undefined : text
}
