import { appendFileSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  blobPath,
  blobStream,
  findPlatformImage,
  LayoutError,
  listImages,
  platformBlobs,
  readBlob,
  readLayoutIndex
} from '../../../src/oci/layout.js'
import { isAttestation, layerCompression, MediaType } from '../../../src/oci/types.js'
import { VerificationError } from '../../../src/shared/errors.js'
import { platformKey } from '../../../src/shared/platform.js'
import { LayoutBuilder, P, tarLayer } from './fixtures.js'

const layer = () => tarLayer([{ name: 'etc/hostname', content: 'archway\n' }])

describe('OCI platform and media type helpers', () => {
  it('normalises platforms as containerd does', () => {
    expect(platformKey({ os: 'linux', architecture: 'arm64', variant: 'v8' })).toBe('linux/arm64')
    expect(platformKey({ os: 'linux', architecture: 'aarch64' })).toBe('linux/arm64')
    expect(platformKey({ os: 'linux', architecture: 'arm' })).toBe('linux/arm/v7')
    expect(platformKey({ os: 'linux', architecture: 'arm', variant: '6' })).toBe('linux/arm/v6')
    expect(platformKey({ os: 'linux', architecture: 'armel' })).toBe('linux/arm/v6')
    expect(platformKey({ os: 'linux', architecture: 'x86_64', variant: 'v1' })).toBe('linux/amd64')
    expect(platformKey({ os: 'linux', architecture: 'amd64', variant: 'v3' })).toBe('linux/amd64/v3')
    expect(platformKey({ architecture: 'unknown', os: 'unknown' })).toBe('unknown/unknown')
  })

  it('knows the compression of OCI and Docker layer media types, and no other', () => {
    expect(layerCompression('application/vnd.oci.image.layer.v1.tar+gzip')).toBe('gzip')
    expect(layerCompression('application/vnd.docker.image.rootfs.diff.tar.gzip')).toBe('gzip')
    expect(layerCompression('application/vnd.oci.image.layer.v1.tar+zstd')).toBe('zstd')
    expect(layerCompression('application/vnd.oci.image.layer.v1.tar')).toBe('none')
    expect(layerCompression('application/vnd.in-toto+json')).toBeUndefined()
  })

  it('tells an attestation manifest by its annotation', () => {
    const b = new LayoutBuilder()
    const image = b.image({ platform: P.arm64, layers: [] })
    expect(isAttestation(b.attestation(image))).toBe(true)
    expect(isAttestation(image)).toBe(false)
  })
})

