/** The one seam through which Archway runs other programs. */
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

/**
 * What a failed command said, on one line: its last 500 characters, where the reason is (buildx
 * prints its whole progress first and its error last). Pure.
 */
export function outputTail(result: RunResult, max = 500): string {
  const text = oneLine(result.stderr.trim() || result.stdout.trim())
  return text.length > max ? `...${text.slice(-max)}` : text
}

export class CommandError extends ArchwayError {
  constructor(
    readonly command: string,
    readonly result: RunResult
  ) {
    super(`${command} exited with ${result.exitCode}: ${outputTail(result)}`)
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
