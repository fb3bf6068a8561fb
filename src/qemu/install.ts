/** Download a resolved QEMU package, verify it, and put its static emulators in the tool cache. */
import { createHash } from 'node:crypto'
import { chmod, copyFile, lstat, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { sha256Hex as sha256 } from '../digest.js'
import { parseElf } from '../elf.js'
import { VerificationError } from '../errors.js'
import { type Fetcher, fetchOrExplain } from './archive.js'
import { extractFromDeb, readMd5sums } from './deb.js'
import type { QemuPackage } from './resolve.js'
import { commit, evict, type Installed, lookup, qemuRoot } from './toolcache.js'

/** Where each emulator sits inside the package, by layout. */
export function packagePath(pkg: Pick<QemuPackage, 'layout'>, emulator: string): string {
  return pkg.layout === 'static-suffix' ? `./usr/bin/qemu-${emulator}-static` : `./usr/bin/qemu-${emulator}`
}

export interface InstallOptions {
  readonly mirror: string
  readonly toolCache: string
  readonly host: string
  /** Every emulator this host can use; the cache holds them all, whatever one run asks for. */
  readonly emulators: readonly string[]
  readonly fetch: Fetcher
  /** Where the .deb is read from when not the mirror it is recorded as coming from: the Debian files kept in an Actions cache entry. */
  readonly from?: string
  /**
   * A folder of emulators (`qemu-<arch>`) kept beside that .deb: each is taken when the MD5 the
   * verified .deb's `md5sums` gives its path matches, instead of unpacking the .deb again.
   */
  readonly keptEmulators?: string
}

/**
 * The package's emulators in the tool cache: the entry there when it holds this .deb's binaries
 * (those in `needed` checked against its manifest), else installed afresh in place of any other.
 */
export async function ensureInstalled(
  pkg: QemuPackage,
  o: InstallOptions & { readonly needed: readonly string[] }
): Promise<{ readonly installed: Installed; readonly reused: boolean; readonly tookKept?: boolean }> {
  const existing = await lookup(o.toolCache, pkg.debianVersion, o.host, o.needed)
  if (existing.state === 'ok' && existing.installed.debSha256 === pkg.sha256) return { installed: existing.installed, reused: true }
  // Another build of the version (another mirror, a binNMU), or binaries that no longer match: replaced.
  if (existing.state !== 'missing') await evict(o.toolCache, pkg.debianVersion, o.host)
  return { ...(await install(pkg, o)), reused: false }
}

/** Installs the package's emulators; `tookKept`: they were the kept ones (keptEmulators), not unpacked from the .deb. */
export async function install(pkg: QemuPackage, o: InstallOptions): Promise<{ readonly installed: Installed; readonly tookKept: boolean }> {
  const url = `${o.from ?? o.mirror}/${pkg.filename}`
  // Staged inside the tool cache's own folder, so the final rename stays on one file system.
  await mkdir(qemuRoot(o.toolCache), { recursive: true })
  const work = await mkdtemp(join(qemuRoot(o.toolCache), '.work-'))
  try {
    const debFile = await fetchOrExplain(o.fetch, url, `${pkg.package} ${pkg.debianVersion}`)
    const deb = await readFile(debFile)
    await rm(debFile, { force: true })
    const debSha256 = sha256(deb)
    if (debSha256 !== pkg.sha256 || deb.length !== pkg.size) {
      throw new VerificationError(
        `${url} has SHA-256 ${debSha256} (${deb.length} bytes), but the signed Packages index says ${pkg.sha256} (${pkg.size} bytes); nothing was kept`
      )
    }
    const unpacked = join(work, 'unpacked')
    const staged = join(work, 'staged')
    await mkdir(unpacked)
    await mkdir(staged)
    const wanted = o.emulators.map(e => packagePath(pkg, e))
    const kept = o.keptEmulators ? await takeKept(deb, wanted, o.keptEmulators, unpacked, work) : undefined
    const got = kept ?? new Map((await extractFromDeb(deb, wanted, unpacked, work)).map(path => [path, undefined]))
    const binaries: Record<string, string> = {}
    for (const e of o.emulators) {
      const from = packagePath(pkg, e)
      if (!got.has(from)) continue
      const data = await readFile(join(unpacked, from))
      // A kept emulator's bytes, as installed, must have the MD5 the .deb's md5sums give its path.
      const md5 = got.get(from)
      const actual = md5 && createHash('md5').update(data).digest('hex')
      if (md5 && actual !== md5)
        throw new VerificationError(`the kept qemu-${e} has MD5 ${actual}, but the md5sums of the verified .deb give ${from} ${md5}`)
      const elf = parseElf(data.subarray(0, 64 * 1024))
      if (!elf || elf.dynamic)
        throw new VerificationError(
          `${from} in ${url} is not a statically linked ELF program; it cannot serve as a binfmt_misc interpreter for containers`
        )
      const to = join(staged, `qemu-${e}`)
      await rename(join(unpacked, from), to)
      await chmod(to, 0o755)
      binaries[e] = sha256(data)
    }
    const installed = await commit(staged, o.toolCache, { ...pkg, debSha256, url: `${o.mirror}/${pkg.filename}`, binaries }, o.host)
    return { installed, tookKept: kept !== undefined }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/**
 * The wanted files of a verified .deb, moved from `keptDir` (by file name) into `dest` at their
 * package paths, each with the MD5 the .deb's `md5sums` gives it, which the installer checks
 * against the bytes it installs: unpacking Debian's 450 MiB data.tar.xz for a few emulators
 * takes seconds, an MD5 of each a few milliseconds. Undefined, and nothing taken, when the
 * package has no md5sums or a wanted file it holds was not kept: the caller unpacks the .deb.
 * A kept file that is not a regular file is refused.
 */
export async function takeKept(
  deb: Buffer,
  wanted: readonly string[],
  keptDir: string,
  dest: string,
  scratch: string
): Promise<Map<string, string> | undefined> {
  const sums = await readMd5sums(deb, scratch)
  if (sums.size === 0) return undefined
  const taken = new Map<string, string>()
  for (const path of wanted) {
    const sum = sums.get(path.replace(/^\.\//, ''))
    if (!sum) continue // the package has no such file
    const s = await lstat(join(keptDir, basename(path))).catch(() => undefined)
    if (!s) return undefined
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
