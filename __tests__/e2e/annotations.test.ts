/**
 * docker/metadata-action's `annotations` output, taken as it prints it, through the runner's
 * entry points (node dist/main.js, then node dist/post.js) on both image stores: read back with
 * skopeo from the loopback registry, each level where the OCI spec and buildx put it, and each
 * published manifest over the config and layers of the image that was tested.
 */
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { findPlatformImage, type PlatformImage } from '../../src/oci/layout.js'
import { parsePlatform } from '../../src/shared/platform.js'
import { KEY_VALUES, metadataAction } from '../fixtures/metadata-action.js'
import { binfmtSnapshot } from '../helpers/binfmt.js'
import { sha256, skopeoRaw, tagsOf } from '../helpers/registry-api.js'
import { newRunId, newRunner, type Runner, runStep } from '../helpers/runner.js'
import type { StepResult } from '../helpers/runner-env.js'
import { sampleContext } from '../helpers/sample.js'
import { docker, testEnv } from '../helpers/testenv.js'
import { tempDir } from '../helpers/tmp.js'

const env = testEnv()
const PLATFORMS = ['linux/amd64', 'linux/arm64']
const ANNOTATIONS = `${metadataAction(['manifest', 'index', 'manifest-descriptor'])}\nmanifest[linux/arm64]:com.example.arch=arm64`
const META = KEY_VALUES
const MANIFEST: Record<string, Record<string, string>> = {
  'linux/amd64': META,
  'linux/arm64': { ...META, 'com.example.arch': 'arm64' }
}

interface Descriptor {
  mediaType: string
  digest: string
  size: number
  platform?: { os: string; architecture: string; variant?: string }
  annotations?: Record<string, string>
}
interface Manifest {
  mediaType: string
  config: Descriptor
  layers: Descriptor[]
  annotations?: Record<string, string>
}

const unique = (what: string) => `e2e/${what}-${randomBytes(4).toString('hex')}`
const platformOf = (d: Descriptor) => [d.platform?.os, d.platform?.architecture, d.platform?.variant].filter(Boolean).join('/')
const raw = <T>(ref: string): { doc: T; digest: string } => {
  const bytes = skopeoRaw(ref)
  return { doc: JSON.parse(bytes.toString()) as T, digest: sha256(bytes) }
}

/** The manifest digest main logged for a platform as the image it tested. */
function testedDigest(main: StepResult, platform: string): string {
  const m = new RegExp(`::group::Test and verify ${platform}\\nImage (sha256:[0-9a-f]{64})`).exec(main.log)
  if (!m) throw new Error(`main logged no tested image for ${platform}`)
  return m[1]
}

/**
 * The image the action built and tested, built again the way it builds (the build cache gives
 * the same image: its manifest digest is checked against the one main tested) and saved as an
 * OCI layout: one build for every platform on the containerd store, one per platform on the classic one.
 */
async function rebuilt(dockerHost: string, store: string, context: string): Promise<Map<string, PlatformImage>> {
  const out = new Map<string, PlatformImage>()
  const groups = store === 'containerd' ? [PLATFORMS] : PLATFORMS.map(p => [p])
  for (const group of groups) {
    const tag = `archway.local/annotations-e2e:${randomBytes(4).toString('hex')}`
    // The containerd store's build is loaded with OCI media types, as the layout written beside it has them.
    const load = store === 'containerd' ? ['--output', 'type=docker,oci-mediatypes=true'] : ['--load']
    const args = ['buildx', 'build', '--platform', group.join(','), '--provenance=false', '--sbom=false', ...load, '--tag', tag, context]
    docker(dockerHost, args)
    const dir = join(tempDir('saved'), 'layout')
    await mkdir(dir)
    try {
      docker(dockerHost, ['save', '-o', `${dir}.tar`, tag])
    } finally {
      docker(dockerHost, ['image', 'rm', tag])
    }
    execFileSync('tar', ['-xf', `${dir}.tar`, '-C', dir])
    for (const p of group) out.set(p, await findPlatformImage(dir, parsePlatform(p)!))
  }
  return out
}

/** The layer blob as the registry holds it, uncompressed when gzipped: its digest is the built layer's (diff ID). */
async function uncompressedDigest(repository: string, layer: Descriptor): Promise<string> {
  const r = await fetch(`http://${env.registryOpen}/v2/${repository}/blobs/${layer.digest}`)
  expect(r.status).toBe(200)
  const blob = Buffer.from(await r.arrayBuffer())
  expect(sha256(blob)).toBe(layer.digest)
  return sha256(layer.mediaType.endsWith('+gzip') ? gunzipSync(blob) : blob)
}

async function job(runner: Runner, dockerHost: string, inputs: Record<string, string>) {
  const extra = { DOCKER_HOST: dockerHost }
  const main = await runStep(runner, 'main', inputs, {}, extra)
  if (main.code !== 0) return { main }
  return { main, post: await runStep(runner, 'post', inputs, main.state, extra) }
}

