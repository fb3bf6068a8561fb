import { readFileSync } from 'node:fs'
import { checkAttestationStore } from '../../../src/build/attestations.js'
import { NO_SETTINGS } from '../../../src/docker/buildx.js'
import { findPlatformImage } from '../../../src/oci/layout.js'
import type { Descriptor, ImageManifest } from '../../../src/oci/types.js'
import { MediaType } from '../../../src/oci/types.js'
import {
  attachProvenance,
  attestationsFor,
  findAttestation,
  imagePurl,
  mergeReferrersIndex,
  referrerManifest,
  referrersTag,
  restateSubject
} from '../../../src/publish/provenance.js'
import { prepareImage, pushImage } from '../../../src/publish/push-image.js'
import { RegistryClient } from '../../../src/registry/client.js'
import { InputError } from '../../../src/shared/errors.js'
import { parsePlatformList } from '../../../src/shared/platform.js'
import { errorOf } from '../../helpers/error-of.js'
import { imageManifest, OCI_INDEX, startRegistry, type TestRegistry } from '../../helpers/registry-server.js'
import { tempDir } from '../../helpers/tmp.js'
import { LayoutBuilder, P, sha256 } from '../oci/fixtures.js'

const LAYER = Buffer.from('layer')
const subjectOf = (d: Descriptor) => ({ mediaType: d.mediaType, digest: d.digest, size: d.size })

/** A buildx-style layout: index.json -> image index -> two platform images and their attestations. */
function buildxLayout() {
  const b = new LayoutBuilder()
  const amd = b.image({ platform: P.amd64, layers: [LAYER] })
  const arm = b.image({ platform: P.arm64, layers: [LAYER] })
  const amdAtt = b.attestation(amd)
  const armAtt = b.attestation(arm)
  const dir = b.finish([b.index([amd, arm, amdAtt, armAtt])])
  return { b, dir, amd, arm, amdAtt, armAtt }
}

describe('finding the attestation of a platform image', () => {
  it('picks, among descriptors, the attestation manifests that name the digest, each once', () => {
    const { amd, arm, amdAtt, armAtt } = buildxLayout()
    expect(attestationsFor([amd, arm, amdAtt, armAtt, amdAtt], amd.digest)).toEqual([amdAtt])
    expect(attestationsFor([amd, arm, armAtt], amd.digest)).toEqual([])
    // A manifest whose annotation names the digest but is no attestation is not one.
    expect(attestationsFor([{ ...arm, annotations: { 'vnd.docker.reference.digest': amd.digest } }], amd.digest)).toEqual([])
  })

  it("reads each platform's attestation through the nested index, checked against its digest", async () => {
    const { dir, amd, arm, amdAtt, armAtt } = buildxLayout()
    const a = await findAttestation(dir, amd.digest)
    const r = await findAttestation(dir, arm.digest)
    expect(a?.descriptor.digest).toBe(amdAtt.digest)
    expect(r?.descriptor.digest).toBe(armAtt.digest)
    expect(r?.manifest.layers.map(l => l.mediaType)).toEqual([MediaType.InToto])
    expect(r?.dir).toBe(dir)
  })

  it('finds none in a layout built without provenance', async () => {
    const b = new LayoutBuilder()
    const amd = b.image({ platform: P.amd64, layers: [LAYER] })
    expect(await findAttestation(b.finish([b.index([amd])]), amd.digest)).toBeUndefined()
  })

  it('refuses two different attestations for one image', async () => {
    const b = new LayoutBuilder()
    const amd = b.image({ platform: P.amd64, layers: [LAYER] })
    const one = b.attestation(amd)
    const other = b.json({ schemaVersion: 2, mediaType: MediaType.OciManifest, config: one, layers: [] }, MediaType.OciManifest, {
      annotations: one.annotations
    })
    await expect(findAttestation(b.finish([b.index([amd, one, other])]), amd.digest)).rejects.toThrow(/2 different attestation manifests/)
  })
})

