/** A build step or a test that died the way an emulator crash dies, the platform it ran for, and what running it again under another QEMU needs. */
import { outcomeOf } from '../docker/test-run.js'
import { CommandError } from '../shared/exec.js'
import { formatPlatform, parsePlatformList } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'
import type { Swap } from './emulation.js'

/** Whether a failed build's output reads as a test's crash would (outcomeOf): QEMU's report, or a RUN step's exit by a crash signal. */
function crashed(output: string): boolean {
  const step = /did not complete successfully: exit code: (\d+)/.exec(output)?.[1]
  return outcomeOf(Number(step ?? 1), output).kind === 'crashed'
}

/** The failed build command behind an error of the build plan (the first, when several failed). */
function failedBuild(err: unknown): CommandError | undefined {
  if (err instanceof CommandError) return err
  const cause = (err as { cause?: unknown } | undefined)?.cause
  return cause instanceof CommandError ? cause : undefined
}

/**
 * The emulated platform whose build step crashed, when the error says so and names one: the
 * platform of a one-platform build (the classic store builds each alone), or the only emulated
 * one of a multi-platform build (buildx does not say which platform a RUN step was for).
 */
export function crashedBuildPlatform(err: unknown, emulated: ReadonlySet<string>): Platform | undefined {
  const build = failedBuild(err)
  if (!build || !crashed(`${build.result.stdout}\n${build.result.stderr}`)) return undefined
  const flag = /--platform (\S+)/.exec(build.command)?.[1]
  if (!flag) return undefined
  const candidates = parsePlatformList(flag).filter(p => emulated.has(formatPlatform(p)))
  return candidates.length === 1 ? candidates[0] : undefined
}

/** What a crash under emulation needs to run again under another QEMU. */
export interface CrashRecovery {
  /** The QEMU each emulated platform runs under, for the hint when its test crashes. */
  readonly qemuVersions: ReadonlyMap<string, string>
  /** Platforms that run under emulation on this runner. */
  readonly emulated: ReadonlySet<string>
  /** Registers another QEMU for a platform whose build or test crashed under emulation (emulation.ts, swapEmulator). */
  readonly swapEmulator?: (platform: Platform, log: (line: string) => void) => Promise<Swap | undefined>
}

/** The warning's advice when another QEMU did what the first could not. Pure. */
export const pinAdvice = (name: string, version: string) => `to use that QEMU for ${name} from the start: qemu-version: ${name}=${version}`
