/** Elapsed time, as the logs and the summary give it. */

/** The seconds since `start` (a `Date.now()` value). */
export const secondsSince = (start: number): number => (Date.now() - start) / 1000

/** Seconds as the logs give them: one decimal. */
export const formatSeconds = (n: number): string => `${n.toFixed(1)} s`
