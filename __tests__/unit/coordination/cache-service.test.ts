/**
 * The cache service stand-in (__tests__/helpers/cache-service.ts) over HTTP, as its clients call
 * it, with an in-memory blob store: keys, versions, scopes, restore-key prefixes and their order,
 * the 409 of a key that exists, finalize.
 */
import { type BlobStore, type CacheService, SERVICE, startCacheService } from '../../helpers/cache-service.js'

/** Blobs in memory; an upload is simulated with `put`. */
function memoryStore(): BlobStore & { put(name: string, size: number): void } {
  const blobs = new Map<string, Buffer>()
  return {
    uploadUrl: name => `http://blob.invalid/c/${name}?sp=cw`,
    downloadUrl: name => `http://blob.invalid/c/${name}?sp=r`,
    size: async name => blobs.get(name)?.length,
    read: async name => blobs.get(name) ?? Buffer.alloc(0),
    write: async (name, data) => void blobs.set(name, data),
    put: (name, size) => void blobs.set(name, Buffer.alloc(size)),
    close: async () => undefined
  }
}

let store: ReturnType<typeof memoryStore>
let service: CacheService

beforeEach(async () => {
  store = memoryStore()
  service = await startCacheService(store)
})
afterEach(() => service.close())

async function call(method: string, body: unknown, token = service.token()): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(`${service.url}twirp/${SERVICE}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body)
  })
  return { status: r.status, body: (await r.json()) as Record<string, unknown> }
}

/** Creates, uploads (size bytes) and finalizes an entry. */
async function save(key: string, version = 'v1', size = 10, token = service.token()): Promise<void> {
  const created = await call('CreateCacheEntry', { key, version }, token)
  expect(created.status).toBe(200)
  const url = new URL(created.body.signed_upload_url as string)
  store.put(url.pathname.split('/').pop()!, size)
  expect((await call('FinalizeCacheEntryUpload', { key, version, size_bytes: String(size) }, token)).body.ok).toBe(true)
}

const lookup = async (key: string, restoreKeys: string[] = [], version = 'v1', token?: string) =>
  (await call('GetCacheEntryDownloadURL', { key, restore_keys: restoreKeys, version }, token)).body

describe('the cache service stand-in', () => {
  it('creates an entry with a signed upload URL, finalizes it with its size, and hands out a download URL for the exact key', async () => {
    const created = await call('CreateCacheEntry', { key: 'k-1', version: 'v1' })
    expect(created).toEqual({ status: 200, body: { ok: true, signed_upload_url: 'http://blob.invalid/c/1?sp=cw' } })
    store.put('1', 42)
    // @actions/cache sends int64 as a string, BuildKit as a number: both are accepted.
    expect(await call('FinalizeCacheEntryUpload', { key: 'k-1', version: 'v1', size_bytes: 42 })).toEqual({
      status: 200,
      body: { ok: true, entry_id: '1' }
    })
    expect(await lookup('k-1')).toEqual({ ok: true, signed_download_url: 'http://blob.invalid/c/1?sp=r', matched_key: 'k-1' })
    expect(service.entries()).toEqual([
      { id: 1, key: 'k-1', version: 'v1', scope: 'refs/heads/main', blob: '1', finalized: true, size: 42 }
    ])
  })

  it('answers a miss with ok: false, and finds nothing under another version', async () => {
    await save('k-1', 'v1')
    expect(await lookup('other')).toEqual({ ok: false })
    expect(await lookup('k-1', [], 'v2')).toEqual({ ok: false })
  })

  it('does not hand out an entry that is not finalized', async () => {
    expect((await call('CreateCacheEntry', { key: 'pending', version: 'v1' })).status).toBe(200)
    expect(await lookup('pending', ['pending'])).toEqual({ ok: false })
  })

  it('refuses a second CreateCacheEntry for a key and version that exist with HTTP 409 already_exists, finalized or not; another version is another entry', async () => {
    await save('done')
    expect((await call('CreateCacheEntry', { key: 'pending', version: 'v1' })).status).toBe(200)
    for (const key of ['done', 'pending'])
      expect(await call('CreateCacheEntry', { key, version: 'v1' })).toEqual({
        status: 409,
        body: { code: 'already_exists', msg: `cache entry ${key} already exists` }
      })
    expect((await call('CreateCacheEntry', { key: 'done', version: 'v2' })).status).toBe(200)
  })

  it('matches the key as a prefix, then each restore key as a prefix in order, the newest entry first', async () => {
    await save('index-buildkit#1')
    await save('index-buildkit#2')
    await save('npm-abc')
    await save('npm-def')
    await save('go-1')
    // BuildKit's index: the key and restore key `index-buildkit#` find the newest `#n`.
    expect((await lookup('index-buildkit#', ['index-buildkit#'])).matched_key).toBe('index-buildkit#2')
    expect((await lookup('npm-', [])).matched_key).toBe('npm-def')
    expect((await lookup('npm-xyz', ['go-', 'npm-'])).matched_key).toBe('go-1')
    expect((await lookup('npm-xyz', ['rust-', 'npm-a'])).matched_key).toBe('npm-abc')
    // An exact key wins over a newer entry it is a prefix of.
    await save('npm-abc-2')
    expect((await lookup('npm-abc')).matched_key).toBe('npm-abc')
  })

  it("reads the token's scopes in order and writes to its writable one: a pull request sees the base branch's entries and its own first", async () => {
    await save('shared-1')
    await save('only-main')
    const pr = service.token({
      scopes: [
        { scope: 'refs/pull/7/merge', permission: 3 },
        { scope: 'refs/heads/main', permission: 1 }
      ]
    })
    await save('shared-2', 'v1', 10, pr)
    expect((await lookup('shared-', [], 'v1', pr)).matched_key).toBe('shared-2')
    expect((await lookup('only-', [], 'v1', pr)).matched_key).toBe('only-main')
    // main does not see the pull request's entry.
    expect((await lookup('shared-')).matched_key).toBe('shared-1')
    expect(service.entries().map(e => `${e.scope} ${e.key}`)).toEqual([
      'refs/heads/main shared-1',
      'refs/heads/main only-main',
      'refs/pull/7/merge shared-2'
    ])
  })

  it('denies writes to a read-only token as the service does (ok: false, "cache write denied:"), and reads to a token without a readable scope (403)', async () => {
    const readOnly = service.token({ scopes: [{ scope: 'refs/heads/main', permission: 1 }] })
    expect(await call('CreateCacheEntry', { key: 'k', version: 'v1' }, readOnly)).toEqual({
      status: 200,
      body: { ok: false, message: 'cache write denied: the token has no writable cache scope' }
    })
    const writeOnly = service.token({ scopes: [{ scope: 'refs/heads/main', permission: 2 }] })
    expect((await call('GetCacheEntryDownloadURL', { key: 'k', version: 'v1' }, writeOnly)).status).toBe(403)
  })

  it('finalizes only an entry that was created, once, with the size uploaded', async () => {
    expect((await call('FinalizeCacheEntryUpload', { key: 'never', version: 'v1', size_bytes: '1' })).body.code).toBe('not_found')
    await call('CreateCacheEntry', { key: 'k', version: 'v1' })
    expect(await call('FinalizeCacheEntryUpload', { key: 'k', version: 'v1', size_bytes: '5' })).toEqual({
      status: 400,
      body: { code: 'invalid_argument', msg: 'size_bytes 5 does not match the missing bytes uploaded' }
    })
    store.put('1', 4)
    expect((await call('FinalizeCacheEntryUpload', { key: 'k', version: 'v1', size_bytes: '5' })).status).toBe(400)
    expect((await call('FinalizeCacheEntryUpload', { key: 'k', version: 'v1', size_bytes: '4' })).status).toBe(200)
    expect((await call('FinalizeCacheEntryUpload', { key: 'k', version: 'v1', size_bytes: '4' })).status).toBe(409)
  })

  it('refuses a missing, forged, expired or not yet valid token with 401 unauthenticated', async () => {
    const valid = service.token()
    const [header, claims] = valid.split('.')
    const forged = `${header}.${claims}.${Buffer.alloc(32).toString('base64url')}`
    for (const token of ['', forged, service.token({ ttlSeconds: -10 }), service.token({ nbf: Math.floor(Date.now() / 1000) + 600 })])
      expect(await call('GetCacheEntryDownloadURL', { key: 'k', version: 'v1' }, token)).toEqual({
        status: 401,
        body: { code: 'unauthenticated', msg: expect.any(String) }
      })
  })

  it('issues the token BuildKit reads: a JWT whose `ac` claim is a JSON string of {Scope, Permission}, with nbf and exp', () => {
    const claims = JSON.parse(Buffer.from(service.token().split('.')[1], 'base64url').toString())
    expect(JSON.parse(claims.ac)).toEqual([{ Scope: 'refs/heads/main', Permission: 3 }])
    expect(claims.exp).toBeGreaterThan(claims.nbf)
  })

  it('answers an unknown method, a GET or a protobuf body with bad_route, and a missing key with invalid_argument; logs every call', async () => {
    expect((await call('DeleteCacheEntry', {})).body.code).toBe('bad_route')
    expect((await fetch(`${service.url}twirp/${SERVICE}/CreateCacheEntry`)).status).toBe(404)
    const proto = await fetch(`${service.url}twirp/${SERVICE}/CreateCacheEntry`, {
      method: 'POST',
      headers: { 'content-type': 'application/protobuf', authorization: `Bearer ${service.token()}` },
      body: ''
    })
    expect(proto.status).toBe(404)
    expect(await call('CreateCacheEntry', { version: 'v1' })).toEqual({
      status: 400,
      body: { code: 'invalid_argument', msg: 'key is required' }
    })
    expect(service.requests.map(r => `${r.method} ${r.status}`)).toEqual([
      'DeleteCacheEntry 404',
      'CreateCacheEntry 404',
      'CreateCacheEntry 404',
      'CreateCacheEntry 400'
    ])
  })
})
