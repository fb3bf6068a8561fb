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
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { azuriteAccount, azuriteStore, type CacheService, startCacheService } from '../helpers/cache-service.js'
import { newRunner, type Runner, runStep, type StepResult } from '../helpers/runner.js'
import { sampleContext } from '../helpers/sample.js'
import { docker, testEnv } from '../helpers/testenv.js'

const env = testEnv()
const PLATFORMS = ['linux/amd64', 'linux/arm64']

let service: CacheService
let runner: Runner
beforeAll(async () => {
  service = await startCacheService(await azuriteStore(azuriteAccount()))
  runner = await newRunner(env.toolCache)
})
afterAll(() => service.close())

/** A context whose RUN steps are this test's own (the nonce); app.txt is copied after two of them. */
function context(nonce: string, app: string): string {
  const ctx = sampleContext(
    env.busyboxDir,
    [
      'FROM scratch',
      'ARG TARGETARCH',
      'ARG TARGETVARIANT',
      'COPY .busybox/${TARGETARCH}${TARGETVARIANT} /bin/busybox',
      `RUN ["/bin/busybox", "sh", "-c", "/bin/busybox --install -s /bin && echo ${nonce}-install | tee /nonce"]`,
      `RUN echo ${nonce}-deps && head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \\n' > /stamp`,
      'COPY app.txt /app/app.txt',
      `RUN echo ${nonce}-build && cat /app/app.txt > /app/built`,
      ''
    ].join('\n')
  )
  writeFileSync(join(ctx, 'app.txt'), app)
  return ctx
}

const say = (key: string, command: string) => `printf '${key}%s%s\\n' : "$(${command})"`
const said = (step: StepResult, key: string) => [...step.log.matchAll(new RegExp(`^${key}:(.*)$`, 'gm'))].map(m => m[1])

interface BuildCacheRecord {
  ID: string
  Parents: string[] | null
  Description: string
}

/** The engine's build cache records that hold `nonce`, and every descendant of them. */
function recordsOf(host: string, nonce: string): BuildCacheRecord[] {
  const all = docker(host, ['buildx', 'du', '--format', '{{json .}}'])
    .split('\n')
    .filter(l => l.trim())
    .map(l => JSON.parse(l) as BuildCacheRecord)
  const ours = new Set(all.filter(r => r.Description.includes(nonce)).map(r => r.ID))
  for (let grown = true; grown; ) {
    grown = false
    for (const r of all)
      if (!ours.has(r.ID) && r.Parents?.some(p => ours.has(p))) {
        ours.add(r.ID)
        grown = true
      }
  }
  return all.filter(r => ours.has(r.ID))
}

/** Prunes this test's build cache records, children before parents (a record with children is kept by BuildKit). */
function pruneOwn(host: string, nonce: string): void {
  for (let left = recordsOf(host, nonce); left.length > 0; left = recordsOf(host, nonce)) {
    const parents = new Set(left.flatMap(r => r.Parents ?? []))
    const leaves = left.filter(r => !parents.has(r.ID))
    for (const r of leaves) docker(host, ['buildx', 'prune', '--force', '--all', '--filter', `id=${r.ID}`])
  }
}

/** How many times a RUN step of the log printed `<nonce>-<label>`: ran, once per platform; 0 when it was taken from the cache. */
const runs = (step: StepResult, nonce: string, label: string) =>
  [...step.log.matchAll(new RegExp(`^#\\d+ \\d+\\.\\d+ ${nonce}-${label}$`, 'gm'))].length

/**
 * Whether buildx reported a step whose title holds `text` as taken from a cache: CACHED, or, as it
 * prints a step whose layers it pulls from the gha cache only some of the time, the layers extracted.
 */
function fromCache(log: string, text: string): boolean {
  const ids = new Set([...log.matchAll(/^#(\d+) (.*)$/gm)].filter(m => m[2].includes(text)).map(m => m[1]))
  return [...log.matchAll(/^#(\d+) (CACHED|extracting sha256:\S+ .*done)$/gm)].some(m => ids.has(m[1]))
}

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
