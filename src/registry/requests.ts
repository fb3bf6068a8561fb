/**
 * The request layer under every resource module (blobs, manifests, tags, referrers) of one
 * registry. Layers, from the call down: auth (401 challenge, token per scope, one more try)
 * -> retry (requests safe to repeat) -> redirects (Authorization kept to the registry's
 * origin) -> one HTTP exchange.
 */
import { errorMessage } from '../shared/errors.js'
import { type Credentials, RegistryAuth } from './auth.js'
import { parseErrorBody, RegistryError, redactUrl } from './errors.js'
import { isInsecureRegistry, registryApiHost, validateRegistry } from './reference.js'
import { parseRetryAfter, RETRYABLE_STATUSES, type RetryPolicy, retryPolicyFromEnv, withRetry } from './retry.js'
import {
  header,
  type RequestBody,
  type SaveTo,
  sameOrigin,
  sendFollowingRedirects,
  type TransportOptions,
  type TransportResponse
} from './transport.js'

export interface RequestOptions {
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
}

export interface Call {
  readonly method: string
  readonly url: URL
  readonly scopes: readonly string[]
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: RequestBody
  /** Whether the request may be sent again after a retryable failure (default true). */
  readonly retry?: boolean
  /** A redirect to another origin is refused (a manifest PUT: only the registry can say it moved a tag). */
  readonly sameOriginOnly?: boolean
  /** A 200 answer's body goes to this file, hashed on the way (a large blob). */
  readonly saveTo?: SaveTo
}

/** The target of `rel="next"` in a `Link` header (RFC 8288), as the tags list and referrers paginate. */
export function nextLink(value: string | undefined): string | undefined {
  if (!value) return undefined
  for (const m of value.matchAll(/<([^>]*)>([^<]*)/g)) {
    if (/;\s*rel\s*=\s*(?:"[^"]*\bnext\b[^"]*"|next\b)/i.test(m[2])) return m[1]
  }
  return undefined
}

export class RegistryRequests {
  /** As given: `ghcr.io`, `127.0.0.1:5000`. */
  readonly registry: string
  /** `https://ghcr.io/`, `http://127.0.0.1:5000/`. */
  readonly baseUrl: URL
  readonly retryPolicy: RetryPolicy
  readonly log: (line: string) => void
  private readonly auth: RegistryAuth
  /** Passwords and tokens: scrubbed from every error message. */
  private readonly secrets = new Set<string>()
  private readonly transport: TransportOptions
  private readonly userAgent: string

  constructor(options: RequestOptions) {
    this.registry = validateRegistry(options.registry)
    const insecure = options.insecure ?? isInsecureRegistry(options.registry)
    this.baseUrl = new URL(`${insecure ? 'http' : 'https'}://${registryApiHost(options.registry)}/`)
    this.retryPolicy = options.retry ?? retryPolicyFromEnv()
    this.transport = { connectTimeoutMs: options.timeoutMs, readTimeoutMs: options.timeoutMs }
    this.userAgent = options.userAgent ?? 'archway'
    this.log = options.log ?? (() => {})
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

  url(path: string): URL {
    return new URL(path, this.baseUrl)
  }

  /** The Location of an answer with the expected status, resolved against the URL that answered. */
  location(method: string, res: TransportResponse, expected: number): URL {
    if (res.status !== expected) throw this.error(method, res)
    const loc = header(res, 'location')
    if (!loc)
      throw new RegistryError({ method, url: res.url, status: res.status, text: 'the answer has no Location', secrets: this.secrets })
    return new URL(loc, res.url)
  }

  /** Pages of a JSON list, following `Link: <...>; rel="next"`; nothing when the first page is a 404. */
  async *pages(first: URL, scopes: readonly string[], headers: Readonly<Record<string, string>>): AsyncGenerator<unknown> {
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
      if (url && seen.has(url.href))
        throw new RegistryError({
          method: 'GET',
          url,
          status: res.status,
          text: 'the next page link goes round in a circle',
          secrets: this.secrets
        })
    }
  }

  /** A request with the registry's authentication: on a 401 from the registry, one more try with what its challenge asks for. */
  async call(c: Call): Promise<TransportResponse> {
    const own = sameOrigin(c.url, this.baseUrl)
    const sent = own ? await this.auth.authorization(c.scopes) : undefined
    const res = await this.exchange(c, sent)
    if (!own || res.status !== 401 || !sameOrigin(res.url, this.baseUrl)) return res
    const again = await this.auth.challenged(res, c.scopes, sent)
    return again === undefined ? res : this.exchange(c, again)
  }

  error(method: string, res: TransportResponse): RegistryError {
    const codes = parseErrorBody(res.body)
    const text = codes.length === 0 ? bodySnippet(res) : undefined
    return new RegistryError({
      method,
      url: res.url,
      status: res.status,
      codes,
      text,
      retryAfterMs: parseRetryAfter(header(res, 'retry-after')),
      secrets: this.secrets
    })
  }

  /** One request with its retries; Authorization, when given, is sent to c.url's origin only. */
  private async exchange(c: Call, authorization: string | undefined): Promise<TransportResponse> {
    const headers: Record<string, string> = { 'user-agent': this.userAgent, ...c.headers }
    if (authorization !== undefined) headers.authorization = authorization
    const once = async (): Promise<TransportResponse> => {
      let res: TransportResponse
      try {
        res = await sendFollowingRedirects(
          { method: c.method, url: c.url, headers, body: c.body, saveTo: c.saveTo },
          { ...this.transport, sameOriginOnly: c.sameOriginOnly }
        )
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
}

/** The first bytes of a non-JSON answer (a proxy's HTML page), in one line. */
function bodySnippet(res: TransportResponse): string | undefined {
  const text = res.body
    .subarray(0, 200)
    .toString()
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  return text === '' ? undefined : text
}
