/**
 * `cache-from` and `cache-to` of the types other than gha (that one: gha-cache.test.ts), through
 * the runner's entry point (node dist/main.js, then dist/post.js where the image is published):
 * `type=registry` exports scoped per platform in a matrix on the containerd store, and
 * `type=inline`, the cache in each platform's image config, published with the image and read
 * back as `type=registry`, on both stores (it is the only cache export the classic store's docker
 * driver allows).
 *
 * Every case builds twice, two platforms (one emulated): the first run exports the cache, then
 * this test's own build cache records are pruned (the engines are shared with other tests, so
 * never the whole build cache: the RUN steps carry a nonce), and the second run, with app.txt
 * changed, must take every RUN step before `COPY app.txt` from the imported cache.
 */
import { randomBytes } from 'node:crypto'
import { context, fromCache, matrixJobs, pruneOwn, recordsOf, runs, said, say } from '../helpers/build-cache.js'
import { configsOf, deleteRepository, layersOf, tagsOf } from '../helpers/registry-api.js'
import { newRunner, type Runner, runStep } from '../helpers/runner.js'
import type { StepResult } from '../helpers/runner-env.js'
import { localImages, testEnv } from '../helpers/testenv.js'

const env = testEnv()
const PLATFORMS = ['linux/amd64', 'linux/arm64']
/** `uname -m` of those platforms, sorted. */
const MACHINES = ['aarch64', 'x86_64']
const LABELS = ['install', 'deps', 'build']
/** Each platform's machine, with the stamp its `deps` step wrote and what its `build` step built. */
const TEST = `${say('stamp', 'echo $(uname -m) $(cat /stamp)')}; ${say('built', 'echo $(uname -m) $(cat /app/built)')}`

