import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { RegistryClient, type RegistryClientOptions } from '../../../src/registry/client.js'
import { RegistryError } from '../../../src/registry/errors.js'
import { imageManifest, OCI_MANIFEST, sha256, startRegistry, type TestRegistry } from '../../helpers/registry-server.js'
import { tempDir } from '../../helpers/tmp.js'

let server: TestRegistry
let waits: number[] = []
let logs: string[] = []

beforeAll(async () => {
  server = await startRegistry()
})
afterAll(() => server.close())
beforeEach(() => {
  server.reset()
  waits = []
  logs = []
})

const client = (o: Partial<RegistryClientOptions> = {}) =>
  new RegistryClient({
    registry: server.host,
    retry: { attempts: 4, baseMs: 10, maxMs: 10_000, random: () => 0, sleep: async ms => void waits.push(ms) },
    log: line => logs.push(line),
    ...o
  })
const hits = (re: RegExp, method?: string) =>
  server.requests.filter(r => re.test(r.url) && (method === undefined || r.method === method)).length

describe('retries through the client', () => {
  const manifest = imageManifest(Buffer.from('{}'), [])
  let digest: string
  beforeEach(() => {
    digest = server.addManifest('acme/app', manifest, OCI_MANIFEST, 'v1')
  })

  it('ride out 503s and succeed, backing off between tries', async () => {
    server.fail({ method: 'GET', path: /manifests/, times: 2, status: 503 })
    expect((await client().getManifest('acme/app', 'v1')).digest).toBe(digest)
    expect(hits(/manifests/)).toBe(3)
    expect(waits).toEqual([5, 10])
    expect(logs.filter(l => l.startsWith('Retry '))).toEqual([
      expect.stringMatching(
        /^Retry 1 of GET http:\/\/127\.0\.0\.1:\d+\/v2\/acme\/app\/manifests\/v1 in 5 ms: .* answered 503 Service Unavailable \(UNAVAILABLE: injected 503\)$/
      ),
      expect.stringMatching(/^Retry 2 of GET .* in 10 ms/)
    ])
  })

  it('ride out a reset connection', async () => {
    server.fail({ method: 'HEAD', path: /manifests/, reset: true })
    expect(await client().headManifest('acme/app', 'v1')).toEqual({ digest, mediaType: OCI_MANIFEST, size: manifest.length })
    expect(hits(/manifests/)).toBe(2)
  })

  it('give up after the attempts of the policy, with the last answer in the error', async () => {
    server.fail({ path: /manifests/, times: 100, status: 500 })
    const err = await client()
      .getManifest('acme/app', 'v1')
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RegistryError)
    expect((err as RegistryError).status).toBe(500)
    expect(hits(/manifests/)).toBe(4)
    expect(waits).toHaveLength(3)
  })

  it('give up on a registry that refuses connections', async () => {
    const c = new RegistryClient({ registry: '127.0.0.1:1', retry: { attempts: 3, baseMs: 0, maxMs: 0 } })
    await expect(c.ping()).rejects.toThrow(/^GET http:\/\/127\.0\.0\.1:1\/v2\/ failed: connect ECONNREFUSED 127\.0\.0\.1:1$/)
  })

  it.each([400, 401, 403, 404, 405])('do not happen on %i', async status => {
    server.fail({ path: /manifests/, status })
    await expect(client().getManifest('acme/app', 'v1')).rejects.toThrow(`answered ${status}`)
    expect(hits(/manifests/)).toBe(1)
    expect(waits).toEqual([])
  })

  it('wait what Retry-After asks, in seconds or as a date, capped by the policy', async () => {
    server.fail({ path: /manifests/, status: 429, retryAfter: '2' })
    server.fail({ path: /manifests/, status: 503, retryAfter: new Date(Date.now() + 60_000).toUTCString() })
    server.fail({ path: /manifests/, status: 429, retryAfter: '3600' })
    await client().getManifest('acme/app', 'v1')
    expect(waits[0]).toBe(2000)
    expect(waits[1]).toBeGreaterThan(9000)
    expect(waits[1]).toBeLessThanOrEqual(10_000)
    expect(waits[2]).toBe(10_000)
  })

  it('send a whole blob again from a new session when the PUT fails, as a session may hold part of the cut one', async () => {
    const data = randomBytes(100)
    server.fail({ method: 'PUT', path: /uploads/, status: 502 })
    server.fail({ method: 'PUT', path: /uploads/, reset: true })
    await client().pushBlob('acme/app', sha256(data), data)
    expect(server.hasBlob('acme/app', sha256(data))).toBe(true)
    expect([hits(/uploads\/$/, 'POST'), hits(/uploads\/./, 'PUT')]).toEqual([3, 3])
    const sessions = server.requests.filter(r => r.method === 'PUT' && /uploads\/./.test(r.url)).map(r => r.url.replace(/\?.*/, ''))
    expect(new Set(sessions).size).toBe(3)
  })

  it('start a chunked upload again from a new session when a chunk fails, never resending a chunk into the old one', async () => {
    const data = randomBytes(12)
    server.fail({ method: 'PATCH', path: /uploads/, status: 503 })
    await client({ chunkedUploadThreshold: 8, chunkSize: 4 }).pushBlob('acme/app', sha256(data), data)
    expect(server.blob(sha256(data))).toEqual(data)
    const patches = server.requests.filter(r => r.method === 'PATCH')
    expect(patches.map(r => r.headers['content-range'])).toEqual(['0-3', '0-3', '4-7', '8-11'])
    expect(new Set(patches.map(r => r.url.replace(/\?.*/, ''))).size).toBe(2)
    expect(hits(/uploads\/$/, 'POST')).toBe(2)
  })

  it('retry a PUT of a manifest (its bytes are replayable)', async () => {
    server.addBlob('acme/app', Buffer.from('{}'))
    server.fail({ method: 'PUT', path: /manifests/, status: 504 })
    expect(await client().putManifest('acme/app', 'v2', manifest, OCI_MANIFEST)).toBe(digest)
    expect(hits(/manifests/, 'PUT')).toBe(2)
  })
})

