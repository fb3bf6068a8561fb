/** The one seam through which Archway runs other programs. */
import { type ChildProcess, spawn } from 'node:child_process'
import { constants } from 'node:os'
import { Readable } from 'node:stream'
import * as actionsExec from '@actions/exec'
import { ArchwayError, oneLine } from './errors.js'

export interface RunOptions {
  readonly input?: Buffer
  readonly cwd?: string
  readonly env?: Record<string, string>
  /** Echo the command and its output to the log (default: quiet). */
  readonly echo?: boolean
  /** Return instead of throwing when the exit code is not zero. */
  readonly allowFailure?: boolean
}

export interface RunResult {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
}

/** What a failed command said, on one line: its last 500 characters, where a reason usually is. Pure. */
export function outputTail(result: RunResult, max = 500): string {
  const text = oneLine(result.stderr.trim() || result.stdout.trim())
  return text.length > max ? `...${text.slice(-max)}` : text
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape sequences buildx colours its warnings with
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g

/**
 * buildx's own reason for a failure: its last `ERROR:` line, with the `ERROR:` lines right before
 * it, on one line (the end kept when longer than `max`); undefined when it printed none. Its
 * progress, the step's output and the Dockerfile excerpt come before it, in the build's log group. Pure.
 */
export function buildxError(result: RunResult, max = 2000): string | undefined {
  const lines = (result.stderr.trim() ? result.stderr : result.stdout).replace(ANSI, '').split('\n')
  let end = lines.length - 1
  while (end >= 0 && !lines[end].startsWith('ERROR:')) end--
  if (end < 0) return undefined
  let start = end
  while (start > 0 && lines[start - 1].startsWith('ERROR:')) start--
  const text = oneLine(
    lines
      .slice(start, end + 1)
      .join('\n')
      .trim()
  )
  return text.length > max ? `...${text.slice(-max)}` : text
}

/** The reason a failed command gives, on one line: buildx's own error line(s) for a buildx command, else the end of its output. Pure. */
export function failureReason(command: string, result: RunResult): string {
  return (/^docker buildx /.test(command) ? buildxError(result) : undefined) ?? outputTail(result)
}

export class CommandError extends ArchwayError {
  constructor(
    readonly command: string,
    readonly result: RunResult
  ) {
    super(`${command} exited with ${result.exitCode}: ${failureReason(command, result)}`)
  }
}

/** Runs a command, capturing its output; throws CommandError on a non-zero exit unless allowed. */
export async function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const out = await actionsExec.getExecOutput(command, [...args], {
    input: options.input,
    cwd: options.cwd,
    env: options.env,
    silent: !options.echo,
    ignoreReturnCode: true
  })
  const result = { exitCode: out.exitCode, stdout: out.stdout, stderr: out.stderr }
  if (result.exitCode !== 0 && !options.allowFailure) throw new CommandError([command, ...args].join(' '), result)
  return result
}

export interface Command {
  readonly command: string
  readonly args: readonly string[]
}

const commandLine = (c: Command) => [c.command, ...c.args].join(' ')

/** The stderr kept of a pipe's first command: its end, where a failure says why. */
const KEEP = 64 * 1024

interface Ended {
  readonly result: RunResult
  readonly line: string
}

/** A spawned program's end: its exit code (128 + signal number when killed, 127 when it could not start) and what it printed. */
function ended(child: ChildProcess, line: string, keepStdout: boolean): Promise<Ended> {
  let stdout = ''
  let stderr = ''
  if (keepStdout) child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d))
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (d: string) => (stderr = (stderr + d).slice(-KEEP)))
  return new Promise(resolve => {
    child.on('error', err => resolve({ line, result: { exitCode: 127, stdout, stderr: `${stderr}${err.message}` } }))
    child.on('close', (code, signal) => {
      const exitCode = code ?? 128 + (signal ? constants.signals[signal] : 0)
      resolve({ line, result: { exitCode, stdout, stderr } })
    })
  })
}

/**
 * `from | to` without a shell: `from`'s standard output (a program's, or a stream of Archway's
 * own) goes straight into `to`'s standard input, never held whole in memory nor written to a
 * file. Both sides are checked, as `set -o pipefail` would: a failure of either is a
 * CommandError naming it, of both one naming both. Returns what `to` printed.
 */
export async function runPiped(from: Command | Readable, to: Command): Promise<RunResult> {
  if (from instanceof Readable) {
    const sink = spawn(to.command, [...to.args], { stdio: ['pipe', 'pipe', 'pipe'] })
    const source = from
    let sourceError: Error | undefined
    source.on('error', err => {
      sourceError = err
      sink.stdin.destroy()
    })
    sink.stdin.on('error', () => source.destroy()) // `to` stopped reading: its own exit says why
    source.pipe(sink.stdin)
    const done = await ended(sink, commandLine(to), true)
    if (sourceError) throw new CommandError(`(stream) | ${done.line}`, { exitCode: 1, stdout: '', stderr: sourceError.message })
    return check([done])
  }
  const first = spawn(from.command, [...from.args], { stdio: ['ignore', 'pipe', 'pipe'] })
  // The second program reads the first one's pipe itself; Node only holds it until then.
  const second = spawn(to.command, [...to.args], { stdio: [first.stdout, 'pipe', 'pipe'] })
  first.stdout.destroy()
  const both = await Promise.all([ended(first, commandLine(from), false), ended(second, commandLine(to), true)])
  return check(both)
}

function check(sides: readonly Ended[]): RunResult {
  const failed = sides.filter(s => s.result.exitCode !== 0)
  if (failed.length === 1) throw new CommandError(failed[0].line, failed[0].result)
  if (failed.length > 1) {
    const [a, b] = failed
    throw new ArchwayError(
      `${a.line} exited with ${a.result.exitCode}: ${outputTail(a.result, 250)}; ${b.line} exited with ${b.result.exitCode}: ${outputTail(b.result, 250)}`
    )
  }
  return sides[sides.length - 1].result
}
