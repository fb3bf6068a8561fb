/**
 * An in-process registry speaking enough of the OCI distribution API v2 for the registry
 * client's tests: blobs, upload sessions (monolithic and chunked, with a `_state` query
 * parameter that changes at every step, as distribution's does; their status by GET, their
 * cancellation by DELETE), cross-repository mounts,
 * manifests (with the blob and child checks distribution makes), tags with `Link`
 * pagination, deletion, referrers. Switches: Basic auth, or Bearer tokens from a token
 * endpoint it serves itself (scopes checked on every request); faults (a status, with
 * `Retry-After`, or a reset connection; before the request is carried out, or after it) for
 * matching requests; manifests served with
 * tampered bytes; blob downloads and uploads redirected to a second server on 127.0.0.2
 * (another host, as a storage bucket is) that records every header it receives.
 * Every request to either server is recorded.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http'

export interface TestCredentials {
  readonly username: string
  readonly password: string
}

export interface RecordedRequest {
  /** `registry` (127.0.0.1) or `storage` (127.0.0.2, where redirects go). */
  readonly server: 'registry' | 'storage'
  readonly method: string
  /** Path and query, as received. */
  readonly url: string
  readonly headers: IncomingHttpHeaders
  readonly bodyLength: number
}

export interface Fault {
  readonly server?: 'registry' | 'storage'
  readonly method?: string
  /** Tested against the path and query. */
  readonly path?: RegExp
  /** How many matching requests fail (default 1). */
  readonly times?: number
  readonly status?: number
  readonly retryAfter?: string
  /** Close the connection (`req.socket.destroy()`) instead of answering. */
  readonly reset?: boolean
  /** The request is carried out first, then its answer replaced by the fault's (a gateway's 502 after the registry did the work). */
  readonly handled?: boolean
  /** Answer with this JSON (or what the function makes of the request) instead of an error body naming the status. */
  readonly body?: unknown | ((req: IncomingMessage) => unknown)
  readonly headers?: Readonly<Record<string, string>>
}

export interface RegistryServerOptions {
  /** Every /v2/ request needs Basic auth with these. */
  readonly basic?: TestCredentials
  /** Every /v2/ request needs a token from GET /token, whose scopes cover it. */
  readonly bearer?: {
    /** Basic credentials the token endpoint requires (none: it gives tokens to anyone). */
    readonly credentials?: TestCredentials
    /** The JSON field the token is given in (default `token`). */
    readonly field?: 'token' | 'access_token'
    readonly expiresIn?: number
  }
  /** Tags per page when the client gives no `n` (default: all). */
  readonly pageSize?: number
  /** Default true; false answers DELETE with 405 UNSUPPORTED, as distribution does without `delete: enabled`. */
  readonly deleteEnabled?: boolean
  /** Default true; false answers the referrers API with a plain 404, as distribution 2.8 does. */
  readonly referrersApi?: boolean
  /** Sent as OCI-Chunk-Min-Length when an upload starts. */
  readonly chunkMinLength?: number
}

export interface TestRegistry {
  /** 127.0.0.1:PORT */
  readonly host: string
  /** 127.0.0.2:PORT */
  readonly storageHost: string
  readonly requests: RecordedRequest[]
  /** The query of every token request, and whether it carried Authorization. */
  readonly tokenRequests: Array<{ readonly scopes: string[]; readonly service: string | null; readonly authorization: string | undefined }>
  /** Token -> the scopes it was granted. */
  readonly tokens: ReadonlyMap<string, readonly string[]>
  /** Blob and upload requests go to the storage server on 127.0.0.2 (GET by 307, uploads by an absolute Location). */
  redirectToStorage: boolean
  /** Default true: session Locations carry a `_state` that changes at every step; false: a session's Location is its path alone, as registries that keep sessions by ID give. */
  uploadState: boolean
  /** Adds a blob to a repository; returns its digest. */
  addBlob(repo: string, data: Buffer): string
  hasBlob(repo: string, digest: string): boolean
  /** Upload sessions open (neither committed nor cancelled). */
  uploads(): number
  blob(digest: string): Buffer | undefined
  /** Stores a manifest (and tags it); returns its digest. */
  addManifest(repo: string, bytes: Buffer, mediaType: string, tag?: string): string
  manifest(repo: string, ref: string): { readonly bytes: Buffer; readonly mediaType: string; readonly digest: string } | undefined
  tags(repo: string): string[]
  fail(fault: Fault): void
  /**
   * Serves `bytes` for this manifest, with the stored digest still in Docker-Content-Digest,
   * or (`lying`) with the digest of the bytes served, as a registry that lies consistently would.
   */
  tamper(repo: string, ref: string, bytes: Buffer, options?: { lying?: boolean }): void
  /** Every token issued so far stops being accepted. */
  revokeTokens(): void
  /** Forgets requests, faults, upload sessions, tampering, tokens and the redirect switch; keeps content. */
  reset(): void
  close(): Promise<void>
}

