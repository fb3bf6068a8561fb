/** Runs `fn` over `items` with at most `limit` at once; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i], i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

/** A gate that lets at most `limit` tasks run at once; the others wait their turn, first come first served. */
export function limiter(limit: number): <R>(task: () => Promise<R>) => Promise<R> {
  let running = 0
  const waiting: (() => void)[] = []
  return async task => {
    if (running < limit) running++
    else await new Promise<void>(resolve => waiting.push(resolve)) // a finishing task hands its place over
    try {
      return await task()
    } finally {
      const next = waiting.shift()
      if (next) next()
      else running--
    }
  }
}

/** Waits for every promise, then throws the first rejection in their order, if any: nothing is left running behind. */
export async function settleAll<R>(promises: readonly Promise<R>[]): Promise<R[]> {
  const settled = await Promise.allSettled(promises)
  const failed = settled.find(s => s.status === 'rejected')
  if (failed) throw failed.reason
  return settled.map(s => (s as PromiseFulfilledResult<R>).value)
}

/** A promise's outcome as Promise.allSettled gives it, for one promise awaited on its own. */
export const settled = <R>(p: Promise<R>): Promise<PromiseSettledResult<R>> =>
  p.then(
    value => ({ status: 'fulfilled', value }),
    (reason: unknown) => ({ status: 'rejected', reason })
  )

/**
 * The promise, its rejection marked as handled until it is awaited: for work started now and
 * awaited later, which may fail before anyone awaits it (Node would end the process).
 */
export function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {})
  return promise
}
