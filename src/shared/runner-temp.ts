/** Where a step keeps its scratch folders: the runner's RUNNER_TEMP, emptied after each job; the system's temp folder elsewhere. */
import { tmpdir } from 'node:os'

export const runnerTemp = (): string => process.env.RUNNER_TEMP || tmpdir()
