/**
 * A fault-injecting HTTP reverse proxy on loopback, in front of a target (a loopback
 * registry, `http://127.0.0.1:5000`, or a Debian mirror, `http://deb.debian.org`), and beside
 * it a recording server on another loopback host (127.0.0.2: Linux routes all of 127/8 to lo)
 * that the proxy's redirects point at.
 *
 * Each request is matched against the rules in order (method, path regex, an optional
 * predicate); a rule's fault is applied to the first `times` requests it matches (after
 * `skip`), or with `perUrl` to the first `times` of each distinct method, path and query;
 * every other request is forwarded untouched. Faults:
 * - `status`: an answer of that status (500, 502, 503 ...) with a registry error body (or one
 *   made from the request: a registry that echoes what it was sent), nothing forwarded;
 * - `throttle`: 429 Too Many Requests with `Retry-After` (1 s by default), nothing forwarded;
 * - `reset`: the connection cut in the middle of a body: of the request (an upload: headers
 *   and part of the body reach the target, then both connections are destroyed) or of the
 *   answer (a download: the target's headers and part of its body, then `socket.destroy()`);
 * - `delay`: the request held back `ms` before it is forwarded; dropped, never forwarded, if
 *   the client gave up meanwhile (a slow registry that never saw the request);
 * - `redirect`: 307 (or 308) to the same path on the recording server;
 * - `tamper`: the target's answer with bytes flipped, same length;
 * - `truncate`: the first part of the target's answer, with a Content-Length that says so.
 * `Location` headers naming the target are rewritten to the proxy, so that upload sessions
 * come back through it. Every request is recorded: method, path, the status given (none when
 * the connection was cut before an answer), which fault, if any.
 */
import * as http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export type Fault =
  | { readonly kind: 'status'; readonly status: number; readonly body?: (req: http.IncomingMessage) => string }
  | { readonly kind: 'throttle'; readonly retryAfterSeconds?: number }
  | { readonly kind: 'reset'; readonly during?: 'request' | 'response'; readonly afterBytes?: number }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'redirect'; readonly status?: 307 | 308 }
  | { readonly kind: 'tamper' }
  | { readonly kind: 'truncate'; readonly keepBytes?: number }

export interface FaultRule {
  /** Default: any method. */
  readonly method?: string | RegExp
  /** Matched against the path and query. */
  readonly path: RegExp
  /** How many matching requests get the fault (default 1); `Infinity` for a lasting fault. */
  readonly times?: number
  /** Matching requests let through before the fault starts (default 0). */
  readonly skip?: number
  /**
   * Count `times` and `skip` for each distinct request (method, path and query) on its own:
   * `{ perUrl: true, times: 1 }` faults the first request of every new URL, and lets the same
   * request through when it comes again (a gateway that fails each new route once).
   */
  readonly perUrl?: boolean
  /** A further condition on the request (a header it carries, the size of its body ...). */
  readonly when?: (req: http.IncomingMessage) => boolean
  readonly fault: Fault
}

export interface ProxiedRequest {
  readonly method: string
  readonly path: string
  readonly headers: http.IncomingHttpHeaders
  /** The status the client was given; undefined when its connection was cut before an answer. */
  status?: number
  /** The fault applied (`status 500`, `throttle`, `reset request`, `delay 5000 ms` ...), if any. */
  readonly fault?: string
  /** Set on a delayed request whose client had gone when the delay ended: it was never forwarded. */
  dropped?: boolean
  /** When it arrived and when its answer was finished or its connection closed (Date.now()). */
  readonly arrived: number
  ended?: number
}

export interface RecordedRequest {
  readonly method: string
  readonly path: string
  /** Every header exactly as received (names in lower case). */
  readonly headers: http.IncomingHttpHeaders
  readonly body: Buffer
}

export interface RecorderAnswer {
  readonly status: number
  readonly headers?: Record<string, string>
  readonly body?: Buffer | string
}

export interface RecorderBehaviour {
  /** Headers added when forwarding to the target (a presigned storage URL's authority, say). */
  readonly inject?: Record<string, string>
  /** Answers by itself instead of forwarding, when this returns an answer. */
  readonly answer?: (r: RecordedRequest) => RecorderAnswer | undefined
}

/** The other host: records every request with every header, then forwards it to the target or answers itself. */
export interface Recorder {
  /** `http://127.0.0.2:<port>` */
  readonly url: string
  readonly received: RecordedRequest[]
  /** Default: forward as received, nothing injected. */
  configure(behaviour: RecorderBehaviour): void
}

