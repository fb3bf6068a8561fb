/**
 * The GitHub Actions cache across runs, keyed on the exact version (or, for `stable`,
 * `latest` and ranges, on the query and the day) and the host architecture. A missing
 * cache service is a warning, never a failure.
 */
import * as cache from '@actions/cache'
import { sha256Hex as sha256 } from '../../shared/digest.js'
import { errorMessage } from '../../shared/errors.js'
import type { MemoKey } from './memo.js'

/** The cache key. Pure: the day is part of a non-exact query's key, so its resolution lasts at most a day. */
export function cacheKey(k: MemoKey, now: Date): string {
  if (k.query.kind === 'exact') return `archway-qemu-${k.runnerArch}-${k.query.text}`
  const day = now.toISOString().slice(0, 10).replace(/-/g, '')
  const id = sha256(Buffer.from(`${k.query.text}\n${k.mirror}`)).slice(0, 12)
  return `archway-qemu-${k.runnerArch}-${k.query.kind}-${id}-${day}`
}

export interface CacheLog {
  warning(message: string): void
  info(message: string): void
}

export function available(): boolean {
  return cache.isFeatureAvailable()
}

/** Restores `paths` under `key`; true on an exact hit. */
export async function restore(paths: string[], key: string, log: CacheLog): Promise<boolean> {
  if (!available()) {
    log.warning('The GitHub Actions cache service is not available here; QEMU is kept in the tool cache of this machine only')
    return false
  }
  try {
    return (await cache.restoreCache(paths, key)) === key
  } catch (err) {
    log.warning(`Restoring QEMU from the Actions cache failed: ${errorMessage(err)}`)
    return false
  }
}

export async function save(paths: string[], key: string, log: CacheLog): Promise<void> {
  if (!available()) {
    log.info('The GitHub Actions cache service is not available here; nothing saved')
    return
  }
  try {
    // -1: not saved, and @actions/cache has said why (the key exists, say).
    if ((await cache.saveCache(paths, key)) === -1) return
    log.info(`Saved QEMU to the Actions cache under ${key}`)
  } catch (err) {
    log.warning(`Saving QEMU to the Actions cache failed: ${errorMessage(err)}`)
  }
}
