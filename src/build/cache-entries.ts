/**
 * The entries of `cache-from` and `cache-to`, read as buildx reads a cache entry (CSV fields, keys
 * lowercased): their type, and the `type=gha` ones' scope and tokens. buildx itself fills a gha
 * entry's `token`, `url` and `url_v2` from the step's ACTIONS_RUNTIME_TOKEN, ACTIONS_RESULTS_URL and
 * ACTIONS_CACHE_SERVICE_V2, so none is added here. Pure.
 */
import { parse as parseCsv } from 'csv-parse/sync'
import { dashedPlatform } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'

/** An entry's fields, `key=value` with the key lowercased; undefined when it is not CSV. */
function fields(entry: string): [string, string][] | undefined {
  try {
    const [record = []] = parseCsv(entry, { relax_quotes: true, relax_column_count: true }) as string[][]
    return record.map(f => {
      const at = f.indexOf('=')
      return at < 0 ? [f.trim().toLowerCase(), ''] : [f.slice(0, at).trim().toLowerCase(), f.slice(at + 1)]
    })
  } catch {
    return undefined
  }
}

const isGha = (f: [string, string][]) => f.some(([k, v]) => k === 'type' && v === 'gha')

/**
 * An entry's cache type, as buildx reads it: its `type` field, or `registry` for a bare reference
 * (`user/app:cache`, no `=`); undefined for `key=value` fields without a type, which buildx refuses.
 */
export function cacheType(entry: string): string | undefined {
  if (!entry.includes('=')) return 'registry'
  return fields(entry)?.find(([k]) => k === 'type')?.[1] || undefined
}

/** An entry as an error may show it: the values of its credential fields (tokens, secrets, keys) hidden. */
export function redactCacheEntry(entry: string): string {
  return entry.replace(/((?:^|,)\s*"?[\w-]*(?:token|secret|password|key)[\w-]*=)[^,"]*/gi, '$1***')
}

/** Whether any entry is `type=gha`. */
export function hasGhaEntry(entries: readonly string[]): boolean {
  return entries.some(e => isGha(fields(e) ?? []))
}

/** A matrix job's scope: its platforms as docker's documentation names them in a scope (`linux/arm/v7` is `linux-arm-v7`). */
export function ghaScope(platforms: readonly Platform[]): string {
  return platforms.map(dashedPlatform).join('_')
}

/** An entry's registry reference: its `ref` field when it is `type=registry`, or the bare reference it is. */
export function registryRef(entry: string): string | undefined {
  if (cacheType(entry) !== 'registry') return undefined
  return entry.includes('=') ? fields(entry)?.find(([k]) => k === 'ref')?.[1] : entry.trim()
}

/** A reference with `scope` added to its tag (`app:buildcache` -> `app:buildcache-linux-arm64`), or as its tag; a digest reference is kept. */
function scopedRef(ref: string, scope: string): string {
  if (ref.includes('@')) return ref
  const name = ref.slice(ref.lastIndexOf('/') + 1)
  return name.includes(':') ? `${ref}-${scope}` : `${ref}:${scope}`
}

/**
 * A matrix job's cache entries, given `scope` (ghaScope of its platforms) so that the jobs'
 * exports do not overwrite one another's: each `type=gha` entry without a `scope` gets it, and
 * each registry reference a `cache-to` entry exports to gets it in its tag, in `cache-to` and
 * wherever `cache-from` reads that same reference. A reference only read (the published image of
 * an inline cache, say) is kept, as is every other entry.
 */
export function withMatrixScope(
  cache: { readonly from: readonly string[]; readonly to: readonly string[] },
  scope: string
): { from: string[]; to: string[] } {
  const exported = new Set(cache.to.map(registryRef).filter(r => r !== undefined))
  const scoped = (entry: string) => {
    const ref = registryRef(entry)
    if (ref === undefined || !exported.has(ref)) return entry
    return entry.includes('=') ? entry.replace(`ref=${ref}`, `ref=${scopedRef(ref, scope)}`) : scopedRef(ref, scope)
  }
  return { from: withGhaScope(cache.from, scope).map(scoped), to: withGhaScope(cache.to, scope).map(scoped) }
}

/** Each `type=gha` entry without a `scope` gets `scope`; every other entry is kept as it is. */
export function withGhaScope(entries: readonly string[], scope: string): string[] {
  return entries.map(e => {
    const f = fields(e)
    return f && isGha(f) && !f.some(([k]) => k === 'scope') ? `${e},scope=${scope}` : e
  })
}

/** The values of `token` and `ghtoken` given in `type=gha` entries: secrets on the build's command line, to be masked. */
export function ghaTokens(entries: readonly string[]): string[] {
  return entries.flatMap(e => {
    const f = fields(e)
    return f && isGha(f) ? f.filter(([k, v]) => (k === 'token' || k === 'ghtoken') && v !== '').map(([, v]) => v) : []
  })
}
