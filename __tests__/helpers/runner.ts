/** A runner's folders and environment, and the action's bundles run in them as a GitHub runner runs them (runner-env.ts). */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { runAsRunner, type StepResult, type StepUser } from './runner-env.js'
import { tempDir } from './tmp.js'

export const ROOT = join(import.meta.dirname, '..', '..')

const SHA = '0123456789abcdef0123456789abcdef01234567'

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

/** How a step runs: as another user than root; the bundle of another dist/ folder than the project's. */
export interface StepOptions {
  readonly user?: StepUser
  readonly dist?: string
}

/** Runs `<dist>/<entry>.js` (the project's dist/ unless told) with the given inputs; `state` is what an earlier main step saved. */
export function runStep(
  runner: Runner,
  entry: 'main' | 'post',
  inputs: Record<string, string>,
  state: Record<string, string> = {},
  extraEnv: Record<string, string> = {},
  { user, dist = join(ROOT, 'dist') }: StepOptions = {}
): Promise<StepResult> {
  return runAsRunner({ script: join(dist, `${entry}.js`), dir: tempDir('step'), runnerEnv: runner.env, inputs, state, extraEnv, user })
}
