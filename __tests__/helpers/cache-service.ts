/**
 * A stand-in for GitHub's cache service (v2), which the runner gives JavaScript actions as
 * ACTIONS_RESULTS_URL, ACTIONS_RUNTIME_TOKEN and ACTIONS_CACHE_SERVICE_V2: the Twirp API
 * `github.actions.results.api.v1.CacheService` served here, its blobs in Azure Blob Storage
 * (Azurite, which scripts/test-env.sh runs) behind signed URLs. The test starts and stops it.
 * The protocol as its two clients speak it (@actions/cache's cacheTwirpClient, BuildKit's
 * go-actions-cache) and what this server decides where they say nothing: README, "The cache
 * service stand-in".
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { BlobSASPermissions, BlobServiceClient, generateBlobSASQueryParameters, StorageSharedKeyCredential } from '@azure/storage-blob'

export const SERVICE = 'github.actions.results.api.v1.CacheService'

/** Where the entries' bytes live: signed URLs for the clients, direct access for the server and the tests. */
export interface BlobStore {
  uploadUrl(name: string): string
  downloadUrl(name: string): string
  /** The blob's size, undefined when nothing was uploaded under `name`. */
  size(name: string): Promise<number | undefined>
  read(name: string): Promise<Buffer>
  write(name: string, data: Buffer): Promise<void>
  close(): Promise<void>
}

export interface AzuriteAccount {
  /** `http://127.0.0.1:10000/<account>`: Azurite's blob endpoint, path-style. */
  readonly url: string
  readonly account: string
  readonly key: string
}

/** Azurite's account, from scripts/test-env.sh's env file (process.env first). */
export function azuriteAccount(): AzuriteAccount {
  const dir = process.env.ARCHWAY_TEST_ENV_DIR ?? '/var/lib/archway-test-env'
  const file = `${dir}/env.sh`
  const vars: Record<string, string> = {}
  if (existsSync(file)) for (const m of readFileSync(file, 'utf8').matchAll(/^export (\w+)=(.*)$/gm)) vars[m[1]] = m[2]
  const get = (k: string) => process.env[k] || vars[k]
  // An env file rewritten by an older test-env.sh lacks these: the same values, from the state folder.
  const keyFile = `${dir}/azurite/account.key`
  const key = get('ARCHWAY_AZURITE_KEY') || (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : '')
  if (!key) throw new Error('The test environment has no Azurite: run `bash scripts/test-env.sh up`')
  const account = get('ARCHWAY_AZURITE_ACCOUNT') || 'archway'
  return { url: get('ARCHWAY_AZURITE_BLOB_URL') || `http://127.0.0.1:10000/${account}`, account, key }
}

/** A container of its own in Azurite, removed with its blobs by close(). */
export async function azuriteStore(a: AzuriteAccount, ttlMs = 60 * 60 * 1000): Promise<BlobStore> {
  const credential = new StorageSharedKeyCredential(a.account, a.key)
  const container = new BlobServiceClient(a.url, credential).getContainerClient(`archway-cache-${randomBytes(6).toString('hex')}`)
  await container.create()
  const signed = (name: string, permissions: string) => {
    const sas = generateBlobSASQueryParameters(
      {
        containerName: container.containerName,
        blobName: name,
        permissions: BlobSASPermissions.parse(permissions),
        expiresOn: new Date(Date.now() + ttlMs)
      },
      credential
    )
    return `${container.getBlockBlobClient(name).url}?${sas.toString()}`
  }
  return {
    uploadUrl: name => signed(name, 'cw'),
    downloadUrl: name => signed(name, 'r'),
    async size(name) {
      const blob = container.getBlockBlobClient(name)
      return (await blob.exists()) ? (await blob.getProperties()).contentLength : undefined
    },
    read: name => container.getBlockBlobClient(name).downloadToBuffer(),
    write: async (name, data) => void (await container.getBlockBlobClient(name).uploadData(data)),
    close: async () => void (await container.deleteIfExists())
  }
}

export interface CacheScope {
  readonly scope: string
  /** 1 read, 2 write, 3 both: the `Permission` of the token's `ac` claim. */
  readonly permission: number
}

export interface CacheEntry {
  readonly id: number
  readonly key: string
  readonly version: string
  /** The token's first writable scope when the entry was created. */
  readonly scope: string
  /** The blob's name in the store. */
  readonly blob: string
  readonly finalized: boolean
  readonly size?: number
}

