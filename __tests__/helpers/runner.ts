/** Runs the action's bundles the way a GitHub runner does: INPUT_*, GITHUB_OUTPUT, GITHUB_STATE, STATE_*. */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { chown, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse } from 'yaml'
import { tempDir } from './tmp.js'

export const ROOT = join(import.meta.dirname, '..', '..')

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

const SHA = '0123456789abcdef0123456789abcdef01234567'

/** The job's token, as GitHub gives `${{ github.token }}`. */
export const JOB_TOKEN = 'ghs_e2e-job-token'

/**
 * action.yml's inputs and their defaults ('' where it has none; `${{ github.token }}` evaluated as
 * the runner does). Read on first use, so that a bench bundling these helpers elsewhere loads them.
 */
let actionDefaults: Record<string, string> | undefined
function defaultInputs(): Record<string, string> {
  actionDefaults ??= Object.fromEntries(
    Object.entries((parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> }).inputs).map(
      ([k, d]) => [k, (d.default ?? '').replace('${{ github.token }}', JOB_TOKEN)]
    )
  )
  return actionDefaults
}
/** A workflow run id no other test uses, as GitHub's are: unique numbers. */
export const newRunId = (): string => String(Date.now() * 1000 + Math.floor(Math.random() * 1000))

export const COMMIT_TIME = '2026-11-20T09:30:00+01:00'

export interface Runner {
  readonly toolCache: string
  readonly temp: string
  /** Environment every step of this runner gets (RUNNER_*, GITHUB_* ...). */
  readonly env: Record<string, string>
}

/** A runner's folder (workspace, RUNNER_TEMP, tool cache unless one is given), removed when the test file ends. */
export async function newRunner(toolCache?: string): Promise<Runner> {
  const home = tempDir('runner')
  const tc = toolCache ?? join(home, 'tool-cache')
  await mkdir(join(home, 'temp'))
  // A push event's payload, as the runner writes it; its head commit time is the index's created time.
  await writeFile(join(home, 'event.json'), JSON.stringify({ head_commit: { id: SHA, timestamp: COMMIT_TIME } }))
  return {
    toolCache: tc,
    temp: join(home, 'temp'),
    env: {
      RUNNER_TOOL_CACHE: tc,
      RUNNER_TEMP: join(home, 'temp'),
      GITHUB_WORKSPACE: home,
      GITHUB_RUN_ID: '1001',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_JOB: 'image',
      GITHUB_REPOSITORY: 'acme/app',
      GITHUB_SHA: SHA,
      GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: join(home, 'event.json'),
      GITHUB_SERVER_URL: 'https://github.com'
    }
  }
}

/** A user other than root to run a step as; its command files are made its own (the runner's folders are the caller's to give it). */
export interface StepUser {
  readonly uid: number
  readonly gid: number
}

/** How a step runs: as another user than root; the bundle of another dist/ folder than the project's. */
export interface StepOptions {
  readonly user?: StepUser
  readonly dist?: string
}

/** Runs `<dist>/<entry>.js` (the project's dist/ unless told) with the given inputs; `state` is what an earlier main step saved. */
export async function runStep(
  runner: Runner,
  entry: 'main' | 'post',
  inputs: Record<string, string>,
  state: Record<string, string> = {},
  extraEnv: Record<string, string> = {},
  { user, dist = join(ROOT, 'dist') }: StepOptions = {}
): Promise<StepResult> {
  const dir = tempDir('step')
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STATE: join(dir, 'state'), GITHUB_STEP_SUMMARY: join(dir, 'summary') }
  await Promise.all(Object.values(files).map(f => writeFile(f, '')))
  if (user) for (const path of [dir, ...Object.values(files)]) await chown(path, user.uid, user.gid)
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env))
    if (
      v !== undefined &&
      !k.startsWith('INPUT_') &&
      !k.startsWith('STATE_') &&
      !k.startsWith('GITHUB_') &&
      !k.startsWith('RUNNER_') &&
      !k.startsWith('ACTIONS_')
    )
      env[k] = v
  Object.assign(env, runner.env, files, extraEnv)
  // As GitHub's runner does: every input of action.yml, its default where the workflow gives none.
  for (const [k, v] of Object.entries({ ...defaultInputs(), ...inputs })) env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v
  for (const [k, v] of Object.entries(state)) env[`STATE_${k}`] = v
  const child = spawn(process.execPath, [join(dist, `${entry}.js`)], {
    env,
    cwd: runner.env.GITHUB_WORKSPACE,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...user
  })
  let log = ''
  child.stdout.on('data', d => (log += d))
  child.stderr.on('data', d => (log += d))
  const code = await new Promise<number>(resolve => child.on('close', c => resolve(c ?? -1)))
  const read = (f: string) => readFile(f, 'utf8')
  return {
    code,
    log,
    outputs: parseCommandFile(await read(files.GITHUB_OUTPUT)),
    state: parseCommandFile(await read(files.GITHUB_STATE)),
    summary: await read(files.GITHUB_STEP_SUMMARY),
    errors: log.split('\n').filter(l => l.startsWith('::error'))
  }
}
