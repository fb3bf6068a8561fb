/**
 * One HTTP exchange, and the redirects after it.
 *
 * Built on node:http / node:https rather than the global `fetch` (undici), because:
 * - a manifest's digest is the digest of its exact bytes, and fetch decodes any
 *   `Content-Encoding` a server or proxy applies, silently; node:http hands over the bytes;
 * - separate connect and read (idle) timeouts need an undici `Agent`, which Node 20 does not
 *   expose without adding the `undici` package; node:http has both (`socket` connect, idle
 *   `setTimeout`) built in;
 * - network failures keep their `code` (ECONNRESET, ECONNREFUSED) instead of becoming
 *   `TypeError: fetch failed`, which the retry layer needs to tell apart;
 * - a file body of known length streams from disk with an exact Content-Length, without
 *   fetch's `duplex: 'half'` and web-stream conversion.
 * Redirects are followed here, not by the HTTP library, so that the Authorization header is
 * dropped as soon as a redirect leaves the origin it was meant for.
 */
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import * as http from 'node:http'
import * as https from 'node:https'
import type { Socket } from 'node:net'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ArchwayError } from '../shared/errors.js'

export const DEFAULT_TIMEOUT_MS = 30_000
export const MAX_REDIRECTS = 5

/** `size` bytes of a file from `offset` (default 0): reopened, so replayable, on every send. */
export interface FileBody {
  readonly path: string
  readonly size: number
  readonly offset?: number
}

/** A Buffer, or a file region streamed from disk: both can be sent again on a retry. */
export type RequestBody = Buffer | FileBody

export interface TransportRequest {
  readonly method: string
  readonly url: URL
  /** Header names in lower case. */
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: RequestBody
  /** A 200 answer's body goes to this file (made anew at each send) instead of memory, hashed as it passes. */
  readonly saveTo?: SaveTo
}

/** Where a large answer is written, and the hash taken of it on the way. */
export interface SaveTo {
  readonly path: string
  /** `sha256`, `sha512`. */
  readonly algorithm: string
}

export interface TransportResponse {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  readonly body: Buffer
  /** Where the answer came from: the last URL when redirects were followed. */
  readonly url: URL
  /** With `saveTo`, for a 200 answer: how many bytes were written and their digest (`sha256:...`); `body` is then empty. */
  readonly saved?: { readonly size: number; readonly digest: string }
}

export interface TransportOptions {
  /** Time allowed to open the connection (TCP, and TLS for https). Default 30 s. */
  readonly connectTimeoutMs?: number
  /** Longest silence allowed while sending or receiving. Default 30 s. */
  readonly readTimeoutMs?: number
  /** Default 5. */
  readonly maxRedirects?: number
  /** Refuse a redirect that leaves the first URL's origin (default false). */
  readonly sameOriginOnly?: boolean
}

/** A failure below HTTP that is not an OS error: a timeout (`ETIMEDOUT`), too many redirects. */
export class TransportError extends ArchwayError {
  constructor(
    message: string,
    readonly code: string
  ) {
    super(message)
  }
}

export function bodySize(body: RequestBody | undefined): number {
  return body === undefined ? 0 : Buffer.isBuffer(body) ? body.length : body.size
}

/** The first value of a response header. */
export function header(res: { readonly headers: http.IncomingHttpHeaders }, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()]
  return Array.isArray(v) ? v[0] : v
}

export function sameOrigin(a: URL, b: URL): boolean {
  return a.origin === b.origin
}

