import { readFileSync, rmSync } from 'node:fs'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { extract } from 'tar-stream'
import { findPlatformImage } from '../../../src/oci/layout.js'
import { archiveBlobs, archiveDocuments, platformArchive } from '../../../src/oci/platform-archive.js'
import { parsePlatformList } from '../../../src/shared/platform.js'
import { LayoutBuilder, P, tarLayer } from './fixtures.js'

/** Every member of a tar stream: name and bytes. */
async function members(stream: Readable): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>()
  const x = extract()
  const reading = (async () => {
    for await (const entry of x) {
      const chunks: Buffer[] = []
      for await (const c of entry) chunks.push(c as Buffer)
      out.set(entry.header.name, Buffer.concat(chunks))
    }
  })()
  await Promise.all([pipeline(stream, x), reading])
  return out
}

async function twoPlatformLayout() {
  const b = new LayoutBuilder()
  const shared = await tarLayer([{ name: 'app/run-tests.sh', content: 'echo ok' }])
  const amd64 = b.image({ platform: P.amd64, layers: [await tarLayer([{ name: 'bin/busybox', content: 'x86' }]), shared] })
  const arm64 = b.image({ platform: P.arm64, layers: [await tarLayer([{ name: 'bin/busybox', content: 'arm' }]), shared] })
  return { dir: b.finish([b.index([amd64, arm64])]), b, amd64, arm64 }
}

describe("one platform's image as an archive for docker load", () => {
  it("holds that platform's manifest, config and layers only, each blob once, named for both image stores", async () => {
    const { dir, b, arm64 } = await twoPlatformLayout()
    const image = await findPlatformImage(dir, parsePlatformList('linux/arm64')[0])
    const name = 'archway.local/app:1001-1-42-arm64'
    const got = await members(platformArchive(image, name))

    const blobs = archiveBlobs(image)
    expect(blobs.map(x => x.digest)).toEqual([arm64.digest, image.manifest.config.digest, ...image.manifest.layers.map(l => l.digest)])
    expect([...got.keys()]).toEqual(['oci-layout', 'index.json', 'manifest.json', ...blobs.map(x => `blobs/${x.digest.replace(':', '/')}`)])
    for (const x of blobs) expect(got.get(`blobs/${x.digest.replace(':', '/')}`)).toEqual(readFileSync(b.path(x.digest)))

    expect(JSON.parse(got.get('oci-layout')!.toString())).toEqual({ imageLayoutVersion: '1.0.0' })
    const index = JSON.parse(got.get('index.json')!.toString())
    expect(index.manifests).toEqual([
      {
        ...arm64,
        annotations: { 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': '1001-1-42-arm64' }
      }
    ])
    expect(JSON.parse(got.get('manifest.json')!.toString())).toEqual([
      {
        Config: `blobs/${image.manifest.config.digest.replace(':', '/')}`,
        RepoTags: [name],
        Layers: image.manifest.layers.map(l => `blobs/${l.digest.replace(':', '/')}`)
      }
    ])
    expect(archiveDocuments(image, name).index).toEqual(index)
  })

  it('ends in an error when a blob is missing from the layout', async () => {
    const { dir, b } = await twoPlatformLayout()
    const image = await findPlatformImage(dir, parsePlatformList('linux/amd64')[0])
    rmSync(b.path(image.manifest.layers[0].digest))
    await expect(members(platformArchive(image, 'archway.local/app:1'))).rejects.toThrow(/ENOENT/)
  })
})
