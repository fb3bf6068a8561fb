/** A step of the action as GitHub's runner runs it: INPUT_* with action.yml's defaults, STATE_*, the command files, and what it left in them. */
import { spawn } from 'node:child_process'
import { chownSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ACTION_DEFAULTS } from '../../src/inputs/action-defaults.generated.js'

export interface StepResult {
  readonly code: number
  readonly log: string
  readonly outputs: Record<string, string>
  /** What the step saved with core.saveState, as the runner hands it to the post step (STATE_<name>). */
  readonly state: Record<string, string>
  readonly summary: string
  readonly errors: string[]
}

/** Parses a GITHUB_OUTPUT / GITHUB_STATE file (`name<<delimiter` blocks). */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^=<]+)<<(.+)$/.exec(lines[i])
    if (m) {
      const end = lines.indexOf(m[2], i + 1)
      out[m[1]] = lines.slice(i + 1, end).join('\n')
      i = end
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=')
      out[lines[i].slice(0, at)] = lines[i].slice(at + 1)
    }
  }
  return out
}

/** The job's token, as GitHub gives `${{ github.token }}`. */
export const JOB_TOKEN = 'ghs_e2e-job-token'

/**
 * Every input of action.yml as the runner passes it: the workflow's value, else action.yml's
 * default ('' where it has none; `${{ github.token }}` evaluated to the job's token).
 */
export function runnerInputs(inputs: Record<string, string>): Record<string, string> {
  const defaults = Object.entries(ACTION_DEFAULTS).map(([name, value]) => [name, value.replace('${{ github.token }}', JOB_TOKEN)])
  return { ...Object.fromEntries(defaults), ...inputs }
}

/** A user other than root to run a step as; its command files are made its own (the runner's folders are the caller's to give it). */
export interface StepUser {
  readonly uid: number
  readonly gid: number
}

export interface RunnerStep {
  /** The bundle to run: `<dist>/main.js` or `<dist>/post.js`. */
  readonly script: string
  /** A new, empty folder for the step's command files. */
  readonly dir: string
  /** What every step of the runner gets (RUNNER_*, GITHUB_* ...); GITHUB_WORKSPACE is the step's working folder. */
  readonly runnerEnv: Record<string, string>
  /** The inputs the workflow gives. */
  readonly inputs: Record<string, string>
  /** What an earlier main step saved. */
  readonly state: Record<string, string>
  readonly extraEnv: Record<string, string>
  readonly user?: StepUser
}

/** The step's command files in `dir`: GITHUB_OUTPUT, GITHUB_STATE and GITHUB_STEP_SUMMARY. */
export function commandFiles(dir: string): Record<'GITHUB_OUTPUT' | 'GITHUB_STATE' | 'GITHUB_STEP_SUMMARY', string> {
  return { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STATE: join(dir, 'state'), GITHUB_STEP_SUMMARY: join(dir, 'summary') }
}

/**
 * The step's environment: this process's, less what the runner sets itself (INPUT_*, STATE_*,
 * GITHUB_*, RUNNER_*, ACTIONS_*); then the runner's, the command files, `extraEnv`, every input
 * of action.yml as INPUT_<NAME> (runnerInputs) and the state as STATE_<name>.
 */
export function stepEnv(step: RunnerStep, inherited: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(inherited)) if (v !== undefined && !/^(INPUT_|STATE_|GITHUB_|RUNNER_|ACTIONS_)/.test(k)) env[k] = v
  Object.assign(env, step.runnerEnv, commandFiles(step.dir), step.extraEnv)
  for (const [k, v] of Object.entries(runnerInputs(step.inputs))) env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v
  for (const [k, v] of Object.entries(step.state)) env[`STATE_${k}`] = v
  return env
}

/** Runs the step's script with node, as its user when one is given, and reads back what it wrote and said. */
export async function runAsRunner(step: RunnerStep): Promise<StepResult> {
  const files = commandFiles(step.dir)
  for (const f of Object.values(files)) writeFileSync(f, '')
  if (step.user) for (const path of [step.dir, ...Object.values(files)]) chownSync(path, step.user.uid, step.user.gid)
  const child = spawn(process.execPath, [step.script], {
    env: stepEnv(step),
    cwd: step.runnerEnv.GITHUB_WORKSPACE,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...step.user
  })
  let log = ''
  child.stdout.on('data', d => (log += d))
  child.stderr.on('data', d => (log += d))
  const code = await new Promise<number>(resolve => child.on('close', c => resolve(c ?? -1)))
  const read = (f: string) => readFileSync(f, 'utf8')
  return {
    code,
    log,
    outputs: parseCommandFile(read(files.GITHUB_OUTPUT)),
    state: parseCommandFile(read(files.GITHUB_STATE)),
    summary: read(files.GITHUB_STEP_SUMMARY),
    errors: log.split('\n').filter(l => l.startsWith('::error'))
  }
}
