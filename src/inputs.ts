/** Inputs: read once, validated once. Nothing else reads `INPUT_*`. */
import * as core from '@actions/core'
import { InputError } from './errors.js'
import { type Platform, parsePlatformList, PlatformListError, SUPPORTED_PLATFORMS } from './platform.js'
import { type QemuQuery, parseQemuQuery } from './qemu/query.js'

export interface Inputs {
  readonly platforms: readonly Platform[]
  readonly qemuVersion: QemuQuery
  readonly qemuMirror: string
  readonly binfmtFlags: string
  readonly cache: boolean
}

export const DEFAULTS = {
  platforms: 'all',
  qemuVersion: 'stable',
  qemuMirror: 'http://deb.debian.org/debian',
  binfmtFlags: 'F',
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
  return {
    platforms: parsePlatforms(get('platforms', DEFAULTS.platforms)),
    qemuVersion: parseQemuVersion(get('qemu-version', DEFAULTS.qemuVersion)),
    qemuMirror: parseMirror(get('qemu-mirror', DEFAULTS.qemuMirror)),
    binfmtFlags: parseBinfmtFlags(get('binfmt-flags', DEFAULTS.binfmtFlags)),
    cache: parseBoolean('cache', get('cache', DEFAULTS.cache))
  }
}

export function parsePlatforms(value: string): Platform[] {
  try {
    return parsePlatformList(value)
  } catch (err) {
    if (!(err instanceof PlatformListError)) throw err
    throw new InputError('platforms', err.value, `accepted: ${SUPPORTED_PLATFORMS.join(', ')}, their bare forms (arm64), or all; comma- or newline-separated`)
  }
}

export function parseQemuVersion(value: string): QemuQuery {
  const q = parseQemuQuery(value)
  if (!q) {
    throw new InputError('qemu-version', value, 'accepted: stable, latest, a QEMU version or semver range (11.1, 10.0, 7.2, >=10), or an exact Debian package version (1:11.1.3+ds-1)')
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
    throw new InputError('qemu-mirror', value, 'accepted: an http:// or https:// Debian archive base URL without credentials or query, such as http://deb.debian.org/debian')
  }
  return url.href.replace(/\/+$/, '')
}

const BINFMT_FLAGS = ['F', 'P', 'C', 'O'] as const

/** Any subset of F, P, C, O, each at most once; returned in that fixed order. */
export function parseBinfmtFlags(value: string): string {
  const chars = [...value.toUpperCase()]
  const ok = chars.every(c => (BINFMT_FLAGS as readonly string[]).includes(c)) && new Set(chars).size === chars.length
  if (!ok) throw new InputError('binfmt-flags', value, 'accepted: any subset of the letters F, P, C, O, each at most once (default F)')
  return BINFMT_FLAGS.filter(f => chars.includes(f)).join('')
}

export function parseBoolean(name: string, value: string): boolean {
  if (/^(true|True|TRUE)$/.test(value)) return true
  if (/^(false|False|FALSE)$/.test(value)) return false
  throw new InputError(name, value, 'accepted: true or false')
}
