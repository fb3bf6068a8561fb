/** How a step ends on an error: one `::error::` line, with the stack in the debug log for the unexpected. */
import * as core from '@actions/core'
import { ArchwayError, errorMessage } from '../shared/errors.js'

/** Runs the step's work; on an error, fails the step with one line and returns false. */
export async function runStep(unexpected: string, work: () => Promise<void>): Promise<boolean> {
  try {
    await work()
    return true
  } catch (err) {
    core.setFailed(err instanceof ArchwayError ? err.message : `${unexpected}: ${errorMessage(err)}`)
    if (err instanceof Error && !(err instanceof ArchwayError) && err.stack) core.debug(err.stack)
    return false
  }
}
