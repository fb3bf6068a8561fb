/**
 * A file of a Debian mirror downloaded into the runner's temporary folder, through
 * @actions/http-client (the runner's proxy settings, redirects). A network failure, a socket
 * silent for a minute, or an answer of 408, 429 or 5xx is tried again with the registry client's
 * bounded backoff (about 0.5, 1, 2, 4 s), so that a mirror that is down fails in seconds, not
 * minutes. A mirror is asked with no credentials, so following its redirects sends none anywhere.
 */
import { randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { HttpClient } from '@actions/http-client'
import { isRetryableNetworkError, RETRYABLE_STATUSES, type RetryPolicy, retryPolicyFromEnv, withRetry } from '../../registry/retry.js'
import { runnerTemp } from '../../shared/runner-temp.js'

/** An answer other than 200 to a download. */
export class HttpStatusError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`)
  }
}

/** A failure another try may cure: a network error, 408, 429 or 5xx. Pure. */
export function retryableDownload(err: unknown): boolean {
  return err instanceof HttpStatusError ? RETRYABLE_STATUSES.has(err.status) : isRetryableNetworkError(err)
}

/** A socket silent this long is given up (then tried again). */
const SOCKET_TIMEOUT_MS = 60_000

/** Downloads `url` into a new file of `dir` (default RUNNER_TEMP), returning its path; nothing is left behind on failure. */
export async function download(url: string, dir = runnerTemp(), policy: RetryPolicy = retryPolicyFromEnv()): Promise<string> {
  await mkdir(dir, { recursive: true })
  const dest = join(dir, randomUUID())
  const http = new HttpClient('archway', [], { allowRetries: false, socketTimeout: SOCKET_TIMEOUT_MS })
  try {
    return await withRetry(
      policy,
      async () => {
        const answer = await http.get(url)
        if (answer.message.statusCode !== 200) {
          answer.message.resume()
          throw new HttpStatusError(answer.message.statusCode ?? 0)
        }
        await pipeline(answer.message, createWriteStream(dest))
        return dest
      },
      { retryable: retryableDownload }
    )
  } catch (err) {
    await rm(dest, { force: true })
    throw err
  } finally {
    http.dispose()
  }
}