export interface CacheRequest {
  readonly method: string
  /** HTTP status answered. */
  readonly status: number
  readonly key?: string
  readonly restoreKeys?: readonly string[]
  readonly version?: string
  /** GetCacheEntryDownloadURL: the key found, if any. */
  readonly matchedKey?: string
}

export interface CacheService {
  /** ACTIONS_RESULTS_URL: the service's root, with a trailing slash as the runner gives it. */
  readonly url: string
  /** Every call, in order. */
  readonly requests: CacheRequest[]
  /** Every entry, in order of creation, finalized or not. */
  entries(): readonly CacheEntry[]
  /** A runtime token: a JWT (HS256 with the service's own secret) with `ac`, `nbf`, `iat` and `exp`. */
  token(o?: { scopes?: readonly CacheScope[]; ttlSeconds?: number; nbf?: number }): string
  /** What the runner gives a JavaScript action's environment. */
  env(token?: string): Record<string, string>
  readonly store: BlobStore
  close(): Promise<void>
}

/** The scope of a push to main, as a token for it lists it. */
export const MAIN: CacheScope = { scope: 'refs/heads/main', permission: 3 }

/** What a call's handler records of it. */
type CallLog = { -readonly [K in keyof CacheRequest]?: CacheRequest[K] }

class TwirpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string
  ) {
    super(message)
  }
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url')

/** The request's body as JSON; protobuf's JSON mapping accepts the proto field name or its lowerCamelCase. */
function field<T>(body: Record<string, unknown>, proto: string): T | undefined {
  const camel = proto.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())
  return (body[proto] ?? body[camel]) as T | undefined
}