describe('the one upload retry path', () => {
  const uploadRetries = () => logs.filter(l => l.startsWith('Upload of '))
  const sessions = (method: string) =>
    new Set(server.requests.filter(r => r.method === method && /uploads\/./.test(r.url)).map(r => r.url.replace(/\?.*/, ''))).size
  const ranges = () => server.requests.filter(r => r.method === 'PATCH').map(r => r.headers['content-range'])

  it.each(['a Buffer', 'a file'])(
    'starts a chunked upload of %s cut off mid-PATCH again from a new session, from the first byte',
    async kind => {
      const data = randomBytes(12)
      const source = kind === 'a file' ? { path: join(tempDir('blob'), 'layer'), size: data.length } : data
      if (!Buffer.isBuffer(source)) await writeFile(source.path, data)
      let cut = false
      // The first chunk has been accepted: the connection of the second goes down.
      const log = (line: string) => {
        logs.push(line)
        if (!cut && /^PATCH .*: 202$/.test(line)) {
          cut = true
          server.fail({ method: 'PATCH', path: /uploads/, reset: true })
        }
      }
      await client({ chunkedUploadThreshold: 8, chunkSize: 4, log }).pushBlob('acme/app', sha256(data), source)
      expect(server.blob(sha256(data))).toEqual(data)
      expect(ranges()).toEqual(['0-3', '4-7', '0-3', '4-7', '8-11'])
      expect([hits(/uploads\/$/, 'POST'), sessions('PATCH'), hits(/uploads\/./, 'PUT')]).toEqual([2, 2, 1])
      expect(uploadRetries()).toEqual([
        expect.stringMatching(new RegExp(`^Upload of ${sha256(data)} to acme/app starts again \\(retry 1\\) in 5 ms: PATCH .* failed: `))
      ])
    }
  )

  it('sends every chunk again into a new session when the closing PUT fails', async () => {
    const data = randomBytes(12)
    server.fail({ method: 'PUT', path: /uploads/, status: 503 })
    await client({ chunkedUploadThreshold: 8, chunkSize: 4 }).pushBlob('acme/app', sha256(data), data)
    expect(server.blob(sha256(data))).toEqual(data)
    expect(ranges()).toEqual(['0-3', '4-7', '8-11', '0-3', '4-7', '8-11'])
    expect([hits(/uploads\/$/, 'POST'), sessions('PATCH'), sessions('PUT')]).toEqual([2, 2, 2])
  })

  it('opens a new session when the POST fails', async () => {
    const data = randomBytes(100)
    server.fail({ method: 'POST', path: /uploads/, status: 503 })
    await client().pushBlob('acme/app', sha256(data), data)
    expect(server.requests.map(r => r.method)).toEqual(['HEAD', 'POST', 'POST', 'PUT'])
    expect(uploadRetries()).toHaveLength(1)
  })

  it('tries the mount again on the next try', async () => {
    const data = randomBytes(100)
    server.addBlob('acme/base', data)
    server.fail({ method: 'POST', path: /uploads/, status: 502 })
    await client().pushBlob('acme/app', sha256(data), data, { mountFrom: 'acme/base' })
    expect(server.hasBlob('acme/app', sha256(data))).toBe(true)
    expect(server.requests.map(r => r.method)).toEqual(['HEAD', 'POST', 'POST'])
    expect(server.requests[2].url).toContain(`mount=${encodeURIComponent(sha256(data))}&from=acme%2Fbase`)
    expect(logs).toContain(`Blob ${sha256(data)} mounted into acme/app from acme/base`)
  })

  it('retries the whole upload, not each of its requests, up to the attempts of the policy, then throws the last failure', async () => {
    const data = randomBytes(100)
    server.fail({ method: 'PUT', path: /uploads/, times: 100, status: 503 })
    await expect(client().pushBlob('acme/app', sha256(data), data)).rejects.toThrow(
      /^PUT http:\/\/127\.0\.0\.1:\d+\/v2\/acme\/app\/blobs\/uploads\/\S+ answered 503 /
    )
    expect(server.requests.map(r => r.method)).toEqual(['HEAD', ...Array(4).fill(['POST', 'PUT']).flat(), 'HEAD'])
    expect(uploadRetries()).toHaveLength(3)
    expect(waits).toEqual([5, 10, 20])
  })

  it('takes a blob the registry stored, though its answer to the PUT was an error, as pushed', async () => {
    const data = randomBytes(100)
    const storeThenFail = () => {
      server.addBlob('acme/app', data)
      return { errors: [{ code: 'UNKNOWN', message: 'stored, yet answered with an error' }] }
    }
    server.fail({ method: 'PUT', path: /uploads/, status: 400, body: storeThenFail })
    await client().pushBlob('acme/app', sha256(data), data)
    expect(server.requests.map(r => r.method)).toEqual(['HEAD', 'POST', 'PUT', 'HEAD'])
  })
})