export const sha256 = (data: Buffer | string): string => `sha256:${createHash('sha256').update(data).digest('hex')}`

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'

/** An OCI image manifest for a config and layers, as bytes (with `extra` fields: subject, artifactType). */
export function imageManifest(config: Buffer, layers: readonly Buffer[], extra: Record<string, unknown> = {}): Buffer {
  const descriptor = (mediaType: string, data: Buffer) => ({ mediaType, digest: sha256(data), size: data.length })
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: descriptor('application/vnd.oci.image.config.v1+json', config),
      layers: layers.map(l => descriptor('application/vnd.oci.image.layer.v1.tar', l)),
      ...extra
    })
  )
}

interface Session {
  readonly repo: string
  readonly chunks: Buffer[]
  size: number
  state: string
}

interface Access {
  readonly repo: string
  readonly action: 'pull' | 'push' | 'delete'
}

const SERVICE = 'archway-test-registry'

export async function startRegistry(options: RegistryServerOptions = {}): Promise<TestRegistry> {
  const requests: RecordedRequest[] = []
  const tokenRequests: TestRegistry['tokenRequests'] = []
  const tokens = new Map<string, readonly string[]>()
  const revoked = new Set<string>()
  const blobs = new Map<string, Buffer>()
  const links = new Map<string, Set<string>>()
  const manifests = new Map<string, Map<string, { bytes: Buffer; mediaType: string }>>()
  const tagMap = new Map<string, Map<string, string>>()
  const sessions = new Map<string, Session>()
  const tampered = new Map<string, { bytes: Buffer; lying: boolean }>()
  const faults: Array<Fault & { left: number }> = []
  let registryUrl = ''
  let storageUrl = ''

  const link = (repo: string, digest: string) => {
    if (!links.has(repo)) links.set(repo, new Set())
    links.get(repo)!.add(digest)
  }
  const repoManifests = (repo: string) => {
    if (!manifests.has(repo)) manifests.set(repo, new Map())
    return manifests.get(repo)!
  }
  const repoTags = (repo: string) => {
    if (!tagMap.has(repo)) tagMap.set(repo, new Map())
    return tagMap.get(repo)!
  }
  const resolve = (repo: string, ref: string): string | undefined => (ref.includes(':') ? ref : tagMap.get(repo)?.get(ref))

  const registry: TestRegistry = {
    host: '',
    storageHost: '',
    requests,
    tokenRequests,
    tokens,
    redirectToStorage: false,
    uploadState: true,
    addBlob(repo, data) {
      const d = sha256(data)
      blobs.set(d, data)
      link(repo, d)
      return d
    },
    hasBlob: (repo, digest) => links.get(repo)?.has(digest) ?? false,
    uploads: () => sessions.size,
    blob: digest => blobs.get(digest),
    addManifest(repo, bytes, mediaType, tag) {
      const d = sha256(bytes)
      repoManifests(repo).set(d, { bytes, mediaType })
      if (tag) repoTags(repo).set(tag, d)
      return d
    },
    manifest(repo, ref) {
      const d = resolve(repo, ref)
      const m = d === undefined ? undefined : manifests.get(repo)?.get(d)
      return m && d ? { ...m, digest: d } : undefined
    },
    tags: repo => [...(tagMap.get(repo)?.keys() ?? [])].sort(),
    fail: fault => void faults.push({ ...fault, left: fault.times ?? 1 }),
    tamper: (repo, ref, bytes, o = {}) => void tampered.set(`${repo}@${ref}`, { bytes, lying: o.lying ?? false }),
    revokeTokens: () => {
      for (const t of tokens.keys()) revoked.add(t)
    },
    reset() {
      requests.length = 0
      tokenRequests.length = 0
      faults.length = 0
      sessions.clear()
      tampered.clear()
      tokens.clear()
      revoked.clear()
      registry.redirectToStorage = false
      registry.uploadState = true
    },
    close: async () => {
      await Promise.all([closeServer(main), closeServer(storage)])
    }
  }

  // --- answers ------------------------------------------------------------------------

  const send = (
    res: ServerResponse,
    req: IncomingMessage,
    status: number,
    headers: Record<string, string | number>,
    body?: Buffer | string
  ) => {
    const data = body === undefined ? Buffer.alloc(0) : Buffer.from(body)
    res.writeHead(status, { 'content-length': data.length, 'docker-distribution-api-version': 'registry/2.0', ...headers })
    res.end(req.method === 'HEAD' ? undefined : data)
  }
  const json = (res: ServerResponse, req: IncomingMessage, status: number, value: unknown, headers: Record<string, string | number> = {}) =>
    send(res, req, status, { 'content-type': 'application/json; charset=utf-8', ...headers }, JSON.stringify(value))
  const error = (
    res: ServerResponse,
    req: IncomingMessage,
    status: number,
    code: string,
    message: string,
    headers: Record<string, string | number> = {}
  ) => json(res, req, status, { errors: [{ code, message, detail: null }] }, headers)

  // --- auth ---------------------------------------------------------------------------

  const basicOf = (c: TestCredentials) => `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`

  const scopeString = (access: readonly Access[]) => {
    const byRepo = new Map<string, Set<string>>()
    for (const a of access) {
      if (!byRepo.has(a.repo)) byRepo.set(a.repo, new Set())
      const set = byRepo.get(a.repo)!
      if (a.action === 'push') set.add('pull').add('push')
      else set.add(a.action)
    }
    return [...byRepo].map(([repo, actions]) => `repository:${repo}:${[...actions].join(',')}`).join(' ')
  }

  const granted = (token: string, a: Access): boolean =>
    (tokens.get(token) ?? []).some(scope => {
      const [type, repo, actions] = scope.split(':')
      return type === 'repository' && repo === a.repo && (actions ?? '').split(',').includes(a.action)
    })

  /** True when the request may go on; otherwise a 401 has been sent. */
  const authorised = (req: IncomingMessage, res: ServerResponse, access: readonly Access[]): boolean => {
    const given = req.headers.authorization
    if (options.basic) {
      if (given === basicOf(options.basic)) return true
      error(res, req, 401, 'UNAUTHORIZED', 'authentication required', { 'www-authenticate': 'Basic realm="archway-test"' })
      return false
    }
    if (options.bearer) {
      const token = given?.startsWith('Bearer ') ? given.slice('Bearer '.length) : undefined
      const valid = token !== undefined && tokens.has(token) && !revoked.has(token)
      if (valid && access.every(a => granted(token, a))) return true
      const scope = scopeString(access)
      const challenge =
        `Bearer realm="${registryUrl}/token",service="${SERVICE}"` +
        (scope ? `,scope="${scope}"` : '') +
        (valid ? ',error="insufficient_scope"' : '')
      error(res, req, 401, 'UNAUTHORIZED', 'authentication required', { 'www-authenticate': challenge })
      return false
    }
    return true
  }

  const tokenEndpoint = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const scopes = url.searchParams
      .getAll('scope')
      .flatMap(s => s.split(' '))
      .filter(Boolean)
    tokenRequests.push({ scopes, service: url.searchParams.get('service'), authorization: req.headers.authorization })
    const creds = options.bearer?.credentials
    if (creds && req.headers.authorization !== basicOf(creds)) {
      error(res, req, 401, 'UNAUTHORIZED', 'incorrect username or password')
      return
    }
    const token = `tok-${randomBytes(16).toString('hex')}`
    tokens.set(token, scopes)
    json(res, req, 200, {
      [options.bearer?.field ?? 'token']: token,
      expires_in: options.bearer?.expiresIn ?? 300,
      issued_at: new Date().toISOString()
    })
  }

  // --- uploads (on either server) -----------------------------------------------------

  const sessionLocation = (uuid: string, s: Session) => {
    const query = registry.uploadState ? `?_state=${s.state}` : ''
    return registry.redirectToStorage ? `${storageUrl}/uploads/${uuid}${query}` : `/v2/${s.repo}/blobs/uploads/${uuid}${query}`
  }

  const continueUpload = (req: IncomingMessage, res: ServerResponse, url: URL, uuid: string, body: Buffer) => {
    const s = sessions.get(uuid)
    if (!s) return error(res, req, 404, 'BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry')
    if (registry.uploadState && url.searchParams.get('_state') !== s.state)
      // distribution answers a GET or DELETE with a stale _state 404, as if the session were unknown.
      return error(
        res,
        req,
        req.method === 'GET' || req.method === 'DELETE' ? 404 : 400,
        'BLOB_UPLOAD_INVALID',
        'the _state parameter is missing or stale'
      )
    if (req.method === 'GET') {
      // As distribution: the bytes held as Range (`0-0` when empty), and a new _state in the Location.
      s.state = randomBytes(8).toString('hex')
      return send(res, req, 204, { location: sessionLocation(uuid, s), range: `0-${Math.max(0, s.size - 1)}`, 'docker-upload-uuid': uuid })
    }
    if (req.method === 'DELETE') {
      sessions.delete(uuid)
      return send(res, req, 204, {})
    }
    if (req.method === 'PATCH') {
      const m = /^(\d+)-(\d+)$/.exec(req.headers['content-range'] ?? '')
      if (!m || Number(m[1]) !== s.size || Number(m[2]) - Number(m[1]) + 1 !== body.length) {
        return error(res, req, 416, 'BLOB_UPLOAD_INVALID', `bad Content-Range ${req.headers['content-range']} at ${s.size}`)
      }
      s.chunks.push(body)
      s.size += body.length
      s.state = randomBytes(8).toString('hex')
      return send(res, req, 202, { location: sessionLocation(uuid, s), range: `0-${s.size - 1}`, 'docker-upload-uuid': uuid })
    }
    if (req.method === 'PUT') {
      const digest = url.searchParams.get('digest') ?? ''
      const data = Buffer.concat([...s.chunks, body])
      if (sha256(data) !== digest) return error(res, req, 400, 'DIGEST_INVALID', `provided digest did not match uploaded content`)
      sessions.delete(uuid)
      blobs.set(digest, data)
      link(s.repo, digest)
      return send(res, req, 201, { location: `/v2/${s.repo}/blobs/${digest}`, 'docker-content-digest': digest })
    }
    return error(res, req, 405, 'UNSUPPORTED', `${req.method} on an upload`)
  }

  // --- the registry -------------------------------------------------------------------

  const routes: Array<[RegExp, (m: RegExpExecArray, url: URL) => Access[]]> = [
    [/^\/v2\/$/, () => []],
    [
      /^\/v2\/(.+)\/blobs\/uploads\/([^/]*)$/,
      (m, url) => [
        { repo: m[1], action: 'push' },
        ...(url.searchParams.get('from') ? [{ repo: url.searchParams.get('from')!, action: 'pull' as const }] : [])
      ]
    ],
    [/^\/v2\/(.+)\/blobs\/([^/]+)$/, m => [{ repo: m[1], action: 'pull' }]],
    [/^\/v2\/(.+)\/manifests\/([^/]+)$/, () => []],
    [/^\/v2\/(.+)\/tags\/list$/, m => [{ repo: m[1], action: 'pull' }]],
    [/^\/v2\/(.+)\/referrers\/([^/]+)$/, m => [{ repo: m[1], action: 'pull' }]]
  ]

  const onRegistry = (req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer) => {
    const path = url.pathname
    if (path === '/token' && req.method === 'GET' && options.bearer) return tokenEndpoint(req, res, url)
    for (const [re, accessOf] of routes) {
      const m = re.exec(path)
      if (!m) continue
      let access = accessOf(m, url)
      if (re.source.includes('manifests')) {
        access = [{ repo: m[1], action: req.method === 'PUT' ? 'push' : req.method === 'DELETE' ? 'delete' : 'pull' }]
      }
      if (!authorised(req, res, access)) return
      return api(req, res, url, body, re, m)
    }
    error(res, req, 404, 'NOT_FOUND', `no route for ${req.method} ${path}`)
  }

  const api = (req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer, re: RegExp, m: RegExpExecArray) => {
    const method = req.method ?? 'GET'
    const repo = m[1]
    if (re === routes[0][0]) return json(res, req, 200, {})

    if (re === routes[1][0]) {
      const uuid = m[2]
      if (uuid === '' && method === 'POST') {
        const mount = url.searchParams.get('mount')
        const from = url.searchParams.get('from')
        if (mount && from && links.get(from)?.has(mount)) {
          link(repo, mount)
          return send(res, req, 201, { location: `/v2/${repo}/blobs/${mount}`, 'docker-content-digest': mount })
        }
        const id = randomUUID()
        const s: Session = { repo, chunks: [], size: 0, state: randomBytes(8).toString('hex') }
        sessions.set(id, s)
        const extra: Record<string, string | number> = options.chunkMinLength ? { 'oci-chunk-min-length': options.chunkMinLength } : {}
        return send(res, req, 202, { location: sessionLocation(id, s), range: '0-0', 'docker-upload-uuid': id, ...extra })
      }
      return continueUpload(req, res, url, uuid, body)
    }

    if (re === routes[2][0]) {
      const digest = m[2]
      if (!links.get(repo)?.has(digest)) return error(res, req, 404, 'BLOB_UNKNOWN', 'blob unknown to registry')
      if (method === 'GET' && registry.redirectToStorage) {
        return send(res, req, 307, { location: `${storageUrl}/blobs/${digest}?sig=${randomBytes(8).toString('hex')}` })
      }
      return send(res, req, 200, { 'content-type': 'application/octet-stream', 'docker-content-digest': digest }, blobs.get(digest))
    }

    if (re === routes[3][0]) return manifestApi(req, res, method, repo, m[2], body)

    if (re === routes[4][0]) {
      const all = registry.tags(repo)
      if (all.length === 0 && !manifests.has(repo)) return error(res, req, 404, 'NAME_UNKNOWN', 'repository name not known to registry')
      const n = Number(url.searchParams.get('n') ?? options.pageSize ?? all.length)
      const last = url.searchParams.get('last')
      const rest = last === null ? all : all.filter(t => t > last)
      const page = rest.slice(0, n)
      const headers: Record<string, string> = {}
      if (rest.length > page.length)
        headers.link = `</v2/${repo}/tags/list?n=${n}&last=${encodeURIComponent(page[page.length - 1])}>; rel="next"`
      return json(res, req, 200, { name: repo, tags: page }, headers)
    }

    if (re === routes[5][0]) {
      if (options.referrersApi === false)
        return send(res, req, 404, { 'content-type': 'text/plain; charset=utf-8' }, '404 page not found\n')
      const subject = m[2]
      const artifactType = url.searchParams.get('artifactType')
      const found = [...(manifests.get(repo) ?? new Map<string, { bytes: Buffer; mediaType: string }>())].flatMap(([digest, man]) => {
        const doc = JSON.parse(man.bytes.toString()) as {
          subject?: { digest?: string }
          artifactType?: string
          config?: { mediaType?: string }
          annotations?: Record<string, string>
        }
        if (doc.subject?.digest !== subject) return []
        const type = doc.artifactType ?? doc.config?.mediaType
        if (artifactType !== null && type !== artifactType) return []
        return [
          {
            mediaType: man.mediaType,
            digest,
            size: man.bytes.length,
            artifactType: type,
            ...(doc.annotations ? { annotations: doc.annotations } : {})
          }
        ]
      })
      const headers: Record<string, string> = { 'content-type': 'application/vnd.oci.image.index.v1+json' }
      if (artifactType !== null) headers['oci-filters-applied'] = 'artifactType'
      return send(
        res,
        req,
        200,
        headers,
        JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: found })
      )
    }
  }

  const manifestApi = (req: IncomingMessage, res: ServerResponse, method: string, repo: string, ref: string, body: Buffer) => {
    if (method === 'GET' || method === 'HEAD') {
      const found = registry.manifest(repo, ref)
      if (!found) return error(res, req, 404, 'MANIFEST_UNKNOWN', 'manifest unknown')
      const fake = tampered.get(`${repo}@${ref}`)
      const bytes = fake?.bytes ?? found.bytes
      return send(
        res,
        req,
        200,
        { 'content-type': found.mediaType, 'docker-content-digest': fake?.lying ? sha256(bytes) : found.digest },
        bytes
      )
    }
    if (method === 'PUT') {
      const mediaType = req.headers['content-type']
      if (!mediaType) return error(res, req, 400, 'MANIFEST_INVALID', 'no Content-Type')
      const digest = sha256(body)
      if (ref.includes(':') && ref !== digest)
        return error(res, req, 400, 'DIGEST_INVALID', 'provided digest did not match uploaded content')
      let doc: { config?: { digest: string }; layers?: Array<{ digest: string }>; manifests?: Array<{ digest: string }> }
      try {
        doc = JSON.parse(body.toString()) as typeof doc
      } catch {
        return error(res, req, 400, 'MANIFEST_INVALID', 'manifest invalid')
      }
      const blobsNeeded = [...(doc.config ? [doc.config.digest] : []), ...(doc.layers ?? []).map(l => l.digest)]
      const missingBlob = blobsNeeded.find(d => !links.get(repo)?.has(d))
      if (missingBlob) return error(res, req, 400, 'MANIFEST_BLOB_UNKNOWN', `blob unknown to registry: ${missingBlob}`)
      const missingChild = (doc.manifests ?? []).find(c => !manifests.get(repo)?.has(c.digest))
      if (missingChild) return error(res, req, 400, 'MANIFEST_UNKNOWN', `manifest unknown: ${missingChild.digest}`)
      registry.addManifest(repo, body, mediaType, ref.includes(':') ? undefined : ref)
      return send(res, req, 201, { location: `/v2/${repo}/manifests/${digest}`, 'docker-content-digest': digest })
    }
    if (method === 'DELETE') {
      if (options.deleteEnabled === false) return error(res, req, 405, 'UNSUPPORTED', 'The operation is unsupported.')
      if (!ref.includes(':')) return error(res, req, 400, 'UNSUPPORTED', 'delete by digest only')
      if (!manifests.get(repo)?.delete(ref)) return error(res, req, 404, 'MANIFEST_UNKNOWN', 'manifest unknown')
      for (const [tag, d] of tagMap.get(repo) ?? []) if (d === ref) tagMap.get(repo)!.delete(tag)
      return send(res, req, 202, {})
    }
    return error(res, req, 405, 'UNSUPPORTED', `${method} on a manifest`)
  }

  // --- the storage server (another host) ----------------------------------------------

  const onStorage = (req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer) => {
    const blob = /^\/blobs\/([^/]+)$/.exec(url.pathname)
    if (blob && (req.method === 'GET' || req.method === 'HEAD')) {
      const data = blobs.get(blob[1])
      return data ? send(res, req, 200, { 'content-type': 'application/octet-stream' }, data) : send(res, req, 404, {}, 'NoSuchKey')
    }
    const upload = /^\/uploads\/([^/]+)$/.exec(url.pathname)
    if (upload) return continueUpload(req, res, url, upload[1], body)
    send(res, req, 404, {}, 'NoSuchKey')
  }

  const handler = (server: 'registry' | 'storage') => async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const body = Buffer.concat(chunks)
    const target = req.url ?? '/'
    requests.push({ server, method: req.method ?? '', url: target, headers: { ...req.headers }, bodyLength: body.length })
    const fault = faults.find(
      f =>
        f.left > 0 &&
        (f.server ?? server) === server &&
        (f.method === undefined || f.method === req.method) &&
        (f.path === undefined || f.path.test(target))
    )
    const url = new URL(target, 'http://registry.invalid')
    const carryOut = (r: ServerResponse) => {
      try {
        if (server === 'registry') onRegistry(req, r, url, body)
        else onStorage(req, r, url, body)
      } catch (err) {
        if (!r.headersSent) error(r, req, 500, 'UNKNOWN', `the test registry failed: ${String(err)}`)
      }
    }
    if (fault) {
      fault.left--
      if (fault.handled) {
        // Its answer goes nowhere.
        const sink = { headersSent: false, writeHead: () => sink, end: () => sink }
        carryOut(sink as unknown as ServerResponse)
      }
      if (fault.reset) {
        req.socket.destroy()
        return
      }
      const status = fault.status ?? 500
      const headers: Record<string, string> = {
        ...fault.headers,
        ...(fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter })
      }
      const body = typeof fault.body === 'function' ? (fault.body as (r: IncomingMessage) => unknown)(req) : fault.body
      return json(
        res,
        req,
        status,
        body ?? { errors: [{ code: status === 429 ? 'TOOMANYREQUESTS' : 'UNAVAILABLE', message: `injected ${status}` }] },
        headers
      )
    }
    carryOut(res)
  }

  const main = createServer(handler('registry'))
  const storage = createServer(handler('storage'))
  const port = await listen(main, '127.0.0.1')
  const storagePort = await listen(storage, '127.0.0.2')
  registryUrl = `http://127.0.0.1:${port}`
  storageUrl = `http://127.0.0.2:${storagePort}`
  return Object.assign(registry, { host: `127.0.0.1:${port}`, storageHost: `127.0.0.2:${storagePort}` })
}

function listen(server: Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, address, () => {
      const a = server.address()
      if (!a || typeof a === 'string') reject(new Error('the test registry has no port'))
      else resolve(a.port)
    })
  })
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.close(err => (err ? reject(err) : resolve()))
    server.closeAllConnections()
  })
}