describe('the referrer manifest', () => {
  const attestation: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: { mediaType: MediaType.OciConfig, digest: sha256(Buffer.from('c')), size: 1 },
    layers: [
      {
        mediaType: MediaType.InToto,
        digest: sha256(Buffer.from('s')),
        size: 1,
        annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' }
      }
    ]
  }
  const subject = { mediaType: MediaType.OciManifest, digest: sha256(Buffer.from('published')), size: 858 }

  it("is an OCI manifest with artifactType, the attestation's config and layers as they are, and the published manifest as subject", () => {
    const doc = referrerManifest(attestation, subject)
    const m = JSON.parse(doc.bytes.toString())
    expect(m).toEqual({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      artifactType: 'application/vnd.docker.attestation.manifest.v1+json',
      config: attestation.config,
      layers: attestation.layers,
      subject,
      annotations: { 'vnd.docker.reference.type': 'attestation-manifest' }
    })
    expect(doc.descriptor).toEqual({
      mediaType: MediaType.OciManifest,
      digest: sha256(doc.bytes),
      size: doc.bytes.length,
      artifactType: 'application/vnd.docker.attestation.manifest.v1+json',
      annotations: m.annotations
    })
  })

  it('has the same bytes for the same facts, and a subject of exactly three fields', () => {
    const a = referrerManifest(attestation, { ...subject, platform: P.arm64 } as typeof subject)
    expect(a.bytes.equals(referrerManifest(attestation, subject).bytes)).toBe(true)
    expect(Object.keys(JSON.parse(a.bytes.toString()).subject)).toEqual(['mediaType', 'digest', 'size'])
  })

  it("is tagged, in the referrers tag schema, by the subject's algorithm and hex", () => {
    expect(referrersTag(`sha256:${'ab'.repeat(32)}`)).toBe(`sha256-${'ab'.repeat(32)}`)
    expect(referrersTag(`sha512:${'c'.repeat(128)}`)).toHaveLength(128)
  })
})

describe('the referrers tag index', () => {
  const ref = (n: string) => ({
    mediaType: MediaType.OciManifest,
    digest: sha256(Buffer.from(n)),
    size: n.length,
    artifactType: 'application/vnd.docker.attestation.manifest.v1+json',
    annotations: { 'vnd.docker.reference.type': 'attestation-manifest' }
  })
  const signature = {
    mediaType: MediaType.OciManifest,
    digest: sha256(Buffer.from('sig')),
    size: 3,
    artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json'
  }

  it('is a new OCI index listing the referrer when there is none', () => {
    const { bytes, changed } = mergeReferrersIndex(undefined, [ref('a')])
    expect(changed).toBe(true)
    expect(JSON.parse(bytes.toString())).toEqual({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [ref('a')] })
  })

  it("keeps another tool's referrers and fields, and appends", () => {
    const existing = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [signature], annotations: { k: 'v' } })
    )
    const { bytes, changed } = mergeReferrersIndex(existing, [ref('a')])
    expect(changed).toBe(true)
    expect(JSON.parse(bytes.toString())).toEqual({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [signature, ref('a')],
      annotations: { k: 'v' }
    })
  })

  it('lists a referrer once: one already there is replaced in place, and an index that already says it all is unchanged', () => {
    const first = mergeReferrersIndex(undefined, [ref('a'), ref('b')]).bytes
    const again = mergeReferrersIndex(first, [ref('a')])
    expect(again.changed).toBe(false)
    expect(again.bytes.equals(first)).toBe(true)
    const { annotations: _, ...bare } = ref('a')
    const stale = mergeReferrersIndex(first, [bare]).bytes
    expect(mergeReferrersIndex(stale, [ref('a')]).bytes.equals(first)).toBe(true)
  })

  it('refuses a tag that holds something else', () => {
    expect(() => mergeReferrersIndex(Buffer.from(imageManifest(Buffer.from('{}'), [])), [ref('a')], 'r/x:sha256-1')).toThrow(
      /r\/x:sha256-1 holds something other than an OCI image index/
    )
    expect(() => mergeReferrersIndex(Buffer.from('not json'), [ref('a')])).toThrow(/other than an OCI image index/)
  })
})

