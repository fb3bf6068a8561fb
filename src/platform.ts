/** Container platforms: parsing, normalising and mapping to QEMU and Debian names. Pure. */

export interface Platform {
  readonly os: 'linux'
  readonly architecture: string
  readonly variant?: string
}

interface PlatformFacts {
  readonly platform: Platform
  /** Name of the QEMU user-mode emulator (`qemu-<name>`) and of its binfmt_misc entry. */
  readonly qemu: string
  /** Debian's name for the architecture. */
  readonly debian: string
  /** Other spellings users write for it (without the `linux/` prefix). */
  readonly aliases: readonly string[]
}

/** Every platform Archway accepts, in the fixed order used for output and for `all`. */
const TABLE: readonly PlatformFacts[] = [
  { platform: { os: 'linux', architecture: 'amd64' }, qemu: 'x86_64', debian: 'amd64', aliases: ['amd64', 'x86_64', 'x86-64'] },
  { platform: { os: 'linux', architecture: 'arm64' }, qemu: 'aarch64', debian: 'arm64', aliases: ['arm64', 'arm64/v8', 'aarch64'] },
  { platform: { os: 'linux', architecture: 'arm', variant: 'v7' }, qemu: 'arm', debian: 'armhf', aliases: ['arm/v7', 'arm', 'armv7', 'armhf'] },
  { platform: { os: 'linux', architecture: 'arm', variant: 'v6' }, qemu: 'arm', debian: 'armel', aliases: ['arm/v6', 'armv6', 'armel'] },
  { platform: { os: 'linux', architecture: '386' }, qemu: 'i386', debian: 'i386', aliases: ['386', 'i386', 'x86'] },
  { platform: { os: 'linux', architecture: 's390x' }, qemu: 's390x', debian: 's390x', aliases: ['s390x'] },
  { platform: { os: 'linux', architecture: 'ppc64le' }, qemu: 'ppc64le', debian: 'ppc64el', aliases: ['ppc64le', 'ppc64el'] },
  { platform: { os: 'linux', architecture: 'riscv64' }, qemu: 'riscv64', debian: 'riscv64', aliases: ['riscv64'] },
  { platform: { os: 'linux', architecture: 'mips64le' }, qemu: 'mips64el', debian: 'mips64el', aliases: ['mips64le', 'mips64el'] },
  { platform: { os: 'linux', architecture: 'loong64' }, qemu: 'loongarch64', debian: 'loong64', aliases: ['loong64', 'loongarch64'] }
]

const BY_ALIAS = new Map<string, PlatformFacts>(TABLE.flatMap(f => f.aliases.map(a => [a, f] as const)))
const BY_KEY = new Map<string, PlatformFacts>(TABLE.map(f => [formatPlatform(f.platform), f]))

export const SUPPORTED_PLATFORMS: readonly string[] = TABLE.map(f => formatPlatform(f.platform))

/** `linux/arm/v7`, `linux/arm64`: the canonical spelling, as buildx and the OCI index use it. */
export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/')
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
  const items = text.split(/[,\n]/).map(s => s.trim()).filter(s => s !== '')
  if (items.length === 0) throw new PlatformListError(text)
  const wanted = new Set<string>()
  for (const item of items) {
    if (item.toLowerCase() === 'all') {
      SUPPORTED_PLATFORMS.forEach(k => wanted.add(k))
      continue
    }
    const p = parsePlatform(item)
    if (!p) throw new PlatformListError(item)
    wanted.add(formatPlatform(p))
  }
  return TABLE.map(f => f.platform).filter(p => wanted.has(formatPlatform(p)))
}

function facts(p: Platform): PlatformFacts {
  const f = BY_KEY.get(formatPlatform(p))
  if (!f) throw new Error(`unsupported platform ${formatPlatform(p)}`)
  return f
}

/** The QEMU emulator name for a platform: `aarch64` for linux/arm64, `arm` for both arm variants. */
export function qemuArch(p: Platform): string {
  return facts(p).qemu
}

export function debianArch(p: Platform): string {
  return facts(p).debian
}

/** Debian architecture of the machine running the action, from Node's `process.arch`. */
export function hostDebianArch(nodeArch: string = process.arch): 'amd64' | 'arm64' {
  if (nodeArch === 'x64') return 'amd64'
  if (nodeArch === 'arm64') return 'arm64'
  throw new Error(`Archway runs on amd64 and arm64 hosts; this host is ${nodeArch}`)
}

/**
 * The distinct QEMU emulators the host needs for these platforms: the host's own
 * architecture is native, and so is 386 on an amd64 host.
 */
export function emulatorsNeeded(platforms: readonly Platform[], host: 'amd64' | 'arm64'): string[] {
  const native = host === 'amd64' ? new Set(['x86_64', 'i386']) : new Set(['aarch64'])
  return [...new Set(platforms.map(qemuArch))].filter(q => !native.has(q))
}

/** Every supported platform, in table order (what `all` means). */
export const ALL_PLATFORMS: readonly Platform[] = TABLE.map(f => f.platform)
