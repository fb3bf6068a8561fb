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
import { context, fromCache, pruneOwn, recordsOf, runs, said, say } from '../helpers/build-cache.js'
import { azuriteAccount, azuriteStore, type CacheService, startCacheService } from '../helpers/cache-service.js'
import { newRunner, type Runner, runStep, type StepResult } from '../helpers/runner.js'
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
    expect(said(second, 'stamp')).toEqual(stamps)
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
    pruneOwn(env.dockerContainerd, nonce)
  })

  it("in a matrix, each job's type=gha entries get the scope of its platform: neither job's export overwrites the other's", async () => {
    const nonce = randomBytes(8).toString('hex')
    const before = service.entries().length
    const jobs = await Promise.all(
      PLATFORMS.map(async p =>
        runStep(
          await newRunner(env.toolCache),
          'main',
          {
            platforms: PLATFORMS.join(','),
            build: p,
            image: `${env.registryOpen}/e2e/gha-matrix-${nonce}`,
            context: context(nonce, 'one\n'),
            'cache-from': 'type=gha',
            'cache-to': 'type=gha,mode=max'
          },
          {},
          { DOCKER_HOST: env.dockerContainerd, ...service.env() }
        )
      )
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
  it('cache-to is refused by the docker driver in one line; cache-from alone builds, without the cache', async () => {
    const nonce = randomBytes(8).toString('hex')
    const inputs = { platforms: 'linux/amd64', image: `${env.registryOpen}/e2e/gha-classic-${nonce}`, context: context(nonce, 'one\n') }
    const stepEnv = { DOCKER_HOST: env.dockerClassic, ...service.env() }
    const before = service.requests.length
    const refused = await runStep(runner, 'main', { ...inputs, 'cache-from': 'type=gha', 'cache-to': 'type=gha,mode=max' }, {}, stepEnv)
    expect(refused.code).toBe(1)
    expect(refused.errors).toHaveLength(1)
    expect(refused.errors[0]).toMatch(/exited with 1: ERROR: failed to build: Cache export is not supported for the docker driver\./)
    const imported = await runStep(runner, 'main', { ...inputs, 'cache-from': 'type=gha' }, {}, stepEnv)
    expect(imported.errors).toEqual([])
    expect(imported.code).toBe(0)
    expect(imported.log).toContain('unknown cache importer: gha')
    expect(service.requests.slice(before)).toEqual([])
    pruneOwn(env.dockerClassic, nonce)
  })
})
