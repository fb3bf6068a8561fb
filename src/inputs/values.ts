/** Each input's value, parsed and checked: a bad one is an InputError naming the input, the value and what is accepted. */
import { existsSync, statSync } from 'node:fs'
import { parse as parseCsv } from 'csv-parse/sync'
import { parseQemuQuery, type QemuQuery } from '../emulation/qemu/query.js'
import { type ImageReference, ImageReferenceError, parseReference } from '../registry/reference.js'
import { errorMessage, InputError } from '../shared/errors.js'
import { formatPlatform, PlatformListError, parsePlatform, parsePlatformList, SUPPORTED_PLATFORMS } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'
import { validIgnoreGlob } from '../verify/arch-context.js'

export type KeyValue = readonly [string, string]

/** What `provenance` asks buildx for: no attestation, or a provenance attestation in its `min` or `max` mode. */
export type ProvenanceMode = false | 'min' | 'max'

export function optional<T>(value: string, parse: (v: string) => T): T | undefined {
  return value === '' ? undefined : parse(value)
}

export function parseImage(value: string): ImageReference {
  let ref: ImageReference
  try {
    // `${{ github.repository }}` keeps the owner's capitals, which no registry takes in a
    // repository name: the name is lowercased (it has no tag, whose case would matter).
    ref = parseReference(value.toLowerCase())
  } catch (err) {
    if (!(err instanceof ImageReferenceError)) throw err
    throw new InputError('image', value, `accepted: an image name such as ghcr.io/acme/app or 127.0.0.1:5000/app (${err.reason})`)
  }
  if (ref.tag !== undefined || ref.digest !== undefined)
    throw new InputError('image', value, 'accepted: an image name without tag or digest; give tags in "tags"')
  return ref
}

/** Tags, comma- or newline-separated: a bare tag (`1.4.2`) for `image`, or a full reference with a tag. */
export function parseTags(value: string, image: ImageReference): ImageReference[] {
  const items = value
    .split(/[,\n]/)
    .map(s => s.trim())
    .filter(s => s !== '')
  const accepted = 'accepted: tags such as latest,1.4.2 (comma- or newline-separated) or full references such as ghcr.io/acme/app:1.4.2'
  if (items.length === 0) throw new InputError('tags', value, accepted)
  const out = new Map<string, ImageReference>()
  for (const item of items) {
    let ref: ImageReference
    try {
      ref = /[/:@]/.test(item) ? parseReference(item) : parseReference(`${image.registry}/${image.repository}:${item}`)
    } catch {
      throw new InputError('tags', item, accepted)
    }
    if (ref.tag === undefined || ref.digest !== undefined) throw new InputError('tags', item, accepted)
    out.set(`${ref.registry}/${ref.repository}:${ref.tag}`, ref)
  }
  return [...out.values()]
}

export function parseContext(value: string): string {
  if (/^(https?|git):\/\/|^git@/.test(value)) return value
  if (!existsSync(value) || !statSync(value).isDirectory())
    throw new InputError('context', value, 'accepted: a directory that exists (relative to the workspace) or a Git URL')
  return value
}

export function parseFile(value: string): string {
  if (!existsSync(value) || !statSync(value).isFile()) throw new InputError('file', value, 'accepted: the path of a Dockerfile that exists')
  return value
}

export function parseName(input: string, value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value))
    throw new InputError(input, value, 'accepted: a name of letters, digits, ".", "_" and "-"')
  return value
}

/** `KEY=VALUE` lines (values may hold commas and `=`). */
export function parseKeyValues(input: string, value: string): KeyValue[] {
  return value
    .split('\n')
    .map(l => l.trim())
    .filter(l => l !== '')
    .map(line => {
      const at = line.indexOf('=')
      if (at <= 0 || /\s/.test(line.slice(0, at))) throw new InputError(input, line, 'accepted: KEY=VALUE lines, one per line')
      return [line.slice(0, at), line.slice(at + 1)] as const
    })
}

export function parsePlatforms(value: string): Platform[] {
  try {
    return parsePlatformList(value)
  } catch (err) {
    if (!(err instanceof PlatformListError)) throw err
    throw new InputError(
      'platforms',
      err.value,
      `accepted: ${SUPPORTED_PLATFORMS.join(', ')}, their bare forms (arm64), or all; comma- or newline-separated`
    )
  }
}

const QEMU_QUERIES =
  'stable, latest, a QEMU version or semver range (11.1, 10.0, 7.2, >=10), or an exact Debian package version (1:11.1.3+ds-1)'

export function parseQemuVersion(value: string): QemuQuery {
  const q = parseQemuQuery(value)
  if (!q) throw new InputError('qemu-version', value, `accepted: ${QEMU_QUERIES}`)
  return q
}

/** `qemu-version`: one query for every platform, and `platform=query` lines for one platform each. */
export interface QemuVersions {
  readonly all: QemuQuery
  /** By canonical platform (`linux/riscv64`). */
  readonly byPlatform: ReadonlyMap<string, QemuQuery>
}

/**
 * `qemu-version` as one query (`stable`) or lines of it: at most one bare query, for every
 * platform without its own (`stable` when none is given), and `platform=query` items (comma- or
 * newline-separated) for the platforms to build. Pure.
 */
