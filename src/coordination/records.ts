/**
 * A matrix job's records, whatever holds them: "started in attempt N" before its build, "done in
 * attempt N" with its image after its push; their names in the Actions cache, and the rule that
 * says which platform image a release may take. Pure.
 */

import { type Descriptor, MediaType } from '../oci/types.js'
import { sha256Hex } from '../shared/digest.js'
import { ArchwayError } from '../shared/errors.js'
import { dashedPlatform, formatPlatform } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'

export type MatrixRecord =
  | { readonly state: 'started'; readonly platform: Platform; readonly attempt: number }
  | { readonly state: 'done'; readonly platform: Platform; readonly attempt: number; readonly image: Descriptor }

/** What a release may take of one platform: its image, or why not. */
export interface Verdict {
  readonly platform: Platform
  readonly image?: Descriptor
  /** The attempt whose record decided, if any. */
  readonly attempt?: number
  readonly waiting?: 'not staged' | 'started, not done'
}

/**
 * What identifies one release of one run: the run id, and the tags and platforms it publishes
 * (so two releases of one run keep apart, and a separate merge job with the same inputs finds
 * its jobs' records).
 */
export function releaseKey(runId: string, tags: readonly string[], platforms: readonly Platform[]): string {
  const what = `${[...tags].sort().join(',')}\n${platforms.map(formatPlatform).sort().join(',')}`
  return `${runId}-${sha256Hex(what).slice(0, 12)}`
}

/** The cache service's limit on a key's length. */
export const KEY_MAX_LENGTH = 512
/** How many attempts one lookup asks about: a lookup takes at most 10 keys (a primary key and 9 restore keys). */
export const ATTEMPTS_PER_LOOKUP = 4

const MEDIA_CODES: Readonly<Record<string, string>> = { oci: MediaType.OciManifest, docker: MediaType.DockerManifest }

/** Every record of one platform of one release starts so; a release key is `<run id>-<hash>`. */
export function platformPrefix(release: string, platform: Platform): string {
  return `archway-matrix-${release}-${dashedPlatform(platform)}-`
}

const attemptPrefix = (release: string, platform: Platform, attempt: number) => `${platformPrefix(release, platform)}a${attempt}-`

/** The record as a cache key: the key is the record, nothing is read from the entry's content. */
export function recordKey(release: string, r: MatrixRecord): string {
  const at = attemptPrefix(release, r.platform, r.attempt)
  let key: string
  if (r.state === 'started') key = `${at}started`
  else {
    const code = Object.keys(MEDIA_CODES).find(c => MEDIA_CODES[c] === r.image.mediaType)
    const hex = /^sha256:([0-9a-f]{64})$/.exec(r.image.digest)?.[1]
    if (!code || !hex || !Number.isSafeInteger(r.image.size) || r.image.size < 0)
      throw new ArchwayError(`cannot record ${formatPlatform(r.platform)}'s image ${r.image.mediaType} ${r.image.digest} ${r.image.size}`)
    key = `${at}done-${code}-${hex}-${r.image.size}`
  }
  if (key.length > KEY_MAX_LENGTH || key.includes(','))
    throw new ArchwayError(`the record key ${key} is longer than ${KEY_MAX_LENGTH} characters or has a comma`)
  return key
}

/** A record read back from its key; undefined for anything that is not one of this release and platform. */
export function parseRecordKey(key: string, release: string, platform: Platform): MatrixRecord | undefined {
  const prefix = platformPrefix(release, platform)
  if (!key.startsWith(prefix)) return undefined
  const m = /^a([1-9]\d{0,5})-(?:(started)|done-([a-z]+)-([0-9a-f]{64})-(0|[1-9]\d{0,14}))$/.exec(key.slice(prefix.length))
  if (!m) return undefined
  const attempt = Number(m[1])
  if (m[2]) return { state: 'started', platform, attempt }
  const mediaType = MEDIA_CODES[m[3]]
  if (!mediaType) return undefined
  return { state: 'done', platform, attempt, image: { mediaType, digest: `sha256:${m[4]}`, size: Number(m[5]) } }
}

export interface Lookup {
  /** Never a record's key, so that only the restore keys match, in their order. */
  readonly key: string
  /** Per attempt, newest first: its done record, then its started record. */
  readonly restoreKeys: readonly string[]
}

/**
 * The lookups that find a platform's deciding record, first lookup first: the cache service
 * answers a lookup with the newest entry of the first restore key that matches any, so each
 * lookup returns the done record of the latest of its attempts that has any record, else that
 * attempt's started record. The first lookup that returns anything decides.
 */
export function lookupPlan(release: string, platform: Platform, attempt: number): Lookup[] {
  if (!Number.isInteger(attempt) || attempt < 1) throw new ArchwayError(`bad run attempt ${attempt}`)
  const plan: Lookup[] = []
  for (let top = attempt; top >= 1; top -= ATTEMPTS_PER_LOOKUP) {
    const attempts = Array.from({ length: Math.min(ATTEMPTS_PER_LOOKUP, top) }, (_, i) => top - i)
    plan.push({
      key: `${attemptPrefix(release, platform, top)}lookup`,
      restoreKeys: attempts.flatMap(a => [`${attemptPrefix(release, platform, a)}done-`, `${attemptPrefix(release, platform, a)}started`])
    })
  }
  return plan
}

/**
 * The acceptance rule: a platform's image is taken only from the latest attempt that recorded
 * anything for it, and only if that attempt recorded it done. An attempt that started the
 * platform again and did not finish (it failed, or still runs) hides every earlier image of it.
 */
export function verdictOf(platform: Platform, records: readonly MatrixRecord[]): Verdict {
  const own = records.filter(r => formatPlatform(r.platform) === formatPlatform(platform))
  if (own.length === 0) return { platform, waiting: 'not staged' }
  const latest = Math.max(...own.map(r => r.attempt))
  const done = own.find(r => r.attempt === latest && r.state === 'done')
  if (done?.state === 'done') return { platform, image: done.image, attempt: latest }
  return { platform, attempt: latest, waiting: 'started, not done' }
}

/** The run attempt from GITHUB_RUN_ATTEMPT: a positive whole number, 1 when unset. */
export function attemptOf(text: string | undefined): number {
  if (text === undefined || text === '') return 1
  if (!/^[1-9]\d{0,5}$/.test(text)) throw new ArchwayError(`GITHUB_RUN_ATTEMPT is ${text}, not a run attempt number`)
  return Number(text)
}
