import { RegistryRecords, readStageManifest, stageManifest, stageTag } from '../../../src/coordination/registry-store.js'
import type { RegistryClient } from '../../../src/registry/client.js'
import { RegistryError } from '../../../src/registry/errors.js'
import { digestOf } from '../../../src/shared/digest.js'
import { parsePlatform } from '../../../src/shared/platform.js'

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
    async pushBlob() {},
    async listTags() {
      return [...tags.keys()]
    }
  }
  return { client: client as unknown as RegistryClient, tags, manifests }
}

/** Both platforms started in attempt 1, then done; the records read back. */
async function stagedIn(r: ReturnType<typeof repository>) {
  const records = new RegistryRecords(r.client, 'repo', 'k')
  for (const [p, n] of [
    [arm64, 'a'],
    [s390x, 's']
  ] as const) {
    await r.client.putManifest('repo', stageTag('k', p), stageManifest('k', { state: 'started', platform: p, attempt: 1 }), OCI)
    await r.client.putManifest(
      'repo',
      stageTag('k', p),
      stageManifest('k', { state: 'done', platform: p, attempt: 1, image: image(n) }),
      OCI
    )
  }
  expect(await records.read([arm64, s390x])).toEqual([
    { platform: arm64, image: image('a'), attempt: 1 },
    { platform: s390x, image: image('s'), attempt: 1 }
  ])
  return records
}

const OCI = 'application/vnd.oci.image.manifest.v1+json'

describe('staging manifests', () => {
  it('are read back as the records they were written from; a started one has no subject', () => {
    const started = { state: 'started', platform: arm64, attempt: 2 } as const
    const done = { state: 'done', platform: arm64, attempt: 2, image: image('a') } as const
    expect(readStageManifest(stageManifest('k', started), 'k')).toEqual(started)
    expect(readStageManifest(stageManifest('k', done), 'k')).toEqual(done)
    expect(JSON.parse(stageManifest('k', started).toString()).subject).toBeUndefined()
    expect(JSON.parse(stageManifest('k', done).toString()).subject.digest).toBe(image('a').digest)
  })

  it.each([
    ['another release', stageManifest('other', { state: 'started', platform: arm64, attempt: 1 })],
    ['not JSON', Buffer.from('{')],
    ['another artifact', Buffer.from(JSON.stringify({ artifactType: 'x', annotations: {} }))]
  ])('are not read from %s', (_, bytes) => {
    expect(readStageManifest(bytes, 'k')).toBeUndefined()
  })

  it('started again in a later attempt hide the earlier done one', async () => {
    const r = repository({ deletes: true })
    const records = new RegistryRecords(r.client, 'repo', 'k')
    await records.write([{ state: 'done', platform: arm64, attempt: 1, image: image('a') }])
    await records.write([{ state: 'started', platform: arm64, attempt: 2 }])
    expect(await records.read([arm64, s390x])).toEqual([
      { platform: arm64, attempt: 2, waiting: 'started, not done' },
      { platform: s390x, waiting: 'not staged' }
    ])
  })
})

describe('cleaning up the staging tags', () => {
  it('deletes every staging manifest, the started ones before them included, and with them their tags', async () => {
    const r = repository({ deletes: true })
    const records = await stagedIn(r)
    expect(await records.cleanUp([arm64, s390x], 1)).toBe(true)
    expect([...r.tags.keys()]).toEqual([])
    expect(r.manifests.size).toBe(0)
  })

  it('puts back and deletes again a manifest whose DELETE failed after the manifest went but its tag stayed', async () => {
    const r = repository({ deletes: true, failUntagOnce: true })
    const records = await stagedIn(r)
    expect(await records.cleanUp([arm64, s390x], 1)).toBe(true)
    expect([...r.tags.keys()]).toEqual([])
  })

  it('says so, and leaves the tags, where the registry does not delete', async () => {
    const r = repository({ deletes: false })
    const records = await stagedIn(r)
    expect(await records.cleanUp([arm64, s390x], 1)).toBe(false)
    expect([...r.tags.keys()].sort()).toEqual([stageTag('k', arm64), stageTag('k', s390x)].sort())
  })
})
