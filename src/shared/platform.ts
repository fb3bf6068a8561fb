/** Container platforms: one table of what Archway knows of each, and parsing, printing and matching them. Pure. */
import { EM } from './elf.js'

/** An OCI platform object (`os`, `architecture`, `variant`), as image configs and index descriptors carry it. */
export interface Platform {
  readonly os: 'linux'
  readonly architecture: string
  readonly variant?: string
}

/** What a platform's programs are: ELF machine, class and byte order. */
export interface ElfTarget {
  readonly machine: number
  readonly bits: 32 | 64
  readonly endian: 'little' | 'big'
}

/** Everything Archway knows of one platform. */
export interface PlatformFacts {
  readonly platform: Platform
  /** Other spellings users write for it (without the `linux/` prefix). */
  readonly aliases: readonly string[]
  /** Name of the QEMU user-mode emulator (`qemu-<name>`) and of its binfmt_misc entry. */
  readonly qemu: string
  /** Debian's name for the architecture. */
  readonly debian: string
  /** Its GNU triplet: Debian's multiarch library directories (`/usr/lib/<gnu>`) and cross toolchains (`/usr/<gnu>`) are named after it. */
  readonly gnu: string
  /** Node's `process.arch` on it: prebuilt native modules live in `prebuilds/linux-<node>/`. */
  readonly node: string
  readonly elf: ElfTarget
  /** binfmt_misc magic and mask over the first 20 bytes of an ELF file (ident, e_type, e_machine), in hex. */
  readonly binfmt: { readonly magic: string; readonly mask: string }
  /** In the reusable workflow with `native-arm`: runs on an arm64 runner (arm/v7 there under qemu-arm, as an arm64 CPU may lack the 32-bit mode). */
  readonly armRunner: boolean
  /**
   * Seconds a busybox `sha256sum` of 96 MiB takes under QEMU 10.0 beyond native, on an amd64
   * host of these machines: builds side by side start slowest first. amd64 and 386, emulated
   * only on another host, were not measured (1).
   */
  readonly qemuCost: number
}

const LE64 = { bits: 64, endian: 'little' } as const
const LE32 = { bits: 32, endian: 'little' } as const
/** The mask of the common 64-bit little-endian entries: any ABI version, ET_EXEC or ET_DYN. */
const MASK = 'ffffffffffffff00fffffffffffffffffeffffff'
const X86_MASK = 'fffffffffffefefcfffffffffffffffffeffffff'

