/**
 * Faults and secrets, through the runner's entry points (node dist/main.js, node dist/post.js):
 * a fault-injecting proxy between the action and the loopback registries, and between the
 * action and Debian's archive; the Docker daemon gone; the registry gone between main and
 * post. Transient faults must be survived with the release intact; lasting ones must fail
 * in one `::error::` line, with no tag moved, nothing cached and nothing registered; no
 * `Authorization` header may reach another host, and no password any log line.
 *
 * Images are `linux/amd64` only (this host's own platform): no emulation, so each job is a
 * few seconds and the faults are the only thing under test. The registry's own address (not
 * the proxy's) is where every "published" and "no tag moved" check reads. Mirror runs are
 * `linux/arm64` on a cold tool cache; the one that succeeds registers qemu-aarch64 from it,
 * as qemu.test.ts does.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { binfmtSnapshot } from '../helpers/binfmt.js'
import { closedPort, type FaultProxy, type FaultRule, startFaultProxy } from '../helpers/fault-proxy.js'
import { deleteRepository, missingBlobs, sha256, skopeoRaw, tagsOf } from '../helpers/registry-api.js'
import { newRunner, type Runner, runStep } from '../helpers/runner.js'
import type { StepResult } from '../helpers/runner-env.js'
import { sampleContext } from '../helpers/sample.js'
import { testEnv } from '../helpers/testenv.js'

const env = testEnv()
const DOCKER = { DOCKER_HOST: env.dockerContainerd }
const CREDS = { username: env.registryUser, password: env.registryPassword }
const BASIC = `Basic ${Buffer.from(`${CREDS.username}:${CREDS.password}`).toString('base64')}`
const unique = (what: string) => `e2e/faults-${what}-${randomBytes(4).toString('hex')}`

let context: string
let runner: Runner
// Every step of this file retries as by default (five tries, each backoff twice the one before),
// from a first backoff of 50 ms instead of 500 ms: the faults here are made, not waited out.
const retryDelay = process.env.ARCHWAY_RETRY_DELAY_MS
beforeAll(async () => {
  process.env.ARCHWAY_RETRY_DELAY_MS = '50'
  context = sampleContext(env.busyboxDir)
  runner = await newRunner(env.toolCache)
})
afterAll(() => {
  if (retryDelay === undefined) delete process.env.ARCHWAY_RETRY_DELAY_MS
  else process.env.ARCHWAY_RETRY_DELAY_MS = retryDelay
})

interface Job {
  readonly main: StepResult
  readonly post?: StepResult
}

function inputsFor(registry: string, repository: string, extra: Record<string, string> = {}): Record<string, string> {
  return { platforms: 'linux/amd64', image: `${registry}/${repository}`, tags: 'latest', context, push: 'true', ...extra }
}

/** One job: main, then post only when main succeeded (post-if: success()), as the runner does. */
async function job(
  inputs: Record<string, string>,
  extraEnv: Record<string, string> = {},
  beforePost?: () => void | Promise<void>
): Promise<Job> {
  const main = await runStep(runner, 'main', inputs, {}, { ...DOCKER, ...extraEnv })
  if (main.code !== 0) return { main }
  await beforePost?.()
  const post = await runStep(runner, 'post', inputs, main.state, { ...DOCKER, ...extraEnv })
  return { main, post }
}

/** What an independent client (skopeo) reads under the tag, from the registry itself; its children must all be there. */
function expectPublished(registry: string, repository: string, digest: string, creds?: string): void {
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/)
  const raw = skopeoRaw(`${registry}/${repository}:latest`, creds)
  expect(sha256(raw)).toBe(digest)
  for (const m of JSON.parse(raw.toString()).manifests as { digest: string }[])
    expect(sha256(skopeoRaw(`${registry}/${repository}@${m.digest}`, creds))).toBe(m.digest)
}

