import { RegistryError } from '../../../src/registry/errors.js'
import { backoffMs, isRetryable, parseRetryAfter, type RetryPolicy, retryPolicyFromEnv, withRetry } from '../../../src/registry/retry.js'

const NOW = Date.parse('2026-11-22T10:00:00Z')

describe('Retry-After', () => {
  it.each([
    ['120', 120_000],
    ['0', 0],
    [' 3 ', 3000],
    ['Sun, 22 Nov 2026 10:00:30 GMT', 30_000],
    ['Sun, 22 Nov 2026 09:00:00 GMT', 0],
    ['soon', undefined],
    ['1.5', undefined],
    ['-5', undefined],
    [undefined, undefined]
  ])('reads %j as %j ms', (value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms)
  })
})

const reset = () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })
const status = (s: number, retryAfterMs?: number) => new RegistryError({ method: 'GET', url: 'http://r.test/v2/', status: s, retryAfterMs })

function recorder(policy: Partial<RetryPolicy> = {}) {
  const waits: number[] = []
  return {
    waits,
    policy: { attempts: 4, baseMs: 100, maxMs: 1000, random: () => 0.5, sleep: async (ms: number) => void waits.push(ms), ...policy }
  }
}

describe('retrying', () => {
  it('counts network errors and retryable statuses as retryable, and nothing else', () => {
    expect(
      [
        reset(),
        Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
        new Error('socket hang up'),
        Object.assign(new Error('t'), { code: 'ETIMEDOUT' })
      ].map(isRetryable)
    ).toEqual([true, true, true, true])
    expect([408, 429, 500, 502, 503, 504].map(s => isRetryable(status(s)))).toEqual([true, true, true, true, true, true])
    expect([400, 401, 403, 404, 405, 501].map(s => isRetryable(status(s)))).toEqual([false, false, false, false, false, false])
    expect(isRetryable(new Error('a bug'))).toBe(false)
    expect(isRetryable(new RegistryError({ method: 'GET', url: 'http://r.test/', cause: reset() }))).toBe(true)
  })

  it('tries again until the operation succeeds', async () => {
    const { waits, policy } = recorder()
    let calls = 0
    const result = await withRetry(policy, async attempt => {
      calls++
      if (attempt < 3) throw reset()
      return 'done'
    })
    expect(result).toBe('done')
    expect(calls).toBe(3)
    expect(waits).toHaveLength(2)
  })

  it('gives up after the attempts of the policy, with the last error', async () => {
    const { waits, policy } = recorder({ attempts: 3 })
    let calls = 0
    const failure = withRetry(policy, async () => {
      calls++
      throw status(503)
    })
    await expect(failure).rejects.toThrow('503')
    expect(calls).toBe(3)
    expect(waits).toHaveLength(2)
  })

  it('does not retry what another try cannot cure', async () => {
    for (const err of [status(400), status(401), status(404), new Error('a bug')]) {
      let calls = 0
      await expect(
        withRetry(recorder().policy, async () => {
          calls++
          throw err
        })
      ).rejects.toBe(err)
      expect(calls).toBe(1)
    }
  })

  it('backs off exponentially with jitter into the upper half, up to the maximum', () => {
    const p = (random: number): RetryPolicy => ({ attempts: 10, baseMs: 100, maxMs: 1000, random: () => random })
    expect([1, 2, 3, 4, 5, 6].map(n => backoffMs(p(0), n))).toEqual([50, 100, 200, 400, 500, 500])
    expect([1, 2, 3, 4, 5, 6].map(n => backoffMs(p(0.999999), n))).toEqual([100, 200, 400, 800, 1000, 1000])
  })

  it('waits what Retry-After asks instead of the backoff, but never longer than the policy allows', async () => {
    const { waits, policy } = recorder({ maxMs: 5000 })
    let calls = 0
    await withRetry(policy, async () => {
      calls++
      if (calls === 1) throw status(429, 2000)
      if (calls === 2) throw status(503, 60_000)
      return 'ok'
    })
    expect(waits).toEqual([2000, 5000])
  })
})

describe('the default policy, as the step environment sets it', () => {
  it('is five tries from a 500 ms backoff, or from ARCHWAY_RETRY_DELAY_MS milliseconds', () => {
    expect(retryPolicyFromEnv({})).toEqual({ attempts: 5, baseMs: 500, maxMs: 30_000 })
    expect(retryPolicyFromEnv({ ARCHWAY_RETRY_DELAY_MS: '50' })).toEqual({ attempts: 5, baseMs: 50, maxMs: 30_000 })
    expect(retryPolicyFromEnv({ ARCHWAY_RETRY_DELAY_MS: '0' }).baseMs).toBe(0)
  })

  it('keeps the default for a value that is not a whole number of milliseconds', () => {
    for (const v of ['', 'soon', '-5', '1.5', '10000000']) expect(retryPolicyFromEnv({ ARCHWAY_RETRY_DELAY_MS: v }).baseMs).toBe(500)
  })
})
