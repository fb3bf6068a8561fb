/**
 * A matrix of jobs whose records are in the run's Actions cache (the tests' stand-in of the
 * cache service over Azurite), on registries that refuse DELETE as GHCR and Docker Hub do: the
 * distribution registry with deletes off, and the in-process registry with deletes off and the
 * referrers API on. Each job runs node dist/main.js then node dist/post.js as the runner does.
 */
import { randomBytes } from 'node:crypto'
import { azuriteAccount, azuriteStore, type CacheService, startCacheService } from '../helpers/cache-service.js'
import { type Distribution, startDistribution } from '../helpers/distribution.js'
import { indexPlatforms, sha256, tagsOf } from '../helpers/registry-api.js'
import { startRegistry, type TestRegistry } from '../helpers/registry-server.js'
import { newRunId, newRunner, type Runner, runStep } from '../helpers/runner.js'
import type { StepResult } from '../helpers/runner-env.js'
import { sampleContext } from '../helpers/sample.js'
import { testEnv } from '../helpers/testenv.js'

const env = testEnv()
const MATRIX = ['linux/amd64', 'linux/arm64', 'linux/s390x']
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))
const passing = 'sh /app/run-tests.sh'
const failingOnS390x = '[ "$(uname -m)" != s390x ] || { echo "s390x: 1 test failed"; exit 2; }'

let service: CacheService
let distribution: Distribution
let context: string

beforeAll(async () => {
  service = await startCacheService(await azuriteStore(azuriteAccount()))
  distribution = await startDistribution({ deletes: false })
  context = sampleContext(env.busyboxDir)
})
afterAll(async () => {
  await distribution?.close()
  await service?.close()
})

interface Job {
  readonly platform: string
  readonly main: StepResult
  readonly post?: StepResult
}

function inputsFor(registry: string, repository: string, test: string, extra: Record<string, string> = {}): Record<string, string> {
  return { platforms: MATRIX.join(','), image: `${registry}/${repository}`, tags: 'latest', context, test, push: 'true', ...extra }
}

async function matrixJob(runId: string, attempt: string, platform: string, inputs: Record<string, string>): Promise<Job> {
  const runner: Runner = await newRunner(env.toolCache)
  Object.assign(runner.env, { GITHUB_RUN_ID: runId, GITHUB_RUN_ATTEMPT: attempt, GITHUB_JOB: 'image' })
  const extra = { DOCKER_HOST: env.dockerContainerd, ...service.env() }
  const main = await runStep(runner, 'main', { ...inputs, build: platform }, {}, extra)
  if (main.code !== 0) return { platform, main }
  return { platform, main, post: await runStep(runner, 'post', { ...inputs, build: platform }, main.state, extra) }
}

const published = (steps: readonly (StepResult | undefined)[]) =>
  new Set(steps.flatMap(s => [...(s?.log ?? '').matchAll(/Every platform is staged: published (sha256:[0-9a-f]{64})/g)].map(m => m[1])))

const ACCEPT = 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json'

/** A manifest's bytes, over plain HTTP: never skopeo, whose synchronous run would stall the in-process registry. */
async function manifestBytes(registry: string, repository: string, ref: string): Promise<Buffer> {
  const r = await fetch(`http://${registry}/v2/${repository}/manifests/${ref}`, { headers: { accept: ACCEPT } })
  if (!r.ok) throw new Error(`manifest ${ref} of ${registry}/${repository}: ${r.status}`)
  return Buffer.from(await r.arrayBuffer())
}

/** The index under `tag`: its digest, and its platforms once each of its manifests is read back from the registry. */
async function indexUnder(
  registry: string,
  repository: string,
  tag: string
): Promise<{ digest: string; platforms: string[]; children: string[] }> {
  const raw = await manifestBytes(registry, repository, tag)
  const children = (JSON.parse(raw.toString()).manifests as { digest: string }[]).map(m => m.digest)
  for (const c of children) {
    const child = await manifestBytes(registry, repository, c)
    expect({ child: sha256(child), layers: JSON.parse(child.toString()).layers.length > 0 }).toEqual({ child: c, layers: true })
  }
  return { digest: sha256(raw), platforms: indexPlatforms(raw), children }
}

