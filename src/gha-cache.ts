/**
 * The `type=gha` entries of `cache-from` and `cache-to`, read as buildx reads a cache entry (CSV
 * fields, keys lowercased). buildx itself fills `token`, `url` and `url_v2` from the step's
 * ACTIONS_RUNTIME_TOKEN, ACTIONS_RESULTS_URL and ACTIONS_CACHE_SERVICE_V2, so none is added here. Pure.
 */
import { parse as parseCsv } from 'csv-parse/sync'
import { formatPlatform, type Platform } from './platform.js'

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

/** Whether any entry is `type=gha`. */
export function hasGhaEntry(entries: readonly string[]): boolean {
  return entries.some(e => isGha(fields(e) ?? []))
}

/** A matrix job's scope: its platforms as docker's documentation names them in a scope (`linux/arm/v7` is `linux-arm-v7`). */
export function ghaScope(platforms: readonly Platform[]): string {
  return platforms.map(p => formatPlatform(p).replace(/\//g, '-')).join('_')
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
