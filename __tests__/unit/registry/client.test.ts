import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { RegistryClient, type RegistryClientOptions } from '../../../src/registry/client.js'
import { RegistryError } from '../../../src/registry/errors.js'
import { MANIFEST_ACCEPT } from '../../../src/registry/manifests.js'
import { nextLink } from '../../../src/registry/requests.js'
import { VerificationError } from '../../../src/shared/errors.js'
import {
  imageManifest,
  OCI_MANIFEST,
  type RegistryServerOptions,
  sha256,
  startRegistry,
  type TestRegistry
} from '../../helpers/registry-server.js'
import { tempDir } from '../../helpers/tmp.js'

const ZERO = { attempts: 3, baseMs: 0, maxMs: 0 }

let server: TestRegistry
beforeAll(async () => {
  server = await startRegistry()
})
afterAll(() => server.close())
beforeEach(() => server.reset())

const client = (o: Partial<RegistryClientOptions> = {}, s: TestRegistry = server) =>
  new RegistryClient({ registry: s.host, retry: ZERO, ...o })
const calls = (s: TestRegistry = server) => s.requests.map(r => `${r.method} ${r.url.replace(/\?.*$/, '')}`)

/** A second registry with other switches, closed after `body`. */
async function withRegistry(options: RegistryServerOptions, body: (s: TestRegistry) => Promise<void>): Promise<void> {
  const s = await startRegistry(options)
  try {
    await body(s)
  } finally {
    await s.close()
  }
}

/** Pushes a config and a layer, then returns the image manifest's bytes (not pushed). */
async function pushImage(c: RegistryClient, repo: string, extra: Record<string, unknown> = {}): Promise<Buffer> {
  const config = Buffer.from(`{"architecture":"arm64","os":"linux","n":"${randomBytes(4).toString('hex')}"}`)
  const layer = randomBytes(300)
  await c.pushBlob(repo, sha256(config), config)
  await c.pushBlob(repo, sha256(layer), layer)
  return imageManifest(config, [layer], extra)
}

