/** Typed errors. Each becomes exactly one `::error::` line; `cause` keeps the detail. */

export class ArchwayError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

/** A bad input value: names the input, the value and what is accepted. */
export class InputError extends ArchwayError {
  constructor(
    readonly input: string,
    readonly value: string,
    readonly accepted: string
  ) {
    super(`Input "${input}" has a bad value "${oneLine(value)}": ${accepted}`)
  }
}

/** A download that failed or did not match what the archive's signed metadata promised. */
export class DownloadError extends ArchwayError {}

/** A signature, hash or content check that failed: nothing from it is used or kept. */
export class VerificationError extends ArchwayError {}

/** The host cannot do what is asked (binfmt_misc, docker, sudo ...). */
export class EnvironmentError extends ArchwayError {}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, '\\n')
}

/** The message of any thrown value, flattened to one line. */
export function errorMessage(err: unknown): string {
  return oneLine(err instanceof Error ? err.message : String(err))
}
