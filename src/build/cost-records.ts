/**
 * What the builds' RUN steps cost, from BuildKit's record of each build: read as soon as a build
 * ends, beside the tests, and summed per platform once every platform is checked.
 */
import * as core from '@actions/core'
import { readBuildRecord } from '../docker/build-record.js'
import { quiet } from '../shared/concurrency.js'
import { errorMessage } from '../shared/errors.js'
import { needsEmulation, type RunnerArch } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'
import { type EmulationCost, emulationCost, opsOfProvenance, parseStatusStream, runSteps, type StepCost } from './cost.js'

/** The RUN steps of a recorded build that ran, with their seconds and platforms. */
export async function recordedRunSteps(recordRef: string): Promise<StepCost[]> {
  const record = await readBuildRecord(recordRef)
  return runSteps(parseStatusStream(record.statusStream), opsOfProvenance(record.provenance))
}

/** BuildKit's records of a run's builds, each read once, from the moment its build ends. */
export class BuildRecords {
  readonly #reads = new Map<string, Promise<StepCost[]>>()

  /** Starts reading a build's record; its failure waits for `cost` to report it. */
  read(ref: string): void {
    if (!this.#reads.has(ref)) this.#reads.set(ref, quiet(recordedRunSteps(ref)))
  }

  /**
   * What the builds' RUN steps cost per platform they ran as; undefined, with a line saying why,
   * when a record cannot be read (it is a report: the job goes on).
   */
  async cost(built: readonly { platform: Platform; recordRef?: string }[], runnerArch: RunnerArch): Promise<EmulationCost | undefined> {
    const refs = [...new Set(built.flatMap(b => (b.recordRef ? [b.recordRef] : [])))]
    if (refs.length === 0) {
      core.info('What emulation cost is not shown: buildx gave no reference of its record of the build')
      return undefined
    }
    try {
      const steps = await Promise.all(refs.map(ref => this.#reads.get(ref) ?? recordedRunSteps(ref)))
      // A target or a stage's other platform (`FROM --platform=...`): emulated by the same rule.
      return emulationCost(steps.flat(), p => needsEmulation(p, runnerArch))
    } catch (err) {
      core.info(`What emulation cost is not shown: BuildKit's record of the build could not be read (${errorMessage(err)})`)
      return undefined
    }
  }
}
