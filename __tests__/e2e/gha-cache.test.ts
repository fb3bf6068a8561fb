/**
 * `cache-from: type=gha` and `cache-to: type=gha` through the runner's entry point (node
 * dist/main.js) and the test environment's stand-in of GitHub's cache service (the tests' Twirp
 * server, Azurite behind it), given to the step as the runner gives it to actions. buildx fills the
 * cache entries' token and URL from those variables; BuildKit, in the engine, calls the service.
 *
 * The engines are shared with other tests, so the local build cache is never pruned whole: every
 * RUN step of these builds carries a nonce, and only the build cache records of those steps and
 * their descendants, which no other build can have, are pruned between runs.
 */
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { context, fromCache, matrixJobs, pruneOwn, recordsOf, runs, said, say } from '../helpers/build-cache.js'
import { azuriteAccount, azuriteStore, type CacheService, startCacheService } from '../helpers/cache-service.js'
import { newRunner, type Runner, runStep } from '../helpers/runner.js'
import type { StepResult } from '../helpers/runner-env.js'
import { testEnv } from '../helpers/testenv.js'

const env = testEnv()
const PLATFORMS = ['linux/amd64', 'linux/arm64']

let service: CacheService
let runner: Runner
beforeAll(async () => {
  service = await startCacheService(await azuriteStore(azuriteAccount()))
  runner = await newRunner(env.toolCache)
})
afterAll(() => service.close())

/** The log without the `::add-mask::` lines, which the runner consumes and never shows. */
const shown = (step: StepResult) =>
  step.log
    .split('\n')
    .filter(l => !l.startsWith('::add-mask::'))
    .join('\n')

