/** Runs the user's test command inside one platform's image, and reads how it ended. */
import { formatPlatform } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'
import { secondsSince } from '../shared/time.js'
import { docker } from './engine.js'

/** The signals a program dies of when its emulator mistranslates it. */
export type CrashSignal = 'SIGSEGV' | 'SIGILL' | 'SIGBUS'

export type TestOutcome =
  | { readonly kind: 'passed' }
  | { readonly kind: 'failed'; readonly exitCode: number }
  /** The program died of SIGSEGV or SIGILL: under emulation, often QEMU itself. */
  | { readonly kind: 'crashed'; readonly exitCode: number; readonly signal: CrashSignal }

export interface TestResult {
  readonly platform: Platform
  readonly outcome: TestOutcome
  readonly seconds: number
  /** The last lines of what the test printed, both streams. */
  readonly tail: string[]
}

const SIGNALS: Record<number, CrashSignal> = { 139: 'SIGSEGV', 132: 'SIGILL', 135: 'SIGBUS' }

/** Reads an exit code and the output into an outcome. Pure. */
export function outcomeOf(exitCode: number, output: string): TestOutcome {
  if (exitCode === 0) return { kind: 'passed' }
  const qemu = /qemu: uncaught target signal (\d+)/.exec(output)
  const bySignal = qemu ? ({ 11: 'SIGSEGV', 4: 'SIGILL', 7: 'SIGBUS' } as const)[Number(qemu[1]) as 11 | 4 | 7] : SIGNALS[exitCode]
  return bySignal ? { kind: 'crashed', exitCode, signal: bySignal } : { kind: 'failed', exitCode }
}

export function lastLines(text: string, n = 20): string[] {
  return text
    .split('\n')
    .map(l => l.trimEnd())
    .filter(l => l !== '')
    .slice(-n)
}

/**
 * `docker run` argv for the test: no network, the image's own shell, and `--init`, so the test
 * is not PID 1: PID 1 ignores the signal a crashing program sends itself, and an emulated one
 * then hangs instead of dying. Pure.
 */
export function testArgv(image: string, platform: Platform, command: string): string[] {
  return ['run', '--rm', '--init', '--network', 'none', '--platform', formatPlatform(platform), '--entrypoint', 'sh', image, '-c', command]
}

export async function runTest(image: string, platform: Platform, command: string, echo: (line: string) => void): Promise<TestResult> {
  const started = Date.now()
  const r = await docker(testArgv(image, platform, command), { allowFailure: true })
  const output = `${r.stdout}${r.stderr}`
  for (const line of output.split('\n')) if (line.trim()) echo(line)
  return { platform, outcome: outcomeOf(r.exitCode, output), seconds: secondsSince(started), tail: lastLines(output) }
}
