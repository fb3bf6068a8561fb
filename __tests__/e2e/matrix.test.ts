/**
 * A matrix of jobs with no merge job: concurrent processes with one run id (and one
 * GITHUB_JOB, as on GitHub), each running node dist/main.js then node dist/post.js, the
 * registry their only meeting point.
 */
import { randomBytes } from 'node:crypto'
import { indexPlatforms, sha256, skopeoRaw, tagsOf } from '../helpers/registry-api.js'
import { newRunId, newRunner, type Runner, runStep } from '../helpers/runner.js'
import type { StepResult } from '../helpers/runner-env.js'
import { sampleContext } from '../helpers/sample.js'
import { testEnv } from '../helpers/testenv.js'
import { tempDir } from '../helpers/tmp.js'

const env = testEnv()
const MATRIX = ['linux/amd64', 'linux/arm64', 'linux/s390x']
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

interface Job {
  readonly platform: string
  readonly main: StepResult
  readonly post?: StepResult
}

/** One matrix job on its own runner (its own tool cache unless shared), as GitHub runs it. */
async function matrixJob(
  runId: string,
  attempt: string,
  platform: string,
  inputs: Record<string, string>,
  toolCache?: string,
  delayMs = 0
): Promise<Job> {
  const runner: Runner = await newRunner(toolCache)
  Object.assign(runner.env, { GITHUB_RUN_ID: runId, GITHUB_RUN_ATTEMPT: attempt, GITHUB_JOB: 'image' })
  await sleep(delayMs)
  const extra = { DOCKER_HOST: env.dockerContainerd }
  const main = await runStep(runner, 'main', { ...inputs, build: platform }, {}, extra)
  if (main.code !== 0) return { platform, main }
  return { platform, main, post: await runStep(runner, 'post', { ...inputs, build: platform }, main.state, extra) }
}

const passing = 'sh /app/run-tests.sh'
const failingOnS390x = '[ "$(uname -m)" != s390x ] || { echo "s390x: 1 test failed"; exit 2; }'

function inputsFor(repository: string, test: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    platforms: MATRIX.join(','),
    image: `${env.registryOpen}/${repository}`,
    tags: 'latest',
    context: sampleContext(env.busyboxDir),
    test,
    push: 'true',
    ...extra
  }
}

const platformsOf = (ref: string) => indexPlatforms(skopeoRaw(ref))

describe('a matrix of three jobs', () => {
  it('gives exactly one index with all three platforms, their QEMU set-up racing on one kernel and one tool cache', async () => {
    const repository = `e2e/matrix-${randomBytes(4).toString('hex')}`
    const runId = newRunId()
    const toolCache = tempDir('shared-tool-cache')
    const jobs = await Promise.all(MATRIX.map(p => matrixJob(runId, '1', p, inputsFor(repository, passing), toolCache)))
    for (const j of jobs) {
      expect({
        platform: j.platform,
        errors: [...j.main.errors, ...(j.post?.errors ?? [])],
        main: j.main.code,
        post: j.post?.code
      }).toEqual({ platform: j.platform, errors: [], main: 0, post: 0 })
    }
    const publishers = jobs.filter(j => j.post!.log.includes('Every platform is staged: published'))
    expect(publishers.length).toBeGreaterThanOrEqual(1)
    const announced = new Set(publishers.map(j => /published (sha256:[0-9a-f]{64})/.exec(j.post!.log)![1]))
    expect(announced.size).toBe(1)
    const raw = skopeoRaw(`${env.registryOpen}/${repository}:latest`)
    expect(sha256(raw)).toBe([...announced][0])
    expect(platformsOf(`${env.registryOpen}/${repository}:latest`)).toEqual(MATRIX)
    // The staging tags are gone: the registry here deletes manifests.
    expect(await tagsOf(env.registryOpen, repository)).toEqual(['latest'])
    for (const j of jobs)
      expect(j.main.log).toContain(
        `Matrix records: staging tags in ${env.registryOpen}/${repository}, since the Actions cache service is not available (ACTIONS_CACHE_SERVICE_V2 is not set)`
      )
    // Each job emulated only its own share.
    expect(jobs.find(j => j.platform === 'linux/amd64')!.main.log).toContain('runs natively')
    expect(jobs.find(j => j.platform === 'linux/s390x')!.main.log).toMatch(
      /binfmt_misc \(flags FP\): (registered|replaced|unchanged|kept) qemu-s390x/
    )
  })

  it('leaves no tag when one job fails its tests, and a re-run of that job as attempt 2 completes the release', async () => {
    const repository = `e2e/rerun-${randomBytes(4).toString('hex')}`
    const runId = newRunId()
    const first = await Promise.all(MATRIX.map(p => matrixJob(runId, '1', p, inputsFor(repository, failingOnS390x), env.toolCache)))
    const s390x = first.find(j => j.platform === 'linux/s390x')!
    expect(s390x.main.code).toBe(1)
    expect(s390x.main.errors).toEqual([
      expect.stringContaining('Tests failed on linux/s390x with exit code 2; last lines: s390x: 1 test failed')
    ])
    for (const j of first.filter(j => j.platform !== 'linux/s390x')) {
      expect(j.post?.code).toBe(0)
      expect(j.post!.log).toContain('linux/s390x started in attempt 1 and not done')
    }
    expect((await tagsOf(env.registryOpen, repository)).filter(t => !t.startsWith('archway-stage-'))).toEqual([])

    // "Re-run failed jobs": only the s390x job, attempt 2, with the fix in.
    const rerun = await matrixJob(runId, '2', 'linux/s390x', inputsFor(repository, passing), env.toolCache)
    expect([rerun.main.code, rerun.post?.code]).toEqual([0, 0])
    expect(rerun.post!.log).toContain('Every platform is staged: published')
    expect(platformsOf(`${env.registryOpen}/${repository}:latest`)).toEqual(MATRIX)
    expect(await tagsOf(env.registryOpen, repository)).toEqual(['latest'])
  })

  // mode: stage, then a mode: merge job that publishes: readme-examples.test.ts runs the README's workflow of it.

  it('a merge job fails in one line naming what was not staged, and publishes nothing', async () => {
    const repository = `e2e/merge-missing-${randomBytes(4).toString('hex')}`
    const runId = newRunId()
    await matrixJob(runId, '1', 'linux/amd64', inputsFor(repository, passing, { mode: 'stage' }), env.toolCache)
    const runner = await newRunner()
    Object.assign(runner.env, { GITHUB_RUN_ID: runId })
    const merge = await runStep(
      runner,
      'main',
      { platforms: MATRIX.join(','), image: `${env.registryOpen}/${repository}`, tags: 'latest', mode: 'merge' },
      {},
      { DOCKER_HOST: env.dockerContainerd }
    )
    expect(merge.code).toBe(1)
    expect(merge.errors).toEqual([expect.stringContaining('linux/arm64, linux/s390x not staged yet by this run')])
    expect((await tagsOf(env.registryOpen, repository)).filter(t => !t.startsWith('archway-stage-'))).toEqual([])
  })
})