describe('type=gha on the containerd store', () => {
  it('a second run on an empty local build cache, with one source file changed, takes every RUN step before its COPY from the gha cache', async () => {
    const nonce = randomBytes(8).toString('hex')
    const token = service.token()
    const inputs = {
      platforms: PLATFORMS.join(','),
      image: `${env.registryOpen}/e2e/gha-${nonce}`,
      'cache-from': 'type=gha',
      'cache-to': 'type=gha,mode=max',
      test: `${say('stamp', 'cat /stamp')}; ${say('built', 'cat /app/built')}`
    }
    const stepEnv = { DOCKER_HOST: env.dockerContainerd, ...service.env(token) }

    const first = await runStep(runner, 'main', { ...inputs, context: context(nonce, 'one\n') }, {}, stepEnv)
    expect(first.errors).toEqual([])
    expect(first.code).toBe(0)
    expect(first.log).toContain('exporting to GitHub Actions Cache')
    const stamps = said(first, 'stamp')
    expect(stamps).toHaveLength(PLATFORMS.length)
    // BuildKit's default scope, `buildkit`, in a job that builds every platform; blobs and the index finalized.
    const keys = service.entries().map(e => e.key)
    expect(keys.filter(k => k.startsWith('index-'))).toEqual([expect.stringMatching(/^index-buildkit-1-[0-9a-f]{8}#1$/)])
    expect(keys.filter(k => k.startsWith('buildkit-blob-1-sha256:')).length).toBeGreaterThanOrEqual(4)
    expect(service.entries().every(e => e.finalized)).toBe(true)

    pruneOwn(env.dockerContainerd, nonce)
    expect(recordsOf(env.dockerContainerd, nonce)).toEqual([])

    const second = await runStep(runner, 'main', { ...inputs, context: context(nonce, 'two\n') }, {}, stepEnv)
    expect(second.errors).toEqual([])
    expect(second.code).toBe(0)
    expect(second.log).toMatch(/^#\d+ importing cache manifest from gha:/m)
    // Each platform ran every RUN step the first time; the second time only the one after COPY app.txt.
    const labels = ['install', 'deps', 'build']
    expect(labels.map(l => runs(first, nonce, l))).toEqual([2, 2, 2])
    expect(labels.map(l => runs(second, nonce, l))).toEqual([0, 0, 2])
    expect(['install', 'deps'].map(l => fromCache(second.log, `${nonce}-${l}`))).toEqual([true, true])
    // The same bytes as the first run's RUN step, and the changed file's own.
    expect(said(second, 'stamp').sort()).toEqual([...stamps].sort())
    expect(said(second, 'built')).toEqual(PLATFORMS.map(() => 'two'))
    // The index again, under the next number.
    expect(
      service
        .entries()
        .filter(e => e.key.startsWith('index-'))
        .map(e => e.key.slice(-2))
    ).toEqual(['#1', '#2'])
    // The token reached the service (a forged one gets 401) and never the log: buildx read it from the environment.
    expect(service.requests.every(r => r.status === 200)).toBe(true)
    for (const step of [first, second]) {
      expect(shown(step)).not.toContain(token)
      expect(step.log).toMatch(/--cache-from type=gha --cache-to type=gha,mode=max /)
    }
    // The records of the layers taken from the cache are named after those layers, not after their steps.
    const layers = service
      .entries()
      .map(e => /^buildkit-blob-1-(sha256:[0-9a-f]{64})$/.exec(e.key)?.[1])
      .filter(d => d !== undefined)
    pruneOwn(env.dockerContainerd, nonce, layers)
    expect(recordsOf(env.dockerContainerd, nonce, layers)).toEqual([])
  })

  it("in a matrix, each job's type=gha entries get the scope of its platform: neither job's export overwrites the other's", async () => {
    const nonce = randomBytes(8).toString('hex')
    const before = service.entries().length
    const jobs = await matrixJobs(
      PLATFORMS,
      {
        image: `${env.registryOpen}/e2e/gha-matrix-${nonce}`,
        context: context(nonce, 'one\n'),
        'cache-from': 'type=gha',
        'cache-to': 'type=gha,mode=max'
      },
      { DOCKER_HOST: env.dockerContainerd, ...service.env() }
    )
    for (const [i, job] of jobs.entries()) {
      expect(job.errors).toEqual([])
      expect(job.code).toBe(0)
      const scope = PLATFORMS[i].replace('/', '-')
      expect(job.log).toContain(`--cache-from type=gha,scope=${scope} --cache-to type=gha,mode=max,scope=${scope} `)
    }
    const indexes = service
      .entries()
      .slice(before)
      .map(e => e.key)
      .filter(k => k.startsWith('index-'))
    expect(indexes.map(k => k.replace(/-1-[0-9a-f]{8}#/, '#')).sort()).toEqual(['index-linux-amd64#1', 'index-linux-arm64#1'])
    pruneOwn(env.dockerContainerd, nonce)
  })
})

describe('type=gha on the classic store', () => {
  it.each([
    ['cache-to', { 'cache-from': 'type=gha', 'cache-to': 'type=gha,mode=max' }, 'type=gha,mode=max'],
    ['cache-from', { 'cache-from': 'type=gha' }, 'type=gha']
  ])(
    '%s is refused in one line naming the switch that makes it work, before QEMU is set up or anything built',
    async (input, cache, entry) => {
      const nonce = randomBytes(8).toString('hex')
      const inputs = { platforms: 'linux/arm64', image: `${env.registryOpen}/e2e/gha-classic-${nonce}`, context: context(nonce, 'one\n') }
      const before = service.requests.length
      const fresh = await newRunner()
      const refused = await runStep(fresh, 'main', { ...inputs, ...cache }, {}, { DOCKER_HOST: env.dockerClassic, ...service.env() })
      expect(refused.code).toBe(1)
      expect(refused.errors).toEqual([
        expect.stringMatching(
          new RegExp(
            `^::error::Input "${input}" has a bad value "${entry}": accepted on this engine \\(classic image store, docker driver\\): .*containerd-snapshotter.*docker-container driver`
          )
        )
      ])
      expect(refused.log).not.toMatch(/QEMU|Build plan|buildx build/)
      expect(existsSync(fresh.toolCache)).toBe(false)
      expect(service.requests.slice(before)).toEqual([])
    }
  )
})