describe.each([
  ['containerd', env.dockerContainerd],
  ['classic', env.dockerClassic]
])('metadata-action annotations on the %s image store', (store, dockerHost) => {
  it('annotate the index, each entry of it and each platform manifest, over the config and layers of the image that was tested', async () => {
    const runner = await newRunner(env.toolCache)
    const repository = unique(`annotations-${store}`)
    const image = `${env.registryOpen}/${repository}`
    const context = sampleContext(env.busyboxDir)
    const { main, post } = await job(runner, dockerHost, {
      platforms: PLATFORMS.join(','),
      image,
      tags: '1.4.2',
      context,
      test: 'sh /app/run-tests.sh',
      push: 'true',
      annotations: ANNOTATIONS
    })
    expect([main.errors, post?.errors]).toEqual([[], []])
    expect([main.code, post?.code]).toEqual([0, 0])

    // The index: metadata-action's index: lines over the run's source, revision and created.
    const index = raw<{ manifests: Descriptor[]; annotations: Record<string, string> }>(`${image}:1.4.2`)
    expect(index.digest).toBe(main.outputs.digest)
    expect(index.doc.annotations).toEqual(META)
    expect(index.doc.manifests.map(platformOf)).toEqual(PLATFORMS)
    const platformDigests = JSON.parse(main.outputs['platform-digests']) as Record<string, string>
    expect(Object.keys(platformDigests)).toEqual(PLATFORMS)

    const tested = await rebuilt(dockerHost, store, context)
    for (const entry of index.doc.manifests) {
      const platform = platformOf(entry)
      // Its entry: the manifest-descriptor: lines; the digest given as an output and in the summary.
      expect({ platform, annotations: entry.annotations }).toEqual({ platform, annotations: META })
      expect(platformDigests[platform]).toBe(entry.digest)
      expect(main.summary).toContain(`| ${platform} |`)
      expect(main.summary).toContain(`\`${entry.digest}\``)

      // Its manifest: the manifest: lines (and the one for arm64 only), by the digest the index names.
      const manifest = raw<Manifest>(`${image}@${entry.digest}`)
      expect(manifest.digest).toBe(entry.digest)
      expect(manifest.doc.mediaType).toBe('application/vnd.oci.image.manifest.v1+json')
      expect({ platform, annotations: manifest.doc.annotations }).toEqual({ platform, annotations: MANIFEST[platform] })
      expect(Object.keys(manifest.doc.annotations!)).toEqual(Object.keys(MANIFEST[platform]).sort())

      // Over the image main tested: its config, and its layers (gzipped where the store saved them uncompressed).
      const built = tested.get(platform)!
      expect(built.descriptor.digest).toBe(testedDigest(main, platform))
      expect(entry.digest).not.toBe(built.descriptor.digest)
      expect({ digest: manifest.doc.config.digest, size: manifest.doc.config.size }).toEqual({
        digest: built.manifest.config.digest,
        size: built.manifest.config.size
      })
      expect(manifest.doc.layers).toHaveLength(built.manifest.layers.length)
      for (const [i, layer] of manifest.doc.layers.entries()) {
        const want = built.manifest.layers[i].digest
        expect(layer.digest === want || (await uncompressedDigest(repository, layer)) === want).toBe(true)
      }
      expect(main.log).toContain(
        `Its manifest is the tested image's (${built.descriptor.digest}) with ${Object.keys(MANIFEST[platform]).length} annotations`
      )
    }
    expect(await tagsOf(env.registryOpen, repository)).toEqual(['1.4.2'])
  })
})

describe('manifest annotations with provenance', () => {
  it('attach each attestation to the published manifest, its statement naming the image as published, not as built and tested', async () => {
    const runner = await newRunner(env.toolCache)
    const repository = unique('annotations-provenance')
    const image = `${env.registryOpen}/${repository}`
    const { main, post } = await job(runner, env.dockerContainerd, {
      platforms: PLATFORMS.join(','),
      image,
      tags: 'v1',
      context: sampleContext(env.busyboxDir),
      push: 'true',
      provenance: 'true',
      annotations: metadataAction(['manifest'])
    })
    expect([main.errors, post?.errors]).toEqual([[], []])
    const index = raw<{ manifests: Descriptor[]; annotations?: Record<string, string> }>(`${image}:v1`)
    // metadata-action's default level only: nothing on the index beyond the run's facts, nothing on its entries.
    expect(Object.keys(index.doc.annotations ?? {}).sort()).toEqual([
      'org.opencontainers.image.created',
      'org.opencontainers.image.revision',
      'org.opencontainers.image.source'
    ])
    for (const entry of index.doc.manifests) {
      expect(entry.annotations).toBeUndefined()
      expect(raw<Manifest>(`${image}@${entry.digest}`).doc.annotations).toEqual(META)
      const referrers = raw<{ manifests: Descriptor[] }>(`${image}:sha256-${entry.digest.slice('sha256:'.length)}`).doc.manifests
      expect(referrers).toHaveLength(1)
      const referrer = raw<Manifest & { subject: Descriptor }>(`${image}@${referrers[0].digest}`).doc
      expect(referrer.subject).toEqual({ mediaType: entry.mediaType, digest: entry.digest, size: entry.size })
      const blob = await fetch(`http://${env.registryOpen}/v2/${repository}/blobs/${referrer.layers[0].digest}`)
      const statement = JSON.parse(Buffer.from(await blob.arrayBuffer()).toString()) as {
        subject: { name: string; digest: { sha256: string } }[]
      }
      const builtDigest = testedDigest(main, platformOf(entry))
      expect(statement.subject.map(s => `sha256:${s.digest.sha256}`)).toEqual([entry.digest])
      expect(statement.subject.map(s => s.name)).toEqual([`pkg:docker/${image}@v1?platform=${encodeURIComponent(platformOf(entry))}`])
      expect(builtDigest).not.toBe(entry.digest)
    }
  })
})

