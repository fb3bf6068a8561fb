/** The platforms Archway knows: the Platform type, and one table of what Archway knows of each. Data only. */
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
export const TABLE: readonly PlatformFacts[] = [
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
