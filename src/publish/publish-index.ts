/** The post step's work: the index, under every tag, once every child manifest is there. */
import { mapLimit } from '../concurrency.js'
import { ArchwayError } from '../errors.js'
import type { BuildInputs } from '../inputs.js'
import { parsePlatform } from '../platform.js'
import { connect } from '../registry/connect.js'
import type { PublishState } from '../state.js'
import { type IndexDocument, buildIndex } from './index-manifest.js'

/** Rebuilds the index from the state's facts; it must be the one main announced. Pure. */
export function indexFromState(s: PublishState): IndexDocument {
  const images = s.images.map(i => {
    const platform = parsePlatform(i.platform)
    if (!platform) throw new ArchwayError(`post state names an unknown platform ${i.platform}`)
    return { platform, manifest: { mediaType: i.mediaType, digest: i.digest, size: i.size } }
  })
  const index = buildIndex(images, s.annotations)
  if (index.digest !== s.digest) throw new ArchwayError(`the index rebuilt in the post step (${index.digest}) differs from the one announced (${s.digest})`)
  return index
}

export async function publishIndex(s: PublishState, build: Pick<BuildInputs, 'image' | 'credentials'>, log: (line: string) => void): Promise<IndexDocument> {
  const index = indexFromState(s)
  for (const target of s.targets) {
    const client = await connect(target.registry, build)
    const name = `${target.registry}/${target.repository}`
    // Every child must be there before any tag points at the index.
    const missing = (await mapLimit(s.images, 8, async i => ((await client.headManifest(target.repository, i.digest)) ? undefined : i.platform))).filter(Boolean)
    if (missing.length) throw new ArchwayError(`${name} lacks the image of ${missing.join(', ')}; no tag was moved`)
    await client.putManifest(target.repository, index.digest, index.bytes, index.mediaType)
    await mapLimit(target.tags, 8, tag => client.putManifest(target.repository, tag, index.bytes, index.mediaType))
    log(`Published ${index.digest} as ${target.tags.map(t => `${name}:${t}`).join(', ')}`)
  }
  return index
}