describe('a matrix whose records are in the Actions cache, on a registry that refuses DELETE', () => {
  it('the test registry refuses DELETE, as GHCR does', async () => {
    const r = await fetch(`http://${distribution.host}/v2/e2e/any/manifests/sha256:${'0'.repeat(64)}`, { method: 'DELETE' })
    expect(r.status).toBe(405)
  })

  it('three jobs at once publish exactly one complete index, and leave no tag but the release tag', async () => {
    const repository = `e2e/records-${randomBytes(4).toString('hex')}`
    const runId = newRunId()
    const jobs = await Promise.all(MATRIX.map(p => matrixJob(runId, '1', p, inputsFor(distribution.host, repository, passing))))
    for (const j of jobs) {
      expect({
        platform: j.platform,
        errors: [...j.main.errors, ...(j.post?.errors ?? [])],
        main: j.main.code,
        post: j.post?.code
      }).toEqual({
        platform: j.platform,
        errors: [],
        main: 0,
        post: 0
      })
      expect(j.main.log).toContain("Matrix records: this run's Actions cache")
      expect(j.main.log).toContain(`Recorded ${j.platform} as started in attempt 1`)
    }
    const digests = published(jobs.map(j => j.post))
    expect(digests.size).toBe(1)
    const index = await indexUnder(distribution.host, repository, 'latest')
    expect(index.digest).toBe([...digests][0])
    expect(index.platforms).toEqual(MATRIX)
    expect(index.children.sort()).toEqual(jobs.map(j => Object.values(JSON.parse(j.main.outputs['platform-digests']))[0]).sort())
    expect(await tagsOf(distribution.host, repository)).toEqual(['latest'])
    // Three "started" and three "done" records of this run, each a finalized entry of the cache.
    const records = service.entries().filter(e => e.key.startsWith(`archway-matrix-${runId}-`))
    expect(records.filter(e => e.finalized && e.key.endsWith('-a1-started'))).toHaveLength(3)
    expect(records.filter(e => e.finalized && /-a1-done-oci-[0-9a-f]{64}-\d+$/.test(e.key))).toHaveLength(3)
  })

  it('across attempts: a failed platform publishes nothing, "Re-run failed jobs" completes the release, and a "Re-run all jobs" whose platform fails after starting publishes nothing', async () => {
    const repository = `e2e/attempts-${randomBytes(4).toString('hex')}`
    const runId = newRunId()
    const first = await Promise.all(MATRIX.map(p => matrixJob(runId, '1', p, inputsFor(distribution.host, repository, failingOnS390x))))
    const s390x = first.find(j => j.platform === 'linux/s390x')!
    expect(s390x.main.code).toBe(1)
    expect(s390x.main.log).toContain('Recorded linux/s390x as started in attempt 1')
    for (const j of first.filter(j => j !== s390x)) {
      expect([j.main.code, j.post?.code]).toEqual([0, 0])
      expect(j.post!.log).toContain('linux/s390x started in attempt 1 and not done')
    }
    expect(await tagsOf(distribution.host, repository)).toEqual([])

    // "Re-run failed jobs": attempt 2 runs only the s390x job, which takes attempt 1's records of the others.
    const rerun = await matrixJob(runId, '2', 'linux/s390x', inputsFor(distribution.host, repository, passing))
    expect([rerun.main.code, rerun.post?.code, rerun.post?.errors]).toEqual([0, 0, []])
    const released = await indexUnder(distribution.host, repository, 'latest')
    expect([...published([rerun.post])]).toEqual([released.digest])
    expect(released.platforms).toEqual(MATRIX)
    const attempt1 = first.filter(j => j !== s390x).map(j => Object.values(JSON.parse(j.main.outputs['platform-digests']))[0])
    expect(released.children).toEqual(expect.arrayContaining(attempt1))
    expect(await tagsOf(distribution.host, repository)).toEqual(['latest'])

    // "Re-run all jobs" as attempt 3, images changed: s390x starts and fails; the others finish after it and publish nothing.
    const changed = { labels: 'org.example.attempt=3' }
    const failed = await matrixJob(runId, '3', 'linux/s390x', inputsFor(distribution.host, repository, failingOnS390x, changed))
    expect(failed.main.code).toBe(1)
    const others = await Promise.all(
      ['linux/amd64', 'linux/arm64'].map(p => matrixJob(runId, '3', p, inputsFor(distribution.host, repository, passing, changed)))
    )
    for (const j of others) {
      expect([j.main.code, j.post?.code, j.post?.errors]).toEqual([0, 0, []])
      expect(j.post!.log).toContain('linux/s390x started in attempt 3 and not done')
      // Its own image is new, so a publish would have moved the tag.
      expect(attempt1).not.toContain(Object.values(JSON.parse(j.main.outputs['platform-digests']))[0])
    }
    expect(published(others.map(j => j.post)).size).toBe(0)
    expect((await indexUnder(distribution.host, repository, 'latest')).digest).toBe(released.digest)
    expect(await tagsOf(distribution.host, repository)).toEqual(['latest'])
  })
})

