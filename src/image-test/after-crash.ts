/**
 * A test that crashed under emulation runs once more under another QEMU, once every other test
 * has ended: passing, with a warning giving the per-platform pin; crashing again, with both
 * versions named in the platform's failure.
 */
import * as core from '@actions/core'
import { grouped } from '../action/log-group.js'
import { runTest } from '../docker/test-run.js'
import { type CrashRecovery, pinAdvice } from '../emulation/emulator-crash.js'
import { formatPlatform } from '../shared/platform.js'
import { formatSeconds } from '../shared/time.js'
import type { Checked } from './check.js'

/** The checked platforms, each crashed test run again under another QEMU where the archive holds one. */
export async function testAgainAfterCrashes(checked: readonly Checked[], test: string | undefined, o: CrashRecovery): Promise<Checked[]> {
  const out = [...checked]
  for (const [i, c] of checked.entries()) {
    const name = formatPlatform(c.platform)
    const crash = c.test?.outcome
    const swapEmulator = o.swapEmulator
    if (crash?.kind !== 'crashed' || !o.emulated.has(name) || !swapEmulator || !test) continue
    const again = await grouped(`Test ${name} again under another QEMU`, async log => {
      log(`The test crashed with ${crash.signal} under QEMU ${o.qemuVersions.get(name) ?? '(unknown)'}`)
      const swap = await swapEmulator(c.platform, log)
      if (!swap) {
        log('The archive holds no other QEMU to try')
        return undefined
      }
      const result = await runTest(c.imageId, c.platform, test, log)
      log(`Test ${result.outcome.kind} in ${formatSeconds(result.seconds)} under QEMU ${swap.to}`)
      return { test: result, retry: { signal: crash.signal, from: swap.from, to: swap.to } }
    })
    if (!again) continue
    out[i] = { ...c, ...again }
    if (again.test.outcome.kind === 'passed')
      core.warning(
        `${name}: the test crashed under QEMU ${again.retry.from} and passed under QEMU ${again.retry.to}; ${pinAdvice(name, again.retry.to)}`
      )
  }
  return out
}