describe('a matrix of two jobs with metadata-action annotations', () => {
  it('publishes one index whose entries carry the manifest-descriptor annotations and whose manifests carry the manifest ones', async () => {
    const repository = unique('annotations-matrix')
    const image = `${env.registryOpen}/${repository}`
    const runId = newRunId()
    const context = sampleContext(env.busyboxDir)
    const jobs = await Promise.all(
      PLATFORMS.map(async platform => {
        const runner = await newRunner(env.toolCache)
        Object.assign(runner.env, { GITHUB_RUN_ID: runId, GITHUB_RUN_ATTEMPT: '1' })
        const inputs = {
          platforms: PLATFORMS.join(','),
          build: platform,
          image,
          tags: 'latest',
          context,
          push: 'true',
          annotations: ANNOTATIONS
        }
        return job(runner, env.dockerContainerd, inputs)
      })
    )
    for (const j of jobs) expect([j.main.errors, j.post?.errors, j.main.code, j.post?.code]).toEqual([[], [], 0, 0])
    const announced = new Set(jobs.flatMap(j => /Every platform is staged: published (sha256:[0-9a-f]{64})/.exec(j.post!.log)?.[1] ?? []))
    expect(announced.size).toBe(1)
    const index = raw<{ manifests: Descriptor[]; annotations: Record<string, string> }>(`${image}:latest`)
    expect(index.digest).toBe([...announced][0])
    expect(index.doc.annotations).toEqual(META)
    expect(index.doc.manifests.map(platformOf)).toEqual(PLATFORMS)
    for (const entry of index.doc.manifests) {
      const platform = platformOf(entry)
      expect({ platform, annotations: entry.annotations }).toEqual({ platform, annotations: META })
      expect(raw<Manifest>(`${image}@${entry.digest}`).doc.annotations).toEqual(MANIFEST[platform])
      const own = jobs[PLATFORMS.indexOf(platform)].main.outputs['platform-digests']
      expect(JSON.parse(own)).toEqual({ [platform]: entry.digest })
    }
    expect(await tagsOf(env.registryOpen, repository)).toEqual(['latest'])
  })
})

describe('annotations the action refuses', () => {
  const good = { platforms: PLATFORMS.join(','), test: 'true', push: 'true' }
  it.each([
    [
      "metadata-action's index-descriptor level",
      metadataAction(['manifest', 'index-descriptor']),
      'index-descriptor:org.opencontainers.image.created=2026-11-30T00:00:00.000Z',
      'not index-descriptor:'
    ],
    [
      'an unknown level',
      `${metadataAction(['index'])}\nfoo:key=value`,
      'foo:key=value',
      'accepted: KEY=VALUE lines as docker/metadata-action'
    ],
    [
      'a platform not built',
      'manifest[linux/s390x]:k=v',
      'manifest[linux/s390x]:k=v',
      'a platform of "platforms" (linux/amd64, linux/arm64)'
    ]
  ])('%s: exit 1, one error line naming the line, nothing touched', async (_what, annotations, line, accepted) => {
    const runner = await newRunner()
    const repository = unique('annotations-refused')
    const before = { binfmt: binfmtSnapshot(), tags: await tagsOf(env.registryOpen, repository) }
    const r = await runStep(
      runner,
      'main',
      { ...good, image: `${env.registryOpen}/${repository}`, context: sampleContext(env.busyboxDir), annotations },
      {},
      { DOCKER_HOST: env.dockerContainerd }
    )
    expect(r.code).toBe(1)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toContain(`Input "annotations" has a bad value "${line}": `)
    expect(r.errors[0]).toContain(accepted)
    expect({ binfmt: binfmtSnapshot(), tags: await tagsOf(env.registryOpen, repository) }).toEqual(before)
    expect(existsSync(runner.toolCache)).toBe(false)
    expect(r.log).not.toContain('::group::')
    expect(r.state).toEqual({})
  })
})
