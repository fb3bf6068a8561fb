/**
 * The registry client's one error type: what was asked (method, URL with secrets redacted),
 * what came back (status, the registry's error codes), in one line, with no credential or
 * token in it.
 */
import { STATUS_CODES } from 'node:http'
import { ArchwayError, oneLine } from '../shared/errors.js'

/** One entry of the distribution API's `{"errors": [...]}` body. */
export interface RegistryErrorCode {
  readonly code: string
  readonly message: string
}

export interface RegistryErrorInit {
  readonly method: string
  readonly url: URL | string
  /** Absent when no answer came (connection refused or reset, timeout). */
  readonly status?: number
  readonly codes?: readonly RegistryErrorCode[]
  /** What the answer was, when it was not a registry error body (first bytes, one line). */
  readonly text?: string
  /** From `Retry-After`, in milliseconds. */
  readonly retryAfterMs?: number
  readonly cause?: unknown
  /** Strings that must never appear in the message (passwords, tokens): replaced by `***`. */
  readonly secrets?: Iterable<string>
}

export class RegistryError extends ArchwayError {
  readonly method: string
  /** The URL with credentials and every query value that is not known to be harmless redacted. */
  readonly url: string
  readonly status: number | undefined
  readonly codes: readonly RegistryErrorCode[]
  readonly retryAfterMs: number | undefined

  constructor(init: RegistryErrorInit) {
    const secrets = [...(init.secrets ?? [])]
    const url = scrub(redactUrl(init.url), secrets)
    const codes = init.codes ?? []
    const what =
      init.status === undefined
        ? `failed: ${describeFailure(init.cause)}`
        : `answered ${init.status} ${STATUS_CODES[init.status] ?? ''}`.trimEnd() +
          (codes.length
            ? ` (${codes.map(c => (c.message ? `${c.code}: ${c.message}` : c.code)).join('; ')})`
            : init.text
              ? ` (${init.text})`
              : '')
    super(scrub(oneLine(`${init.method} ${url} ${what}`), secrets), { cause: init.cause })
    this.method = init.method
    this.url = url
    this.status = init.status
    this.codes = codes.map(c => ({ code: c.code, message: scrub(c.message, secrets) }))
    this.retryAfterMs = init.retryAfterMs
  }

  /** Whether the registry named this error code (`MANIFEST_UNKNOWN`, `UNSUPPORTED` ...). */
  has(code: string): boolean {
    return this.codes.some(c => c.code === code)
  }
}

/** Parses the distribution API's error body; anything else gives no codes. */
export function parseErrorBody(body: Buffer | string): RegistryErrorCode[] {
  try {
    const json = JSON.parse(body.toString()) as { errors?: unknown }
    if (!Array.isArray(json.errors)) return []
    return json.errors
      .filter((e): e is { code: unknown; message?: unknown } => typeof e === 'object' && e !== null && 'code' in e)
      .map(e => ({ code: String(e.code), message: typeof e.message === 'string' ? oneLine(e.message).slice(0, 300) : '' }))
  } catch {
    return []
  }
}

/** Query parameters whose values say nothing secret; every other value is redacted. */
const HARMLESS_QUERY = new Set(['digest', 'mount', 'from', 'n', 'last', 'service', 'scope', 'artifactType'])

/**
 * The URL without user info, and with every query value not known to be harmless replaced by
 * `REDACTED`; the rest of the query exactly as it was sent (never decoded and encoded again).
 */
export function redactUrl(input: URL | string): string {
  let url: URL
  try {
    url = new URL(String(input))
  } catch {
    return '(a URL that does not parse)'
  }
  url.username = ''
  url.password = ''
  if (url.search === '') return url.toString()
  const query = url.search
    .slice(1)
    .split('&')
    .map(pair => {
      const at = pair.indexOf('=')
      const name = at === -1 ? pair : pair.slice(0, at)
      if (pair === '' || HARMLESS_QUERY.has(decodeQueryName(name))) return pair
      return at === -1 ? 'REDACTED' : `${name}=REDACTED`
    })
    .join('&')
  url.search = `?${query}`
  return url.toString()
}

function decodeQueryName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '))
  } catch {
    return name
  }
}

/** Replaces every occurrence of each secret (of 4 characters or more) by `***`. */
export function scrub(text: string, secrets: Iterable<string>): string {
  let out = text
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('***')
  return out
}

function describeFailure(cause: unknown): string {
  // Duck-typed: errors made by Node's own modules can come from another realm, where `instanceof Error` is false.
  const { code, message } = (typeof cause === 'object' && cause !== null ? cause : {}) as { code?: unknown; message?: unknown }
  if (typeof message !== 'string') return String(cause)
  return typeof code === 'string' && !message.includes(code) ? `${code} (${message})` : message
}
