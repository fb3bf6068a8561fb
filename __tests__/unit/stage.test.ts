import { digestOf } from '../../src/digest.js'
import { parsePlatform } from '../../src/platform.js'
import { cleanUp, readStaged, stageManifest, stageTag } from '../../src/publish/stage.js'
import type { RegistryClient } from '../../src/registry/client.js'
import { RegistryError } from '../../src/registry/errors.js'

const arm64 = parsePlatform('linux/arm64')!
const s390x = parsePlatform('linux/s390x')!
const image = (n: string) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digestOf(Buffer.from(n)), size: n.length })

/** A repository as the distribution registry keeps it: tags pointing at manifests; DELETE by digest removes the manifest, then untags it. */
function repository(o: { deletes: boolean; failUntagOnce?: boolean }) {
  const manifests = new Map<string, Buffer>()
  const tags = new Map<string, string>()
  let failing = o.failUntagOnce ?? false
  const notFound = (method: string) => new RegistryError({ method, url: new URL('http://r/'), status: 404, secrets: new Set() })
  const client = {
    async putManifest(_repo: string, ref: string, bytes: Buffer) {
      const digest = digestOf(bytes)
      manifests.set(digest, bytes)
      if (!ref.startsWith('sha256:')) tags.set(ref, digest)
      return digest
    },
    async getManifest(_repo: string, ref: string) {
      const digest = tags.get(ref) ?? ref
      const bytes = manifests.get(digest)
      if (!bytes) throw notFound('GET')
      return { bytes, digest, mediaType: 'application/vnd.oci.image.manifest.v1+json' }
    },
    async deleteManifest(_repo: string, digest: string) {
      if (!o.deletes) return false
      if (!manifests.delete(digest)) throw notFound('DELETE')
      // The race: the manifest is gone, its tag stays, the answer is a 500.
      if (failing) {
        failing = false
        throw new RegistryError({ method: 'DELETE', url: new URL('http://r/'), status: 500, secrets: new Set() })
      }
      for (const [t, d] of tags) if (d === digest) tags.delete(t)
      return true
    },
    async listTags() {
      return [...tags.keys()]
    }
  }
  return { client: client as unknown as RegistryClient, tags }
}

async function stagedIn(r: ReturnType<typeof repository>) {
  for (const [p, n] of [
    [arm64, 'a'],
    [s390x, 's']
  ] as const) {
    await r.client.putManifest('repo', stageTag('k', p), stageManifest('k', '1', p, image(n)), 'application/vnd.oci.image.manifest.v1+json')
  }
  return readStaged(r.client, 'repo', 'k', [arm64, s390x])
}

describe('cleaning up the staging tags', () => {
  it('deletes every staging manifest, and with them their tags', async () => {
    const r = repository({ deletes: true })
    expect(await cleanUp(r.client, 'repo', await stagedIn(r))).toBe(true)
    expect([...r.tags.keys()]).toEqual([])
  })

  it('puts back and deletes again a manifest whose DELETE failed after the manifest went but its tag stayed', async () => {
    const r = repository({ deletes: true, failUntagOnce: true })
    expect(await cleanUp(r.client, 'repo', await stagedIn(r))).toBe(true)
    expect([...r.tags.keys()]).toEqual([])
  })

  it('says so, and leaves the tags, where the registry does not delete', async () => {
    const r = repository({ deletes: false })
    expect(await cleanUp(r.client, 'repo', await stagedIn(r))).toBe(false)
    expect([...r.tags.keys()].sort()).toEqual([stageTag('k', arm64), stageTag('k', s390x)].sort())
  })
})
