/** The gate before the push: why each platform failed, one clause each, and what a failure leaves in the registry. Pure. */
import type { Retry } from '../action/results.js'
import { type BuildPlan, pushedTo } from '../build/plan.js'
import type { TestResult } from '../docker/test-run.js'
import type { CrashRecovery } from '../emulation/emulator-crash.js'
import { ArchwayError } from '../shared/errors.js'
import { formatPlatform } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'
import { type ArchReport, archFailure, archOk } from '../verify/arch.js'

/** Why a platform failed, one clause each; none when it passed. */
export function failureLines(
  c: { platform: Platform; test?: TestResult; retry?: Retry; arch?: ArchReport },
  o: Pick<CrashRecovery, 'qemuVersions' | 'emulated'>
): string[] {
  const name = formatPlatform(c.platform)
  const out: string[] = []
  const tail = (t: TestResult) => (t.tail.length ? `; last lines: ${t.tail.slice(-5).join(' | ')}` : '')
  const t = c.test
  if (t?.outcome.kind === 'failed') out.push(`Tests failed on ${name} with exit code ${t.outcome.exitCode}${tail(t)}`)
  if (t?.outcome.kind === 'crashed' && c.retry) {
    out.push(
      `Tests crashed on ${name} with ${c.retry.signal} under QEMU ${c.retry.from}, and again with ${t.outcome.signal} (exit code ${t.outcome.exitCode}) under QEMU ${c.retry.to}: not an emulator bug of one version${tail(t)}`
    )
  } else if (t?.outcome.kind === 'crashed') {
    const emulated = o.emulated.has(name)
    const hint = emulated
      ? ` under QEMU ${o.qemuVersions.get(name) ?? '(unknown)'}; an emulator crash depends on the QEMU version: try another qemu-version for it (${name}=latest, ${name}=7.2, or stable, 10.0, ... for every platform)`
      : ''
    out.push(`Tests crashed on ${name} with ${t.outcome.signal} (exit code ${t.outcome.exitCode})${hint}${tail(t)}`)
  }
  if (c.arch && !archOk(c.arch)) out.push(`Architecture check failed: ${archFailure(c.arch)}`)
  return out
}

/** What a failed check leaves in the registry, for its error. */
export function nothingPublished(plan: BuildPlan): string {
  if (plan.kind !== 'pushed' && plan.kind !== 'pushed-each') return 'Nothing was pushed.'
  return `Nothing was tagged: what the builder pushed to ${pushedTo(plan.pushTo)} stays by digest only, untagged, for the registry's garbage collection.`
}

/** Throws one error naming every platform's failures, when there is any. */
export function requireAllPassed(
  checked: readonly Parameters<typeof failureLines>[0][],
  plan: BuildPlan,
  o: Pick<CrashRecovery, 'qemuVersions' | 'emulated'>
): void {
  const failures = checked.flatMap(c => failureLines(c, o))
  if (failures.length > 0) throw new ArchwayError(`${failures.join('; ')}. ${nothingPublished(plan)}`)
}
