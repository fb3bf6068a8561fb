/** Facts about the run for the index annotations, from the runner's environment. */
import { readFile } from 'node:fs/promises'
import { run } from '../shared/exec.js'
import type { RunnerFacts } from './index-manifest.js'

/**
 * `created` comes from SOURCE_DATE_EPOCH, else the commit's time (git in the workspace, else
 * the event payload's head commit); never the wall clock, so every job of a run agrees.
 */
export async function runnerFacts(env: NodeJS.ProcessEnv = process.env): Promise<RunnerFacts> {
  return { serverUrl: env.GITHUB_SERVER_URL, repository: env.GITHUB_REPOSITORY, sha: env.GITHUB_SHA, created: await createdTime(env) }
}

async function createdTime(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const epoch = env.SOURCE_DATE_EPOCH
  if (epoch && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000).toISOString()
  if (env.GITHUB_WORKSPACE) {
    const git = await run('git', ['-C', env.GITHUB_WORKSPACE, 'log', '-1', '--format=%cI'], { allowFailure: true }).catch(() => undefined)
    const iso = git?.exitCode === 0 ? git.stdout.trim() : ''
    if (iso) return new Date(iso).toISOString()
  }
  if (env.GITHUB_EVENT_PATH) {
    try {
      const event = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8')) as { head_commit?: { timestamp?: string } }
      if (event.head_commit?.timestamp) return new Date(event.head_commit.timestamp).toISOString()
    } catch {
      // no event payload: no created time
    }
  }
  return undefined
}
