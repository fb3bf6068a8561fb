/** Download a resolved QEMU package, verify it, and put its static emulators in the tool cache. */
import { createHash } from 'node:crypto'
import { chmod, copyFile, lstat, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { settleAll } from '../../shared/concurrency.js'
import { sha256Hex } from '../../shared/digest.js'
import { parseElf } from '../../shared/elf.js'
import { VerificationError } from '../../shared/errors.js'
import type { HashedFile } from '../../shared/hashed-read.js'
import { type Fetcher, fetchHashed } from './archive.js'
import { extractFromDeb, readMd5sums } from './deb.js'
import type { QemuPackage } from './resolve.js'
import { commit, evict, type Installed, lookup, qemuRoot } from './toolcache.js'

/** Where each emulator sits inside the package, by layout. */
export function packagePath(pkg: Pick<QemuPackage, 'layout'>, emulator: string): string {
  return pkg.layout === 'static-suffix' ? `./usr/bin/qemu-${emulator}-static` : `./usr/bin/qemu-${emulator}`
}

/** A path in the .deb's data as its md5sums names it: `./usr/bin/qemu-arm` -> `usr/bin/qemu-arm`. */
export const md5sumsName = (path: string): string => path.replace(/^\.\//, '')

export interface InstallOptions {
  readonly mirror: string
  readonly toolCache: string
  readonly runnerArch: string
  /** Every emulator this host can use: what the manifest records the package as holding, and what a kept folder may give. */
  readonly emulators: readonly string[]
  /** The emulators this run needs: those unpacked from the .deb (the others are added by the jobs that need them). */
  readonly needed: readonly string[]
  readonly fetch: Fetcher
  /** Where the .deb is read from when not the mirror it is recorded as coming from: the Debian files kept in an Actions cache entry. */
  readonly from?: string
  /**
   * A folder of emulators (`qemu-<arch>`) kept beside that .deb: each is taken when the MD5 the
   * verified .deb's `md5sums` gives its path matches, instead of unpacking the .deb again.
   */
  readonly keptEmulators?: string
  /** The .deb at `url`, already being read and hashed (a restore starts it beside the index's check). */
  readonly deb?: { readonly url: string; readonly read: Promise<HashedFile> }
}

/** What an install did: the entry, and which of its emulators were unpacked from the .deb and which taken from a kept folder. */
export interface Install {
  readonly installed: Installed
  readonly unpacked: readonly string[]
  readonly taken: readonly string[]
}

/**
 * The package's emulators in the tool cache: the entry there when it holds this .deb's binaries
 * (those in `needed` checked against its manifest), the needed ones it lacks added to it, else
 * installed afresh in place of any other.
 */
export async function ensureInstalled(pkg: QemuPackage, o: InstallOptions): Promise<Install & { readonly reused: boolean }> {
  const existing = await lookup(o.toolCache, pkg.debianVersion, o.runnerArch, o.needed)
  const same = (existing.state === 'ok' || existing.state === 'partial') && existing.installed.debSha256 === pkg.sha256
  if (same && existing.state === 'ok') return { installed: existing.installed, unpacked: [], taken: [], reused: true }
  // Another build of the version (another mirror, a binNMU), or binaries that no longer match: replaced.
  if (!same && existing.state !== 'missing') await evict(o.toolCache, pkg.debianVersion, o.runnerArch)
  return { ...(await install(pkg, o, same ? existing.installed : undefined)), reused: false }
}

/**
 * Installs the package's emulators: the needed ones, from the kept folder where it keeps them, else
 * unpacked from the .deb; into an entry of the same .deb (`into`), those of them it lacks. A
 * package without md5sums does not say what it holds short of unpacking it: every emulator of
 * `emulators` is unpacked.
 */
export async function install(pkg: QemuPackage, o: InstallOptions, into?: Installed): Promise<Install> {
  const url = `${o.from ?? o.mirror}/${pkg.filename}`
  // Staged inside the tool cache's own folder, so the final rename stays on one file system.
  await mkdir(qemuRoot(o.toolCache), { recursive: true })
  const work = await mkdtemp(join(qemuRoot(o.toolCache), '.work-'))
  try {
    const what = `${pkg.package} ${pkg.debianVersion}`
    const { bytes: deb, sha256: debSha256 } = await (o.deb?.url === url ? o.deb.read : fetchHashed(o.fetch, url, what))
    if (debSha256 !== pkg.sha256 || deb.length !== pkg.size) {
      throw new VerificationError(
        `${url} has SHA-256 ${debSha256} (${deb.length} bytes), but the signed Packages index says ${pkg.sha256} (${pkg.size} bytes); nothing was kept`
      )
    }
    const unpackedDir = join(work, 'unpacked')
    const staged = join(work, 'staged')
    await mkdir(unpackedDir)
    await mkdir(staged)
    const sums = await readMd5sums(deb, work)
    const holds = sums.size > 0 ? o.emulators.filter(e => sums.has(md5sumsName(packagePath(pkg, e)))) : undefined
    const absent = (e: string) => !(into && e in into.binaries)
    const wanted = holds ? o.needed.filter(e => holds.includes(e) && absent(e)) : o.emulators
    const paths = wanted.map(e => packagePath(pkg, e))
    const kept = holds && o.keptEmulators ? await takeKept(sums, paths, o.keptEmulators, unpackedDir) : new Map<string, string>()
    const toUnpack = paths.filter(path => !kept.has(path))
    const unpacked = toUnpack.length > 0 ? await extractFromDeb(deb, toUnpack, unpackedDir, work) : []
    const staging = o.emulators
      .filter(e => kept.has(packagePath(pkg, e)) || unpacked.includes(packagePath(pkg, e)))
      .map(async e => {
        const from = packagePath(pkg, e)
        const data = await readFile(join(unpackedDir, from))
        // A kept emulator's bytes, as installed, must have the MD5 the .deb's md5sums give its path.
        const md5 = kept.get(from)
        const actual = md5 && createHash('md5').update(data).digest('hex')
        if (md5 && actual !== md5)
          throw new VerificationError(`the kept qemu-${e} has MD5 ${actual}, but the md5sums of the verified .deb give ${from} ${md5}`)
        const elf = parseElf(data.subarray(0, 64 * 1024))
        if (!elf || elf.dynamic)
          throw new VerificationError(
            `${from} in ${url} is not a statically linked ELF program; it cannot serve as a binfmt_misc interpreter for containers`
          )
        const to = join(staged, `qemu-${e}`)
        await rename(join(unpackedDir, from), to)
        await chmod(to, 0o755)
        return [e, sha256Hex(data)] as const
      })
    const binaries: Record<string, string> = Object.fromEntries(await settleAll(staging))
    const manifest = { ...pkg, debSha256, url: `${o.mirror}/${pkg.filename}`, binaries, ...(holds ? { holds } : {}) }
    const installed = await commit(staged, o.toolCache, manifest, o.runnerArch, into)
    const name = (path: string) => basename(path).replace(/^qemu-|-static$/g, '')
    return { installed, unpacked: unpacked.map(name), taken: [...kept.keys()].map(name) }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/**
 * The wanted files of a verified .deb that `keptDir` keeps (by file name), moved into `dest` at
 * their package paths, each with the MD5 `sums` (the .deb's md5sums) give it, which the installer
 * checks against the bytes it installs: unpacking Debian's 450 MiB data.tar.xz for a few
 * emulators takes seconds, an MD5 of each a few milliseconds. A wanted file not kept is left to
 * the caller to unpack; a kept file that is not a regular file is refused.
 */
export async function takeKept(
  sums: ReadonlyMap<string, string>,
  wanted: readonly string[],
  keptDir: string,
  dest: string
): Promise<Map<string, string>> {
  const taken = new Map<string, string>()
  for (const path of wanted) {
    const sum = sums.get(md5sumsName(path))
    if (!sum) continue // the package has no such file
    const s = await lstat(join(keptDir, basename(path))).catch(() => undefined)
    if (!s) continue
    if (!s.isFile()) throw new VerificationError(`the kept ${basename(path)} is not a regular file`)
    taken.set(path, sum)
  }
  for (const path of taken.keys()) {
    await mkdir(join(dest, dirname(path)), { recursive: true })
    const [from, to] = [join(keptDir, basename(path)), join(dest, path)]
    await rename(from, to).catch(() => copyFile(from, to))
  }
  return taken
}
