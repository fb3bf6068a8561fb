/**
 * Retries with bounded exponential backoff and jitter, for the failures that another try
 * can cure: connection resets and refusals, timeouts, and 408, 429, 500, 502, 503, 504.
 * Only operations the caller knows are safe to repeat are wrapped in it.
 */
import { setTimeout as delay } from 'node:timers/promises'
import { RegistryError } from './errors.js'

export interface RetryPolicy {
  /** Tries in all, the first included (1 = no retry). */
  readonly attempts: number
  /** The first backoff; each retry doubles it, up to `maxMs`. */
  readonly baseMs: number
  /** The longest wait, for backoff and for `Retry-After` alike. */
  readonly maxMs: number
  /** Waits `ms`; tests pass one that records and returns at once. */
  readonly sleep?: (ms: number) => Promise<void>
  /** In [0, 1); default Math.random. */
  readonly random?: () => number
}

/** Up to 5 tries, waiting about 0.5, 1, 2, 4 s between them; a `Retry-After` of up to 30 s is honoured. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 5, baseMs: 500, maxMs: 30_000 }

/**
 * The default policy, its first backoff taken from ARCHWAY_RETRY_DELAY_MS when set (milliseconds,
 * doubled at each retry): longer for a registry or mirror that sheds load slowly, shorter where
 * failures are made on purpose (the project's fault tests). Pure given `env`.
 */
export function retryPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
  const v = env.ARCHWAY_RETRY_DELAY_MS
  return v && /^\d{1,6}$/.test(v) ? { ...DEFAULT_RETRY_POLICY, baseMs: Number(v) } : DEFAULT_RETRY_POLICY
}

export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504])

const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH'
])

/** A network failure worth another try: reset, refused, timed out, socket hang up. */
export function isRetryableNetworkError(err: unknown): boolean {
  // Duck-typed, not `instanceof Error`: errors made by Node's own modules can come from another realm (vm contexts, test runners).
  if (typeof err !== 'object' || err === null) return false
  const { code, message } = err as { code?: unknown; message?: unknown }
  return (typeof code === 'string' && RETRYABLE_CODES.has(code)) || (typeof message === 'string' && /socket hang up/i.test(message))
}

/** A RegistryError with a retryable status or a retryable network cause, or such a network error itself. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof RegistryError)
    return err.status === undefined ? isRetryableNetworkError(err.cause) : RETRYABLE_STATUSES.has(err.status)
  return isRetryableNetworkError(err)
}

/**
 * `Retry-After` in milliseconds: delay-seconds (`120`) or an HTTP date (never negative);
 * undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined
  const v = value.trim()
  if (/^\d+$/.test(v)) return Number(v) * 1000
  if (!/[A-Za-z]/.test(v)) return undefined
  const at = Date.parse(v)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

/** The wait before retry number `retry` (1-based): `min(maxMs, baseMs * 2^(retry-1))`, jittered into its upper half. */
export function backoffMs(policy: RetryPolicy, retry: number): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (retry - 1))
  return Math.round(ceiling / 2 + (policy.random ?? Math.random)() * (ceiling / 2))
}

export interface RetryHooks {
  /** Default `isRetryable`. */
  readonly retryable?: (err: unknown) => boolean
  /** Called before each wait: for a log line. */
  readonly onRetry?: (err: unknown, retry: number, waitMs: number) => void
}

/**
 * Runs `op` until it succeeds, throws something not retryable, or the policy's attempts are
 * spent (then the last error is thrown). A RegistryError's `retryAfterMs` replaces the
 * backoff, capped at `maxMs`.
 */
export async function withRetry<T>(policy: RetryPolicy, op: (attempt: number) => Promise<T>, hooks: RetryHooks = {}): Promise<T> {
  const retryable = hooks.retryable ?? isRetryable
  const sleep = policy.sleep ?? ((ms: number) => delay(ms).then(() => undefined))
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt)
    } catch (err) {
      if (attempt >= policy.attempts || !retryable(err)) throw err
      const hinted = err instanceof RegistryError ? err.retryAfterMs : undefined
      const wait = hinted === undefined ? backoffMs(policy, attempt) : Math.min(hinted, policy.maxMs)
      hooks.onRetry?.(err, attempt, wait)
      await sleep(wait)
    }
  }
}
