/**
 * The push of every checked platform, by digest, to each of the image's registries: its blobs and
 * manifest, then its attestations as an OCI referrer. No tag moves: the post step publishes.
 */
import { availableParallelism } from 'node:os'
import { grouped } from '../action/log-group.js'
import { requireAttestation, wantsAttestation } from '../build/attestations.js'
import type { Checked } from '../image-test/check.js'
import type { BuildInputs } from '../inputs/inputs.js'
import { connect, targetsOf } from '../inputs/registries.js'
import type { PlatformImage } from '../oci/layout.js'
import { mapLimit } from '../shared/concurrency.js'
import { formatPlatform } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'
import { formatSeconds, secondsSince } from '../shared/time.js'
import { attachProvenance, imagePurl } from './provenance.js'
import { type PreparedImage, type Published, pushImage } from './push-image.js'

/** Pushes run this many platforms at once. */
const PARALLEL = Math.max(2, availableParallelism())

/** Each platform's manifest as pushed, by platform (`linux/arm64`); the last registry's, where there are several. */
export async function pushPlatforms(
  b: BuildInputs,
  checked: readonly Checked[],
  prepare: (p: Platform, image: PlatformImage) => Promise<PreparedImage>
): Promise<Map<string, Published>> {
  const published = new Map<string, Published>()
  const prepared = await mapLimit(checked, PARALLEL, async c => c.prepared ?? prepare(c.platform, c.image))
  const attestations = wantsAttestation(b) ? await mapLimit(checked, PARALLEL, c => requireAttestation(c.image)) : undefined
  for (const target of targetsOf(b)) {
    const client = await connect(target.registry, b)
    const docs = await mapLimit(checked, PARALLEL, (c, i) =>
      grouped(`Push ${formatPlatform(c.platform)} to ${target.registry}/${target.repository}`, async log => {
        const started = Date.now()
        const d = await pushImage(client, target.repository, prepared[i])
        log(`Pushed ${d.descriptor.digest} (${d.compressedSize} bytes) in ${formatSeconds(secondsSince(started))}`)
        const added = Object.keys(b.annotations.manifest[formatPlatform(c.platform)] ?? {}).length
        if (added)
          log(
            `Its manifest is the tested image's (${c.image.descriptor.digest}) with ${added} annotations, over the same config and layer contents`
          )
        if (attestations) {
          const versions = target.tags.length > 0 ? target.tags : [d.descriptor.digest]
          const names = versions.map(v => imagePurl(target.registry, target.repository, v, formatPlatform(c.platform)))
          const a = await attachProvenance(client, target.repository, attestations[i], d.descriptor, names)
          log(`Attestations ${a.referrer.digest} attached to ${d.descriptor.digest} as an OCI referrer (${a.via})`)
        }
        return d
      })
    )
    for (const [i, c] of checked.entries()) published.set(formatPlatform(c.platform), docs[i])
  }
  return published
}