/** Sends one request and reads the whole answer; no redirect is followed. */
export async function send(request: TransportRequest, options: TransportOptions = {}): Promise<TransportResponse> {
  const { url, method, body } = request
  const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined
  if (!client) throw new TransportError(`${url.protocol} is not http: or https:`, 'EPROTOCOL')
  if (body !== undefined && !Buffer.isBuffer(body)) {
    const size = (await stat(body.path)).size
    if (size < (body.offset ?? 0) + body.size) {
      throw new TransportError(`${body.path} has ${size} bytes, fewer than the ${(body.offset ?? 0) + body.size} to send`, 'ESHORTFILE')
    }
  }
  const headers: Record<string, string> = { ...request.headers }
  if (body !== undefined || !['GET', 'HEAD', 'DELETE'].includes(method)) headers['content-length'] = String(bodySize(body))
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_TIMEOUT_MS
  const readTimeoutMs = options.readTimeoutMs ?? DEFAULT_TIMEOUT_MS

  return new Promise<TransportResponse>((resolve, reject) => {
    let settled = false
    const finish = (err: Error | undefined, res?: TransportResponse) => {
      if (settled) return
      settled = true
      clearTimeout(connectTimer)
      if (err) reject(err)
      else resolve(res as TransportResponse)
    }
    const req = client.request(url, { method, headers })
    const connectTimer = setTimeout(
      () => req.destroy(new TransportError(`no connection to ${url.host} within ${connectTimeoutMs} ms`, 'ETIMEDOUT')),
      connectTimeoutMs
    )
    req.on('socket', (socket: Socket) => {
      // A kept-alive socket is already connected.
      if (!socket.connecting) clearTimeout(connectTimer)
      else socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer))
    })
    req.setTimeout(readTimeoutMs, () => req.destroy(new TransportError(`${url.host} was silent for ${readTimeoutMs} ms`, 'ETIMEDOUT')))
    req.on('error', err => finish(err))
    req.on('response', res => {
      clearTimeout(connectTimer)
      if (request.saveTo && res.statusCode === 200) {
        save(res, request.saveTo).then(
          saved => finish(undefined, { status: 200, headers: res.headers, body: Buffer.alloc(0), url, saved }),
          err => finish(err)
        )
        return
      }
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', err => finish(err))
      res.on('close', () => {
        if (!res.complete) finish(Object.assign(new Error('the connection closed before the whole answer arrived'), { code: 'ECONNRESET' }))
      })
      res.on('end', () => finish(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), url }))
    })

    if (body === undefined || bodySize(body) === 0) req.end()
    else if (Buffer.isBuffer(body)) req.end(body)
    else {
      const offset = body.offset ?? 0
      const stream = createReadStream(body.path, { start: offset, end: offset + body.size - 1 })
      stream.on('error', err => req.destroy(err))
      stream.pipe(req)
    }
  })
}

/** An answer's body written to a file and hashed on the way; a connection that closes early fails it. */
async function save(res: http.IncomingMessage, to: SaveTo): Promise<{ size: number; digest: string }> {
  const hash = createHash(to.algorithm)
  let size = 0
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk)
      size += chunk.length
      done(null, chunk)
    }
  })
  await pipeline(res, hashing, createWriteStream(to.path))
  if (!res.complete) throw Object.assign(new Error('the connection closed before the whole answer arrived'), { code: 'ECONNRESET' })
  return { size, digest: `${to.algorithm}:${hash.digest('hex')}` }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])

/**
 * Sends a request and follows up to `maxRedirects` redirects. The Authorization header
 * goes only to the origin (scheme, host and port) of the first URL: it is dropped for good
 * at the first redirect that leaves it. 303, and 301/302 after a POST, become a GET without
 * a body (as browsers and curl do); 307 and 308 resend the same method and body.
 */
export async function sendFollowingRedirects(request: TransportRequest, options: TransportOptions = {}): Promise<TransportResponse> {
  const origin = request.url
  const max = options.maxRedirects ?? MAX_REDIRECTS
  let current: TransportRequest = { ...request, headers: lowerCaseKeys(request.headers ?? {}) }
  for (let hop = 0; ; hop++) {
    const res = await send(current, options)
    const location = header(res, 'location')
    if (!REDIRECTS.has(res.status) || location === undefined) return res
    if (hop >= max) throw new TransportError(`more than ${max} redirects from ${origin.host}`, 'EREDIRECTS')
    const next = new URL(location, current.url)
    if (options.sameOriginOnly && !sameOrigin(next, origin)) {
      throw new TransportError(`${origin.host} redirected ${current.method} to another host, ${next.host}: refused`, 'ECROSSORIGIN')
    }
    let { method, body } = current
    const headers: Record<string, string> = { ...current.headers }
    if ((res.status === 303 && method !== 'HEAD') || ((res.status === 301 || res.status === 302) && method === 'POST')) {
      method = 'GET'
      body = undefined
      delete headers['content-type']
    }
    if (!sameOrigin(next, origin)) delete headers.authorization
    current = { ...current, method, url: next, headers, body }
  }
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))
}
