import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { rangeOffset } from '../../../src/registry/blob-upload.js'
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

  it('retry a PUT of a manifest (its bytes are replayable)', async () => {
    server.addBlob('acme/app', Buffer.from('{}'))
    server.fail({ method: 'PUT', path: /manifests/, status: 504 })
    expect(await client().putManifest('acme/app', 'v2', manifest, OCI_MANIFEST)).toBe(digest)
    expect(hits(/manifests/, 'PUT')).toBe(2)
  })
})

describe('an upload that fails part-way goes on in the same session', () => {
  const uploadRetries = () => logs.filter(l => l.startsWith('Upload of '))
  const methods = () => server.requests.map(r => r.method)
  const sent = (method: string) => server.requests.filter(r => r.method === method && /uploads\/./.test(r.url))
  /** The sessions requests of `method` went to (their paths, without the changing _state). */
  const sessions = (method: string) => new Set(sent(method).map(r => r.url.replace(/\?.*/, ''))).size
  const ranges = () => sent('PATCH').map(r => r.headers['content-range'])
  const unknown = { errors: [{ code: 'BLOB_UPLOAD_UNKNOWN', message: 'blob upload unknown to registry' }] }

  it.each(['a Buffer', 'a file'])(
    'after a 503 on the PUT of %s: asks the session where it stands (GET), then PUTs the whole blob again to the Location it gives',
    async kind => {
      const data = randomBytes(100)
      const source = kind === 'a file' ? { path: join(tempDir('blob'), 'layer'), size: data.length } : data
      if (!Buffer.isBuffer(source)) await writeFile(source.path, data)
      server.fail({ method: 'PUT', path: /uploads/, status: 503 })
      await client().pushBlob('acme/app', sha256(data), source)
      expect(server.blob(sha256(data))).toEqual(data)
      expect(methods()).toEqual(['HEAD', 'POST', 'PUT', 'GET', 'PUT'])
      expect([sessions('PUT'), sessions('GET')]).toEqual([1, 1])
      // The GET's answer carried a new _state: the second PUT went to its Location, not to the first PUT's.
      const [first, second] = sent('PUT')
      expect(second.url).not.toBe(first.url)
      expect(second.bodyLength).toBe(100)
      expect(logs).toContain(`Upload session of ${sha256(data)} holds 0 of 100 bytes: it goes on from there`)
      expect(uploadRetries()).toEqual([
        expect.stringMatching(new RegExp(`^Upload of ${sha256(data)} to acme/app goes on \\(retry 1\\) in 5 ms: PUT .* answered 503 `))
      ])
      expect(server.uploads()).toBe(0)
    }
  )

  it('retries a 503 on the status GET itself, and still goes on in the same session', async () => {
    const data = randomBytes(100)
    server.fail({ method: 'PUT', path: /uploads/, status: 503 })
    server.fail({ method: 'GET', path: /uploads\/./, status: 503 })
    await client().pushBlob('acme/app', sha256(data), data)
    expect(server.hasBlob('acme/app', sha256(data))).toBe(true)
    expect(methods()).toEqual(['HEAD', 'POST', 'PUT', 'GET', 'GET', 'PUT'])
    expect(sessions('PUT')).toBe(1)
  })

  it('opens a new session only when the status GET answers 404 BLOB_UPLOAD_UNKNOWN, after checking the blob is not there', async () => {
    const data = randomBytes(100)
    server.fail({ method: 'PUT', path: /uploads/, status: 503 })
    server.fail({ method: 'GET', path: /uploads\/./, status: 404, body: unknown })
    await client().pushBlob('acme/app', sha256(data), data)
    expect(server.hasBlob('acme/app', sha256(data))).toBe(true)
    expect(methods()).toEqual(['HEAD', 'POST', 'PUT', 'GET', 'HEAD', 'POST', 'PUT'])
    expect(sessions('PUT')).toBe(2)
    expect(logs).toContainEqual(expect.stringMatching(new RegExp(`^Upload session of ${sha256(data)} is gone \\(GET .* answered 404 `)))
  })

  it('takes the blob as pushed when the PUT committed it though its answer was a 502: the session is gone and the blob there', async () => {
    const data = randomBytes(100)
    server.fail({ method: 'PUT', path: /uploads/, status: 502, handled: true })
    await client().pushBlob('acme/app', sha256(data), data)
    expect(server.blob(sha256(data))).toEqual(data)
    expect(methods()).toEqual(['HEAD', 'POST', 'PUT', 'GET', 'HEAD'])
    expect(logs).toContain(`Blob ${sha256(data)} is in acme/app: the upload whose answer was lost committed it`)
  })

  it('cancels a session whose status it cannot read (405 to the GET) and opens another', async () => {
    const data = randomBytes(100)
    server.fail({ method: 'PUT', path: /uploads/, status: 503 })
    server.fail({ method: 'GET', path: /uploads\/./, status: 405 })
    await client().pushBlob('acme/app', sha256(data), data)
    expect(server.hasBlob('acme/app', sha256(data))).toBe(true)
    expect(methods()).toEqual(['HEAD', 'POST', 'PUT', 'GET', 'DELETE', 'POST', 'PUT'])
    expect(server.uploads()).toBe(0)
  })

  it('resumes a chunked upload from the Range the registry reports: a chunk it stored, though it answered 503, is not sent again', async () => {
    const data = randomBytes(12)
    // A session kept by its path alone: the Location the failed PATCH went to still names it.
    server.uploadState = false
    server.fail({ method: 'PATCH', path: /uploads/, status: 503, handled: true })
    await client({ chunkedUploadThreshold: 8, chunkSize: 4 }).pushBlob('acme/app', sha256(data), data)
    expect(server.blob(sha256(data))).toEqual(data)
    expect(ranges()).toEqual(['0-3', '4-7', '8-11'])
    expect(methods()).toEqual(['HEAD', 'POST', 'PATCH', 'GET', 'PATCH', 'PATCH', 'PUT'])
    expect([hits(/uploads\/$/, 'POST'), sessions('PATCH')]).toEqual([1, 1])
    expect(logs).toContain(`Upload session of ${sha256(data)} holds 4 of 12 bytes: it goes on from there`)
  })

  it('opens a new session when a chunk was stored but the Location it went to is stale (404 BLOB_UPLOAD_INVALID, as distribution answers)', async () => {
    const data = randomBytes(12)
    server.fail({ method: 'PATCH', path: /uploads/, status: 503, handled: true })
    await client({ chunkedUploadThreshold: 8, chunkSize: 4 }).pushBlob('acme/app', sha256(data), data)
    expect(server.blob(sha256(data))).toEqual(data)
    expect(ranges()).toEqual(['0-3', '0-3', '4-7', '8-11'])
    expect(methods()).toEqual(['HEAD', 'POST', 'PATCH', 'GET', 'HEAD', 'POST', 'PATCH', 'PATCH', 'PATCH', 'PUT'])
    expect(sessions('PATCH')).toBe(2)
  })

  it.each(['a Buffer', 'a file'])(
    'resumes a chunked upload of %s cut off mid-PATCH from the offset the registry reports, in the same session',
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
      expect(ranges()).toEqual(['0-3', '4-7', '4-7', '8-11'])
      expect([hits(/uploads\/$/, 'POST'), sessions('PATCH'), sessions('PUT')]).toEqual([1, 1, 1])
      expect(uploadRetries()).toEqual([
        expect.stringMatching(new RegExp(`^Upload of ${sha256(data)} to acme/app goes on \\(retry 1\\) in 5 ms: PATCH .* failed: `))
      ])
    }
  )

  it('sends no chunk again when the closing PUT of a chunked upload fails: only the PUT', async () => {
    const data = randomBytes(12)
    server.fail({ method: 'PUT', path: /uploads/, status: 503 })
    await client({ chunkedUploadThreshold: 8, chunkSize: 4 }).pushBlob('acme/app', sha256(data), data)
    expect(server.blob(sha256(data))).toEqual(data)
    expect(ranges()).toEqual(['0-3', '4-7', '8-11'])
    expect(methods()).toEqual(['HEAD', 'POST', 'PATCH', 'PATCH', 'PATCH', 'PUT', 'GET', 'PUT'])
    expect(sent('PUT').map(r => r.bodyLength)).toEqual([0, 0])
  })

  it('opens a new session when the POST fails', async () => {
    const data = randomBytes(100)
    server.fail({ method: 'POST', path: /uploads/, status: 503 })
    await client().pushBlob('acme/app', sha256(data), data)
    expect(methods()).toEqual(['HEAD', 'POST', 'POST', 'PUT'])
    expect(uploadRetries()).toHaveLength(1)
  })

  it('tries the mount again on the next try', async () => {
    const data = randomBytes(100)
    server.addBlob('acme/base', data)
    server.fail({ method: 'POST', path: /uploads/, status: 502 })
    await client().pushBlob('acme/app', sha256(data), data, { mountFrom: 'acme/base' })
    expect(server.hasBlob('acme/app', sha256(data))).toBe(true)
    expect(methods()).toEqual(['HEAD', 'POST', 'POST'])
    expect(server.requests[2].url).toContain(`mount=${sha256(data)}&from=acme/base`)
    expect(logs).toContain(`Blob ${sha256(data)} mounted into acme/app from acme/base`)
  })

  it('gives up after the attempts of the policy, cancels the session (DELETE), and throws the last failure with its URL as sent', async () => {
    const data = randomBytes(100)
    server.fail({ method: 'PUT', path: /uploads/, times: 100, status: 503 })
    const err = await client()
      .pushBlob('acme/app', sha256(data), data)
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RegistryError)
    const last = sent('PUT').at(-1)!
    // The URL as it went out (the digest's `:` not encoded twice), its _state value redacted.
    expect(last.url).toMatch(new RegExp(`^/v2/acme/app/blobs/uploads/[-0-9a-f]+\\?_state=[0-9a-f]+&digest=${sha256(data)}$`))
    expect((err as Error).message).toBe(
      `PUT http://${server.host}${last.url.replace(/_state=[0-9a-f]+/, '_state=REDACTED')} answered 503 Service Unavailable (UNAVAILABLE: injected 503)`
    )
    expect(methods()).toEqual(['HEAD', 'POST', 'PUT', ...Array(3).fill(['GET', 'PUT']).flat(), 'DELETE', 'HEAD'])
    expect(sessions('PUT')).toBe(1)
    expect(server.uploads()).toBe(0)
    expect(uploadRetries()).toHaveLength(3)
    expect(waits).toEqual([5, 10, 20])
  })

  it('cancels the session when the registry refuses the upload, and a failed DELETE changes nothing of the error', async () => {
    const data = randomBytes(100)
    server.fail({ method: 'PUT', path: /uploads/, status: 400, body: { errors: [{ code: 'SIZE_INVALID', message: 'too big' }] } })
    server.fail({ method: 'DELETE', path: /uploads/, status: 500 })
    await expect(client().pushBlob('acme/app', sha256(data), data)).rejects.toThrow(
      /^PUT .* answered 400 Bad Request \(SIZE_INVALID: too big\)$/
    )
    expect(methods()).toEqual(['HEAD', 'POST', 'PUT', 'DELETE', 'HEAD'])
    expect(logs).toContainEqual(
      expect.stringMatching(new RegExp(`^Upload session of ${sha256(data)} could not be cancelled: DELETE .* answered 500 `))
    )
  })

  it('takes a blob the registry stored, though its answer to the PUT was an error, as pushed', async () => {
    const data = randomBytes(100)
    const storeThenFail = () => {
      server.addBlob('acme/app', data)
      return { errors: [{ code: 'UNKNOWN', message: 'stored, yet answered with an error' }] }
    }
    server.fail({ method: 'PUT', path: /uploads/, status: 400, body: storeThenFail })
    await client().pushBlob('acme/app', sha256(data), data)
    expect(methods()).toEqual(['HEAD', 'POST', 'PUT', 'DELETE', 'HEAD'])
  })
})

describe("a session's offset read from its Range header", () => {
  it.each<[string | undefined, number | undefined]>([
    ['0-0', 0],
    ['0-3', 4],
    ['0-1048575', 1048576],
    ['bytes=0-9', 10],
    [' 0-9 ', 10],
    ['4-9', undefined],
    ['0-', undefined],
    ['', undefined],
    [undefined, undefined]
  ])('%p gives %p', (range, offset) => {
    expect(rangeOffset(range)).toBe(offset)
  })
})
