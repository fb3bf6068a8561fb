/**
 * The registry client against the real CNCF distribution registry of the test environment:
 * the open one (127.0.0.1:5000) and the one behind htpasswd Basic auth (127.0.0.1:5001).
 */
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Credentials } from '../../src/registry/auth.js'
import { RegistryClient } from '../../src/registry/client.js'
import { RegistryError } from '../../src/registry/errors.js'
import { imageManifest, OCI_MANIFEST, sha256 } from '../helpers/registry-server.js'
import { testEnv } from '../helpers/testenv.js'
import { tempDir } from '../helpers/tmp.js'

const env = testEnv()
const run = randomBytes(4).toString('hex')
const credentials: Credentials = { username: env.registryUser, password: env.registryPassword }

describe.each([
  ['open', env.registryOpen, undefined],
  ['htpasswd', env.registryAuth, credentials]
])('the real distribution registry (%s)', (_name, registry, creds) => {
  const repo = `archway-e2e/client-${run}`
  let logs: string[] = []
  const client = (o: { chunkedUploadThreshold?: number; chunkSize?: number } = {}) =>
    new RegistryClient({
      registry,
      credentials: creds,
      retry: { attempts: 2, baseMs: 100, maxMs: 1000 },
      log: line => logs.push(line),
      ...o
    })

  beforeEach(() => {
    logs = []
  })

  it('takes blobs, an OCI image by digest and under a tag, lists the tag, and deletes the image by digest', async () => {
    const c = client()
    await c.ping()

    const blob = randomBytes(4096)
    expect(await c.blobExists(repo, sha256(blob))).toBe(false)
    await c.pushBlob(repo, sha256(blob), blob)
    expect(await c.blobExists(repo, sha256(blob))).toBe(true)
    expect(await c.getBlob(repo, sha256(blob))).toEqual(blob)

    const config = Buffer.from(JSON.stringify({ architecture: 'arm64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, run }))
    const layer = randomBytes(2048)
    await c.pushBlob(repo, sha256(config), config)
    await c.pushBlob(repo, sha256(layer), layer)
    const manifest = imageManifest(config, [layer])
    const digest = sha256(manifest)

    expect(await c.putManifest(repo, digest, manifest, OCI_MANIFEST)).toBe(digest)
    expect(await c.headManifest(repo, digest)).toEqual({ digest, mediaType: OCI_MANIFEST, size: manifest.length })
    expect(await c.getManifest(repo, digest)).toEqual({ bytes: manifest, mediaType: OCI_MANIFEST, digest })

    expect(await c.putManifest(repo, 'v1', manifest, OCI_MANIFEST)).toBe(digest)
    expect(await c.listTags(repo)).toEqual(['v1'])
    expect((await c.headManifest(repo, 'v1'))?.digest).toBe(digest)
    // distribution 2.8 has no referrers API: an empty list, not an error.
    expect(await c.referrers(repo, digest)).toEqual([])

    expect(await c.deleteManifest(repo, digest)).toBe(true)
    expect(await c.headManifest(repo, digest)).toBeUndefined()
    expect(await c.headManifest(repo, 'v1')).toBeUndefined()
    expect(logs.join('\n')).not.toContain(env.registryPassword)
  })

  it('uploads in chunks, from a file, and mounts a blob into another repository', async () => {
    const data = randomBytes(1500)
    const path = join(tempDir('e2e-blob'), 'layer')
    await writeFile(path, data)
    const c = client({ chunkedUploadThreshold: 1000, chunkSize: 400 })
    await c.pushBlob(repo, sha256(data), { path, size: data.length })
    expect(logs).toContainEqual(expect.stringMatching(/uploaded to .* in 4 chunks$/))
    expect(await c.getBlob(repo, sha256(data))).toEqual(data)

    const other = `${repo}-mounted`
    await c.pushBlob(other, sha256(data), data, { mountFrom: repo })
    expect(logs).toContainEqual(`Blob ${sha256(data)} mounted into ${other} from ${repo}`)
    expect(await c.blobExists(other, sha256(data))).toBe(true)
  })

  it('lists no tags for a repository it has never seen', async () => {
    expect(await client().listTags(`archway-e2e/never-${run}`)).toEqual([])
  })
})

describe('the htpasswd registry with a wrong password', () => {
  it('fails in one line that names 401 and not the password', async () => {
    const wrong = `Wrong-${randomBytes(6).toString('hex')}-password`
    const logs: string[] = []
    const c = new RegistryClient({
      registry: env.registryAuth,
      credentials: { username: env.registryUser, password: wrong },
      log: line => logs.push(line)
    })
    const err = await c.headManifest('archway-e2e/anything', 'v1').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RegistryError)
    expect((err as RegistryError).status).toBe(401)
    const message = (err as Error).message
    expect(message).toMatch(
      new RegExp(`^HEAD http://${env.registryAuth.replace(/\./g, '\\.')}/v2/archway-e2e/anything/manifests/v1 answered 401 Unauthorized`)
    )
    expect(message).not.toContain('\n')
    for (const secret of [wrong, Buffer.from(`${env.registryUser}:${wrong}`).toString('base64')]) {
      expect(message).not.toContain(secret)
      expect(logs.join('\n')).not.toContain(secret)
    }
  })
})