describe('reading an OCI image layout', () => {
  it('finds a platform through a nested index (buildx type=oci) and skips attestation manifests', async () => {
    const b = new LayoutBuilder()
    const amd = b.image({ platform: P.amd64, layers: [await layer()] })
    const arm = b.image({ platform: P.arm64, layers: [await layer(), await tarLayer([{ name: 'bin/x', content: 'two' }])] })
    // An attestation that (wrongly) claims linux/arm64 and comes first: only its annotation tells it apart.
    const fakeArm = b.attestation(arm, { architecture: 'arm64', os: 'linux' })
    const nested = b.index([fakeArm, amd, arm, b.attestation(amd), b.attestation(arm)])
    const dir = b.finish([{ ...nested, annotations: { 'org.opencontainers.image.ref.name': 'latest' } }])

    const images = await listImages(dir)
    expect(images.map(i => [i.descriptor.digest, platformKey(i.platform)])).toEqual([
      [amd.digest, 'linux/amd64'],
      [arm.digest, 'linux/arm64']
    ])
    const found = await findPlatformImage(dir, P.arm64)
    expect(found.descriptor.digest).toBe(arm.digest)
    expect(found.manifest.layers).toHaveLength(2)
    expect(found.config.architecture).toBe('arm64')
    expect((await findPlatformImage(dir, { os: 'linux', architecture: 'amd64' })).descriptor.digest).toBe(amd.digest)
  })

  it('finds a platform in a flat index (docker save --platform) and in Docker schema 2 documents', async () => {
    const b = new LayoutBuilder()
    const arm = b.image({ platform: P.armv7, layers: [await layer()], docker: true })
    const list = b.index([arm], MediaType.DockerManifestList)
    const dir = b.finish([list])
    const found = await findPlatformImage(dir, P.armv7)
    expect(found.descriptor.mediaType).toBe(MediaType.DockerManifest)
    expect(found.config.variant).toBe('v7')
    await expect(findPlatformImage(dir, P.armv6)).rejects.toThrow('holds no image for linux/arm/v6 (it holds: linux/arm/v7)')
  })

  it('takes the platform from the config when the descriptor has none (classic store docker save)', async () => {
    const b = new LayoutBuilder()
    const arm = b.image({ platform: null, config: { os: 'linux', architecture: 'arm64', variant: 'v8' }, layers: [await layer()] })
    const dir = b.finish([arm])
    expect((await findPlatformImage(dir, P.arm64)).descriptor.digest).toBe(arm.digest)
    await expect(findPlatformImage(dir, P.amd64)).rejects.toThrow(LayoutError)
  })

  it('refuses a layout holding two different images for the platform', async () => {
    const b = new LayoutBuilder()
    const one = b.image({ platform: P.arm64, layers: [await layer()] })
    const two = b.image({ platform: P.arm64, layers: [await tarLayer([{ name: 'other', content: 'x' }])] })
    const dir = b.finish([one, two])
    await expect(findPlatformImage(dir, P.arm64)).rejects.toThrow('2 different images for linux/arm64')
  })

  it('refuses a blob whose bytes do not match its digest, or its size', async () => {
    const b = new LayoutBuilder()
    const arm = b.image({ platform: P.arm64, layers: [await layer()] })
    const nested = b.index([arm])
    const dir = b.finish([nested])
    const manifestPath = b.path(arm.digest)
    const original = readFileSync(manifestPath)
    writeFileSync(manifestPath, original.toString().replace('"schemaVersion":2', '"schemaVersion":2 '))
    await expect(findPlatformImage(dir, P.arm64)).rejects.toThrow(VerificationError)
    writeFileSync(manifestPath, Buffer.from(original.toString().replace('tar+gzip', 'tar+gzap')))
    await expect(findPlatformImage(dir, P.arm64)).rejects.toThrow(`blob ${arm.digest} does not match its digest`)
    writeFileSync(manifestPath, original)
    await expect(findPlatformImage(dir, P.arm64)).resolves.toMatchObject({ descriptor: { digest: arm.digest } })
  })

  it('streams a blob, failing at its end when the bytes were tampered with', async () => {
    const b = new LayoutBuilder()
    const data = Buffer.alloc(200_000, 7)
    const d = b.blob(data, MediaType.OciLayer)
    const read = async () => {
      const chunks: Buffer[] = []
      for await (const c of blobStream(b.dir, d)) chunks.push(c as Buffer)
      return Buffer.concat(chunks)
    }
    expect((await read()).equals(data)).toBe(true)
    const tampered = Buffer.from(data)
    tampered[123_456] = 8
    writeFileSync(b.path(d.digest), tampered)
    await expect(read()).rejects.toThrow(VerificationError)
    appendFileSync(b.path(d.digest), 'x')
    await expect(read()).rejects.toThrow('longer than the 200000 bytes')
  })

  it('refuses a digest that is not one, so no path outside blobs/ is read', async () => {
    expect(() => blobPath('/tmp/x', 'sha256:../../../etc/passwd')).toThrow(VerificationError)
    expect(() => blobPath('/tmp/x', 'md5:d41d8cd98f00b204e9800998ecf8427e')).toThrow(VerificationError)
    expect(blobPath('/tmp/x', `sha256:${'a'.repeat(64)}`)).toBe(`/tmp/x/blobs/sha256/${'a'.repeat(64)}`)
    await expect(readBlob('/tmp/x', { mediaType: MediaType.OciConfig, digest: 'sha256:/etc/passwd', size: 1 })).rejects.toThrow(
      VerificationError
    )
  })

  it('says so when a directory is not an OCI layout, or a blob is missing', async () => {
    const b = new LayoutBuilder()
    await expect(readLayoutIndex(b.dir)).rejects.toThrow('no index.json')
    const arm = b.image({ platform: P.arm64, layers: [await layer()] })
    const dir = b.finish([arm])
    rmSync(join(dir, 'oci-layout'))
    await expect(readLayoutIndex(dir)).rejects.toThrow('not an OCI image layout (no oci-layout file)')
    writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"2.0.0"}')
    await expect(readLayoutIndex(dir)).rejects.toThrow('imageLayoutVersion "2.0.0"')
    writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}')
    rmSync(b.path(arm.digest))
    await expect(findPlatformImage(dir, P.arm64)).rejects.toThrow(`blob ${arm.digest} is missing`)
  })

  it('lists the blobs a platform image needs, in push order, with their sizes', async () => {
    const b = new LayoutBuilder()
    const l1 = await layer()
    const arm = b.image({ platform: P.arm64, layers: [l1, await tarLayer([{ name: 'a', content: 'b' }]), l1] })
    const other = b.image({ platform: P.amd64, layers: [await tarLayer([{ name: 'amd', content: 'only' }])] })
    const dir = b.finish([b.index([arm, other, b.attestation(arm)])])
    const blobs = await platformBlobs(dir, P.arm64)
    expect(blobs.map(x => x.role)).toEqual(['layer', 'layer', 'config', 'manifest'])
    const image = await findPlatformImage(dir, P.arm64)
    expect(blobs.map(x => x.digest)).toEqual([
      image.manifest.layers[0].digest,
      image.manifest.layers[1].digest,
      image.manifest.config.digest,
      arm.digest
    ])
    for (const x of blobs) expect(statSync(x.path).size).toBe(x.size)
    expect(blobs[3]).toMatchObject({ mediaType: MediaType.OciManifest, size: arm.size })

    rmSync(blobs[1].path)
    await expect(platformBlobs(dir, P.arm64)).rejects.toThrow(`layer blob ${blobs[1].digest} is missing`)
    writeFileSync(blobs[1].path, 'short')
    await expect(platformBlobs(dir, P.arm64)).rejects.toThrow(VerificationError)
  })
})
