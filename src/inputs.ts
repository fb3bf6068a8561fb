/** Inputs: read once, validated once. Nothing else reads `INPUT_*`. */

import { existsSync, statSync } from 'node:fs'
import * as core from '@actions/core'
import { InputError } from './errors.js'
import { formatPlatform, type Platform, PlatformListError, parsePlatformList, SUPPORTED_PLATFORMS } from './platform.js'
import { parseQemuQuery, type QemuQuery } from './qemu/query.js'
import { type ImageReference, ImageReferenceError, parseReference } from './registry/reference.js'

export interface Inputs {
  readonly platforms: readonly Platform[]
  readonly qemuVersion: QemuQuery
  readonly qemuMirror: string
  readonly binfmtFlags: string
  readonly cache: boolean
  /** Present when `image` is given: build, test, verify and (with `push`) publish. */
  readonly build?: BuildInputs
}

export type KeyValue = readonly [string, string]

/** What `provenance` asks buildx for: no attestation, or a provenance attestation in its `min` or `max` mode. */
export type ProvenanceMode = false | 'min' | 'max'

export interface BuildInputs {
  /** The image's name, without tag or digest. */
  readonly image: ImageReference
  /** Where the index goes: one reference with a tag for each entry of `tags`. */
  readonly tags: readonly ImageReference[]
  readonly context: string
  readonly file?: string
  readonly buildArgs: readonly KeyValue[]
  readonly target?: string
  readonly labels: readonly KeyValue[]
  readonly annotations: readonly KeyValue[]
  readonly test?: string
  readonly push: boolean
  readonly credentials?: { readonly username: string; readonly password: string }
  readonly verifyArch: boolean
  /** `provenance`: buildx's SLSA provenance mode, or false for none (the default). */
  readonly provenance: ProvenanceMode
  readonly builder?: string
  /** `build`: this job's share of `platforms`, in a matrix of jobs; absent when it builds them all. */
  readonly share?: readonly Platform[]
  /**
   * `auto`: publish the index once every platform is there; `stage`: a matrix job that only
   * stages its share, for a separate `merge` job, which builds nothing and publishes what the
   * run's jobs staged.
   */
  readonly mode: 'auto' | 'stage' | 'merge'
}

export const DEFAULTS = {
  platforms: 'all',
  qemuVersion: 'stable',
  qemuMirror: 'http://deb.debian.org/debian',
  binfmtFlags: 'FP',
  cache: 'true'
} as const

export type InputReader = (name: string) => string

const readInput: InputReader = name => core.getInput(name)

/** Reads and validates every input; throws InputError on the first bad one. */
export function getInputs(read: InputReader = readInput): Inputs {
  const get = (name: string, fallback: string): string => {
    const v = read(name).trim()
    return v === '' ? fallback : v
  }
  // The password is masked before anything else can print it.
  const password = read('password')
  if (password) core.setSecret(password)
  const platforms = parsePlatforms(get('platforms', DEFAULTS.platforms))
  return {
    platforms,
    qemuVersion: parseQemuVersion(get('qemu-version', DEFAULTS.qemuVersion)),
    qemuMirror: parseMirror(get('qemu-mirror', DEFAULTS.qemuMirror)),
    binfmtFlags: parseBinfmtFlags(get('binfmt-flags', DEFAULTS.binfmtFlags)),
    cache: parseBoolean('cache', get('cache', DEFAULTS.cache)),
    ...buildInputs(get, password, platforms)
  }
}

/** What the post step needs again: the image and the credentials (never kept in state). */
export function getCredentials(read: InputReader = readInput): Pick<BuildInputs, 'image' | 'credentials'> {
  const password = read('password')
  if (password) core.setSecret(password)
  const username = read('username').trim()
  return { image: parseImage(read('image').trim()), credentials: username && password ? { username, password } : undefined }
}

/**
 * The inputs that only mean something with `image`, and their action.yml defaults. GitHub's
 * runner passes every input, its default when the workflow gives none, so an input counts as
 * given only when it differs from its default.
 */
const BUILD_ONLY: Readonly<Record<string, string>> = {
  tags: 'latest',
  file: '',
  'build-args': '',
  target: '',
  labels: '',
  annotations: '',
  test: '',
  username: '',
  password: '',
  builder: '',
  build: '',
  mode: 'auto'
}

