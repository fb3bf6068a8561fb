/**
 * Whether one ELF file of another architecture may stay in an image: refused where the platform
 * would run it (or load it) and fail, accepted everywhere else, with the reason either way. The
 * rule follows what the kernel and the dynamic loader execute, not where bytes happen to lie
 * (README, "The architecture check"). Pure.
 *
 * i386 code in an amd64 image and 32-bit ARM code in an arm64 image get no exception: the kernel
 * may run them (multilib), but IA32 emulation may be off and many arm64 CPUs have no AArch32
 * mode, so they are held to the same rule as any other architecture: accepted in their
 * multilib homes (`/usr/lib/i386-linux-gnu`, `/usr/lib32`, ...) and when not executable,
 * refused on PATH, as the entrypoint and in the platform's own library directories.
 */
import { EM, ET } from '../shared/elf.js'

/** What is known of one ELF file whose machine, class, byte order (or ARM ABI) is not the platform's. */
export interface ForeignElf {
  /** Its real absolute path in the image: `/usr/bin/app`. */
  readonly path: string
  /** e_type; undefined when the header is malformed or truncated (then it is held to the rule of a program). */
  readonly type?: number
  readonly machine?: number
  /** Its tar mode's permission bits. */
  readonly mode: number
}

/** What the image itself says runs and loads, with its symbolic links followed. */
export interface ImageContext {
  /** The real path of the program the entrypoint (or, without one, the command) starts, when it is a file of the image. */
  readonly entrypoint?: string
  /** The real paths of the config's PATH directories. */
  readonly pathDirs: ReadonlySet<string>
  /** The real paths of the platform's own library directories (see ownLibraryDirs), searched with what is under them. */
  readonly libraryDirs: readonly string[]
  /** The platform's GNU triplet (`aarch64-linux-gnu`) and Node's name of its architecture (`arm64`). */
  readonly triplet: string
  readonly nodeArch: string
  /** The user's `verify-arch-ignore`: true for a path taken out of the check. */
  readonly ignored: (path: string) => boolean
}

export interface Ruling {
  readonly refused: boolean
  /** Why, in a few words: `a program on PATH`, `test data`. */
  readonly reason: string
}

export const REFUSED = {
  entrypoint: 'the entrypoint',
  path: 'a program on PATH',
  nodeModule: 'a Node native module in build/Release',
  ownPrebuild: "a prebuilt Node module in the platform's own prebuilds directory",
  library: "a library in the platform's library directories",
  executable: 'an executable file'
} as const

export const ACCEPTED = {
  ignored: 'in verify-arch-ignore',
  relocatable: 'a relocatable object',
  bpf: 'an eBPF object',
  notProgram: 'neither program nor library',
  otherArchDir: "in another architecture's directory",
  testdata: 'test data',
  prebuild: 'a prebuilt Node module for another platform',
  notExecutable: 'not executable'
} as const

const refused = (reason: string): Ruling => ({ refused: true, reason })
const accepted = (reason: string): Ruling => ({ refused: false, reason })

/** A GNU triplet as Debian and cross toolchains name directories: `x86_64-linux-gnu`, `arm-linux-gnueabihf`, `aarch64-linux-musl`. */
const TRIPLET = /^[a-z0-9_]+-linux-(gnu|musl)[a-z0-9]*$/
/** Node's prebuilt module folders: `linux-arm64`, `linux-x64-musl`, `linuxmusl-x64`, `darwin-arm64`, `android-arm`. */
const PREBUILD = /^([a-z0-9]+)-([a-z0-9]+)(-[a-z0-9]+)?$/

/** The platform's own library directories and those of its loader, before symbolic links are followed. */
export function ownLibraryDirs(triplet: string, bits: 32 | 64): string[] {
  const dirs = ['/lib', '/usr/lib', '/usr/local/lib', `/lib/${triplet}`, `/usr/lib/${triplet}`]
  return bits === 64 ? [...dirs, '/lib64', '/usr/lib64'] : dirs
}

const under = (path: string, dir: string) => dir === '/' || path.startsWith(`${dir}/`)
const parent = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/'