describe('blobs', () => {
  it("pushes a small blob with one POST and one PUT to the session's Location, keeping its query", async () => {
    const data = randomBytes(1000)
    await client().pushBlob('acme/app', sha256(data), data)
    expect(server.hasBlob('acme/app', sha256(data))).toBe(true)
    expect(calls()).toEqual([
      `HEAD /v2/acme/app/blobs/${sha256(data)}`,
      'POST /v2/acme/app/blobs/uploads/',
      expect.stringMatching(/^PUT \/v2\/acme\/app\/blobs\/uploads\/[-0-9a-f]+$/)
    ])
    const put = server.requests[2]
    // The digest as it is: `:` may stand in a query, so the URL in a log line reads as it was sent.
    expect(put.url).toMatch(new RegExp(`\\?_state=[0-9a-f]+&digest=${sha256(data)}$`))
    expect(put.headers['content-type']).toBe('application/octet-stream')
    expect(put.bodyLength).toBe(1000)
  })

  it('skips a blob the repository already has', async () => {
    const data = randomBytes(10)
    server.addBlob('acme/app', data)
    await client().pushBlob('acme/app', sha256(data), data)
    expect(calls()).toEqual([`HEAD /v2/acme/app/blobs/${sha256(data)}`])
  })

  it('streams a blob from a file', async () => {
    const data = randomBytes(5000)
    const path = join(tempDir('blob'), 'layer')
    await writeFile(path, data)
    await client().pushBlob('acme/app', sha256(data), { path, size: data.length })
    expect(server.blob(sha256(data))).toEqual(data)
  })

  it('sends a blob above the threshold in PATCH chunks with Content-Range, then closes the upload with an empty PUT', async () => {
    const data = randomBytes(10)
    await client({ chunkedUploadThreshold: 9, chunkSize: 4 }).pushBlob('acme/app', sha256(data), data)
    expect(server.blob(sha256(data))).toEqual(data)
    const patches = server.requests.filter(r => r.method === 'PATCH')
    expect(patches.map(r => [r.headers['content-range'], r.bodyLength])).toEqual([
      ['0-3', 4],
      ['4-7', 4],
      ['8-9', 2]
    ])
    const put = server.requests.find(r => r.method === 'PUT')!
    expect(put.bodyLength).toBe(0)
    expect(put.url).toContain(`digest=${sha256(data)}`)
  })

  it('chunks a file source from disk, and takes the chunk size up to the minimum the registry asks for', async () => {
    await withRegistry({ chunkMinLength: 6 }, async s => {
      const data = randomBytes(15)
      const path = join(tempDir('blob'), 'layer')
      await writeFile(path, data)
      await client({ chunkedUploadThreshold: 9, chunkSize: 4 }, s).pushBlob('acme/app', sha256(data), { path, size: data.length })
      expect(s.blob(sha256(data))).toEqual(data)
      expect(s.requests.filter(r => r.method === 'PATCH').map(r => r.headers['content-range'])).toEqual(['0-5', '6-11', '12-14'])
    })
  })

  it('refuses bytes whose digest is not the one given, and a file of another size, before sending anything', async () => {
    const data = randomBytes(10)
    await expect(client().pushBlob('acme/app', sha256('other'), data)).rejects.toThrow(VerificationError)
    const path = join(tempDir('blob'), 'layer')
    await writeFile(path, data)
    await expect(client().pushBlob('acme/app', sha256(data), { path, size: 11 })).rejects.toThrow('has 10 bytes, not 11')
    expect(server.requests).toEqual([])
  })

  it('mounts a blob from another repository of the registry instead of uploading it', async () => {
    const data = randomBytes(100)
    server.addBlob('acme/base', data)
    await client().pushBlob('acme/app', sha256(data), data, { mountFrom: 'acme/base' })
    expect(server.hasBlob('acme/app', sha256(data))).toBe(true)
    expect(calls()).toEqual([`HEAD /v2/acme/app/blobs/${sha256(data)}`, 'POST /v2/acme/app/blobs/uploads/'])
    expect(server.requests[1].url).toMatch(new RegExp(`\\?mount=${sha256(data)}&from=acme/base$`))
  })

  it('uploads the blob when the repository to mount from does not have it', async () => {
    const data = randomBytes(100)
    await client().pushBlob('acme/app', sha256(data), data, { mountFrom: 'acme/base' })
    expect(server.hasBlob('acme/app', sha256(data))).toBe(true)
    expect(server.requests.map(r => r.method)).toEqual(['HEAD', 'POST', 'PUT'])
  })

  it('reads a blob back, and tells whether a repository has one', async () => {
    const data = randomBytes(64)
    const c = client()
    expect(await c.blobExists('acme/app', sha256(data))).toBe(false)
    server.addBlob('acme/app', data)
    expect(await c.blobExists('acme/app', sha256(data))).toBe(true)
    expect(await c.getBlob('acme/app', sha256(data))).toEqual(data)
  })

  it('downloads a blob into a file, following the redirect to storage without the credentials, and again after a reset', async () => {
    const data = randomBytes(200_000)
    const digest = server.addBlob('acme/app', data)
    const to = join(tempDir('download'), 'blob')
    server.redirectToStorage = true
    server.fail({ method: 'GET', path: /\/blobs\/sha256:/, reset: true })
    await client().downloadBlob('acme/app', digest, data.length, to)
    expect(readFileSync(to).equals(data)).toBe(true)
    expect(calls().filter(c => c.startsWith('GET'))).toEqual([
      `GET /v2/acme/app/blobs/${digest}`,
      `GET /v2/acme/app/blobs/${digest}`,
      expect.stringMatching(/^GET \/blobs\//)
    ])
    expect(server.requests.filter(r => r.server === 'storage').map(r => r.headers.authorization)).toEqual([undefined])
  })

  it('refuses a downloaded blob whose size is not the one its descriptor gives, and removes the file', async () => {
    const data = randomBytes(1000)
    const digest = server.addBlob('acme/app', data)
    const to = join(tempDir('download'), 'blob')
    const err = await client()
      .downloadBlob('acme/app', digest, data.length + 1, to)
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(VerificationError)
    expect((err as Error).message).toBe(
      `Blob acme/app@${digest} from ${server.host} has 1000 bytes (1001 expected) with the digest ${digest}: refused`
    )
    expect(existsSync(to)).toBe(false)
  })

  it('refuses repository names and digests the distribution spec does not allow, before any request', async () => {
    await expect(client().blobExists('Acme/App', sha256('x'))).rejects.toThrow('lower-case')
    await expect(client().blobExists('acme/app', 'sha256:abc')).rejects.toThrow('not valid')
    expect(server.requests).toEqual([])
  })
})

describe('manifests', () => {
  it('puts the exact bytes with their media type as Content-Type and returns their sha256', async () => {
    const c = client()
    const manifest = Buffer.from(`  ${(await pushImage(c, 'acme/app')).toString()}\n\n`)
    server.reset()
    const digest = await c.putManifest('acme/app', 'v1', manifest, OCI_MANIFEST)
    expect(digest).toBe(sha256(manifest))
    expect(server.manifest('acme/app', 'v1')).toEqual({ bytes: manifest, mediaType: OCI_MANIFEST, digest })
    expect(server.requests[0].headers['content-type']).toBe(OCI_MANIFEST)
  })

  it('puts a manifest by its digest, and refuses bytes that do not have the digest given', async () => {
    const c = client()
    const manifest = await pushImage(c, 'acme/app')
    expect(await c.putManifest('acme/app', sha256(manifest), manifest, OCI_MANIFEST)).toBe(sha256(manifest))
    server.reset()
    await expect(c.putManifest('acme/app', sha256('other'), manifest, OCI_MANIFEST)).rejects.toThrow(VerificationError)
    expect(server.requests).toEqual([])
  })

  it('refuses an answer whose Docker-Content-Digest is not the digest of the bytes sent', async () => {
    const c = client()
    const manifest = await pushImage(c, 'acme/app')
    server.fail({ method: 'PUT', path: /manifests/, status: 201, body: {}, headers: { 'docker-content-digest': sha256('something else') } })
    await expect(c.putManifest('acme/app', 'v1', manifest, OCI_MANIFEST)).rejects.toThrow(
      /stored it as sha256:[0-9a-f]{64}, but the bytes sent/
    )
  })

  it('heads a manifest as digest, media type and size, accepting the OCI and Docker index and manifest types', async () => {
    const bytes = imageManifest(Buffer.from('{}'), [])
    const digest = server.addManifest('acme/app', bytes, OCI_MANIFEST, 'v1')
    expect(await client().headManifest('acme/app', 'v1')).toEqual({ digest, mediaType: OCI_MANIFEST, size: bytes.length })
    const accept = server.requests[0].headers.accept
    expect(accept).toBe(MANIFEST_ACCEPT)
    for (const type of [
      'oci.image.index.v1',
      'oci.image.manifest.v1',
      'docker.distribution.manifest.list.v2',
      'docker.distribution.manifest.v2'
    ]) {
      expect(accept).toContain(`application/vnd.${type}+json`)
    }
    expect(server.requests[0].method).toBe('HEAD')
  })

  it('heads a manifest the registry does not have as undefined', async () => {
    expect(await client().headManifest('acme/app', 'nope')).toBeUndefined()
  })

  it('gets the exact bytes by tag and by digest', async () => {
    const bytes = Buffer.from(`{ "schemaVersion": 2, "mediaType": "${OCI_MANIFEST}", "config": {}, "layers": [] }  `)
    const digest = server.addManifest('acme/app', bytes, OCI_MANIFEST, 'v2')
    const c = client()
    expect(await c.getManifest('acme/app', 'v2')).toEqual({ bytes, mediaType: OCI_MANIFEST, digest })
    expect(await c.getManifest('acme/app', digest)).toEqual({ bytes, mediaType: OCI_MANIFEST, digest })
  })

  it('refuses bytes that do not match the digest asked for, even when the registry names their digest', async () => {
    const bytes = imageManifest(Buffer.from('{}'), [])
    const digest = server.addManifest('acme/app', bytes, OCI_MANIFEST)
    server.tamper('acme/app', digest, Buffer.from(bytes.toString().replace('"size":2', '"size":3')), { lying: true })
    const err = await client()
      .getManifest('acme/app', digest)
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(VerificationError)
    expect((err as Error).message).toMatch(/bytes sent have the digest sha256:[0-9a-f]{64}: refused/)
  })

  it('refuses bytes got by tag that do not match the digest the registry names', async () => {
    const bytes = imageManifest(Buffer.from('{}'), [])
    server.addManifest('acme/app', bytes, OCI_MANIFEST, 'v3')
    server.tamper('acme/app', 'v3', Buffer.from(`${bytes.toString()} `))
    await expect(client().getManifest('acme/app', 'v3')).rejects.toThrow(VerificationError)
  })

  it('says which blob a manifest lacks, in one line with the registry code', async () => {
    const manifest = imageManifest(Buffer.from('{"missing":true}'), [])
    const err = await client()
      .putManifest('acme/app', 'v1', manifest, OCI_MANIFEST)
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RegistryError)
    expect((err as RegistryError).status).toBe(400)
    expect((err as RegistryError).has('MANIFEST_BLOB_UNKNOWN')).toBe(true)
    expect((err as Error).message).toMatch(
      /^PUT http:\/\/127\.0\.0\.1:\d+\/v2\/acme\/app\/manifests\/v1 answered 400 Bad Request \(MANIFEST_BLOB_UNKNOWN: blob unknown/
    )
    expect((err as Error).message).not.toContain('\n')
  })
})

describe('tags, deletion and referrers', () => {
  it('lists every tag across Link pages', async () => {
    await withRegistry({ pageSize: 2 }, async s => {
      const digest = s.addManifest('acme/app', imageManifest(Buffer.from('{}'), []), OCI_MANIFEST)
      for (const tag of ['a', 'b', 'c', 'd', 'e']) s.addManifest('acme/app', s.manifest('acme/app', digest)!.bytes, OCI_MANIFEST, tag)
      expect(await client({}, s).listTags('acme/app')).toEqual(['a', 'b', 'c', 'd', 'e'])
      expect(s.requests.map(r => r.url)).toEqual([
        '/v2/acme/app/tags/list',
        '/v2/acme/app/tags/list?n=2&last=b',
        '/v2/acme/app/tags/list?n=2&last=d'
      ])
    })
  })

  it('lists no tags for a repository the registry does not know', async () => {
    expect(await client().listTags('acme/never-pushed')).toEqual([])
  })

  it('reads the next page from a Link header', () => {
    expect(nextLink('</v2/a/tags/list?n=2&last=b>; rel="next"')).toBe('/v2/a/tags/list?n=2&last=b')
    expect(nextLink('<https://r.test/prev>; rel="prev", <https://r.test/next?x=1>; rel=next')).toBe('https://r.test/next?x=1')
    expect(nextLink('<https://r.test/prev>; rel="prev"')).toBeUndefined()
    expect(nextLink(undefined)).toBeUndefined()
  })

  it('deletes a manifest by digest', async () => {
    const digest = server.addManifest('acme/app', imageManifest(Buffer.from('{}'), []), OCI_MANIFEST, 'gone')
    expect(await client().deleteManifest('acme/app', digest)).toBe(true)
    expect(server.manifest('acme/app', digest)).toBeUndefined()
    expect(server.tags('acme/app')).not.toContain('gone')
  })

  it('says false, without throwing, when the registry does not allow deletion', async () => {
    await withRegistry({ deleteEnabled: false }, async s => {
      const digest = s.addManifest('acme/app', imageManifest(Buffer.from('{}'), []), OCI_MANIFEST)
      expect(await client({}, s).deleteManifest('acme/app', digest)).toBe(false)
      expect(s.manifest('acme/app', digest)).toBeDefined()
    })
  })

  it('throws when the manifest to delete is not there', async () => {
    await expect(client().deleteManifest('acme/app', sha256('never'))).rejects.toThrow(/404 Not Found \(MANIFEST_UNKNOWN/)
  })

  it('lists the referrers of a manifest, filtered by artifact type', async () => {
    const c = client()
    const subject = await pushImage(c, 'acme/app')
    const subjectDigest = await c.putManifest('acme/app', 'v1', subject, OCI_MANIFEST)
    const sbom = await pushImage(c, 'acme/app', {
      artifactType: 'application/spdx+json',
      subject: { mediaType: OCI_MANIFEST, digest: subjectDigest, size: subject.length },
      annotations: { 'org.example': 'yes' }
    })
    const sbomDigest = await c.putManifest('acme/app', sha256(sbom), sbom, OCI_MANIFEST)
    const expected = {
      mediaType: OCI_MANIFEST,
      digest: sbomDigest,
      size: sbom.length,
      artifactType: 'application/spdx+json',
      annotations: { 'org.example': 'yes' }
    }
    expect(await c.referrers('acme/app', subjectDigest)).toEqual([expected])
    expect(await c.referrers('acme/app', subjectDigest, 'application/spdx+json')).toEqual([expected])
    expect(await c.referrers('acme/app', subjectDigest, 'application/vnd.other')).toEqual([])
  })

  it('lists no referrers when the registry has no referrers API', async () => {
    await withRegistry({ referrersApi: false }, async s => {
      expect(await client({}, s).referrers('acme/app', sha256('x'))).toEqual([])
    })
  })

  it('pings the registry', async () => {
    await client().ping()
    expect(calls()).toEqual(['GET /v2/'])
  })
})
