/** QEMU for the requested platforms: tool cache, then Actions cache, then Debian's archive. */
import { ArchwayError } from '../../shared/errors.js'
import type { CacheLog } from './actions-cache.js'
import type { Fetcher } from './archive.js'
import { type MemoKey, recall, remember } from './memo.js'
import type { QemuQuery } from './query.js'
import { evict, type Installed, lookup } from './toolcache.js'

// What only a cold run needs (OpenPGP, the archive reader, the cache service client) is
// loaded on first use, so that a warm run from the tool cache starts in well under a second.
const cold = {
  actionsCache: async () => {
    const [{ cacheKey, restore }, { restoreQemu }] = await Promise.all([import('./actions-cache.js'), import('./restore.js')])
    return { cacheKey, restore, restoreQemu }
  },
  archive: async () => {
    const [{ resolveQemu }, { ensureInstalled }, { keptDir, keeper }, { DEBIAN_ARCHIVE_KEYS }, { download }] = await Promise.all([
      import('./resolve.js'),
      import('./install.js'),
      import('./kept.js'),
      import('./debian-keys.js'),
      import('./download.js')
    ])
    return {
      resolveQemu,
      ensureInstalled,
      keptDir,
      keeper,
      DEBIAN_ARCHIVE_KEYS,
      download: (url: string) => download(url)
    }
  }
}

export type Source = 'tool cache' | 'Actions cache' | 'Debian archive'

export interface QemuSetupOptions {
  readonly query: QemuQuery
  readonly mirror: string
  readonly runnerArch: string
  /** The emulators this run needs. */
  readonly needed: readonly string[]
  /** Every emulator the host can use: what the cache keeps. */
  readonly cacheable: readonly string[]
  readonly toolCache: string
  readonly useActionsCache: boolean
  readonly now: Date
  readonly log: CacheLog
  readonly fetch?: Fetcher
  readonly keys?: readonly string[]
}

export interface QemuSetup {
  readonly installed: Installed
  readonly source: Source
  /** Set when the Actions cache was asked and missed: the post step saves `cachePaths` under it. */
  readonly saveKey?: string
  /** The Debian files QEMU came from (kept.ts), for the post step to save. */
  readonly cachePaths: string[]
}

export async function setupQemu(o: QemuSetupOptions): Promise<QemuSetup> {
  const memoKey: MemoKey = { query: o.query, mirror: o.mirror, runnerArch: o.runnerArch }
  const fromToolCache = async (): Promise<Installed | undefined> => {
    const version = o.query.kind === 'exact' ? o.query.text : await recall(o.toolCache, memoKey, o.now)
    if (!version) return undefined
    const found = await lookup(o.toolCache, version, o.runnerArch, o.needed)
    if (found.state === 'altered') {
      o.log.warning(`${found.path} differs from the SHA-256 recorded when it was cached; fetching QEMU ${version} again`)
      await evict(o.toolCache, version, o.runnerArch)
    }
    if (found.state === 'partial')
      o.log.info(`QEMU ${version} in the tool cache has no ${found.missing.map(e => `qemu-${e}`).join(', ')} yet: adding it from the .deb`)
    return found.state === 'ok' ? found.installed : undefined
  }

  const local = await fromToolCache()
  if (local) return checked({ installed: local, source: 'tool cache', cachePaths: [] }, o.needed)

  const archive = await cold.archive()
  const keys = o.keys ?? archive.DEBIAN_ARCHIVE_KEYS
  const remembered = (installed: Installed) =>
    o.query.kind === 'exact' ? Promise.resolve() : remember(o.toolCache, memoKey, installed.debianVersion, o.now)
  const installOptions = { mirror: o.mirror, toolCache: o.toolCache, runnerArch: o.runnerArch, emulators: o.cacheable, needed: o.needed }

  /** Where the Debian files of a download are kept for the post step to save, after a miss. */
  let keep: { readonly key: string; readonly dir: string } | undefined
  if (o.useActionsCache) {
    const actionsCache = await cold.actionsCache()
    const key = actionsCache.cacheKey(memoKey, o.now)
    const dir = archive.keptDir(o.toolCache, key)
    const restored = await actionsCache.restoreQemu({
      ...installOptions,
      key,
      dir,
      query: o.query,
      keys,
      now: o.now,
      log: o.log,
      restore: actionsCache.restore
    })
    if (restored.state === 'ok') {
      await remembered(restored.installed)
      return checked({ installed: restored.installed, source: 'Actions cache', cachePaths: [] }, o.needed)
    }
    // A refused entry cannot be replaced (its key exists): nothing is kept to save.
    if (restored.state === 'miss') keep = { key, dir }
  }

  const download = o.fetch ?? archive.download
  const keeping = keep ? archive.keeper(download, o.mirror, keep.dir) : undefined
  try {
    const fetch = keeping?.fetch ?? download
    const pkg = await archive.resolveQemu(o.query, {
      mirror: o.mirror,
      arch: o.runnerArch,
      keys,
      fetch,
      now: o.now,
      warn: m => o.log.warning(m)
    })
    const { installed, reused, unpacked } = await archive.ensureInstalled(pkg, { ...installOptions, fetch })
    if (unpacked.length > 0) o.log.info(`Unpacked ${unpacked.map(e => `qemu-${e}`).join(', ')} from the .deb`)
    await remembered(installed)
    // Reused from the tool cache, the .deb was not downloaded: there is no whole entry to save.
    const save = keep && !reused ? keep : undefined
    if (save) await keeping?.commit(pkg.suite, installed)
    return checked(
      { installed, source: reused ? 'tool cache' : 'Debian archive', saveKey: save?.key, cachePaths: save ? [save.dir] : [] },
      o.needed
    )
  } finally {
    await keeping?.discard()
  }
}

/** Every needed emulator must be in the package: QEMU 7.2, say, has no loongarch64. */
function checked(setup: QemuSetup, needed: readonly string[]): QemuSetup {
  const missing = needed.filter(e => !(e in setup.installed.binaries))
  if (missing.length > 0) {
    throw new ArchwayError(
      `QEMU ${setup.installed.debianVersion} (${setup.installed.package}) has no emulator for ${missing.map(m => `qemu-${m}`).join(', ')}; choose another qemu-version`
    )
  }
  return setup
}