describe('the post steps of a matrix with records in the Actions cache, in every order', () => {
  let registry: TestRegistry
  afterAll(async () => registry?.close())

  it('publish exactly one complete index whatever order the jobs finish in, and leave no tag and no referrer; the registry fallback would leave both', async () => {
    registry = await startRegistry({ deleteEnabled: false, referrersApi: true })
    const repository = `e2e/orders-${randomBytes(4).toString('hex')}`
    const runId = newRunId()
    const extra = () => ({ DOCKER_HOST: env.dockerContainerd, ...service.env() })
    const mains = await Promise.all(
      MATRIX.map(async p => {
        const runner = await newRunner(env.toolCache)
        Object.assign(runner.env, { GITHUB_RUN_ID: runId })
        const main = await runStep(runner, 'main', { ...inputsFor(registry.host, repository, passing), build: p }, {}, extra())
        expect([main.code, main.errors]).toEqual([0, []])
        const digest = Object.values(JSON.parse(main.outputs['platform-digests']))[0] as string
        return { runner, platform: p, digest, state: JSON.parse(main.state.archway) }
      })
    )
    /** One round: a release of its own under tag `tag`; `waves` says which jobs' posts run together, one wave after another. */
    const round = async (tag: string, waves: number[][], release: Record<string, unknown> = {}, stepEnv = extra()) => {
      const key = `${runId}-${randomBytes(6).toString('hex')}`
      const posts: StepResult[] = []
      for (const wave of waves) {
        posts.push(
          ...(await Promise.all(
            wave.map(async i => {
              const m = mains[i]
              const publish = m.state.publish
              const state = {
                ...m.state,
                publish: { ...publish, targets: [{ ...publish.targets[0], tags: [tag] }], release: { ...publish.release, key, ...release } }
              }
              await sleep(Math.floor(Math.random() * 200))
              return runStep(
                m.runner,
                'post',
                { image: `${registry.host}/${repository}`, build: m.platform },
                { archway: JSON.stringify(state) },
                stepEnv
              )
            })
          ))
        )
      }
      return posts
    }
    const orders: Record<string, number[][]> = {
      'one after another': [[0], [1], [2]],
      'the other way round': [[2], [1], [0]],
      'two at once, then the last': [[0, 2], [1]],
      'one, then two at once': [[1], [0, 2]],
      'all three at once': [[0, 1, 2]],
      'all three at once, again': [[0, 1, 2]]
    }
    for (const [name, waves] of Object.entries(orders)) {
      const tag = name.replace(/[^a-z]+/g, '-')
      const posts = await round(tag, waves)
      for (const p of posts) expect({ name, code: p.code, errors: p.errors }).toEqual({ name, code: 0, errors: [] })
      const digests = published(posts)
      expect({ name, indexes: digests.size }).toEqual({ name, indexes: 1 })
      const index = await indexUnder(registry.host, repository, tag)
      expect({ name, digest: index.digest, platforms: index.platforms }).toEqual({ name, digest: [...digests][0], platforms: MATRIX })
      // Before the last wave some platform is missing, so no earlier post publishes; a last wave of one job publishes.
      const last = waves[waves.length - 1].length
      expect({ name, early: published(posts.slice(0, -last)).size }).toEqual({ name, early: 0 })
      expect({ name, lastAlone: last > 1 || published(posts.slice(-1)).size === 1 }).toEqual({ name, lastAlone: true })
    }
    const tags = Object.keys(orders).map(n => n.replace(/[^a-z]+/g, '-'))
    expect((await tagsOf(registry.host, repository)).sort()).toEqual([...new Set(tags)].sort())
    const referrers = async (digest: string) => {
      const r = await fetch(`http://${registry.host}/v2/${repository}/referrers/${digest}`)
      expect(r.status).toBe(200)
      return ((await r.json()) as { manifests: { artifactType?: string }[] }).manifests
    }
    for (const m of mains)
      expect({ platform: m.platform, referrers: await referrers(m.digest) }).toEqual({ platform: m.platform, referrers: [] })

    // `mode: stage` jobs, then a `mode: merge` job of the same run, through the same records.
    const staged = await round('unused', [[0, 1, 2]], { publish: false, key: mains[0].state.publish.release.key })
    for (const p of staged) expect([p.code, p.errors, published([p]).size]).toEqual([0, [], 0])
    const mergeRunner = await newRunner()
    Object.assign(mergeRunner.env, { GITHUB_RUN_ID: runId, GITHUB_JOB: 'publish' })
    const merge = await runStep(
      mergeRunner,
      'main',
      { platforms: MATRIX.join(','), image: `${registry.host}/${repository}`, tags: 'latest', mode: 'merge' },
      {},
      extra()
    )
    expect([merge.code, merge.errors]).toEqual([0, []])
    expect((await indexUnder(registry.host, repository, 'latest')).digest).toBe(merge.outputs.digest)

    // Without the cache service, the same registry gets the staging tags, which it cannot delete, each a referrer of its image.
    const fallback = await round('fallback', [[0, 1, 2]], { store: 'registry' }, { DOCKER_HOST: env.dockerContainerd })
    for (const p of fallback) expect([p.code, p.errors]).toEqual([0, []])
    expect(fallback.some(p => p.log.includes('The registry does not delete the staging tags'))).toBe(true)
    expect((await tagsOf(registry.host, repository)).filter(t => t.startsWith('archway-stage-'))).toHaveLength(3)
    for (const m of mains) expect((await referrers(m.digest)).map(r => r.artifactType)).toEqual(['application/vnd.archway.stage.v1+json'])
  })
})
