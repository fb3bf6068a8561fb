/** QEMU for the requested platforms: tool cache, then Actions cache, then Debian's archive. */
import { ArchwayError } from '../errors.js'
import type { CacheLog } from './actions-cache.js'
import type { Fetcher } from './archive.js'
import { type MemoKey, recall, remember } from './memo.js'
import type { QemuQuery } from './query.js'
import { discardWrittenSince, evict, type Installed, lookup, qemuRoot, snapshot } from './toolcache.js'

// What only a cold run needs (OpenPGP, the archive reader, the cache service client) is
// loaded on first use, so that a warm run starts in well under a second.
const cold = {
  actionsCache: () => import('./actions-cache.js'),
  archive: async () => {
    const [{ resolveQemu }, { install }, { DEBIAN_ARCHIVE_KEYS }, tc] = await Promise.all([
      import('./resolve.js'),
      import('./install.js'),
      import('./debian-keys.js'),
      import('@actions/tool-cache')
    ])
    return { resolveQemu, install, DEBIAN_ARCHIVE_KEYS, download: (url: string) => tc.downloadTool(url) }
  }
}

export type Source = 'tool cache' | 'Actions cache' | 'Debian archive'

export interface QemuSetupOptions {
  readonly query: QemuQuery
  readonly mirror: string
  readonly host: string
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
  /** Set when the Actions cache was asked and missed: the post step saves under it. */
  readonly saveKey?: string
  readonly cachePaths: string[]
}

export async function setupQemu(o: QemuSetupOptions): Promise<QemuSetup> {
  const memoKey: MemoKey = { query: o.query, mirror: o.mirror, host: o.host }
  const cachePaths = [qemuRoot(o.toolCache)]
  const fromToolCache = async (): Promise<Installed | undefined> => {
    const version = o.query.kind === 'exact' ? o.query.text : await recall(o.toolCache, memoKey, o.now)
    if (!version) return undefined
    const found = await lookup(o.toolCache, version, o.host, o.needed)
    if (found.state === 'altered') {
      o.log.warning(`${found.path} differs from the SHA-256 recorded when it was cached; fetching QEMU ${version} again`)
      await evict(o.toolCache, version, o.host)
    }
    return found.state === 'ok' ? found.installed : undefined
  }

  const local = await fromToolCache()
  if (local) return checked({ installed: local, source: 'tool cache', cachePaths }, o.needed)

  let saveKey: string | undefined
  if (o.useActionsCache) {
    const actionsCache = await cold.actionsCache()
    const key = actionsCache.cacheKey(memoKey, o.now)
    const before = await snapshot(o.toolCache)
    if (await actionsCache.restore(cachePaths, key, o.log)) {
      const restored = await fromToolCache()
      if (restored) return checked({ installed: restored, source: 'Actions cache', cachePaths }, o.needed)
    } else {
      // A restore that failed half-way (an entry that fails its checksum) may have extracted files: none is used.
      const discarded = await discardWrittenSince(o.toolCache, before)
      if (discarded.length > 0) o.log.info(`Discarded what the failed restore left in the tool cache: ${discarded.join(', ')}`)
    }
    saveKey = key
  }

  const { resolveQemu, install, DEBIAN_ARCHIVE_KEYS, download } = await cold.archive()
  const fetch = o.fetch ?? download
  const pkg = await resolveQemu(o.query, {
    mirror: o.mirror,
    arch: o.host,
    keys: o.keys ?? DEBIAN_ARCHIVE_KEYS,
    fetch,
    now: o.now,
    warn: m => o.log.warning(m)
  })
  // The same version from another build (another mirror, a binNMU) replaces what the tool cache holds.
  const existing = await lookup(o.toolCache, pkg.debianVersion, o.host, o.needed)
  const reuse = existing.state === 'ok' && existing.installed.debSha256 === pkg.sha256
  if (existing.state === 'ok' && !reuse) await evict(o.toolCache, pkg.debianVersion, o.host)
  const installed = reuse
    ? existing.installed
    : await install(pkg, { mirror: o.mirror, toolCache: o.toolCache, host: o.host, emulators: o.cacheable, fetch })
  if (o.query.kind !== 'exact') await remember(o.toolCache, memoKey, pkg.debianVersion, o.now)
  return checked({ installed, source: reuse ? 'tool cache' : 'Debian archive', saveKey, cachePaths }, o.needed)
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
