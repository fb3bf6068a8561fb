/** Container platforms: parsing, printing and matching them, by the table of platform-table.ts. Pure. */
import { type Platform, type PlatformFacts, TABLE } from './platform-table.js'

/** The Debian architecture of a runner Archway runs on. */
export type RunnerArch = 'amd64' | 'arm64'

const BY_ALIAS = new Map<string, PlatformFacts>(TABLE.flatMap(f => f.aliases.map(a => [a, f] as const)))
const BY_KEY = new Map<string, PlatformFacts>(TABLE.map(f => [formatPlatform(f.platform), f]))

/** Every supported platform, in table order (what `all` means). */
export const ALL_PLATFORMS: readonly Platform[] = TABLE.map(f => f.platform)
export const SUPPORTED_PLATFORMS: readonly string[] = ALL_PLATFORMS.map(formatPlatform)

/** How long a CPU-bound step takes under QEMU for the platform, roughly (see PlatformFacts.qemuCost). */
export function qemuCost(p: Platform): number {
  return BY_KEY.get(formatPlatform(p))?.qemuCost ?? 1
}

/** `linux/arm/v7`, `linux/arm64`: the canonical spelling, as buildx and the OCI index use it. */
export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/')
}

/** Platforms as the logs list them: `linux/amd64, linux/arm64`. */
export function formatPlatforms(ps: readonly Platform[]): string {
  return ps.map(formatPlatform).join(', ')
}

/** A platform with dashes for slashes, as docker's documentation names one in a cache scope or a tag: `linux/arm/v7` -> `linux-arm-v7`. */
export function dashedPlatform(p: Platform): string {
  return formatPlatform(p).replace(/\//g, '-')
}

/** Parses one platform (`linux/arm64/v8`, `arm64`, `linux/arm/v7`); undefined when unsupported. */
export function parsePlatform(text: string): Platform | undefined {
  const lower = text.trim().toLowerCase()
  const bare = lower.startsWith('linux/') ? lower.slice('linux/'.length) : lower
  return BY_ALIAS.get(bare)?.platform
}

export class PlatformListError extends Error {
  constructor(readonly value: string) {
    super(`unsupported platform "${value}"`)
  }
}

/**
 * Parses a comma- or newline-separated list, or `all`. Normalised, in the fixed order of
 * SUPPORTED_PLATFORMS, duplicates dropped. Throws PlatformListError naming the first bad item.
 */
export function parsePlatformList(text: string): Platform[] {
  const items = text
    .split(/[,\n]/)
    .map(s => s.trim())
    .filter(s => s !== '')
  if (items.length === 0) throw new PlatformListError(text)
  const wanted = new Set<string>()
  for (const item of items) {
    if (item.toLowerCase() === 'all') {
      for (const k of SUPPORTED_PLATFORMS) wanted.add(k)
      continue
    }
    const p = parsePlatform(item)
    if (!p) throw new PlatformListError(item)
    wanted.add(formatPlatform(p))
  }
  return ALL_PLATFORMS.filter(p => wanted.has(formatPlatform(p)))
}

/** The table's facts of a supported platform. */
export function platformFacts(p: Platform): PlatformFacts {
  const f = BY_KEY.get(formatPlatform(p))
  if (!f) throw new Error(`unsupported platform ${formatPlatform(p)}`)
  return f
}

/** The platform's GNU triplet: `aarch64-linux-gnu` for linux/arm64, `arm-linux-gnueabihf` for linux/arm/v7. */
export function gnuTriplet(p: Platform): string {
  return platformFacts(p).gnu
}

/** The QEMU emulator name for a platform: `aarch64` for linux/arm64, `arm` for both arm variants. */
export function qemuArch(p: Platform): string {
  return platformFacts(p).qemu
}

/** The binfmt_misc magic and mask of an emulator's programs (`aarch64`, `arm`, ...). */
export function binfmtMagic(emulator: string): PlatformFacts['binfmt'] | undefined {
  return TABLE.find(f => f.qemu === emulator)?.binfmt
}

/** The position of a platform in the table's order (the index lists platforms in it). */
export function platformOrder(p: Platform): number {
  return SUPPORTED_PLATFORMS.indexOf(formatPlatform(p))
}

/** Debian architecture of the machine running the action, from Node's `process.arch`. */
export function hostDebianArch(nodeArch: string = process.arch): RunnerArch {
  if (nodeArch === 'x64') return 'amd64'
  if (nodeArch === 'arm64') return 'arm64'
  throw new Error(`Archway runs on amd64 and arm64 hosts; this host is ${nodeArch}`)
}

/**
 * The distinct QEMU emulators the host needs for these platforms: the host's own
 * architecture is native, and so is 386 on an amd64 host.
 */
export function emulatorsNeeded(platforms: readonly Platform[], runnerArch: RunnerArch): string[] {
  const native = runnerArch === 'amd64' ? new Set(['x86_64', 'i386']) : new Set(['aarch64'])
  return [...new Set(platforms.map(qemuArch))].filter(q => !native.has(q))
}

/**
 * Whether a program of a platform (canonically spelled, as platformKey prints it) needs QEMU on
 * this host: a platform of the table when its emulator is not the host's own; another when its
 * architecture is not the host's.
 */
export function needsEmulation(key: string, runnerArch: RunnerArch): boolean {
  const p = parsePlatform(key)
  if (p) return emulatorsNeeded([p], runnerArch).length > 0
  const arch = key.split('/')[1]
  return !(arch === runnerArch || (runnerArch === 'amd64' && arch === '386'))
}

/** The fields of a platform that matching needs; a descriptor's or a config's platform, and Platform, fit. */
export interface PlatformLike {
  readonly os?: string
  readonly architecture?: string
  readonly variant?: string
}

/**
 * The canonical `os/architecture[/variant]` of any platform, normalised as containerd does so
 * that equal platforms compare equal: an alias of the table (`aarch64`, `armhf`, `x86_64`) is its
 * platform, `arm64/v8` is `arm64`, `amd64/v1` is `amd64`, `arm` with no variant is `arm/v7` and
 * `arm/7` is `arm/v7`. Missing fields print as `?`.
 */
export function platformKey(p: PlatformLike): string {
  const os = (p.os ?? '?').toLowerCase()
  let arch = (p.architecture ?? '?').toLowerCase()
  let variant = (p.variant ?? '').toLowerCase()
  const known = BY_ALIAS.get(arch)
  if (known) {
    arch = known.platform.architecture
    if (!variant) variant = known.platform.variant ?? ''
  }
  if (arch === 'arm64' && ['8', 'v8', 'v8.0'].includes(variant)) variant = ''
  if (arch === 'amd64' && ['1', 'v1'].includes(variant)) variant = ''
  if (arch === 'arm' && /^[5-8]$/.test(variant)) variant = `v${variant}`
  return [os, arch, variant].filter(Boolean).join('/')
}