export async function startCacheService(store: BlobStore): Promise<CacheService> {
  const secret = randomBytes(32)
  const entries: CacheEntry[] = []
  const requests: CacheRequest[] = []
  let nextId = 1

  const signature = (data: string) => createHmac('sha256', secret).update(data).digest()

  function token(o: { scopes?: readonly CacheScope[]; ttlSeconds?: number; nbf?: number } = {}): string {
    const now = Math.floor(Date.now() / 1000)
    const claims = {
      ac: JSON.stringify((o.scopes ?? [MAIN]).map(s => ({ Scope: s.scope, Permission: s.permission }))),
      iat: now,
      nbf: o.nbf ?? now - 60,
      exp: now + (o.ttlSeconds ?? 3600)
    }
    const unsigned = `${b64url(JSON.stringify({ typ: 'JWT', alg: 'HS256' }))}.${b64url(JSON.stringify(claims))}`
    return `${unsigned}.${b64url(signature(unsigned))}`
  }

  /** The token's scopes, or an `unauthenticated` error for a missing, forged, expired or not yet valid token. */
  function scopesOf(req: IncomingMessage): CacheScope[] {
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')
    const parts = m?.[1].split('.') ?? []
    if (parts.length !== 3) throw new TwirpError(401, 'unauthenticated', 'a bearer token is required')
    const want = signature(`${parts[0]}.${parts[1]}`)
    const got = Buffer.from(parts[2], 'base64url')
    if (got.length !== want.length || !timingSafeEqual(got, want)) throw new TwirpError(401, 'unauthenticated', 'invalid token signature')
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString()) as { ac: string; exp: number; nbf: number }
    const now = Date.now() / 1000
    if (!(claims.nbf <= now && now < claims.exp)) throw new TwirpError(401, 'unauthenticated', 'token expired or not yet valid')
    return (JSON.parse(claims.ac) as { Scope: string; Permission: number }[]).map(s => ({ scope: s.Scope, permission: s.Permission }))
  }

  const required = (body: Record<string, unknown>, name: string): string => {
    const v = field<string>(body, name)
    if (typeof v !== 'string' || v === '') throw new TwirpError(400, 'invalid_argument', `${name} is required`)
    return v
  }

  function create(scopes: CacheScope[], body: Record<string, unknown>, log: CallLog) {
    const key = required(body, 'key')
    const version = required(body, 'version')
    Object.assign(log, { key, version })
    if (key.length > 512 || key.includes(','))
      throw new TwirpError(400, 'invalid_argument', 'key is longer than 512 characters or has a comma')
    const writable = scopes.find(s => s.permission & 2)
    if (!writable) return { ok: false, message: 'cache write denied: the token has no writable cache scope' }
    if (entries.some(e => e.key === key && e.version === version && e.scope === writable.scope))
      throw new TwirpError(409, 'already_exists', `cache entry ${key} already exists`)
    const id = nextId++
    entries.push({ id, key, version, scope: writable.scope, blob: String(id), finalized: false })
    return { ok: true, signed_upload_url: store.uploadUrl(String(id)) }
  }

  async function finalize(scopes: CacheScope[], body: Record<string, unknown>, log: CallLog) {
    const key = required(body, 'key')
    const version = required(body, 'version')
    Object.assign(log, { key, version })
    const size = Number(field<string | number>(body, 'size_bytes') ?? Number.NaN)
    const writable = scopes.find(s => s.permission & 2)
    const at = entries.findIndex(e => e.key === key && e.version === version && e.scope === writable?.scope)
    if (at < 0) throw new TwirpError(404, 'not_found', `no cache entry ${key} was created`)
    const entry = entries[at]
    if (entry.finalized) throw new TwirpError(409, 'already_exists', `cache entry ${key} is already finalized`)
    const stored = await store.size(entry.blob)
    if (stored === undefined || stored !== size)
      throw new TwirpError(400, 'invalid_argument', `size_bytes ${size} does not match the ${stored ?? 'missing'} bytes uploaded`)
    entries[at] = { ...entry, finalized: true, size }
    return { ok: true, entry_id: String(entry.id) }
  }

  function download(scopes: CacheScope[], body: Record<string, unknown>, log: CallLog) {
    const key = required(body, 'key')
    const version = required(body, 'version')
    const restoreKeys = field<string[]>(body, 'restore_keys') ?? []
    Object.assign(log, { key, version, restoreKeys })
    const readable = scopes.filter(s => s.permission & 1)
    if (readable.length === 0) throw new TwirpError(403, 'permission_denied', 'cache read denied: the token has no readable cache scope')
    // Per scope, in the token's order: the key exactly, then as a prefix, then each restore key as a prefix; newest first.
    for (const { scope } of readable) {
      const candidates = entries.filter(e => e.finalized && e.scope === scope && e.version === version).reverse()
      const found =
        candidates.find(e => e.key === key) ??
        candidates.find(e => e.key.startsWith(key)) ??
        restoreKeys.map(r => candidates.find(e => e.key.startsWith(r))).find(e => e !== undefined)
      if (found) {
        log.matchedKey = found.key
        return { ok: true, signed_download_url: store.downloadUrl(found.blob), matched_key: found.key }
      }
    }
    return { ok: false }
  }

  const methods: Record<string, (s: CacheScope[], b: Record<string, unknown>, l: CallLog) => unknown> = {
    CreateCacheEntry: create,
    FinalizeCacheEntryUpload: finalize,
    GetCacheEntryDownloadURL: download
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const method = new URL(req.url ?? '/', 'http://localhost').pathname.replace(`/twirp/${SERVICE}/`, '')
    const log: CallLog & { method: string } = { method }
    let status = 200
    let answer: unknown
    try {
      const handler = methods[method]
      if (req.method !== 'POST' || !req.url?.startsWith(`/twirp/${SERVICE}/`) || !handler)
        throw new TwirpError(404, 'bad_route', `no handler for ${req.method} ${req.url}`)
      if (!/^application\/json\b/.test(req.headers['content-type'] ?? ''))
        throw new TwirpError(404, 'bad_route', `unsupported Content-Type ${req.headers['content-type']}`)
      const scopes = scopesOf(req)
      let body: Record<string, unknown>
      try {
        body = JSON.parse(Buffer.concat(chunks).toString() || '{}')
      } catch {
        throw new TwirpError(400, 'malformed', 'the body is not JSON')
      }
      answer = await handler(scopes, body, log)
    } catch (err) {
      const e = err instanceof TwirpError ? err : new TwirpError(500, 'internal', String(err))
      status = e.status
      answer = { code: e.code, msg: e.message }
    }
    requests.push({ ...log, status })
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer))
  }

  const server: Server = createServer((req, res) => void handle(req, res))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  return {
    url,
    requests,
    entries: () => entries.slice(),
    token,
    env: (t = token()) => ({ ACTIONS_RESULTS_URL: url, ACTIONS_RUNTIME_TOKEN: t, ACTIONS_CACHE_SERVICE_V2: 'True' }),
    store,
    async close() {
      await new Promise<void>(resolve => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await store.close()
    }
  }
}
