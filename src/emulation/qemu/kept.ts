/**
 * The Debian files a QEMU came from, kept at their archive paths in a folder of their own (a
 * mirror of one suite's InRelease and Packages index, and the .deb): what an Actions cache entry
 * holds, so that a restored QEMU is checked along the same chain as a download.
 */
import { constants } from 'node:fs'
import { copyFile, link, lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { errorMessage, VerificationError } from '../../shared/errors.js'
import { runnerTemp } from '../../shared/runner-temp.js'
import { type ArchiveOptions, type Fetcher, readSuite, unpackIndex } from './archive.js'
import { extractFromDeb, readMd5sums } from './deb.js'
import { md5sumsName, packagePath } from './install.js'
import type { QemuQuery } from './query.js'
import { choose, LAYOUTS, PACKAGE_NAMES, type QemuPackage, staticPackage, suitesFor, warnIfExpired } from './resolve.js'
import { binaryPath, type Installed } from './toolcache.js'

/** `<tool cache>/qemu-debian/<key>`: outside `qemu/`, so that nothing restored there can pass for an installed version. */
export function keptDir(toolCache: string, key: string): string {
  return join(toolCache, 'qemu-debian', key.replace(/:/g, '%3a'))
}

/** The emulators an entry keeps beside the .deb, by file name (`qemu-aarch64`): checked against the .deb's md5sums when restored (install.ts). */
export function keptEmulatorsDir(dir: string): string {
  return join(dir, 'emulators')
}

const exists = (err: unknown) => (err as NodeJS.ErrnoException).code === 'EEXIST'

/**
 * A hard link where the two paths share a file system, else a copy; never written through a file
 * already at `to` (EEXIST), which may be a link to another file, a binary in use among them.
 */
async function linkOrCopy(from: string, to: string): Promise<void> {
  await link(from, to).catch((err: unknown) => {
    if (exists(err)) throw err
    return copyFile(from, to, constants.COPYFILE_EXCL)
  })
}

/**
 * An installed emulator linked (else copied) into a kept folder. One already there (another job of
 * this machine keeping the same version at once, its link to the interpreter binfmt_misc uses) is
 * left as it is: the restore checks whatever is kept.
 */
async function keepEmulator(from: string, to: string): Promise<void> {
  await linkOrCopy(from, to).catch((err: unknown) => {
    if (!exists(err)) throw err
  })
}

/** A fetcher that keeps a copy of each file it downloads, until they are committed to a kept folder or discarded. */
export interface Keeper {
  readonly fetch: Fetcher
  /**
   * Moves what was downloaded from the mirror into `dir` at its archive path (of the suites read,
   * `alias`'s only), and the emulators `installed` from it into keptEmulatorsDir.
   */
  commit(alias: string, installed?: Pick<Installed, 'dir' | 'binaries'>): Promise<void>
  /** Removes every copy kept. */
  discard(): Promise<void>
}

/** Each copy sits beside its download until committed, so that nothing reaches the tool cache before QEMU does. */
export function keeper(fetch: Fetcher, mirror: string, dir: string): Keeper {
  const copies = new Map<string, string>()
  const discard = async () => {
    for (const copy of copies.values()) await rm(copy, { force: true })
    copies.clear()
  }
  return {
    fetch: async url => {
      const file = await fetch(url)
      if (url.startsWith(`${mirror}/`)) {
        const copy = `${file}.keep`
        await linkOrCopy(file, copy)
        copies.set(url.slice(mirror.length + 1), copy)
      }
      return file
    },
    commit: async (alias, installed) => {
      for (const [path, copy] of copies) {
        if (path.startsWith('dists/') && !path.startsWith(`dists/${alias}/`)) continue
        const to = join(dir, path)
        await mkdir(dirname(to), { recursive: true })
        await rename(copy, to).catch(() => copyFile(copy, to))
      }
      await discard()
      if (!installed) return
      await mkdir(keptEmulatorsDir(dir), { recursive: true })
      for (const e of Object.keys(installed.binaries)) {
        await keepEmulator(binaryPath(installed, e), join(keptEmulatorsDir(dir), `qemu-${e}`))
      }
    },
    discard
  }
}

/**
 * Reads a kept file as the archive readers read a download: a path of its own, which they delete
 * after use. Only a regular file is read; a link or a device in an entry is refused.
 */
export const keptFetcher: Fetcher = async path => {
  const s = await lstat(path)
  if (!s.isFile()) throw new VerificationError(`${path} is not a regular file`)
  const own = `${path}.${process.pid}-${Date.now()}`
  await linkOrCopy(path, own)
  return own
}

/**
 * The one suite a kept folder holds, if the query may be resolved in it. Pure. Undefined for a
 * folder with no suite at all (an entry saved before the Debian files were kept).
 */
export function keptSuite(suites: readonly string[], query: QemuQuery): string | undefined {
  if (suites.length === 0) return undefined
  if (suites.length > 1)
    throw new VerificationError(`it holds ${suites.length} suites (${[...suites].sort().join(', ')}), where one is kept`)
  const [alias] = suites
  if (!suitesFor(query).includes(alias))
    throw new VerificationError(`it holds suite ${alias}, where qemu-version ${query.text} is not resolved`)
  return alias
}

/**
 * Checks the kept files along Debian's chain: the InRelease signed by one of `keys`, for its suite;
 * the Packages index it lists, by SHA-256; the package in that index that fits the query. Returns
 * that package (whose .deb the installer checks by size and SHA-256 before unpacking it), or
 * undefined when the folder keeps no suite.
 */
export async function readKept(
  dir: string,
  query: QemuQuery,
  o: Pick<ArchiveOptions, 'arch' | 'keys' | 'now' | 'warn'>
): Promise<QemuPackage | undefined> {
  const alias = keptSuite(await readdir(join(dir, 'dists')).catch(() => []), query)
  if (!alias) return undefined
  const index = join(dir, 'dists', alias, 'main', `binary-${o.arch}`, 'Packages')
  const unpackedIndex = await lstat(index).then(
    s => s.isFile(),
    () => false
  )
  const suite = await readSuite(alias, PACKAGE_NAMES, { ...o, mirror: dir, fetch: keptFetcher, unpackedIndex })
  const chosen = choose(query, staticPackage(suite))
  if (!chosen) throw new VerificationError(`the signed index of ${alias} it holds has no QEMU that fits qemu-version ${query.text}`)
  warnIfExpired(chosen, suite.release, o)
  return chosen
}

/**
 * A kept folder made ready to be saved as an Actions cache entry: every emulator of `emulators`
 * its .deb holds (completeKept) and its Packages index unpacked (unpackKeptIndex). Neither fails
 * the post step: the entry is saved as it is, with a warning.
 */
export async function completeEntry(
  dir: string,
  emulators: readonly string[],
  log: { warning(m: string): void; info(m: string): void }
): Promise<void> {
  const added = await completeKept(dir, emulators).catch(err => {
    log.warning(`Could not add the other emulators to the QEMU entry to save: ${errorMessage(err)}`)
    return []
  })
  if (added.length > 0)
    log.info(`Unpacked ${added.map(e => `qemu-${e}`).join(', ')} from the .deb into the entry, for the jobs that need them`)
  const indexes = await unpackKeptIndex(dir).catch(err => {
    log.warning(`Could not unpack the Packages index of the QEMU entry to save: ${errorMessage(err)}`)
    return []
  })
  if (indexes.length > 0) log.info(`Unpacked ${indexes.join(', ')} in the entry, checked by its own hash in the InRelease when restored`)
}

/**
 * Unpacks the Packages index of a kept folder in place of its .gz or .xz, where the InRelease
 * lists the unpacked index too (Debian's do): a restore then checks it by that hash with nothing
 * to unpack, and the Actions cache compresses it better than the .gz. What the post step does
 * before it saves the entry; returns the indexes unpacked.
 */
export async function unpackKeptIndex(dir: string): Promise<string[]> {
  const done: string[] = []
  for (const alias of await readdir(join(dir, 'dists')).catch(() => [])) {
    const inRelease = await readFile(join(dir, 'dists', alias, 'InRelease'), 'utf8').catch(() => '')
    const main = join(dir, 'dists', alias, 'main')
    for (const arch of await readdir(main).catch(() => [])) {
      const unpacked = `main/${arch}/Packages`
      if (!inRelease.split(/\r?\n/).some(line => line.endsWith(` ${unpacked}`))) continue
      const files = await readdir(join(main, arch))
      const packed = ['Packages.gz', 'Packages.xz'].find(f => files.includes(f))
      if (!packed) continue
      const from = join(main, arch, packed)
      const bytes = await unpackIndex(await readFile(from), packed.endsWith('.gz') ? 'gz' : 'xz')
      await writeFile(join(main, arch, 'Packages'), bytes)
      await rm(from)
      done.push(join('dists', alias, unpacked))
    }
  }
  return done
}

/** The path of the one .deb a kept folder holds (`<dir>/pool/...`); undefined when it holds none or several. */
export async function keptDebPath(dir: string): Promise<string | undefined> {
  const debs = (await readdir(join(dir, 'pool'), { recursive: true }).catch(() => [])).filter(f => f.endsWith('.deb'))
  return debs.length === 1 ? `${dir}/pool/${debs[0]}` : undefined
}

/**
 * Adds to a kept folder the emulators of `emulators` its .deb holds and it does not keep yet,
 * unpacked from that .deb (checked against the signed index when it was downloaded): what the
 * post step does before it saves the entry. The job that kept it unpacked only the emulators it
 * needed; a job that restores the entry takes each one it needs by MD5, unpacking none. Returns
 * the emulators added.
 */
export async function completeKept(dir: string, emulators: readonly string[]): Promise<string[]> {
  const path = await keptDebPath(dir)
  if (!path) return []
  const deb = await readFile(path)
  const scratch = await mkdtemp(join(runnerTemp(), 'archway-kept-'))
  try {
    const sums = await readMd5sums(deb, scratch)
    const kept = new Set(await readdir(keptEmulatorsDir(dir)).catch(() => []))
    // By package path, in either layout Debian has shipped (the md5sums say which this .deb has).
    const wanted = new Map<string, string>()
    for (const e of emulators) {
      const path = LAYOUTS.map(layout => packagePath({ layout }, e)).find(p => sums.has(md5sumsName(p)))
      if (path && !kept.has(`qemu-${e}`)) wanted.set(path, e)
    }
    if (wanted.size === 0) return []
    const out = join(scratch, 'out')
    await mkdir(out)
    const got = await extractFromDeb(deb, [...wanted.keys()], out, scratch)
    await mkdir(keptEmulatorsDir(dir), { recursive: true })
    for (const path of got) await rename(join(out, path), join(keptEmulatorsDir(dir), `qemu-${wanted.get(path)}`))
    return got.map(path => wanted.get(path) as string)
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}