let runner: Runner
beforeAll(async () => {
  runner = await newRunner(env.toolCache)
})

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * The first run built and ran every labelled RUN step on each platform; the second, on a build
 * cache without this test's records and with app.txt changed, ran only the one after `COPY
 * app.txt`, took the others from the cache, and its image holds the first run's stamp and the new file.
 */
function expectWarm(first: StepResult, second: StepResult, nonce: string): void {
  for (const step of [first, second]) {
    expect(step.errors).toEqual([])
    expect(step.code).toBe(0)
  }
  expect(LABELS.map(l => runs(first, nonce, l))).toEqual([2, 2, 2])
  expect(LABELS.map(l => runs(second, nonce, l))).toEqual([0, 0, 2])
  expect(['install', 'deps'].map(l => fromCache(second.log, `${nonce}-${l}`))).toEqual([true, true])
  const stamps = said(first, 'stamp').sort()
  expect(stamps.map(s => s.split(' ')[0])).toEqual(MACHINES)
  expect(stamps.every(s => /^\S+ [0-9a-f]{32}$/.test(s))).toBe(true)
  expect(said(second, 'stamp').sort()).toEqual(stamps)
  expect(said(first, 'built').sort()).toEqual(MACHINES.map(m => `${m} one`))
  expect(said(second, 'built').sort()).toEqual(MACHINES.map(m => `${m} two`))
}

// The warm runs of type=registry and type=local on a BuildKit of its own: builders.test.ts
// (docker-container with a registry cache, remote with a local one); the containerd store's
// registry export read back by the classic store's build: build-settings.test.ts.

describe('in a matrix on the containerd store', () => {
  it("each job's type=registry export gets its platform in the tag, read back by the same job: neither overwrites the other's", async () => {
    const nonce = randomBytes(8).toString('hex')
    const repository = `e2e/cache-matrix-${nonce}`
    const ref = `${env.registryOpen}/${repository}:buildcache`
    const layers: string[] = []
    try {
      const jobs = await matrixJobs(
        PLATFORMS,
        {
          image: `${env.registryOpen}/e2e/app-${nonce}`,
          context: context(nonce, 'one\n'),
          'cache-from': `type=registry,ref=${ref}`,
          'cache-to': `type=registry,ref=${ref},mode=max`
        },
        { DOCKER_HOST: env.dockerContainerd }
      )
      for (const [i, job] of jobs.entries()) {
        expect(job.errors).toEqual([])
        expect(job.code).toBe(0)
        const scoped = `${ref}-${PLATFORMS[i].replace('/', '-')}`
        expect(job.log).toContain(`--cache-from type=registry,ref=${scoped} --cache-to type=registry,ref=${scoped},mode=max `)
      }
      expect((await tagsOf(env.registryOpen, repository)).sort()).toEqual(['buildcache-linux-amd64', 'buildcache-linux-arm64'])
      for (const tag of ['buildcache-linux-amd64', 'buildcache-linux-arm64'])
        layers.push(...(await layersOf(env.registryOpen, repository, tag)))
    } finally {
      pruneOwn(env.dockerContainerd, nonce, layers)
      await deleteRepository(env.registryOpen, repository)
    }
    expect(recordsOf(env.dockerContainerd, nonce, layers)).toEqual([])
    expect(await tagsOf(env.registryOpen, repository)).toEqual([])
  })
})

describe.each([
  ['containerd', env.dockerContainerd],
  ['classic', env.dockerClassic]
])('type=inline on the %s image store', (store, host) => {
  it('the published image carries the cache: a second run on an empty local build cache, with one source file changed, takes every RUN step before its COPY from it', async () => {
    const nonce = randomBytes(8).toString('hex')
    const repository = `e2e/inline-${store}-${nonce}`
    const image = `${env.registryOpen}/${repository}`
    const inputs = { platforms: PLATFORMS.join(','), image, tags: 'latest', test: TEST }
    const pushed = { ...inputs, context: context(nonce, 'one\n'), push: 'true', 'cache-to': 'type=inline' }
    let layers: string[] = []
    let digests: string[] = []
    try {
      const first = await runStep(runner, 'main', pushed, {}, { DOCKER_HOST: host })
      expect(first.errors).toEqual([])
      expect(first.code).toBe(0)
      expect(first.log).toContain('--cache-to type=inline ')
      digests = Object.values(JSON.parse(first.outputs['platform-digests']) as Record<string, string>)
      const post = await runStep(runner, 'post', pushed, first.state, { DOCKER_HOST: host })
      expect(post.errors).toEqual([])
      expect(post.code).toBe(0)
      expect(await tagsOf(env.registryOpen, repository)).toEqual(['latest'])
      // Each platform's config holds BuildKit's inline cache.
      const configs = await configsOf(env.registryOpen, repository, 'latest')
      expect(configs.map(c => c.architecture).sort()).toEqual(['amd64', 'arm64'])
      expect(configs.map(c => typeof c['moby.buildkit.cache.v0'])).toEqual(['string', 'string'])
      layers = await layersOf(env.registryOpen, repository, 'latest')

      pruneOwn(host, nonce)
      expect(recordsOf(host, nonce)).toEqual([])

      const second = await runStep(
        runner,
        'main',
        { ...inputs, context: context(nonce, 'two\n'), 'cache-from': `type=registry,ref=${image}:latest` },
        {},
        { DOCKER_HOST: host }
      )
      expect(second.log).toContain(`--cache-from type=registry,ref=${image}:latest `)
      expect(second.log).toMatch(new RegExp(`^#\\d+ importing cache manifest from ${escaped(image)}:latest$`, 'm'))
      expectWarm(first, second, nonce)
      expect(localImages(host, image)).toEqual([])
    } finally {
      pruneOwn(host, nonce, layers)
      await deleteRepository(env.registryOpen, repository, digests)
    }
    expect(recordsOf(host, nonce, layers)).toEqual([])
    expect(await tagsOf(env.registryOpen, repository)).toEqual([])
  })
})
