/**
 * The matrix's records through the cache service stand-in over HTTP (its blobs in memory behind a
 * loopback blob server): written as keys, read by lookup, and every failure of the service an
 * error rather than a miss.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createEntry, lookupKey, RECORD_VERSION } from '../../../src/coordination/cache-service.js'
import { CacheRecords } from '../../../src/coordination/cache-store.js'
import { recordKey } from '../../../src/coordination/records.js'
import { parsePlatform } from '../../../src/shared/platform.js'
import { type BlobStore, type CacheService, startCacheService } from '../../helpers/cache-service.js'

const arm64 = parsePlatform('linux/arm64')!
const s390x = parsePlatform('linux/s390x')!
const image = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'ab'.repeat(32)}`, size: 528 }
const NO_WAIT = { attempts: 3, baseMs: 0, maxMs: 0, sleep: async () => undefined }

/** Blobs in memory, uploaded with PUT to a loopback server as to Azure's signed URLs; `failPuts` answers the next PUTs with 503. */
async function memoryBlobs(): Promise<BlobStore & { failPuts: number; server: Server }> {
  const blobs = new Map<string, Buffer>()
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    if (store.failPuts > 0) {
      store.failPuts--
      return void res.writeHead(503).end()
    }
    if (req.method !== 'PUT' || req.headers['x-ms-blob-type'] !== 'BlockBlob') return void res.writeHead(400).end()
    blobs.set(new URL(req.url!, 'http://x').pathname.slice(1), Buffer.concat(chunks))
    res.writeHead(201).end()
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const store = {
    failPuts: 0,
    server,
    uploadUrl: (name: string) => `${base}/${name}?sig=w`,
    downloadUrl: (name: string) => `${base}/${name}?sig=r`,
    size: async (name: string) => blobs.get(name)?.length,
    read: async (name: string) => blobs.get(name) ?? Buffer.alloc(0),
    write: async (name: string, data: Buffer) => void blobs.set(name, data),
    close: () => new Promise<void>(r => server.close(() => r()))
  }
  return store
}

let blobs: Awaited<ReturnType<typeof memoryBlobs>>
let service: CacheService
const access = () => ({ url: service.url, token: service.token(), retry: NO_WAIT })

beforeEach(async () => {
  blobs = await memoryBlobs()
  service = await startCacheService(blobs)
})
afterEach(() => service.close())

describe('records in the Actions cache', () => {
  it('are one finalized entry per record, under its key, with one version for every runner', async () => {
    const records = new CacheRecords(access(), 'r1')
    await records.write([
      { state: 'started', platform: arm64, attempt: 1 },
      { state: 'done', platform: arm64, attempt: 1, image }
    ])
    expect(service.entries().map(e => ({ key: e.key, version: e.version, finalized: e.finalized }))).toEqual(
      expect.arrayContaining([
        { key: recordKey('r1', { state: 'started', platform: arm64, attempt: 1 }), version: RECORD_VERSION, finalized: true },
        { key: recordKey('r1', { state: 'done', platform: arm64, attempt: 1, image }), version: RECORD_VERSION, finalized: true }
      ])
    )
  })

  it('are read by lookup alone, nothing downloaded, as the acceptance rule has them', async () => {
    const records = new CacheRecords(access(), 'r1')
    await records.write([{ state: 'started', platform: arm64, attempt: 1 }])
    await records.write([{ state: 'done', platform: arm64, attempt: 1, image }])
    await records.write([{ state: 'done', platform: s390x, attempt: 1, image }])
    await records.write([{ state: 'started', platform: s390x, attempt: 2 }])
    const before = service.requests.length
    expect(await records.read([arm64, s390x, parsePlatform('linux/amd64')!], 2)).toEqual([
      { platform: arm64, image, attempt: 1 },
      { platform: s390x, attempt: 2, waiting: 'started, not done' },
      { platform: parsePlatform('linux/amd64')!, waiting: 'not staged' }
    ])
    expect(new Set(service.requests.slice(before).map(r => r.method))).toEqual(new Set(['GetCacheEntryDownloadURL']))
  })

  it('of another release are not seen', async () => {
    await new CacheRecords(access(), 'r1').write([{ state: 'done', platform: arm64, attempt: 1, image }])
    expect(await new CacheRecords(access(), 'r2').read([arm64], 1)).toEqual([{ platform: arm64, waiting: 'not staged' }])
  })

  it('written twice under one key are there once, and the second write is no error', async () => {
    expect(await createEntry(access(), 'k', Buffer.from('x'))).toBe('created')
    expect(await createEntry(access(), 'k', Buffer.from('y'))).toBe('exists')
    expect(service.entries()).toHaveLength(1)
  })
})

describe('a cache service that fails', () => {
  it('is retried on 503 from the blob store, then the entry is finalized', async () => {
    blobs.failPuts = 2
    expect(await createEntry(access(), 'k', Buffer.from('x'))).toBe('created')
    expect(service.entries()[0].finalized).toBe(true)
  })

  it('fails the read in one line when the lookup keeps failing, never reading it as "not staged"', async () => {
    await service.close()
    const gone = { url: service.url, token: 'x', retry: NO_WAIT }
    await expect(lookupKey(gone, 'k', ['k-'])).rejects.toThrow(/^the Actions cache service's GetCacheEntryDownloadURL failed: /)
    blobs = await memoryBlobs()
    service = await startCacheService(blobs)
  })

  it('names the Twirp error of a refused token', async () => {
    await expect(lookupKey({ url: service.url, token: 'forged', retry: NO_WAIT }, 'k', [])).rejects.toThrow(
      "the Actions cache service's GetCacheEntryDownloadURL failed: HTTP 401 unauthenticated a bearer token is required"
    )
  })

  it('refuses an entry the service will not create, in one line', async () => {
    const readOnly = service.token({ scopes: [{ scope: 'refs/heads/main', permission: 1 }] })
    await expect(createEntry({ url: service.url, token: readOnly, retry: NO_WAIT }, 'k', Buffer.from('x'))).rejects.toThrow(
      "the Actions cache service's CreateCacheEntry failed: cache write denied: the token has no writable cache scope"
    )
  })
})
