/** What emulation cost, as Markdown lines for the job summary and the log. Pure. */

import { formatPlatform } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'
import { formatSeconds } from '../shared/time.js'
import type { EmulationCost, StageCost } from './cost.js'

/** A platform's tests and how long they took (the last run, when a crash ran them again). */
export interface TestTime {
  readonly platform: string
  readonly seconds?: number
}

/** Each platform's test time, for the cost table. */
export function testTimes(results: readonly { platform: Platform; test?: { seconds: number } }[]): TestTime[] {
  return results.map(r => ({ platform: formatPlatform(r.platform), seconds: r.test?.seconds }))
}

/** A stage is named in the hint when emulation added at least this long to its RUN steps... */
export const COSTLY_STAGE_SECONDS = 1
/** ...and at least this share of their emulated seconds (the steps took 1.5x their native time or more). */
export const COSTLY_STAGE_SHARE = 1 / 3
/** At most this many stages are named. */
const STAGES_NAMED = 3

const times = (a: number, b: number) => `${(a / b).toFixed(1)}x`

/**
 * The stages worth moving off emulation: those emulation added most to, at least
 * COSTLY_STAGE_SECONDS and COSTLY_STAGE_SHARE of their emulated seconds each. A stage whose steps
 * take as long natively (a download, a sleep, `dd` of random bytes) would gain nothing.
 */
export function costlyStages(cost: EmulationCost): StageCost[] {
  return cost.stages.filter(s => s.added >= COSTLY_STAGE_SECONDS && s.added >= COSTLY_STAGE_SHARE * s.seconds).slice(0, STAGES_NAMED)
}

/**
 * A table, per platform (the targets in their order, then any other platform a stage ran as):
 * whether it ran natively, its RUN steps' seconds (against the same steps of a native platform
 * when the build had one), its tests' seconds (against the native tests); then the costliest
 * emulated stages with the way to take them off QEMU. Empty when nothing ran under emulation.
 */
export function costLines(cost: EmulationCost, tests: readonly TestTime[]): string[] {
  const byPlatform = new Map(cost.platforms.map(p => [p.platform, p]))
  const order = [...tests.map(t => t.platform), ...cost.platforms.map(p => p.platform).filter(p => !tests.some(t => t.platform === p))]
  const testOf = new Map(tests.map(t => [t.platform, t.seconds]))
  const nativeTest = tests.find(t => t.seconds !== undefined && byPlatform.get(t.platform)?.emulated === false)
  const anyEmulated = cost.platforms.some(p => p.emulated && p.runSeconds > 0)
  if (!anyEmulated && !tests.some(t => byPlatform.get(t.platform)?.emulated)) return []

  const rows = order.map(platform => {
    const c = byPlatform.get(platform)
    const emulated = c?.emulated ?? false
    const runs = c === undefined ? 'none' : formatSeconds(c.runSeconds)
    const against =
      c?.against && c.against.nativeSeconds > 0
        ? ` (${times(c.against.seconds, c.against.nativeSeconds)} the same steps as ${c.against.platform})`
        : ''
    const t = testOf.get(platform)
    const testRatio =
      t !== undefined && emulated && nativeTest?.seconds ? ` (${times(t, nativeTest.seconds)} ${nativeTest.platform}'s)` : ''
    const test = t === undefined ? (testOf.has(platform) ? 'none' : '') : `${formatSeconds(t)}${testRatio}`
    const where = c === undefined ? '' : emulated ? 'QEMU' : 'native'
    return `| ${platform} | ${where} | ${runs}${against} | ${test} |`
  })
  const lines = [
    '**What emulation cost**: seconds of RUN steps per platform they ran as (steps of different platforms run at the same time), and of the tests.',
    '',
    '| Platform | Ran | RUN steps | Tests |',
    '| --- | --- | --- | --- |',
    ...rows
  ]
  const costly = costlyStages(cost)
  if (costly.length > 0) {
    const named = costly.map(
      s =>
        `\`${s.stage}\` ${formatSeconds(s.seconds)} under QEMU${s.compared ? `, ${formatSeconds(s.added)} more than natively` : ''} (${s.byPlatform.map(([p, n]) => `${p} ${formatSeconds(n)}`).join(', ')})`
    )
    lines.push(
      '',
      `Costliest emulated stages: ${named.join('; ')}. Their RUN steps run under QEMU. A stage that compiles can run natively instead: ` +
        '`FROM --platform=$BUILDPLATFORM` for it, a cross-compiler for `$TARGETPLATFORM` (`GOOS=$TARGETOS GOARCH=$TARGETARCH`, ' +
        'a `gcc-<triplet>` toolchain, `rustup target add`), and `COPY --from=` its output into the image.'
    )
  }
  return lines
}
