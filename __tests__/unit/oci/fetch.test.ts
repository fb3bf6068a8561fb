/** What a builder pushed by digest, read back from a registry (the tests' in-process one) and fetched into an OCI layout. */
import { randomBytes } from 'node:crypto'
import { pushedManifest, readPushed, startFetch } from '../../../src/oci/fetch.js'
import { findPlatformImage, LayoutError } from '../../../src/oci/layout.js'
import type { Descriptor } from '../../../src/oci/types.js'
import { RegistryClient } from '../../../src/registry/client.js'
import { VerificationError } from '../../../src/shared/errors.js'
import { parsePlatform } from '../../../src/shared/platform.js'
import type { Platform } from '../../../src/shared/platform-table.js'
import { imageManifest, OCI_INDEX, OCI_MANIFEST, sha256, startRegistry, type TestRegistry } from '../../helpers/registry-server.js'
import { tempDir } from '../../helpers/tmp.js'

let server: TestRegistry
beforeAll(async () => {
  server = await startRegistry()
})
afterAll(() => server.close())

const client = () => new RegistryClient({ registry: server.host, retry: { attempts: 2, baseMs: 0, maxMs: 0 } })
const REPO = 'acme/pushed'
const platform = (text: string) => parsePlatform(text) as Platform

/** One platform's image in the registry: its config and a layer of random bytes; its manifest's descriptor. */
function platformImage(architecture: string, layerSize = 100_000): Descriptor & { layer: Buffer } {
  const config = Buffer.from(JSON.stringify({ architecture, os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }))
  const layer = randomBytes(layerSize)
  server.addBlob(REPO, config)
  server.addBlob(REPO, layer)
  const bytes = imageManifest(config, [layer])
  const digest = server.addManifest(REPO, bytes, OCI_MANIFEST)
  return { mediaType: OCI_MANIFEST, digest, size: bytes.length, platform: { os: 'linux', architecture }, layer }
}

/** An index as BuildKit pushes it by digest: two platforms and an attestation manifest for the first. */
function pushedIndex(): { top: Descriptor; amd64: Descriptor; arm64: Descriptor } {
  const amd64 = platformImage('amd64')
  const arm64 = platformImage('arm64')
  const statement = Buffer.from('{"predicateType":"https://slsa.dev/provenance/v0.2"}')
  server.addBlob(REPO, statement)
  const attestationBytes = imageManifest(Buffer.from('{}'), [statement])
  server.addBlob(REPO, Buffer.from('{}'))
  const attestation = {
    mediaType: OCI_MANIFEST,
    digest: server.addManifest(REPO, attestationBytes, OCI_MANIFEST),
    size: attestationBytes.length,
    platform: { os: 'unknown', architecture: 'unknown' },
    annotations: { 'vnd.docker.reference.digest': amd64.digest, 'vnd.docker.reference.type': 'attestation-manifest' }
  }
  const strip = ({ layer: _, ...d }: Descriptor & { layer: Buffer }) => d
  const index = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [strip(amd64), strip(arm64), attestation] })
  )
  const top = { mediaType: OCI_INDEX, digest: server.addManifest(REPO, index, OCI_INDEX), size: index.length }
  return { top, amd64: strip(amd64), arm64: strip(arm64) }
}

/** An arm64 image whose manifest gives its 5000-byte layer as 4999 bytes; its manifest's descriptor. */
function wrongSizeImage(): Descriptor {
  const config = Buffer.from('{"architecture":"arm64","os":"linux"}')
  const layer = randomBytes(5000)
  server.addBlob(REPO, config)
  server.addBlob(REPO, layer)
  const manifest = JSON.parse(imageManifest(config, [layer]).toString())
  manifest.layers[0].size = 4999
  const bytes = Buffer.from(JSON.stringify(manifest))
  return { mediaType: OCI_MANIFEST, digest: server.addManifest(REPO, bytes, OCI_MANIFEST), size: bytes.length }
}

describe('an image pushed by digest', () => {
  it("names each platform's manifest from its index, attestations left out", async () => {
    const { top, amd64, arm64 } = pushedIndex()
    const pushed = await readPushed(client(), REPO, top)
    expect(pushed.images.map(d => d.digest)).toEqual([amd64.digest, arm64.digest])
    expect(pushedManifest(pushed, platform('linux/arm64')).digest).toBe(arm64.digest)
    expect(() => pushedManifest(pushed, platform('linux/s390x'))).toThrow(
      `${REPO}@${top.digest} names 0 manifests for linux/s390x, where the build pushed one`
    )
    // Four documents (the index, two images, the attestation); two configs and layers each, the attestation's one of each.
    expect(pushed.documents.size).toBe(4)
    expect(pushed.blobs).toHaveLength(6)
  })

  it('is the manifest itself when one platform was pushed alone', async () => {
    const { layer: _, ...alone } = platformImage('s390x')
    const pushed = await readPushed(client(), REPO, alone)
    expect(pushedManifest(pushed, platform('linux/s390x')).digest).toBe(alone.digest)
  })

  it('is fetched into an OCI layout that holds every platform, the bytes checked against their digests', async () => {
    const { top, arm64 } = pushedIndex()
    const dir = tempDir('fetched')
    const got = await (await startFetch(client(), await readPushed(client(), REPO, top), dir)).done
    expect(got.blobs).toBe(10)
    const image = await findPlatformImage(dir, platform('linux/arm64'))
    expect(image.descriptor.digest).toBe(arm64.digest)
    expect(image.config.architecture).toBe('arm64')
    expect(sha256(server.blob(image.manifest.layers[0].digest)!)).toBe(image.manifest.layers[0].digest)
  })

  it('refuses a layer whose bytes are not the size its manifest gives', async () => {
    const top = wrongSizeImage()
    const err = await (await startFetch(client(), await readPushed(client(), REPO, top), tempDir('fetched'))).done.catch((e: unknown) => e)
    expect(err).toBeInstanceOf(VerificationError)
    expect((err as Error).message).toMatch(/has 5000 bytes \(4999 expected\)/)
  })

  it("gives each image's blobs on their own, so that one image is there while the others still come, and a bad blob fails only the images naming it", async () => {
    const good = platformImage('amd64')
    const bad = wrongSizeImage()
    const { layer: _, ...amd64 } = good
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [amd64, { ...bad, platform: { os: 'linux', architecture: 'arm64' } }]
      })
    )
    const top = { mediaType: OCI_INDEX, digest: server.addManifest(REPO, index, OCI_INDEX), size: index.length }
    const dir = tempDir('fetched')
    const fetching = await startFetch(client(), await readPushed(client(), REPO, top), dir)
    await fetching.image(amd64)
    expect((await findPlatformImage(dir, platform('linux/amd64'))).manifest.layers[0].digest).toBe(sha256(good.layer))
    await expect(fetching.image(bad)).rejects.toThrow(/has 5000 bytes \(4999 expected\)/)
    await expect(fetching.done).rejects.toBeInstanceOf(VerificationError)
    await expect(fetching.blobs([`sha256:${'0'.repeat(64)}`])).rejects.toBeInstanceOf(LayoutError)
  })
})
