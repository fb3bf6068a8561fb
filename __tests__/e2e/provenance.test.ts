/**
 * Provenance attestations through the runner's entry points (node dist/main.js, then
 * node dist/post.js): published as OCI referrers of the platform manifests, with the
 * referrers tag schema on the distribution registry 2.8 (no referrers API), never in the index.
 */
import { randomBytes } from 'node:crypto'
import { sha256, skopeoRaw, tagsOf } from '../helpers/registry-api.js'
import { newRunner, type Runner, runStep } from '../helpers/runner.js'
import { sampleContext } from '../helpers/sample.js'
import { testEnv } from '../helpers/testenv.js'

const env = testEnv()
const PLATFORMS = ['linux/amd64', 'linux/arm64']
const unique = (what: string) => `e2e/${what}-${randomBytes(4).toString('hex')}`

interface Descriptor {
  mediaType: string
  digest: string
  size: number
  artifactType?: string
  annotations?: Record<string, string>
  platform?: { os: string; architecture: string }
}

let runner: Runner
beforeAll(async () => {
  runner = await newRunner(env.toolCache)
})

describe('provenance: true', () => {
  it('publishes each platform its attestation as an OCI referrer, under the referrers tag schema, and the index holds the two platforms only', async () => {
    const repository = unique('provenance')
    const image = `${env.registryOpen}/${repository}`
    const inputs = {
      platforms: PLATFORMS.join(','),
      image,
      tags: 'v1',
      context: sampleContext(env.busyboxDir),
      test: 'sh /app/run-tests.sh',
      push: 'true',
      provenance: 'true'
    }
    const extra = { DOCKER_HOST: env.dockerContainerd }
    const main = await runStep(runner, 'main', inputs, {}, extra)
    expect(main.errors).toEqual([])
    expect(main.code).toBe(0)
    expect(main.log).toContain('--provenance=mode=min')
    const post = await runStep(runner, 'post', inputs, main.state, extra)
    expect(post.errors).toEqual([])
    expect(post.code).toBe(0)

    const raw = skopeoRaw(`${image}:v1`)
    expect(sha256(raw)).toBe(main.outputs.digest)
    const index = JSON.parse(raw.toString()) as { manifests: Descriptor[] }
    expect(index.manifests.map(m => `${m.platform?.os}/${m.platform?.architecture}`)).toEqual(PLATFORMS)
    expect(JSON.stringify(index)).not.toContain('unknown')
    expect(JSON.stringify(index)).not.toContain('attestation')

    const platformDigests = JSON.parse(main.outputs['platform-digests']) as Record<string, string>
    expect(index.manifests.map(m => m.digest)).toEqual(PLATFORMS.map(p => platformDigests[p]))
    for (const m of index.manifests) {
      const tag = `sha256-${m.digest.slice('sha256:'.length)}`
      const referrers = skopeoRaw(`${image}:${tag}`)
      const list = JSON.parse(referrers.toString()) as { mediaType: string; manifests: Descriptor[] }
      expect(list.mediaType).toBe('application/vnd.oci.image.index.v1+json')
      expect(list.manifests).toHaveLength(1)
      const [ref] = list.manifests
      expect(ref.artifactType).toBe('application/vnd.docker.attestation.manifest.v1+json')
      expect(ref.annotations).toEqual({ 'vnd.docker.reference.type': 'attestation-manifest' })

      const bytes = skopeoRaw(`${image}@${ref.digest}`)
      expect(sha256(bytes)).toBe(ref.digest)
      expect(bytes.length).toBe(ref.size)
      const manifest = JSON.parse(bytes.toString()) as { artifactType: string; subject: Descriptor; layers: Descriptor[] }
      expect(manifest.artifactType).toBe(ref.artifactType)
      expect(manifest.subject).toEqual({ mediaType: m.mediaType, digest: m.digest, size: m.size })
      expect(manifest.layers.map(l => l.mediaType)).toEqual(['application/vnd.in-toto+json'])

      // The layer is the in-toto statement, read with the registry's blob API; its subject is the image as published.
      const blob = await fetch(`http://${env.registryOpen}/v2/${repository}/blobs/${manifest.layers[0].digest}`)
      expect(blob.status).toBe(200)
      const statement = Buffer.from(await blob.arrayBuffer())
      expect(sha256(statement)).toBe(manifest.layers[0].digest)
      const s = JSON.parse(statement.toString()) as {
        _type: string
        predicateType: string
        subject: { name: string; digest: { sha256: string } }[]
      }
      expect(s._type).toMatch(/^https:\/\/in-toto\.io\/Statement\//)
      expect(s.predicateType).toMatch(/^https:\/\/slsa\.dev\/provenance\//)
      expect(s.subject.map(x => `sha256:${x.digest.sha256}`)).toEqual([m.digest])
      const platform = encodeURIComponent(`${m.platform?.os}/${m.platform?.architecture}`)
      expect(s.subject.map(x => x.name)).toEqual([`pkg:docker/${image}@v1?platform=${platform}`])
      expect(statement.toString()).not.toContain('archway.local')
    }
    expect((await tagsOf(env.registryOpen, repository)).sort()).toEqual(
      [...index.manifests.map(m => `sha256-${m.digest.slice(7)}`), 'v1'].sort()
    )
  })

  it('stops on the classic image store in one line naming provenance and the classic store, before building, and pushes nothing', async () => {
    const repository = unique('provenance-classic')
    const main = await runStep(
      runner,
      'main',
      {
        platforms: PLATFORMS.join(','),
        image: `${env.registryOpen}/${repository}`,
        context: sampleContext(env.busyboxDir),
        push: 'true',
        provenance: 'true'
      },
      {},
      { DOCKER_HOST: env.dockerClassic }
    )
    expect(main.code).toBe(1)
    expect(main.errors).toHaveLength(1)
    expect(main.errors[0]).toContain('"provenance"')
    expect(main.errors[0]).toContain('classic image store')
    expect(main.log).not.toContain('buildx')
    expect(main.log).not.toContain('::group::QEMU')
    // The registry does not know the repository at all.
    expect((await fetch(`http://${env.registryOpen}/v2/${repository}/tags/list`)).status).toBe(404)
  })
})