export interface FaultProxy {
  /** `127.0.0.1:<port>`: a registry name, plain HTTP as every loopback registry. */
  readonly host: string
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly port: number
  readonly requests: ProxiedRequest[]
  readonly recorder: Recorder
  /** Replaces the rules (and their counts); [] lets everything through. */
  setRules(rules: readonly FaultRule[]): void
  /** The requests a fault was applied to. */
  faulted(): ProxiedRequest[]
  /** Stops listening and cuts every connection: from then on the port refuses connections. */
  close(): Promise<void>
}

const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host'])

interface Target {
  readonly host: string
  readonly port: number
  readonly hostHeader: string
}

function targetOf(url: string): Target {
  const u = new URL(url)
  if (u.protocol !== 'http:') throw new Error(`fault-proxy: the target must be http://, not ${url}`)
  return { host: u.hostname, port: Number(u.port || 80), hostHeader: u.host }
}

function label(f: Fault, during?: string): string {
  switch (f.kind) {
    case 'status':
      return `status ${f.status}`
    case 'throttle':
      return `429 Retry-After ${f.retryAfterSeconds ?? 1}`
    case 'reset':
      return `reset ${during}`
    case 'delay':
      return `delay ${f.ms} ms`
    case 'redirect':
      return `redirect ${f.status ?? 307}`
    case 'tamper':
      return 'tamper'
    case 'truncate':
      return 'truncate'
  }
}

/** A port on `host` that nothing listens on (taken, then released at once). */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const s = http.createServer()
  await new Promise<void>(resolve => s.listen(0, host, resolve))
  const { port } = s.address() as AddressInfo
  await new Promise<void>(resolve => s.close(() => resolve()))
  return port
}

function listen(server: http.Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port))
  })
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise(resolve => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', () => resolve(Buffer.concat(chunks)))
    req.on('close', () => resolve(Buffer.concat(chunks)))
  })
}

function forwardHeaders(req: http.IncomingMessage, target: Target, extra: Record<string, string> = {}): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = {}
  for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k) && v !== undefined) headers[k] = v
  if (req.headers['transfer-encoding']) headers['transfer-encoding'] = req.headers['transfer-encoding']
  headers.host = target.hostHeader
  return { ...headers, ...extra }
}

/** The target's answer headers, with a Location naming the target pointed at the proxy instead. */
function answerHeaders(
  up: http.IncomingMessage,
  target: Target,
  proxyOrigin: () => string,
  replace: Record<string, string | undefined> = {}
): string[] {
  const out: string[] = []
  const replaced = new Set(Object.keys(replace))
  for (let i = 0; i < up.rawHeaders.length; i += 2) {
    const name = up.rawHeaders[i]
    const lower = name.toLowerCase()
    if ((HOP.has(lower) && lower !== 'transfer-encoding') || replaced.has(lower)) continue
    let value = up.rawHeaders[i + 1]
    if (lower === 'location') {
      try {
        const u = new URL(value)
        if (u.hostname === target.host && Number(u.port || 80) === target.port) value = `${proxyOrigin()}${u.pathname}${u.search}`
      } catch {
        // relative: it already goes to whoever was asked
      }
    }
    out.push(name, value)
  }
  for (const [k, v] of Object.entries(replace)) if (v !== undefined) out.push(k, v)
  return out
}

async function startRecorder(targetUrl: string, proxyOrigin: () => string, agent: http.Agent): Promise<Recorder & { server: http.Server }> {
  const target = targetOf(targetUrl)
  const received: RecordedRequest[] = []
  let behaviour: RecorderBehaviour = {}
  const server = http.createServer(async (req, res) => {
    const body = await readBody(req)
    const rec: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: { ...req.headers }, body }
    received.push(rec)
    const answer = behaviour.answer?.(rec)
    if (answer) {
      res.writeHead(answer.status, answer.headers)
      res.end(req.method === 'HEAD' ? undefined : answer.body)
      return
    }
    const headers = forwardHeaders(req, target, behaviour.inject)
    headers['content-length'] = String(body.length)
    delete headers['transfer-encoding']
    const up = http.request({ host: target.host, port: target.port, method: req.method, path: req.url, headers, agent }, upRes => {
      res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, answerHeaders(upRes, target, proxyOrigin))
      upRes.pipe(res)
    })
    up.on('error', err => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' })
      res.end(`recorder: ${err.message}\n`)
    })
    up.end(body)
  })
  const port = await listen(server, '127.0.0.2')
  return {
    url: `http://127.0.0.2:${port}`,
    received,
    configure: b => {
      behaviour = b
    },
    server
  }
}