/**
 * The well-known home of another architecture's files that holds `path`, if any: a directory
 * named after another GNU triplet right under `/usr`, `/usr/lib`, `/lib` or `/usr/local/lib`, a
 * `lib32` or `libx32` directory, `/usr/lib/gcc-cross`, a `testdata` directory, or a Node
 * `prebuilds/<os>-<arch>` directory of another platform.
 */
export function otherArchHome(path: string, triplet: string, nodeArch: string): string | undefined {
  const parts = path.split('/').filter(Boolean)
  const dirs = parts.slice(0, -1)
  for (const base of [['usr'], ['usr', 'lib'], ['lib'], ['usr', 'local', 'lib']]) {
    const t = dirs[base.length]
    if (base.every((b, i) => dirs[i] === b) && t && t !== triplet && TRIPLET.test(t)) return ACCEPTED.otherArchDir
  }
  if (dirs.some(d => d === 'lib32' || d === 'libx32') || path.startsWith('/usr/lib/gcc-cross/')) return ACCEPTED.otherArchDir
  if (dirs.includes('testdata')) return ACCEPTED.testdata
  const prebuild = prebuildOf(path)
  if (prebuild && !isOwn(prebuild, nodeArch)) return ACCEPTED.prebuild
  return undefined
}

/** The `<os>-<arch>` of the `prebuilds/<os>-<arch>/` directory that holds `path`, if any. */
function prebuildOf(path: string): { readonly os: string; readonly arch: string } | undefined {
  const dirs = path.split('/').filter(Boolean).slice(0, -1)
  const at = dirs.indexOf('prebuilds')
  const m = at >= 0 ? PREBUILD.exec(dirs[at + 1] ?? '') : null
  return m ? { os: m[1], arch: m[2] } : undefined
}

/** `prebuilds/linux-<the platform's Node arch>/` (or `linuxmusl-`): what Node's loaders (node-gyp-build) pick on the platform. */
function isOwn(prebuild: { readonly os: string; readonly arch: string }, nodeArch: string): boolean {
  return prebuild.os.startsWith('linux') && prebuild.arch === nodeArch
}

/**
 * The ruling on one ELF file of another architecture, first match wins:
 * `verify-arch-ignore`; the entrypoint (refused, wherever it is); an ELF type the kernel never
 * runs (relocatable objects, eBPF, core dumps: accepted); an executable program or shared object
 * on PATH (refused); a Node native module in `build/Release/` or in the platform's own
 * `prebuilds/linux-<arch>/` (refused); another architecture's home (accepted); a shared object in
 * the platform's own library directories (refused, with or without an exec bit); any other
 * program or shared object with an exec bit (refused); the rest (accepted: not executable).
 */
export function ruleForeignElf(f: ForeignElf, ctx: ImageContext): Ruling {
  if (ctx.ignored(f.path)) return accepted(ACCEPTED.ignored)
  if (f.path === ctx.entrypoint) return refused(REFUSED.entrypoint)
  if (f.machine === EM.BPF) return accepted(ACCEPTED.bpf)
  if (f.type === ET.REL) return accepted(ACCEPTED.relocatable)
  if (f.type !== undefined && f.type !== ET.EXEC && f.type !== ET.DYN) return accepted(ACCEPTED.notProgram)
  const executable = (f.mode & 0o111) !== 0
  if (executable && ctx.pathDirs.has(parent(f.path))) return refused(REFUSED.path)
  if (f.path.endsWith('.node')) {
    if (f.path.includes('/build/Release/')) return refused(REFUSED.nodeModule)
    const prebuild = prebuildOf(f.path)
    if (prebuild && isOwn(prebuild, ctx.nodeArch)) return refused(REFUSED.ownPrebuild)
  }
  const home = otherArchHome(f.path, ctx.triplet, ctx.nodeArch)
  if (home) return accepted(home)
  if (f.type !== ET.EXEC && ctx.libraryDirs.some(d => under(f.path, d))) return refused(REFUSED.library)
  if (executable) return refused(REFUSED.executable)
  return accepted(ACCEPTED.notExecutable)
}
