/**
 * The GitHub Actions cache service (v2, the Twirp API the runner gives a JavaScript action), for
 * the matrix's records only: look a key up without downloading, and create a small entry. Every
 * failure is an error, never a miss.
 */

import { isRetryableNetworkError, RETRYABLE_STATUSES, type RetryPolicy, retryPolicyFromEnv, withRetry } from '../registry/retry.js'
import { sha256Hex } from '../shared/digest.js'
import { ArchwayError, oneLine } from '../shared/errors.js'

const SERVICE = 'github.actions.results.api.v1.CacheService'
/** Every record's entry has this version: the service keeps entries apart by key and version, and a record is the key alone. */
export const RECORD_VERSION = sha256Hex('archway-matrix-record-1')
const TIMEOUT_MS = 30_000

export interface CacheServiceAccess {
  readonly url: string
  readonly token: string
  readonly retry?: RetryPolicy
}

/** The service the runner gives this step, or why there is none. Pure. */
export function cacheServiceOf(env: NodeJS.ProcessEnv): { access: CacheServiceAccess } | { why: string } {
  const url = env.ACTIONS_RESULTS_URL
  const token = env.ACTIONS_RUNTIME_TOKEN
  if (!env.ACTIONS_CACHE_SERVICE_V2)
    return {
      why: env.ACTIONS_CACHE_URL ? 'only the older cache service (ACTIONS_CACHE_URL) is given' : 'ACTIONS_CACHE_SERVICE_V2 is not set'
    }
  if (!url) return { why: 'ACTIONS_RESULTS_URL is not set' }
  if (!token) return { why: 'ACTIONS_RUNTIME_TOKEN is not set' }
  return { access: { url, token } }
}

export class CacheServiceError extends ArchwayError {
  constructor(
    readonly call: string,
    readonly status: number | undefined,
    detail: string,
    options?: { cause?: unknown }
  ) {
    super(`the Actions cache service's ${call} failed: ${oneLine(detail)}`, options)
  }
}

const retryable = (err: unknown) =>
  err instanceof CacheServiceError
    ? err.status === undefined
      ? isRetryableNetworkError(err.cause)
      : RETRYABLE_STATUSES.has(err.status)
    : isRetryableNetworkError(err)

async function send(call: string, url: string, init: RequestInit): Promise<{ status: number; text: string }> {
  let res: Response
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) })
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause ?? err
    throw new CacheServiceError(
      call,
      undefined,
      err instanceof Error ? `${err.message} (${(cause as Error).message ?? cause})` : String(err),
      {
        cause
      }
    )
  }
  return { status: res.status, text: await res.text() }
}

/** One Twirp call; a Twirp error (`{"code","msg"}`) becomes a CacheServiceError naming its code. */
async function twirp(access: CacheServiceAccess, method: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  return withRetry(
    access.retry ?? retryPolicyFromEnv(),
    async () => {
      const url = new URL(`/twirp/${SERVICE}/${method}`, access.url).href
      const { status, text } = await send(method, url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${access.token}` },
        body: JSON.stringify(body)
      })
      let parsed: Record<string, unknown> = {}
      try {
        parsed = JSON.parse(text || '{}') as Record<string, unknown>
      } catch {
        if (status < 300) throw new CacheServiceError(method, status, `the answer is not JSON: ${text.slice(0, 80)}`)
      }
      if (status >= 300)
        throw new CacheServiceError(
          method,
          status,
          `HTTP ${status} ${String(parsed.code ?? '')} ${String(parsed.msg ?? text.slice(0, 80))}`.trim()
        )
      return parsed
    },
    { retryable }
  )
}

const field = (o: Record<string, unknown>, proto: string) => o[proto] ?? o[proto.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())]

/** The key of the newest finalized entry the lookup matches (the key exactly, then each restore key as a prefix), or undefined. */
export async function lookupKey(access: CacheServiceAccess, key: string, restoreKeys: readonly string[]): Promise<string | undefined> {
  const answer = await twirp(access, 'GetCacheEntryDownloadURL', { key, restore_keys: restoreKeys, version: RECORD_VERSION })
  if (!answer.ok) return undefined
  const matched = field(answer, 'matched_key')
  return typeof matched === 'string' && matched !== '' ? matched : undefined
}

/** Creates, uploads and finalizes an entry; 'exists' when the key was there already (its content is then whoever's wrote it first). */
export async function createEntry(access: CacheServiceAccess, key: string, content: Buffer): Promise<'created' | 'exists'> {
  let created: Record<string, unknown>
  try {
    created = await twirp(access, 'CreateCacheEntry', { key, version: RECORD_VERSION })
  } catch (err) {
    if (err instanceof CacheServiceError && err.status === 409) return 'exists'
    throw err
  }
  const upload = field(created, 'signed_upload_url')
  if (!created.ok || typeof upload !== 'string')
    throw new CacheServiceError('CreateCacheEntry', 200, String(created.message ?? 'the service refused the entry'))
  await withRetry(
    access.retry ?? retryPolicyFromEnv(),
    async () => {
      const { status, text } = await send('upload', upload, {
        method: 'PUT',
        headers: { 'x-ms-blob-type': 'BlockBlob', 'content-type': 'application/octet-stream' },
        body: new Uint8Array(content)
      })
      if (status !== 201 && status !== 200) throw new CacheServiceError('upload', status, `HTTP ${status} ${text.slice(0, 120)}`)
    },
    { retryable }
  )
  try {
    const done = await twirp(access, 'FinalizeCacheEntryUpload', { key, version: RECORD_VERSION, size_bytes: String(content.length) })
    if (!done.ok) throw new CacheServiceError('FinalizeCacheEntryUpload', 200, String(done.message ?? 'the service refused to finalize'))
  } catch (err) {
    if (err instanceof CacheServiceError && err.status === 409) return 'exists'
    throw err
  }
  return 'created'
}
