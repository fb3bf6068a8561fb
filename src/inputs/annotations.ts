/**
 * The `annotations` input, read as buildx reads `--annotation` and as docker/metadata-action
 * writes its `annotations` output: `[LEVEL[,LEVEL...]:]KEY=VALUE` lines, a level being
 * `index`, `manifest` or `manifest-descriptor`, the last two optionally for one platform
 * (`manifest[linux/arm64]:`). A line with no level annotates the index. Pure.
 */
import { InputError } from '../shared/errors.js'
import { formatPlatform, parsePlatform } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'
import { type KeyValue, parseKeyValues } from './values.js'

/** Per platform (its canonical name, `linux/arm64`): the annotations it gets, keys sorted. Platforms with none are left out. */
export type PlatformAnnotations = Readonly<Record<string, Readonly<Record<string, string>>>>

export interface Annotations {
  /** `index:` lines and lines with no level, in their order: the index's annotations. */
  readonly index: readonly KeyValue[]
  /** `manifest:` lines: each platform's image manifest as published. */
  readonly manifest: PlatformAnnotations
  /** `manifest-descriptor:` lines: each platform's entry (descriptor) in the index. */
  readonly manifestDescriptor: PlatformAnnotations
}

const INPUT = 'annotations'
const ACCEPTED =
  "accepted: KEY=VALUE lines as docker/metadata-action writes them, each with no level or index: (the index), manifest: (each platform's manifest) or manifest-descriptor: (its entry in the index); manifest[PLATFORM]: and manifest-descriptor[PLATFORM]: for one platform"
const INDEX_DESCRIPTOR =
  "accepted: index:, manifest: or manifest-descriptor: lines, not index-descriptor: (buildx writes it only into an OCI layout's index.json; a registry has no descriptor of the index to annotate, so leave it out of DOCKER_METADATA_ANNOTATIONS_LEVELS)"

/** `level` or `level[platform]`. */
const LEVEL = /^([a-z-]+)(?:\[([^\]]*)\])?$/

type Level = 'index' | 'manifest' | 'manifest-descriptor'

/** The levels and platform (if any) of one line's prefix; throws InputError for anything else. */
function levelsOf(prefix: string, line: string, platforms: readonly Platform[]): { level: Level; platform?: string }[] {
  return prefix.split(',').map(part => {
    const m = LEVEL.exec(part)
    if (m?.[1] === 'index-descriptor') throw new InputError(INPUT, line, INDEX_DESCRIPTOR)
    if (!m || (m[1] !== 'index' && m[1] !== 'manifest' && m[1] !== 'manifest-descriptor')) throw new InputError(INPUT, line, ACCEPTED)
    const level = m[1]
    if (m[2] === undefined) return { level }
    if (level === 'index')
      throw new InputError(
        INPUT,
        line,
        'accepted: a platform only on manifest[PLATFORM]: or manifest-descriptor[PLATFORM]:; the index is one for every platform'
      )
    const requested = platforms.map(formatPlatform)
    const platform = parsePlatform(m[2])
    if (!platform || !requested.includes(formatPlatform(platform)))
      throw new InputError(INPUT, line, `accepted: in ${level}[PLATFORM]:, a platform of "platforms" (${requested.join(', ')})`)
    return { level, platform: formatPlatform(platform) }
  })
}

/** Annotations as a document holds them: keys sorted, so that the same facts always give the same bytes. Pure. */
export function sortedAnnotations(entries: Iterable<KeyValue>): Record<string, string> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/**
 * Reads the `annotations` input for the requested `platforms`. A later line wins over an
 * earlier one with the same key; a line for one platform wins over a line for every platform
 * (as buildx has it). Throws InputError naming the bad line.
 */
export function parseAnnotations(text: string, platforms: readonly Platform[]): Annotations {
  const index: KeyValue[] = []
  const all = { manifest: new Map<string, string>(), 'manifest-descriptor': new Map<string, string>() }
  const one = { manifest: new Map<string, Map<string, string>>(), 'manifest-descriptor': new Map<string, Map<string, string>>() }
  for (const [left, value] of parseKeyValues(INPUT, text)) {
    const line = `${left}=${value}`
    const colon = left.indexOf(':')
    const key = colon < 0 ? left : left.slice(colon + 1)
    if (key === '') throw new InputError(INPUT, line, ACCEPTED)
    const levels = colon < 0 ? [{ level: 'index' as const }] : levelsOf(left.slice(0, colon), line, platforms)
    for (const { level, platform } of levels) {
      if (level === 'index') index.push([key, value])
      else if (platform === undefined) all[level].set(key, value)
      else {
        const byPlatform = one[level].get(platform) ?? new Map<string, string>()
        one[level].set(platform, byPlatform.set(key, value))
      }
    }
  }
  const resolve = (level: keyof typeof all): PlatformAnnotations =>
    Object.fromEntries(
      platforms
        .map(formatPlatform)
        .map(p => [p, sortedAnnotations(new Map([...all[level], ...(one[level].get(p) ?? [])]))] as const)
        .filter(([, notes]) => Object.keys(notes).length > 0)
    )
  return { index, manifest: resolve('manifest'), manifestDescriptor: resolve('manifest-descriptor') }
}
