/**
 * The build plan carried out; when a build step of one emulated platform crashed, once more with
 * another QEMU registered for that platform's emulator: passing, with a warning giving the
 * per-platform pin; failing again, with an error naming both versions.
 */
import * as core from '@actions/core'
import { grouped } from '../action/log-group.js'
import { type CrashRecovery, crashedBuildPlatform, pinAdvice } from '../emulation/emulator-crash.js'
import { ArchwayError, errorMessage } from '../shared/errors.js'
import { formatPlatform } from '../shared/platform.js'

export async function buildAgainAfterACrash<T>(o: CrashRecovery, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (err) {
    const p = o.swapEmulator ? crashedBuildPlatform(err, o.emulated) : undefined
    if (!p || !o.swapEmulator) throw err
    const swapEmulator = o.swapEmulator
    const name = formatPlatform(p)
    const from = o.qemuVersions.get(name) ?? '(unknown)'
    const swap = await grouped(`Build ${name} again under another QEMU`, async log => {
      log(`A build step for ${name} crashed under QEMU ${from}`)
      return swapEmulator(p, log)
    })
    if (!swap) throw err
    try {
      const done = await work()
      core.warning(
        `${name}: a build step crashed under QEMU ${from} and the build passed under QEMU ${swap.to}; ${pinAdvice(name, swap.to)}`
      )
      return done
    } catch (again) {
      throw new ArchwayError(
        `The build of ${name} crashed under QEMU ${from}, and under QEMU ${swap.to} it failed again: ${errorMessage(again)}`,
        { cause: again }
      )
    }
  }
}
