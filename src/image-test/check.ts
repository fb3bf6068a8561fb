/**
 * One built platform checked: the tests inside its image in the engine, and the architecture of
 * its ELF files read from its OCI layout, side by side; its layers compressed for the push
 * meanwhile. All end before any error is thrown.
 */

import type { Retry } from '../action/results.js'
import type { PlatformBuilt } from '../build/run.js'
import { nodeOf } from '../docker/build-record.js'
import { runTest, type TestResult } from '../docker/test-run.js'
import type { BuildInputs } from '../inputs/inputs.js'
import type { PlatformImage } from '../oci/layout.js'
import type { PreparedImage } from '../publish/push-image.js'
import { quiet, settled } from '../shared/concurrency.js'
import type { Platform } from '../shared/platform-table.js'
import { formatSeconds } from '../shared/time.js'
import { type ArchReport, archLogLine, archOk, verifyImageArch } from '../verify/arch.js'

/** A platform once checked: what its tests and the architecture check found, and what the push needs. */
export interface Checked {
  readonly platform: Platform
  readonly image: PlatformImage
  readonly imageId: string
  readonly test?: TestResult
  readonly retry?: Retry
  readonly arch?: ArchReport
  /** Its layers compressed for the push, when the push was asked and every check so far passed. */
  readonly prepared?: PreparedImage
  readonly buildSeconds: number
  readonly sharedBuild: boolean
  readonly recordRef?: string
}

/** Whether a platform's checks passed: its test (when there is one) and its architecture check (when asked). Pure. */
export const passed = (test?: TestResult, arch?: ArchReport) => (!test || test.outcome.kind === 'passed') && (!arch || archOk(arch))

/**
 * Checks one platform as soon as it is built. The test runs in the engine at once; the
 * architecture check and `prepare` read the layout once it is written. `stop` is shared by every
 * platform: a failed check aborts every compression under way (nothing will be pushed).
 */
export async function checkPlatform(
  built: PlatformBuilt,
  b: Pick<BuildInputs, 'test' | 'verifyArch' | 'verifyArchIgnore'>,
  log: (line: string) => void,
  prepare: ((image: PlatformImage, signal: AbortSignal) => Promise<PreparedImage>) | undefined,
  stop: AbortController
): Promise<Checked> {
  const { platform } = built
  // The test's lines follow the image's in the group, whichever comes first.
  const testLines: string[] = []
  const testing = b.test ? runTest(built.imageId, platform, b.test, line => testLines.push(line)) : Promise.resolve(undefined)
  const inLayout = built.layout.then(({ image, notes }) => {
    const node = built.recordRef ? `, built on node ${nodeOf(built.recordRef)}` : ''
    log(`Image ${image.descriptor.digest} (${image.manifest.layers.length} layers)${node}`)
    for (const note of notes) log(note)
    return image
  })
  const verifying = inLayout.then(image => (b.verifyArch ? verifyImageArch(image, { ignore: b.verifyArchIgnore }) : undefined))
  // Another platform's failed check can stop it before it is awaited here.
  const preparing = quiet(prepare ? inLayout.then(image => prepare(image, stop.signal)) : Promise.resolve(undefined))
  const [tested, verified] = await Promise.allSettled([testing, verifying])
  for (const line of testLines) log(line)
  if (tested.status === 'rejected' || verified.status === 'rejected' || !passed(tested.value, verified.value)) stop.abort()
  const prepared = await settled(preparing)
  if (tested.status === 'rejected') throw tested.reason
  if (verified.status === 'rejected') throw verified.reason
  if (prepared.status === 'rejected' && !stop.signal.aborted) throw prepared.reason
  const [test, arch] = [tested.value, verified.value]
  if (test) log(`Test ${test.outcome.kind} in ${formatSeconds(test.seconds)}`)
  if (arch) log(archLogLine(arch))
  return {
    platform,
    image: await inLayout,
    imageId: built.imageId,
    test,
    arch,
    prepared: prepared.status === 'fulfilled' ? prepared.value : undefined,
    buildSeconds: built.buildSeconds,
    sharedBuild: built.sharedBuild,
    recordRef: built.recordRef
  }
}