export function parseQemuVersions(value: string, platforms: readonly Platform[], fallback: string): QemuVersions {
  const items = value
    .split(/[\n,]/)
    .map(i => i.trim())
    .filter(Boolean)
  const building = new Set(platforms.map(formatPlatform))
  const byPlatform = new Map<string, QemuQuery>()
  let all: QemuQuery | undefined
  for (const item of items) {
    const at = item.indexOf('=')
    const platform = at > 0 ? parsePlatform(item.slice(0, at).trim()) : undefined
    if (!platform) {
      if (all)
        throw new InputError(
          'qemu-version',
          item,
          `accepted: one query for every platform (${all.text} is given already), then platform=query lines`
        )
      all = parseQemuVersion(item)
      continue
    }
    const name = formatPlatform(platform)
    if (!building.has(name))
      throw new InputError('qemu-version', item, `accepted: platform=query for a platform to build (${[...building].join(', ')})`)
    if (byPlatform.has(name)) throw new InputError('qemu-version', item, `accepted: one query per platform (${name} has one already)`)
    const query = parseQemuQuery(item.slice(at + 1))
    if (!query) throw new InputError('qemu-version', item, `accepted: platform=query, the query one of ${QEMU_QUERIES}`)
    byPlatform.set(name, query)
  }
  return { all: all ?? parseQemuVersion(fallback), byPlatform }
}

export function parseMirror(value: string): string {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.search || url.hash) {
    throw new InputError(
      'qemu-mirror',
      value,
      'accepted: an http:// or https:// Debian archive base URL without credentials or query, such as http://deb.debian.org/debian'
    )
  }
  return url.href.replace(/\/+$/, '')
}

const BINFMT_FLAGS = ['F', 'P', 'C', 'O'] as const

/** Any subset of F, P, C, O, each at most once; returned in that fixed order. */
export function parseBinfmtFlags(value: string): string {
  const chars = [...value.toUpperCase()]
  const ok = chars.every(c => (BINFMT_FLAGS as readonly string[]).includes(c)) && new Set(chars).size === chars.length
  if (!ok) throw new InputError('binfmt-flags', value, 'accepted: any subset of the letters F, P, C, O, each at most once (default FP)')
  return BINFMT_FLAGS.filter(f => chars.includes(f)).join('')
}

/** `provenance`: false, true (= mode=min), mode=min or mode=max. */
export function parseProvenance(value: string): ProvenanceMode {
  if (/^(false|False|FALSE)$/.test(value)) return false
  if (/^(true|True|TRUE)$/.test(value) || value === 'mode=min') return 'min'
  if (value === 'mode=max') return 'max'
  throw new InputError(
    'provenance',
    value,
    'accepted: false (no attestation), true or mode=min (a SLSA provenance attestation per platform, published as an OCI referrer of its image), or mode=max (the same, with the build definition and Dockerfile too)'
  )
}

/** The value of `provenance` as a user writes it: true, mode=max. Pure. */
export function provenanceText(mode: ProvenanceMode): string {
  return mode === false ? 'false' : mode === 'min' ? 'true' : 'mode=max'
}

export function parseBoolean(name: string, value: string): boolean {
  if (/^(true|True|TRUE)$/.test(value)) return true
  if (/^(false|False|FALSE)$/.test(value)) return false
  throw new InputError(name, value, 'accepted: true or false')
}

/**
 * A list input as docker/build-push-action reads it: lines and comma-separated items, with CSV
 * quoting (`"a,b"` is one item); with `ignoreComma`, only lines separate items (a value may hold
 * commas). Items trimmed, empty ones dropped.
 */
export function parseList(input: string, value: string, o: { ignoreComma?: boolean; quote?: boolean } = {}): string[] {
  let records: string[][]
  try {
    records = parseCsv(value, {
      columns: false,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
      quote: o.quote === false ? false : '"'
    }) as string[][]
  } catch (err) {
    throw new InputError(
      input,
      value,
      `accepted: a comma- or newline-separated list, CSV-quoted where an item holds a comma (${errorMessage(err)})`
    )
  }
  // As build-push-action: a record of one field is split at its commas, quoted or not.
  const items = records.flatMap(r => (o.ignoreComma ? [r.join(',')] : r.length === 1 ? r[0].split(',') : r))
  return items.map(i => i.trim()).filter(i => i !== '')
}

/**
 * `verify-arch-ignore`: absolute path globs (`/opt/sdk/**`), newline- or comma-separated; a comma
 * inside braces (`/opt/{a,b}/**`) belongs to its glob.
 */
export function parseArchIgnore(value: string): string[] {
  const items: string[] = []
  let depth = 0
  let item = ''
  for (const ch of value) {
    if (ch === '{') depth++
    else if (ch === '}') depth = Math.max(0, depth - 1)
    if (ch === '\n' || (ch === ',' && depth === 0)) {
      items.push(item)
      item = ''
      depth = 0
    } else item += ch
  }
  items.push(item)
  const globs = items.map(i => i.trim()).filter(i => i !== '')
  const bad = globs.find(g => !validIgnoreGlob(g))
  if (bad !== undefined)
    throw new InputError(
      'verify-arch-ignore',
      bad,
      'accepted: absolute path globs such as /opt/sdk/** (* and ? within a name, ** across names, [...], {a,b}), newline- or comma-separated'
    )
  return globs
}