/** The digest `latest` points at in the registry itself, or undefined. */
async function latestOf(registry: string, repository: string, auth?: typeof CREDS): Promise<string | undefined> {
  if (!(await tagsOf(registry, repository, auth)).includes('latest')) return undefined
  return sha256(skopeoRaw(`${registry}/${repository}:latest`, auth ? `${auth.username}:${auth.password}` : undefined))
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir).flatMap(name => {
    const p = join(dir, name)
    const s = statSync(p)
    return s.isDirectory() ? filesUnder(p) : s.isFile() ? [p] : []
  })
}

/** The log's lines holding `secret`, other than the runner's `::add-mask::` commands. */
const leaks = (log: string, secret: string) => log.split('\n').filter(l => !l.startsWith('::add-mask::') && l.includes(secret))

/** The registry client's debug lines announcing another try (of a request, or of a whole upload). */
const retryLines = (log: string) => log.split('\n').filter(l => /^::debug::(Retry \d+ of |Upload of .* goes on \(retry \d+\))/.test(l))

// --- The registry misbehaves while main pushes ------------------------------------------

describe('registry faults while main pushes by digest (through a proxy in front of 127.0.0.1:5000)', () => {
  let proxy: FaultProxy
  beforeAll(async () => {
    proxy = await startFaultProxy(`http://${env.registryOpen}`)
  })
  afterAll(() => proxy.close())

  const bigUpload = (req: { headers: Record<string, string | string[] | undefined> }) =>
    Number(req.headers['content-length'] ?? 0) > 100_000
  it.each<[string, FaultRule[], string]>([
    ['500 on the first three requests', [{ path: /^\/v2\//, times: 3, fault: { kind: 'status', status: 500 } }], 'status 500'],
    [
      '503 on two blob upload starts',
      [{ method: 'POST', path: /\/blobs\/uploads\/$/, times: 2, fault: { kind: 'status', status: 503 } }],
      'status 503'
    ],
    [
      '429 with Retry-After: 1 on two blob uploads',
      [{ method: 'PUT', path: /\/blobs\/uploads\//, times: 2, fault: { kind: 'throttle', retryAfterSeconds: 1 } }],
      '429 Retry-After 1'
    ],
    [
      'a connection reset in the middle of the manifest PUT',
      [{ method: 'PUT', path: /\/manifests\/sha256:/, times: 1, fault: { kind: 'reset', during: 'request' } }],
      'reset request'
    ]
  ])('survives %s: main and post exit 0 and the tag holds the announced index', async (_name, rules, fault) => {
    const repository = unique('push')
    proxy.setRules(rules)
    const before = proxy.requests.length
    const { main, post } = await job(inputsFor(proxy.host, repository))
    expect(main.errors).toEqual([])
    expect(main.code).toBe(0)
    expect(post?.errors).toEqual([])
    expect(post?.code).toBe(0)
    // The fault really was injected, as many times as asked.
    const injected = proxy.requests.slice(before).filter(r => r.fault === fault)
    expect(injected.length).toBe(rules[0].times)
    expect(retryLines(main.log).length).toBeGreaterThanOrEqual(1)
    expectPublished(env.registryOpen, repository, main.outputs.digest)
  })

  // A PUT cut off after part of a layer reached the registry leaves that upload session holding
  // the part (a second PUT to it gets 404 BLOB_UPLOAD_INVALID): the client starts a new session.
  it('survives a connection reset in the middle of a layer upload (part of the body reached the registry): main and post exit 0 and the tag holds the announced index', async () => {
    const repository = unique('push-reset')
    proxy.setRules([{ method: 'PUT', path: /\/blobs\/uploads\//, when: bigUpload, times: 1, fault: { kind: 'reset', during: 'request' } }])
    const before = proxy.requests.length
    const { main, post } = await job(inputsFor(proxy.host, repository))
    expect(proxy.requests.slice(before).filter(r => r.fault === 'reset request')).toHaveLength(1)
    expect(main.errors).toEqual([])
    expect(main.code).toBe(0)
    expect(post?.errors).toEqual([])
    expect(post?.code).toBe(0)
    expectPublished(env.registryOpen, repository, main.outputs.digest)
  })

  // A gateway that fails the first request of every new URL: each upload's PUT goes to a URL never
  // seen before (a new session's, or the one its status GET gives), so an upload started again in a
  // new session at every try never gets through; one that goes on in its session does.
  it('publishes the release intact when the first request of every new URL (method, path and query) answers 503, in main and in post', async () => {
    const repository = unique('per-url')
    proxy.setRules([{ path: /^\/v2\//, perUrl: true, fault: { kind: 'status', status: 503 } }])
    const before = proxy.requests.length
    try {
      const { main, post } = await job(inputsFor(proxy.host, repository))
      expect(main.errors).toEqual([])
      expect(main.code).toBe(0)
      expect(post?.errors).toEqual([])
      expect(post?.code).toBe(0)
      const sent = proxy.requests.slice(before)
      // Every new URL was failed once, and once only.
      expect(sent.filter(r => r.fault === 'status 503')).toHaveLength(new Set(sent.map(r => `${r.method} ${r.path}`)).size)
      // Upload PUTs met their 503 and went on in their own sessions: every session opened was committed, none cancelled.
      const puts = sent.filter(r => r.method === 'PUT' && /\/blobs\/uploads\/./.test(r.path))
      expect(puts.filter(r => r.fault).length).toBeGreaterThan(0)
      const session = (path: string) => path.replace(/\?.*/, '')
      const opened = new Set(puts.map(r => session(r.path)))
      expect(new Set(puts.filter(r => r.status === 201).map(r => session(r.path)))).toEqual(opened)
      expect(sent.filter(r => r.method === 'GET' && /\/blobs\/uploads\/./.test(r.path) && r.status === 204).length).toBeGreaterThan(0)
      expect(sent.filter(r => r.method === 'DELETE')).toEqual([])
      expect(retryLines(main.log).length).toBeGreaterThan(0)
      expectPublished(env.registryOpen, repository, main.outputs.digest)
      expect(await missingBlobs(env.registryOpen, repository, 'latest')).toEqual([])
    } finally {
      proxy.setRules([])
      await deleteRepository(env.registryOpen, repository)
    }
  })

  it('fails in one line naming the registry and the status when every request answers 500, and no tag exists', async () => {
    const repository = unique('push-down')
    proxy.setRules([{ path: /.*/, times: Infinity, fault: { kind: 'status', status: 500 } }])
    const { main, post } = await job(inputsFor(proxy.host, repository))
    expect(main.code).toBe(1)
    expect(post).toBeUndefined()
    expect(main.errors).toHaveLength(1)
    expect(main.errors[0]).toContain(proxy.host)
    expect(main.errors[0]).toMatch(/answered 500 Internal Server Error/)
    expect(main.outputs.digest).toBeUndefined()
    // Retried: five tries of the first request at least.
    expect(retryLines(main.log).length).toBeGreaterThanOrEqual(4)
    expect(await tagsOf(env.registryOpen, repository)).toEqual([])
    // A post step run anyway finds nothing to publish.
    proxy.setRules([])
    const manual = await runStep(runner, 'post', inputsFor(proxy.host, repository), main.state, DOCKER)
    expect(manual.code).toBe(0)
    expect(await tagsOf(env.registryOpen, repository)).toEqual([])
  })
})

// --- The registry misbehaves while post publishes ---------------------------------------

describe('registry faults while post publishes the index (main pushed through the same proxy, no fault)', () => {
  let proxy: FaultProxy
  beforeAll(async () => {
    proxy = await startFaultProxy(`http://${env.registryOpen}`)
  })
  afterAll(() => proxy.close())

  /** Where in proxy.requests the last post step's requests start. */
  let postFrom = 0
  /** Main through the proxy with no fault; the faults are switched on for post only. */
  const withPostFaults = (inputs: Record<string, string>, rules: FaultRule[], extraEnv: Record<string, string> = {}) => {
    proxy.setRules([])
    return job(inputs, extraEnv, () => {
      postFrom = proxy.requests.length
      proxy.setRules(rules)
    })
  }
  const faultedInPost = () => proxy.requests.slice(postFrom).filter(r => r.fault !== undefined)

  it.each<[string, FaultRule[], string]>([
    [
      '503 on the first two child manifest checks',
      [{ method: 'HEAD', path: /\/manifests\/sha256:/, times: 2, fault: { kind: 'status', status: 503 } }],
      'status 503'
    ],
    [
      '429 with Retry-After: 1 on the tag PUT, twice',
      [{ method: 'PUT', path: /\/manifests\/latest$/, times: 2, fault: { kind: 'throttle' } }],
      '429 Retry-After 1'
    ],
    [
      'a connection reset in the middle of the tag PUT',
      [{ method: 'PUT', path: /\/manifests\/latest$/, times: 1, fault: { kind: 'reset', during: 'request' } }],
      'reset request'
    ],
    [
      'an answer slower than the timeout, once',
      [{ path: /^\/v2\/.+\/manifests\//, times: 1, fault: { kind: 'delay', ms: 3_000 } }],
      'delay 3000 ms'
    ]
  ])('survives %s: post exits 0 and the tag holds the announced index', async (_name, rules, fault) => {
    const repository = unique('post')
    const { main, post } = await withPostFaults(inputsFor(proxy.host, repository), rules, { ARCHWAY_REGISTRY_TIMEOUT_MS: '1000' })
    expect(main.code).toBe(0)
    expect(post?.errors).toEqual([])
    expect(post?.code).toBe(0)
    expect(faultedInPost().filter(r => r.fault === fault).length).toBe(rules[0].times ?? 1)
    expect(retryLines(post!.log).length).toBeGreaterThanOrEqual(1)
    expectPublished(env.registryOpen, repository, main.outputs.digest)
  })

  it('fails in one line when every request answers 500, and the tag keeps the index it had', async () => {
    const repository = unique('post-down')
    // A first release, published without faults.
    const first = await withPostFaults(inputsFor(proxy.host, repository, { annotations: 'org.opencontainers.image.title=first' }), [])
    expect([first.main.code, first.post?.code]).toEqual([0, 0])
    const old = first.main.outputs.digest
    expect(await latestOf(env.registryOpen, repository)).toBe(old)

    const second = await withPostFaults(inputsFor(proxy.host, repository, { annotations: 'org.opencontainers.image.title=second' }), [
      { path: /.*/, times: Infinity, fault: { kind: 'status', status: 500 } }
    ])
    expect(second.main.code).toBe(0)
    expect(second.main.outputs.digest).not.toBe(old)
    expect(second.post?.code).toBe(1)
    expect(second.post?.errors).toHaveLength(1)
    expect(second.post?.errors[0]).toContain(proxy.host)
    expect(second.post?.errors[0]).toMatch(/answered 500 Internal Server Error/)
    // Five tries (four retries) of the request that failed, at least.
    expect(faultedInPost().length).toBeGreaterThanOrEqual(5)
    expect(await latestOf(env.registryOpen, repository)).toBe(old)
  })

  it('fails in one line naming the timeout when every answer is slower than ARCHWAY_REGISTRY_TIMEOUT_MS, and moves no tag', async () => {
    const repository = unique('post-slow')
    const started = Date.now()
    const { main, post } = await withPostFaults(
      inputsFor(proxy.host, repository),
      [{ path: /.*/, times: Infinity, fault: { kind: 'delay', ms: 3_000 } }],
      { ARCHWAY_REGISTRY_TIMEOUT_MS: '1000' }
    )
    expect(main.code).toBe(0)
    expect(post?.code).toBe(1)
    expect(post?.errors).toHaveLength(1)
    expect(post?.errors[0]).toContain(proxy.host)
    expect(post?.errors[0]).toMatch(/ETIMEDOUT|silent for 1000 ms/)
    expect(retryLines(post!.log).length).toBeGreaterThanOrEqual(4)
    // Five tries of 1 s and the backoff between them: well under a minute, not five 30 s defaults.
    expect(Date.now() - started).toBeLessThan(60_000)
    expect(await tagsOf(env.registryOpen, repository)).toEqual([])
  })
})

// --- Redirects to another host ------------------------------------------------------------

describe('redirects to another host (127.0.0.2) with credentials (proxy in front of 127.0.0.1:5001, htpasswd)', () => {
  let proxy: FaultProxy
  beforeAll(async () => {
    proxy = await startFaultProxy(`http://${env.registryAuth}`)
  })
  afterAll(() => proxy.close())
  const creds = { username: CREDS.username, password: CREDS.password }
  const withAuthorization = (req: { headers: Record<string, unknown> }) => req.headers.authorization !== undefined

  /** Nothing the other host received carries credentials, and no step printed the password. */
  function expectNoCredentialsLeft(steps: (StepResult | undefined)[], from: number): void {
    const received = proxy.recorder.received.slice(from)
    expect(received.map(r => r.headers.authorization).filter(a => a !== undefined)).toEqual([])
    expect(received.filter(r => JSON.stringify(r.headers).includes(CREDS.password) || JSON.stringify(r.headers).includes(BASIC))).toEqual(
      []
    )
    const ran = steps.filter((s): s is StepResult => s !== undefined)
    expect(ran.flatMap(s => leaks(s.log, CREDS.password))).toEqual([])
  }

  it('uploads layers through a 307 to another host that never receives the Authorization header, and publishes', async () => {
    const repository = unique('redirect-upload')
    // The other host stands for storage with a presigned URL: it brings its own authority to the registry.
    proxy.recorder.configure({ inject: { authorization: BASIC } })
    proxy.setRules([{ method: 'PUT', path: /\/blobs\/uploads\//, when: withAuthorization, times: Infinity, fault: { kind: 'redirect' } }])
    const from = proxy.recorder.received.length
    const { main, post } = await job(inputsFor(proxy.host, repository, creds))
    expect(main.errors).toEqual([])
    expect(main.code).toBe(0)
    expect(post?.code).toBe(0)
    expect(proxy.recorder.received.slice(from).filter(r => r.method === 'PUT').length).toBeGreaterThan(0)
    expectNoCredentialsLeft([main, post], from)
    expectPublished(env.registryAuth, repository, main.outputs.digest, `${CREDS.username}:${CREDS.password}`)
  })

  it('checks the child manifests through a 307 to another host that never receives the Authorization header, and publishes', async () => {
    const repository = unique('redirect-head')
    proxy.recorder.configure({ inject: { authorization: BASIC } })
    proxy.setRules([])
    const from = proxy.recorder.received.length
    const { main, post } = await job(inputsFor(proxy.host, repository, creds), {}, () =>
      proxy.setRules([
        { method: /^(HEAD|GET)$/, path: /\/manifests\/sha256:/, when: withAuthorization, times: Infinity, fault: { kind: 'redirect' } }
      ])
    )
    expect(main.code).toBe(0)
    expect(post?.errors).toEqual([])
    expect(post?.code).toBe(0)
    expect(proxy.recorder.received.slice(from).filter(r => r.method === 'HEAD' || r.method === 'GET').length).toBeGreaterThan(0)
    expectNoCredentialsLeft([main, post], from)
    expectPublished(env.registryAuth, repository, main.outputs.digest, `${CREDS.username}:${CREDS.password}`)
  })

  it('fails in one line, moving no tag, when the other host cannot read the manifest without the credentials it is never sent', async () => {
    const repository = unique('redirect-denied')
    proxy.recorder.configure({})
    proxy.setRules([])
    const from = proxy.recorder.received.length
    const { main, post } = await job(inputsFor(proxy.host, repository, creds), {}, () =>
      proxy.setRules([
        { method: /^(HEAD|GET)$/, path: /\/manifests\/sha256:/, when: withAuthorization, times: Infinity, fault: { kind: 'redirect' } }
      ])
    )
    expect(main.code).toBe(0)
    expect(post?.code).toBe(1)
    expect(post?.errors).toHaveLength(1)
    expect(post?.errors[0]).toMatch(/401/)
    expect(proxy.recorder.received.length).toBeGreaterThan(from)
    expectNoCredentialsLeft([main, post], from)
    expect(await tagsOf(env.registryAuth, repository, creds)).toEqual([])
  })

  // Only the registry can say it moved a tag: a manifest PUT redirected to another origin is
  // refused, in one line naming both hosts, and nothing is sent there.
  it('refuses a manifest PUT redirected to another host: one line naming it, nothing sent there, no tag reported that the registry lacks', async () => {
    const repository = unique('redirect-put')
    // The other host takes any manifest and claims to have stored it.
    proxy.recorder.configure({
      answer: r =>
        r.method === 'PUT' ? { status: 201, headers: { 'docker-content-digest': sha256(r.body), 'content-length': '0' } } : undefined
    })
    proxy.setRules([])
    const from = proxy.recorder.received.length
    const { main, post } = await job(inputsFor(proxy.host, repository, creds), {}, () =>
      proxy.setRules([{ method: 'PUT', path: /\/manifests\/latest$/, times: Infinity, fault: { kind: 'redirect' } }])
    )
    expect(main.code).toBe(0)
    expectNoCredentialsLeft([main, post], from)
    const tags = await tagsOf(env.registryAuth, repository, creds)
    // "Published" would have to mean the registry holds the tag: the other host only claims to.
    expect({ code: post?.code, tags }).toEqual({ code: 1, tags: [] })
    expect(post?.errors).toHaveLength(1)
    expect(post?.errors[0]).toContain('127.0.0.2')
    expect(proxy.recorder.received.slice(from).filter(r => r.method === 'PUT')).toEqual([])
  })
})

// --- The Debian mirror misbehaves -----------------------------------------------------------

describe('download faults on a cold runner (nothing cached): one line each, nothing cached, nothing registered', () => {
  let mirror: FaultProxy
  beforeAll(async () => {
    mirror = await startFaultProxy('http://deb.debian.org')
  })
  afterAll(() => mirror.close())

  /** Every `.complete` marker under the tool cache's qemu folder, and every version folder. */
  function cached(toolCache: string): string[] {
    const root = join(toolCache, 'qemu')
    if (!existsSync(root)) return []
    const found: string[] = []
    const walk = (dir: string, depth: number) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name)
        if (name.endsWith('.complete')) found.push(p)
        else if (depth === 0 && name !== 'resolved' && statSync(p).isDirectory()) found.push(p)
        if (depth < 2 && statSync(p).isDirectory()) walk(p, depth + 1)
      }
    }
    walk(root, 0)
    return found
  }

  /** binfmt_misc entries whose interpreter lies in this tool cache. */
  const registeredFrom = (toolCache: string) =>
    Object.entries(binfmtSnapshot())
      .filter(([, v]) => v.includes(`interpreter ${toolCache}/`))
      .map(([k]) => k)

  async function coldRun(mirrorUrl: string): Promise<{ step: StepResult; cold: Runner }> {
    const cold = await newRunner()
    const step = await runStep(cold, 'main', { platforms: 'linux/arm64', 'qemu-mirror': mirrorUrl, cache: 'false' })
    return { step, cold }
  }

  function expectNothingKept(cold: Runner): void {
    expect(cached(cold.toolCache)).toEqual([])
    expect(registeredFrom(cold.toolCache)).toEqual([])
    // Not even a partial download left in RUNNER_TEMP.
    expect(filesUnder(cold.temp)).toEqual([])
  }

  it.each<[string, FaultRule['fault'], RegExp]>([
    [
      'a tampered .deb (bytes flipped, same size)',
      { kind: 'tamper' },
      /has SHA-256 [0-9a-f]{64} \(\d+ bytes\), but the signed Packages index says [0-9a-f]{64} \(\d+ bytes\); nothing was kept/
    ],
    [
      'a truncated .deb (half of it, with a Content-Length that says so)',
      { kind: 'truncate' },
      /has SHA-256 [0-9a-f]{64} \(\d+ bytes\), but the signed Packages index says [0-9a-f]{64} \(\d+ bytes\); nothing was kept/
    ],
    [
      'a connection reset in the middle of every .deb download',
      { kind: 'reset', during: 'response' },
      /could not download qemu-user 1:[^ ]+ from http:\/\/127\.0\.0\.1:\d+\/debian\/pool\/.*\.deb/
    ]
  ])('%s fails in one line', async (_name, fault, message) => {
    mirror.setRules([{ method: 'GET', path: /\.deb$/, times: Infinity, fault }])
    const before = mirror.faulted().length
    const { step, cold } = await coldRun(`${mirror.url}/debian`)
    expect(mirror.faulted().length).toBeGreaterThan(before)
    expect(step.code).toBe(1)
    expect(step.errors).toHaveLength(1)
    expect(step.errors[0]).toMatch(message)
    expect(step.outputs['qemu-path']).toBeUndefined()
    expectNothingKept(cold)
  })

  it('notices a cached emulator altered after it was cached, before using it, and fetches it again', async () => {
    mirror.setRules([])
    const { step: first, cold } = await coldRun(`${mirror.url}/debian`)
    expect(first.errors).toEqual([])
    expect(first.code).toBe(0)
    const binary = join(first.outputs['qemu-path'], 'qemu-aarch64')
    const recorded = JSON.parse(readFileSync(join(first.outputs['qemu-path'], 'archway-qemu.json'), 'utf8')).binaries.aarch64 as string
    const good = readFileSync(binary)
    const bad = Buffer.from(good)
    bad[bad.length - 1] ^= 0xff
    // Replaced (a new file renamed over it): the registered entry holds the old one open (flag F), so it cannot be written in place.
    writeFileSync(`${binary}.tmp`, bad, { mode: 0o755 })
    renameSync(`${binary}.tmp`, binary)

    const debs = mirror.requests.filter(r => r.path.endsWith('.deb')).length
    const again = await runStep(cold, 'main', {
      platforms: 'linux/arm64',
      'qemu-mirror': `${mirror.url}/debian`,
      cache: 'false',
      'qemu-version': first.outputs['qemu-version']
    })
    expect(again.errors).toEqual([])
    expect(again.code).toBe(0)
    // (Escaped as a workflow command's value: % is written %25, which the runner reads back.)
    expect(again.log).toContain(
      `::warning::${binary.replace(/%/g, '%25')} differs from the SHA-256 recorded when it was cached; fetching QEMU ${first.outputs['qemu-version']} again`
    )
    expect(again.log).toContain('Source: Debian archive')
    expect(mirror.requests.filter(r => r.path.endsWith('.deb')).length).toBe(debs + 1)
    expect(sha256(readFileSync(binary))).toBe(`sha256:${recorded}`)
    expect(binfmtSnapshot()['qemu-aarch64']).toContain(`interpreter ${binary}\n`)
  })

  it('a mirror that is down (connection refused) fails in one line naming it', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/debian`
    const { step, cold } = await coldRun(url)
    expect(step.code).toBe(1)
    expect(step.errors).toHaveLength(1)
    expect(step.errors[0]).toContain(`could not download the InRelease of stable from ${url}/dists/stable/InRelease`)
    expect(step.errors[0]).toContain('ECONNREFUSED')
    expectNothingKept(cold)
  })
})

// --- The environment misbehaves ---------------------------------------------------------------

describe('environment faults', () => {
  it('fails in one line naming the Docker daemon when it does not answer, and pushes nothing', async () => {
    const repository = unique('no-docker')
    const main = await runStep(runner, 'main', inputsFor(env.registryOpen, repository), {}, { DOCKER_HOST: 'unix:///nonexistent.sock' })
    expect(main.code).toBe(1)
    expect(main.errors).toHaveLength(1)
    expect(main.errors[0]).toContain('The Docker daemon does not answer')
    expect(main.outputs.digest).toBeUndefined()
    expect(await tagsOf(env.registryOpen, repository)).toEqual([])
  })

  it('retries, then fails in one line, moving no tag, when the registry is unreachable during the post step', async () => {
    const repository = unique('gone')
    const proxy = await startFaultProxy(`http://${env.registryOpen}`)
    const host = proxy.host
    // Main pushes through the proxy; it is gone (its port refuses connections) before post.
    const { main, post } = await job(inputsFor(host, repository), {}, () => proxy.close())
    expect(main.code).toBe(0)
    expect(post?.code).toBe(1)
    expect(post?.errors).toHaveLength(1)
    expect(post?.errors[0]).toContain(host)
    expect(post?.errors[0]).toContain('ECONNREFUSED')
    expect(retryLines(post!.log).length).toBeGreaterThanOrEqual(4)
    expect(await tagsOf(env.registryOpen, repository)).toEqual([])
  })
})

// --- Secrets ------------------------------------------------------------------------------------

describe('secrets with step debug logging on (ACTIONS_STEP_DEBUG=true, RUNNER_DEBUG=1)', () => {
  it('prints the password in no line but ::add-mask::, keeps it out of the state, and leaves no docker config under RUNNER_TEMP', async () => {
    const repository = unique('secrets')
    const secretRunner = await newRunner()
    const inputs = inputsFor(env.registryAuth, repository, { username: CREDS.username, password: CREDS.password })
    const debug = { ...DOCKER, ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' }
    const main = await runStep(secretRunner, 'main', inputs, {}, debug)
    expect(main.code).toBe(0)
    const post = await runStep(secretRunner, 'post', inputs, main.state, debug)
    expect(post.code).toBe(0)
    expectPublished(env.registryAuth, repository, main.outputs.digest, `${CREDS.username}:${CREDS.password}`)
    for (const step of [main, post]) {
      // Debug logging really was on: the registry client's request lines are there.
      expect(step.log.split('\n').filter(l => l.startsWith('::debug::')).length).toBeGreaterThan(0)
      expect(step.log).toContain(`::add-mask::${CREDS.password}`)
      expect(leaks(step.log, CREDS.password)).toEqual([])
      expect(leaks(step.log, BASIC.slice('Basic '.length))).toEqual([])
      for (const text of [JSON.stringify(step.state), JSON.stringify(step.outputs), step.summary]) {
        expect(text).not.toContain(CREDS.password)
        expect(text).not.toContain(BASIC.slice('Basic '.length))
      }
    }
    // Nothing at all is left under RUNNER_TEMP after post: no docker config, no file holding the password.
    expect(filesUnder(secretRunner.temp)).toEqual([])
    expect(readdirSync(secretRunner.temp).filter(name => name.startsWith('archway-'))).toEqual([])
  })

  it('prints no credential when a failing registry echoes the Authorization header and the password back in its errors', async () => {
    const proxy = await startFaultProxy(`http://${env.registryAuth}`)
    try {
      const repository = unique('echo')
      // Every request that carries credentials gets a 500 whose error message repeats them.
      const echo = (req: { headers: Record<string, string | string[] | undefined> }) =>
        JSON.stringify({ errors: [{ code: 'UNKNOWN', message: `refused ${String(req.headers.authorization)} (${CREDS.password})` }] })
      // (Not on HEAD, whose answers have no body.)
      proxy.setRules([
        {
          method: /^(GET|POST|PUT|PATCH)$/,
          path: /.*/,
          when: r => r.headers.authorization !== undefined,
          times: Infinity,
          fault: { kind: 'status', status: 500, body: echo }
        }
      ])
      const debug = { ...DOCKER, ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' }
      const main = await runStep(
        runner,
        'main',
        inputsFor(proxy.host, repository, { username: CREDS.username, password: CREDS.password }),
        {},
        debug
      )
      expect(main.code).toBe(1)
      expect(main.errors).toHaveLength(1)
      expect(main.errors[0]).toMatch(/answered 500 Internal Server Error \(UNKNOWN: refused Basic \*\*\* \(\*\*\*\)\)/)
      expect(proxy.faulted().length).toBeGreaterThanOrEqual(5)
      expect(leaks(main.log, CREDS.password)).toEqual([])
      expect(leaks(main.log, BASIC.slice('Basic '.length))).toEqual([])
      expect(JSON.stringify(main.state)).not.toContain(CREDS.password)
    } finally {
      await proxy.close()
    }
  })
})