describe('the post steps of a matrix, under stress', () => {
  it('publish exactly one complete index in each of 5 runs with random start delays', async () => {
    const repository = `e2e/stress-${randomBytes(4).toString('hex')}`
    // The images are built and pushed once; each round is a fresh run whose three post steps race.
    const runId = newRunId()
    const mains = await Promise.all(
      MATRIX.map(async p => {
        const runner = await newRunner(env.toolCache)
        Object.assign(runner.env, { GITHUB_RUN_ID: runId })
        const main = await runStep(
          runner,
          'main',
          { ...inputsFor(repository, passing), build: p },
          {},
          { DOCKER_HOST: env.dockerContainerd }
        )
        expect(main.code).toBe(0)
        return { runner, platform: p, state: JSON.parse(main.state.archway) }
      })
    )
    const started = Date.now()
    for (let round = 1; round <= 5; round++) {
      const key = `stress${round}-${randomBytes(3).toString('hex')}`
      const tag = `round-${round}`
      const posts = await Promise.all(
        mains.map(async m => {
          const state = {
            ...m.state,
            publish: {
              ...m.state.publish,
              targets: [{ ...m.state.publish.targets[0], tags: [tag] }],
              release: { ...m.state.publish.release, key }
            }
          }
          await sleep(Math.floor(Math.random() * 300))
          return runStep(
            m.runner,
            'post',
            { image: `${env.registryOpen}/${repository}`, build: m.platform },
            { archway: JSON.stringify(state) }
          )
        })
      )
      for (const p of posts) expect({ round, code: p.code, errors: p.errors }).toEqual({ round, code: 0, errors: [] })
      const digests = new Set(posts.flatMap(p => [...p.log.matchAll(/published (sha256:[0-9a-f]{64})/g)].map(m => m[1])))
      expect({ round, indexes: digests.size }).toEqual({ round, indexes: 1 })
      expect({ round, platforms: platformsOf(`${env.registryOpen}/${repository}:${tag}`) }).toEqual({ round, platforms: MATRIX })
      expect({ round, digest: sha256(skopeoRaw(`${env.registryOpen}/${repository}:${tag}`)) }).toEqual({ round, digest: [...digests][0] })
    }
    // Left: only the main steps' "started" records, of the run's own release, which no round publishes.
    const own = mains[0].state.publish.release.key
    expect((await tagsOf(env.registryOpen, repository)).filter(t => t.startsWith('archway-stage-') && !t.includes(own))).toEqual([])
    expect(Date.now() - started).toBeLessThan(5 * 60 * 1000)
  })
})