/** Every platform Archway accepts, in the fixed order used for output, for `all` and in the index. */
const TABLE: readonly PlatformFacts[] = [
  {
    platform: { os: 'linux', architecture: 'amd64' },
    aliases: ['amd64', 'x86_64', 'x86-64'],
    qemu: 'x86_64',
    debian: 'amd64',
    gnu: 'x86_64-linux-gnu',
    node: 'x64',
    elf: { machine: EM.X86_64, ...LE64 },
    binfmt: { magic: '7f454c4602010100000000000000000002003e00', mask: X86_MASK },
    armRunner: false,
    qemuCost: 1
  },
  {
    platform: { os: 'linux', architecture: 'arm64' },
    aliases: ['arm64', 'arm64/v8', 'aarch64'],
    qemu: 'aarch64',
    debian: 'arm64',
    gnu: 'aarch64-linux-gnu',
    node: 'arm64',
    elf: { machine: EM.AARCH64, ...LE64 },
    binfmt: { magic: '7f454c460201010000000000000000000200b700', mask: MASK },
    armRunner: true,
    qemuCost: 0.7
  },
  {
    platform: { os: 'linux', architecture: 'arm', variant: 'v7' },
    aliases: ['arm/v7', 'arm', 'armv7', 'armhf'],
    qemu: 'arm',
    debian: 'armhf',
    gnu: 'arm-linux-gnueabihf',
    node: 'arm',
    elf: { machine: EM.ARM, ...LE32 },
    binfmt: { magic: '7f454c4601010100000000000000000002002800', mask: MASK },
    armRunner: true,
    qemuCost: 0.6
  },
  {
    platform: { os: 'linux', architecture: 'arm', variant: 'v6' },
    aliases: ['arm/v6', 'armv6', 'armel'],
    qemu: 'arm',
    debian: 'armel',
    gnu: 'arm-linux-gnueabi',
    node: 'arm',
    elf: { machine: EM.ARM, ...LE32 },
    binfmt: { magic: '7f454c4601010100000000000000000002002800', mask: MASK },
    armRunner: false,
    qemuCost: 2.1
  },
  {
    platform: { os: 'linux', architecture: '386' },
    aliases: ['386', 'i386', 'x86'],
    qemu: 'i386',
    debian: 'i386',
    gnu: 'i386-linux-gnu',
    node: 'ia32',
    elf: { machine: EM.I386, ...LE32 },
    binfmt: { magic: '7f454c4601010100000000000000000002000300', mask: X86_MASK },
    armRunner: false,
    qemuCost: 1
  },
  {
    platform: { os: 'linux', architecture: 's390x' },
    aliases: ['s390x'],
    qemu: 's390x',
    debian: 's390x',
    gnu: 's390x-linux-gnu',
    node: 's390x',
    elf: { machine: EM.S390, bits: 64, endian: 'big' },
    binfmt: { magic: '7f454c4602020100000000000000000000020016', mask: 'fffffffffffffffcfffffffffffffffffffeffff' },
    armRunner: false,
    qemuCost: 2.4
  },
  {
    platform: { os: 'linux', architecture: 'ppc64le' },
    aliases: ['ppc64le', 'ppc64el'],
    qemu: 'ppc64le',
    debian: 'ppc64el',
    gnu: 'powerpc64le-linux-gnu',
    node: 'ppc64',
    elf: { machine: EM.PPC64, ...LE64 },
    binfmt: { magic: '7f454c4602010100000000000000000002001500', mask: 'fffffffffffffffcfffffffffffffffffeffff00' },
    armRunner: false,
    qemuCost: 1.1
  },
  {
    platform: { os: 'linux', architecture: 'riscv64' },
    aliases: ['riscv64'],
    qemu: 'riscv64',
    debian: 'riscv64',
    gnu: 'riscv64-linux-gnu',
    node: 'riscv64',
    elf: { machine: EM.RISCV, ...LE64 },
    binfmt: { magic: '7f454c460201010000000000000000000200f300', mask: MASK },
    armRunner: false,
    qemuCost: 2.5
  },
  {
    platform: { os: 'linux', architecture: 'mips64le' },
    aliases: ['mips64le', 'mips64el'],
    qemu: 'mips64el',
    debian: 'mips64el',
    gnu: 'mips64el-linux-gnuabi64',
    node: 'mips64el',
    elf: { machine: EM.MIPS, ...LE64 },
    binfmt: { magic: '7f454c4602010100000000000000000002000800', mask: 'ffffffffffffff0000fffffffffffffffeffffff' },
    armRunner: false,
    qemuCost: 0.7
  },
  {
    platform: { os: 'linux', architecture: 'loong64' },
    aliases: ['loong64', 'loongarch64'],
    qemu: 'loongarch64',
    debian: 'loong64',
    gnu: 'loongarch64-linux-gnu',
    node: 'loong64',
    elf: { machine: EM.LOONGARCH, ...LE64 },
    binfmt: { magic: '7f454c4602010100000000000000000002000201', mask: 'fffffffffffffffc00fffffffffffffffeffffff' },
    armRunner: false,
    qemuCost: 0.4
  }
]

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

/**
 * Whether a program of a platform (canonically spelled, as platformKey prints it) needs QEMU on
 * this host: a platform of the table when its emulator is not the host's own; another when its
 * architecture is not the host's.
 */
export function needsEmulation(key: string, host: 'amd64' | 'arm64'): boolean {
  const p = parsePlatform(key)
  if (p) return emulatorsNeeded([p], host).length > 0
  const arch = key.split('/')[1]
  return !(arch === host || (host === 'amd64' && arch === '386'))
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
