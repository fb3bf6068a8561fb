/** What a platform image is published as, from its OCI layout: which layers are gzipped, and which go as they are. */
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { findPlatformImage } from '../../../src/oci/layout.js'
import { MediaType } from '../../../src/oci/types.js'
import { prepareImage } from '../../../src/publish/push-image.js'
import { parsePlatformList } from '../../../src/shared/platform.js'
import { tempDir } from '../../helpers/tmp.js'
import { LayoutBuilder, P, sha256 } from '../oci/fixtures.js'

describe('an image prepared for its push', () => {
  it('gzips an uncompressed layer that shrinks and publishes one that would not (random bytes) as it is, the same bytes', async () => {
    const random = randomBytes(300_000)
    const text = Buffer.from('usr/lib/file.so mode=0755\n'.repeat(10_000))
    const b = new LayoutBuilder()
    const arm = b.image({
      platform: P.arm64,
      layers: [
        { tar: random, compression: 'none' },
        { tar: text, compression: 'none' }
      ]
    })
    const dir = b.finish([b.index([arm])])
    const image = await findPlatformImage(dir, parsePlatformList('linux/arm64')[0])
    const { doc, blobs } = await prepareImage(image, tempDir('prepared'))
    const layers = (JSON.parse(doc.bytes.toString()) as { layers: { mediaType: string; digest: string; size: number }[] }).layers
    expect(layers.map(l => l.mediaType)).toEqual([MediaType.OciLayer, MediaType.OciLayerGzip])
    // The random layer is the layout's own blob; the text is a gzip of the same bytes, smaller.
    expect(layers[0]).toEqual({ mediaType: MediaType.OciLayer, digest: sha256(random), size: random.length })
    expect(blobs.find(x => x.digest === layers[0].digest)?.path).toBe(b.path(sha256(random)))
    const gz = readFileSync(blobs.find(x => x.digest === layers[1].digest)!.path)
    expect(gunzipSync(gz).equals(text)).toBe(true)
    expect(layers[1].size).toBeLessThan(text.length / 10)
  })
})