describe("an in-toto statement's subject, as published", () => {
  it('is a package URL per name, as BuildKit writes them, Docker Hub names shortened as docker prints them', () => {
    expect(imagePurl('ghcr.io', 'acme/app', 'v1', 'linux/arm/v7')).toBe('pkg:docker/ghcr.io/acme/app@v1?platform=linux%2Farm%2Fv7')
    expect(imagePurl('docker.io', 'library/app', 'latest', 'linux/amd64')).toBe('pkg:docker/app@latest?platform=linux%2Famd64')
    expect(imagePurl('docker.io', 'acme/app', 'sha256:ab', 'linux/amd64')).toBe('pkg:docker/acme/app@sha256:ab?platform=linux%2Famd64')
  })

  it('replaces the subject of a statement and nothing else; leaves what is no statement', () => {
    const built = Buffer.from(
      JSON.stringify({
        _type: 'https://in-toto.io/Statement/v0.1',
        predicateType: 'https://slsa.dev/provenance/v0.2',
        subject: [{ name: 'pkg:docker/archway.local/app@1-1?platform=linux%2Famd64', digest: { sha256: 'aa' } }],
        predicate: { builder: { id: '' } }
      })
    )
    expect(JSON.parse(restateSubject(built, ['pkg:docker/ghcr.io/acme/app@v1?platform=linux%2Famd64'], 'sha256:bb')!.toString())).toEqual({
      _type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://slsa.dev/provenance/v0.2',
      subject: [{ name: 'pkg:docker/ghcr.io/acme/app@v1?platform=linux%2Famd64', digest: { sha256: 'bb' } }],
      predicate: { builder: { id: '' } }
    })
    expect(restateSubject(Buffer.from('{"spdxVersion":"SPDX-2.3"}'), ['x'], 'sha256:bb')).toBeUndefined()
    expect(restateSubject(Buffer.from('not json'), ['x'], 'sha256:bb')).toBeUndefined()
  })
})

const NAMES = ['pkg:docker/r.example/acme/app@v1?platform=linux%2Farm64', 'pkg:docker/r.example/acme/app@latest?platform=linux%2Farm64']