export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const target = targetOf(targetUrl)
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 })
  const requests: ProxiedRequest[] = []
  let rules: { rule: FaultRule; seen: number; seenByUrl: Map<string, number> }[] = []
  let origin = ''
  /** Pending delays, cleared on close. */
  const timers = new Set<NodeJS.Timeout>()
  const later = (fn: () => void, ms: number) => {
    const t = setTimeout(() => {
      timers.delete(t)
      fn()
    }, ms)
    timers.add(t)
  }
  const recorder = await startRecorder(targetUrl, () => origin, agent)

  const pick = (req: http.IncomingMessage): Fault | undefined => {
    for (const r of rules) {
      const { method, path, when } = r.rule
      if (method !== undefined && !(typeof method === 'string' ? method === req.method : method.test(req.method ?? ''))) continue
      if (!path.test(req.url ?? '')) continue
      if (when && !when(req)) continue
      let seen = ++r.seen
      if (r.rule.perUrl) {
        const key = `${req.method} ${req.url}`
        seen = (r.seenByUrl.get(key) ?? 0) + 1
        r.seenByUrl.set(key, seen)
      }
      const skip = r.rule.skip ?? 0
      if (seen > skip && seen <= skip + (r.rule.times ?? 1)) return r.rule.fault
    }
    return undefined
  }

  /** Forwards the request; `onAnswer` takes over the target's answer, `cut` the request body. */
  const forward = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    entry: ProxiedRequest,
    onAnswer?: (up: http.IncomingMessage) => void,
    cutAfter?: number
  ): void => {
    const send = (headers: http.OutgoingHttpHeaders): http.ClientRequest => {
      const up = http.request({ host: target.host, port: target.port, method: req.method, path: req.url, headers, agent }, upRes => {
        if (onAnswer) return onAnswer(upRes)
        entry.status = upRes.statusCode
        res.writeHead(
          upRes.statusCode ?? 502,
          upRes.statusMessage,
          answerHeaders(upRes, target, () => origin)
        )
        upRes.pipe(res)
      })
      up.on('error', err => {
        if (res.headersSent || res.destroyed) return res.destroy()
        entry.status = 502
        res.writeHead(502, { 'content-type': 'text/plain' })
        res.end(`fault-proxy: ${err.message}\n`)
      })
      return up
    }
    if (cutAfter === undefined) {
      // The whole body is read before it is sent on: a target that answers before reading all
      // of it (a 404 to an upload) would otherwise leave the client writing into a connection
      // that node:http's server no longer reads once its answer is finished.
      readBody(req).then(body => {
        // A client that went away in the middle of its body: nothing reaches the target.
        if (!req.complete) return void res.destroy()
        const headers = forwardHeaders(req, target)
        delete headers['transfer-encoding']
        if (body.length > 0 || headers['content-length'] !== undefined) headers['content-length'] = String(body.length)
        send(headers).end(body)
      })
      return
    }
    // Part of the body reaches the target, then both connections are cut.
    const up = send(forwardHeaders(req, target))
    let sent = 0
    const cut = () => {
      req.removeAllListeners('data')
      up.destroy()
      req.socket.destroy()
    }
    req.on('data', (chunk: Buffer) => {
      if (sent >= cutAfter) return
      const part = chunk.subarray(0, cutAfter - sent)
      sent += part.length
      up.write(part)
      if (sent >= cutAfter) later(cut, 50)
    })
    req.on('end', () => {
      if (sent < cutAfter) later(cut, 50)
    })
  }

  const server = http.createServer((req, res) => {
    const fault = pick(req)
    const length = Number(req.headers['content-length'] ?? 0)
    const during = fault?.kind === 'reset' ? (fault.during ?? (length > 0 ? 'request' : 'response')) : undefined
    const entry: ProxiedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: { ...req.headers },
      fault: fault ? label(fault, during) : undefined,
      arrived: Date.now()
    }
    requests.push(entry)
    res.once('close', () => (entry.ended = Date.now()))
    const answer = (status: number, headers: Record<string, string> = {}, text?: string) => {
      // The request's body is read first, so that the client sees the answer and not a broken pipe.
      readBody(req).then(() => {
        entry.status = status
        const body =
          req.method === 'HEAD'
            ? ''
            : (text ??
              JSON.stringify({
                errors: [{ code: status === 429 ? 'TOOMANYREQUESTS' : 'UNKNOWN', message: `fault-proxy: injected ${entry.fault}` }]
              }))
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers })
        res.end(body)
      })
    }
    if (!fault) return forward(req, res, entry)
    switch (fault.kind) {
      case 'status':
        return answer(fault.status, {}, fault.body?.(req))
      case 'throttle':
        return answer(429, { 'retry-after': String(fault.retryAfterSeconds ?? 1) })
      case 'redirect':
        return void readBody(req).then(() => {
          entry.status = fault.status ?? 307
          res.writeHead(entry.status, { location: `${recorder.url}${req.url}`, 'content-length': '0' })
          res.end()
        })
      case 'delay': {
        let gone = false
        req.socket.once('close', () => (gone = true))
        req.pause()
        later(() => {
          if (gone || req.socket.destroyed) {
            entry.dropped = true
            return
          }
          forward(req, res, entry)
        }, fault.ms)
        return
      }
      case 'reset':
        if (during === 'request') return forward(req, res, entry, undefined, fault.afterBytes ?? Math.max(1, Math.floor(length / 2)))
        return forward(req, res, entry, up => {
          const total = Number(up.headers['content-length'] ?? 0)
          const keep = fault.afterBytes ?? Math.max(1, Math.floor(total / 2))
          res.writeHead(
            up.statusCode ?? 502,
            up.statusMessage,
            answerHeaders(up, target, () => origin)
          )
          passFirst(up, res, keep, () => later(() => res.socket?.destroy(), 50))
          up.on('end', () => res.socket?.destroy())
        })
      case 'tamper':
        return forward(req, res, entry, up => {
          entry.status = up.statusCode
          res.writeHead(
            up.statusCode ?? 502,
            up.statusMessage,
            answerHeaders(up, target, () => origin)
          )
          const total = Number(up.headers['content-length'] ?? 0)
          const flips = new Set([Math.min(4096, Math.max(0, total - 1)), Math.floor(total / 2), Math.max(0, total - 100)])
          let at = 0
          up.on('data', (chunk: Buffer) => {
            const out = Buffer.from(chunk)
            for (const f of flips) if (f >= at && f < at + out.length) out[f - at] ^= 0xff
            at += out.length
            res.write(out)
          })
          up.on('end', () => res.end())
        })
      case 'truncate':
        return forward(req, res, entry, up => {
          entry.status = up.statusCode
          const total = Number(up.headers['content-length'] ?? 0)
          const keep = Math.min(total, fault.keepBytes ?? Math.floor(total / 2))
          res.writeHead(
            up.statusCode ?? 502,
            up.statusMessage,
            answerHeaders(up, target, () => origin, { 'content-length': String(keep) })
          )
          passFirst(up, res, keep, () => res.end())
          up.on('end', () => res.end())
        })
    }
  })
  server.keepAliveTimeout = 30_000
  server.on('clientError', (_err, socket: Socket) => socket.destroy())
  const port = await listen(server, '127.0.0.1')
  origin = `http://127.0.0.1:${port}`
  return {
    host: `127.0.0.1:${port}`,
    url: origin,
    port,
    requests,
    recorder,
    setRules: r => {
      rules = r.map(rule => ({ rule, seen: 0, seenByUrl: new Map() }))
    },
    faulted: () => requests.filter(r => r.fault !== undefined),
    close: async () => {
      for (const t of timers) clearTimeout(t)
      timers.clear()
      for (const s of [server, recorder.server]) {
        await new Promise<void>(resolve => {
          s.close(() => resolve())
          s.closeAllConnections()
        })
      }
      agent.destroy()
    }
  }
}

/** Passes the first `keep` bytes of the upstream answer on, then stops reading it and calls `atLimit`. */
function passFirst(up: http.IncomingMessage, res: http.ServerResponse, keep: number, atLimit: () => void): void {
  let sent = 0
  up.on('data', (chunk: Buffer) => {
    if (sent >= keep) return
    const part = chunk.subarray(0, keep - sent)
    sent += part.length
    res.write(part)
    if (sent >= keep) {
      up.destroy()
      atLimit()
    }
  })
}