function buildInputs(
  get: (name: string, fallback: string) => string,
  password: string,
  platforms: readonly Platform[]
): { build?: BuildInputs } {
  const imageText = get('image', '')
  const push = parseBoolean('push', get('push', 'false'))
  const verifyArch = parseBoolean('verify-arch', get('verify-arch', 'true'))
  const provenance = parseProvenance(get('provenance', 'false'))
  if (imageText === '') {
    const stray =
      Object.keys(BUILD_ONLY).find(name => get(name, BUILD_ONLY[name]) !== BUILD_ONLY[name]) ??
      (push ? 'push' : provenance ? 'provenance' : undefined)
    if (stray)
      throw new InputError('image', '', `accepted: an image name such as ghcr.io/acme/app; it is required when "${stray}" is given`)
    return {}
  }
  const image = parseImage(imageText)
  const username = get('username', '')
  if ((username === '') !== (password === '')) {
    throw new InputError(
      username ? 'password' : 'username',
      '',
      'accepted: username and password given together, or neither (then the docker config credentials are used)'
    )
  }
  return {
    build: {
      image,
      tags: parseTags(get('tags', BUILD_ONLY.tags), image),
      context: parseContext(get('context', '.')),
      file: optional(get('file', ''), parseFile),
      buildArgs: parseKeyValues('build-args', get('build-args', '')),
      target: optional(get('target', ''), v => parseName('target', v)),
      labels: parseKeyValues('labels', get('labels', '')),
      annotations: parseKeyValues('annotations', get('annotations', ''), /^index:/),
      test: optional(get('test', ''), v => v),
      push,
      credentials: username ? { username, password } : undefined,
      verifyArch,
      provenance,
      builder: optional(get('builder', ''), v => parseName('builder', v)),
      ...shareAndMode(get('build', ''), get('mode', BUILD_ONLY.mode), platforms)
    }
  }
}

/** `build` must be a share of `platforms`; `mode: merge` builds nothing, so it takes no share. */
function shareAndMode(buildText: string, modeText: string, platforms: readonly Platform[]): Pick<BuildInputs, 'share' | 'mode'> {
  if (modeText !== 'auto' && modeText !== 'stage' && modeText !== 'merge') {
    throw new InputError(
      'mode',
      modeText,
      "accepted: auto (publish once every platform is there), stage (only stage this job's share, for a merge job) or merge (publish what the run staged)"
    )
  }
  const mode = modeText
  if (mode === 'stage' && buildText === '')
    throw new InputError('build', '', "accepted: this job's share of platforms; mode: stage needs it")
  if (buildText === '') return { mode }
  if (mode === 'merge') throw new InputError('build', buildText, 'accepted: nothing with mode: merge, which builds no platform')
  let share: Platform[]
  try {
    share = parsePlatformList(buildText)
  } catch {
    share = []
  }
  const all = new Set(platforms.map(formatPlatform))
  const outside = share.map(formatPlatform).filter(p => !all.has(p))
  if (share.length === 0 || outside.length > 0) {
    throw new InputError(
      'build',
      buildText,
      `accepted: this job's share of platforms (${[...all].join(', ')}), such as \${{ matrix.platform }}`
    )
  }
  return { share, mode }
}

function optional<T>(value: string, parse: (v: string) => T): T | undefined {
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

function parseContext(value: string): string {
  if (/^(https?|git):\/\/|^git@/.test(value)) return value
  if (!existsSync(value) || !statSync(value).isDirectory())
    throw new InputError('context', value, 'accepted: a directory that exists (relative to the workspace) or a Git URL')
  return value
}

function parseFile(value: string): string {
  if (!existsSync(value) || !statSync(value).isFile()) throw new InputError('file', value, 'accepted: the path of a Dockerfile that exists')
  return value
}

function parseName(input: string, value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value))
    throw new InputError(input, value, 'accepted: a name of letters, digits, ".", "_" and "-"')
  return value
}

/** `KEY=VALUE` lines (values may hold commas and `=`); `prefix`, where given, may lead a line and is dropped. */
export function parseKeyValues(input: string, value: string, prefix?: RegExp): KeyValue[] {
  return value
    .split('\n')
    .map(l => l.trim())
    .filter(l => l !== '')
    .map(line => {
      const text = prefix ? line.replace(prefix, '') : line
      const at = text.indexOf('=')
      if (at <= 0 || /\s/.test(text.slice(0, at))) throw new InputError(input, line, 'accepted: KEY=VALUE lines, one per line')
      return [text.slice(0, at), text.slice(at + 1)] as const
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

export function parseQemuVersion(value: string): QemuQuery {
  const q = parseQemuQuery(value)
  if (!q) {
    throw new InputError(
      'qemu-version',
      value,
      'accepted: stable, latest, a QEMU version or semver range (11.1, 10.0, 7.2, >=10), or an exact Debian package version (1:11.1.3+ds-1)'
    )
  }
  return q
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
