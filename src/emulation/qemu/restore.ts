/**
 * QEMU from the Actions cache. An entry holds the Debian files QEMU came from (kept.ts), never
 * the binaries: they are checked along Debian's chain and the emulators unpacked from the .deb,
 * as after a download. An entry that fails is refused in one warning line, and nothing of it is used.
 */
import { rm } from 'node:fs/promises'
import { quiet } from '../../shared/concurrency.js'
import { errorMessage, VerificationError } from '../../shared/errors.js'
import type { HashedFile } from '../../shared/hashed-read.js'
import type { CacheLog } from './actions-cache.js'
import { fetchHashed } from './archive.js'
import { ensureInstalled, type InstallOptions } from './install.js'
import { keptDebPath, keptEmulatorsDir, keptFetcher, readKept } from './kept.js'
import type { QemuQuery } from './query.js'
import { discardWrittenSince, type Installed, snapshot } from './toolcache.js'

export interface RestoreOptions extends Omit<InstallOptions, 'fetch' | 'from'> {
  readonly key: string
  /** The entry's folder (keptDir). */
  readonly dir: string
  readonly query: QemuQuery
  readonly needed: readonly string[]
  readonly keys: readonly string[]
  readonly now: Date
  readonly log: CacheLog
  /** Restores `paths` under `key`; true on an exact hit (actions-cache.ts). */
  readonly restore: (paths: string[], key: string, log: CacheLog) => Promise<boolean>
}

/** `miss`: no entry (the post step may save one); `refused`: an entry that cannot be used (nor replaced: its key exists). */
export type Restored = { readonly state: 'miss' | 'refused' } | { readonly state: 'ok'; readonly installed: Installed }

export async function restoreQemu(o: RestoreOptions): Promise<Restored> {
  await rm(o.dir, { recursive: true, force: true })
  const before = await snapshot(o.toolCache)
  const hit = await o.restore([o.dir], o.key, o.log)
  // A genuine entry writes only its own folder; whatever else it put under qemu/ is removed unused.
  const written = await discardWrittenSince(o.toolCache, before)
  try {
    if (!hit) {
      if (written.length > 0) o.log.info(`Discarded what the failed restore left in the tool cache: ${written.join(', ')}`)
      return { state: 'miss' }
    }
    if (written.length > 0)
      throw new VerificationError(`it wrote into the tool cache's qemu folder (${list(written)}), which a genuine entry never does`)
    // The .deb is read and hashed while the index is checked; the installer compares that hash with the index's.
    const deb = await keptDeb(o.dir)
    const pkg = await readKept(o.dir, o.query, { arch: o.runnerArch, keys: o.keys, now: o.now, warn: m => o.log.warning(m) })
    if (!pkg) {
      o.log.info(
        `The Actions cache entry ${o.key} holds no Debian files to check QEMU against (an older format): QEMU is fetched from the Debian archive`
      )
      return { state: 'refused' }
    }
    const { installed, unpacked, taken } = await ensureInstalled(pkg, {
      ...o,
      fetch: keptFetcher,
      from: o.dir,
      keptEmulators: keptEmulatorsDir(o.dir),
      deb
    })
    const how = [
      taken.length > 0 ? `${emulatorList(taken)} it keeps by the MD5 the .deb's md5sums give` : '',
      unpacked.length > 0 ? `${emulatorList(unpacked)} unpacked from the .deb` : ''
    ].filter(Boolean)
    o.log.info(
      `Checked the Actions cache entry along Debian's chain: the InRelease of ${pkg.suite} signed by an archive key, its Packages index and the .deb by SHA-256${how.length > 0 ? `, ${how.join(', ')}` : ''}`
    )
    return { state: 'ok', installed }
  } catch (err) {
    o.log.warning(
      `Refused the QEMU entry restored from the Actions cache under ${o.key}: ${errorMessage(err)}; fetching QEMU from the Debian archive (delete the entry to let a good one be saved)`
    )
    return { state: 'refused' }
  } finally {
    await rm(o.dir, { recursive: true, force: true })
  }
}

/** The one .deb an entry keeps, being read and hashed; undefined when it keeps none or several (the installer then reads the one the index names). */
async function keptDeb(dir: string): Promise<{ url: string; read: Promise<HashedFile> } | undefined> {
  const url = await keptDebPath(dir)
  return url ? { url, read: quiet(fetchHashed(keptFetcher, url, 'the kept .deb')) } : undefined
}

const emulatorList = (names: readonly string[]) => names.map(n => `qemu-${n}`).join(', ')

function list(paths: readonly string[]): string {
  return paths.length > 3 ? `${paths.slice(0, 3).join(', ')} and ${paths.length - 3} more` : paths.join(', ')
}