describe('attaching provenance in a registry', () => {
  let withApi: TestRegistry
  let withoutApi: TestRegistry
  beforeAll(async () => {
    withApi = await startRegistry()
    withoutApi = await startRegistry({ referrersApi: false })
  })
  afterAll(async () => {
    await withApi.close()
    await withoutApi.close()
  })

  /** Pushes amd64's image (as it is in the layout) to `s`; returns the client, its attestation and the subject. */
  async function setUp(s: TestRegistry, repo: string) {
    const { b, dir, amd } = buildxLayout()
    const client = new RegistryClient({ registry: s.host, retry: { attempts: 1, baseMs: 0, maxMs: 0 } })
    const manifest = readFileSync(b.path(amd.digest))
    const m = JSON.parse(manifest.toString()) as ImageManifest
    for (const d of [m.config, ...m.layers]) await client.pushBlob(repo, d.digest, readFileSync(b.path(d.digest)))
    await client.putManifest(repo, amd.digest, manifest, MediaType.OciManifest)
    return { client, attestation: (await findAttestation(dir, amd.digest))!, subject: subjectOf(amd) }
  }

  it('pushes the referrer by digest and lets a registry with the referrers API list it: no tag', async () => {
    const { client, attestation, subject } = await setUp(withApi, 'acme/api')
    const a = await attachProvenance(client, 'acme/api', attestation, subject, NAMES)
    expect(a.via).toBe('referrers API')
    expect(withApi.tags('acme/api')).toEqual([])
    expect(await client.referrers('acme/api', subject.digest)).toEqual([a.referrer])
    const stored = JSON.parse(withApi.manifest('acme/api', a.referrer.digest)!.bytes.toString())
    expect(stored.subject).toEqual(subject)
    for (const l of stored.layers) expect(withApi.hasBlob('acme/api', l.digest)).toBe(true)
  })

  it('keeps the referrers tag schema where there is no referrers API, merging with what the tag lists', async () => {
    const repo = 'acme/fallback'
    const { client, attestation, subject } = await setUp(withoutApi, repo)
    const tag = referrersTag(subject.digest)
    // Another tool's referrer is listed already.
    const signature = imageManifest(Buffer.from('{}'), [], { artifactType: 'application/example', subject })
    const other = {
      mediaType: MediaType.OciManifest,
      digest: withoutApi.addManifest(repo, signature, MediaType.OciManifest),
      size: signature.length,
      artifactType: 'application/example'
    }
    withoutApi.addManifest(
      repo,
      Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [other] })),
      OCI_INDEX,
      tag
    )
    const a = await attachProvenance(client, repo, attestation, subject, NAMES)
    expect(a.via).toBe(`tag ${tag}`)
    expect(JSON.parse(withoutApi.manifest(repo, tag)!.bytes.toString()).manifests).toEqual([other, a.referrer])
    // Attaching it again leaves the tag as it is.
    const before = withoutApi.manifest(repo, tag)!.digest
    await attachProvenance(client, repo, attestation, subject, NAMES)
    expect(withoutApi.manifest(repo, tag)!.digest).toBe(before)
  })

  it('names the manifest as published (OCI) as the subject when the one built is Docker schema 2, in the referrer and in its statement', async () => {
    const repo = 'acme/docker-built'
    const b = new LayoutBuilder()
    const arm = b.image({ platform: P.arm64, layers: [LAYER], docker: true })
    const att = b.attestation(arm)
    const dir = b.finish([b.index([arm, att])])
    const image = await findPlatformImage(dir, parsePlatformList('linux/arm64')[0])
    const client = new RegistryClient({ registry: withoutApi.host, retry: { attempts: 1, baseMs: 0, maxMs: 0 } })
    const published = await pushImage(client, repo, await prepareImage(image, tempDir('prov')))
    expect(published.descriptor.digest).not.toBe(arm.digest)
    const a = await attachProvenance(client, repo, (await findAttestation(dir, arm.digest))!, published.descriptor, NAMES)
    expect(a.via).toBe(`tag ${referrersTag(published.descriptor.digest)}`)
    const stored = JSON.parse(withoutApi.manifest(repo, a.referrer.digest)!.bytes.toString()) as ImageManifest
    expect(stored.subject).toEqual(published.descriptor)
    // The statement names the image as published, under each of its names; the config lists the restated layer.
    const [layer] = stored.layers
    const statement = JSON.parse((await client.getBlob(repo, layer.digest)).toString())
    expect(statement).toEqual({
      _type: 'https://in-toto.io/Statement/v0.1',
      subject: NAMES.map(name => ({ name, digest: { sha256: published.descriptor.digest.slice('sha256:'.length) } }))
    })
    const config = JSON.parse((await client.getBlob(repo, stored.config.digest)).toString())
    expect(config.rootfs.diff_ids).toEqual([layer.digest])
    expect(layer.digest).not.toBe(JSON.parse(readFileSync(b.path(att.digest)).toString()).layers[0].digest)
    expect(withoutApi.tags(repo)).toEqual([referrersTag(published.descriptor.digest)])
  })
})

describe('attestations and the image store', () => {
  const asks = (provenance: false | 'min' | 'max', sbom: false | string = false) => ({ provenance, settings: { ...NO_SETTINGS, sbom } })

  it.each([
    [asks('min'), /^Input "provenance" has a bad value "true": .*classic image store/],
    [asks(false, 'true'), /^Input "sbom" has a bad value "true": .*classic image store/],
    [asks(false, 'generator=127.0.0.1:5000/scanner'), /^Input "sbom" has a bad value "generator=127.0.0.1:5000\/scanner": .*classic/]
  ])('stop on the classic store in one line naming the input and the classic store (%#)', (b, message) => {
    const error = errorOf(() => checkAttestationStore(b, 'classic'))
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).toMatch(message)
    expect((error as Error).message).not.toContain('\n')
  })

  it('go through on the containerd store, and without them on either', () => {
    expect(() => checkAttestationStore(asks('max', 'true'), 'containerd')).not.toThrow()
    expect(() => checkAttestationStore(asks(false), 'classic')).not.toThrow()
  })
})
