/**
 * bench/faults: every fault kind, several times, through __tests__/helpers/fault-proxy.ts,
 * against the action's bundle (node dist/main.js, node dist/post.js, run as the runner runs
 * them), then a table per fault kind: runs, runs in which the fault was injected, requests
 * faulted, survived, failed cleanly (exit 1 with exactly one ::error:: line), failed badly
 * (anything else), data lost, credentials leaked, median seconds.
 *
 * Data lost, checked after each run against the registry itself (never through the proxy)
 * and the host: a tag that moved although the run failed, a tag that points at an index
 * whose children or blobs the registry lacks, a run reported published whose tag the
 * registry does not hold; a tool-cache entry with a `.complete` marker after a failed
 * download (or one whose binaries do not match its manifest), a binfmt_misc entry pointing
 * into the tool cache of a failed run. Leaked: an `Authorization` header received by the
 * other host, or the password in a log line other than `::add-mask::`.
 *
 * Bundled and run by bench/faults: node bench/faults.mjs RUNS FILTER DIST
 */
import { createHash, randomBytes } from 'node:crypto'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { BINFMT, binfmtSnapshot } from '../../__tests__/helpers/binfmt.js'
import { type Member, memberOf, readEntry, withContent, writeEntry } from '../../__tests__/helpers/cache-entry.js'
import { azuriteAccount, azuriteStore, startCacheService } from '../../__tests__/helpers/cache-service.js'
import { startDistribution } from '../../__tests__/helpers/distribution.js'
import { closedPort, type FaultProxy, type FaultRule, startFaultProxy } from '../../__tests__/helpers/fault-proxy.js'
import { sha256, skopeoRaw, tagsOf } from '../../__tests__/helpers/registry-api.js'
import { newRunner, type Runner } from '../../__tests__/helpers/runner.js'
import { runAsRunner, type StepResult } from '../../__tests__/helpers/runner-env.js'
import { testEnv } from '../../__tests__/helpers/testenv.js'
import { removeTempDirs, tempDir } from '../../__tests__/helpers/tmp.js'

const [runsText = '3', filterText = '', dist = '', root = ''] = process.argv.slice(2)
const RUNS = Number(runsText)
const filter = filterText ? new RegExp(filterText) : undefined
if (!Number.isInteger(RUNS) || RUNS < 1 || !dist || !root) {
  console.error('usage: node faults.mjs RUNS FILTER DIST ROOT')
  process.exit(2)
}

const env = testEnv()
const DOCKER = { DOCKER_HOST: env.dockerContainerd }
const CREDS = { username: env.registryUser, password: env.registryPassword }
const BASIC = `Basic ${Buffer.from(`${CREDS.username}:${CREDS.password}`).toString('base64')}`
/** This bench's folder; it and the runners' folders (newRunner) are removed at the end. */
const work = tempDir('bench-faults')

/** The example project with each platform's busybox, as the e2e tests' sample context. */
const context = join(work, 'context')
cpSync(join(root, 'example'), context, { recursive: true, filter: src => !src.includes('.busybox') })
cpSync(env.busyboxDir, join(context, '.busybox'), { recursive: true })

/** node DIST/<entry>.js as the runner runs it (runner-env.ts): INPUT_* with action.yml's defaults, STATE_*, the command files. */
function step(
  runner: Runner,
  entry: 'main' | 'post',
  inputs: Record<string, string>,
  state: Record<string, string>,
  extraEnv: Record<string, string>
): Promise<StepResult> {
  const dir = mkdtempSync(join(work, 'step-'))
  return runAsRunner({ script: join(dist, `${entry}.js`), dir, runnerEnv: runner.env, inputs, state, extraEnv })
}

interface Outcome {
  readonly steps: StepResult[]
  /** Requests faulted during the run (the proxy's count; for a closed port or a dead daemon, 1). */
  readonly faulted: number
  /** Why data was lost, if it was. */
  readonly lost: string[]
  readonly leaks: string[]
  /** What a run that published left in the registry besides the release (a matrix's staging tags, say): not survived. */
  readonly leftBehind?: string[]
  readonly seconds: number
}

interface Kind {
  readonly name: string
  readonly expect: 'survive' | 'fail'
  run(): Promise<Omit<Outcome, 'seconds'>>
}

// --- Checks ---------------------------------------------------------------------------

/** What the registry holds under `latest`, and whether the index and everything it names is there. */
async function registryFacts(
  registry: string,
  repository: string,
  auth?: typeof CREDS
): Promise<{ latest?: string; incomplete: string[] }> {
  if (!(await tagsOf(registry, repository, auth)).includes('latest')) return { incomplete: [] }
  const creds = auth ? `${auth.username}:${auth.password}` : undefined
  const raw = skopeoRaw(`${registry}/${repository}:latest`, creds)
  const incomplete: string[] = []
  const headers: Record<string, string> = auth ? { authorization: BASIC } : {}
  for (const m of JSON.parse(raw.toString()).manifests as { digest: string }[]) {
    let manifest: { config: { digest: string }; layers: { digest: string }[] }
    try {
      manifest = JSON.parse(skopeoRaw(`${registry}/${repository}@${m.digest}`, creds).toString())
    } catch {
      incomplete.push(`child ${m.digest} missing`)
      continue
    }
    for (const b of [manifest.config, ...manifest.layers]) {
      const r = await fetch(`http://${registry}/v2/${repository}/blobs/${b.digest}`, { method: 'HEAD', headers })
      if (r.status !== 200) incomplete.push(`blob ${b.digest} missing`)
    }
  }
  return { latest: sha256(raw), incomplete }
}

/** Data lost in a registry run: `before` is what `latest` held before the run. */
async function registryLoss(
  registry: string,
  repository: string,
  steps: StepResult[],
  before: string | undefined,
  auth?: typeof CREDS
): Promise<string[]> {
  const facts = await registryFacts(registry, repository, auth)
  const lost = facts.incomplete.map(i => `tag on an incomplete index: ${i}`)
  const succeeded = steps.every(s => s.code === 0) && steps.length === 2
  const digest = steps[0].outputs.digest
  if (succeeded && facts.latest !== digest) lost.push(`post reported the index published, the registry holds ${facts.latest ?? 'no tag'}`)
  if (!succeeded && facts.latest !== before) lost.push(`the run failed and the tag moved to ${facts.latest}`)
  return lost
}

/** Data lost in a QEMU set-up run: a marker or a registration after a failure, or a cache entry that does not match its manifest. */
function qemuLoss(runner: Runner, step: StepResult): string[] {
  const lost: string[] = []
  const root = join(runner.toolCache, 'qemu')
  const markers = existsSync(root)
    ? readdirSync(root).flatMap(v =>
        statSync(join(root, v)).isDirectory() && v !== 'resolved'
          ? readdirSync(join(root, v))
              .filter(n => n.endsWith('.complete'))
              .map(n => join(root, v, n))
          : []
      )
    : []
  const registered = Object.entries(binfmtSnapshot()).filter(([, v]) => v.includes(`interpreter ${runner.toolCache}/`))
  if (step.code !== 0) {
    for (const m of markers) lost.push(`cache entry ${m} after a failed run`)
    for (const [name] of registered) lost.push(`binfmt_misc ${name} registered from a failed run`)
  }
  for (const m of markers) {
    const dir = m.slice(0, -'.complete'.length)
    const manifest = JSON.parse(readFileSync(join(dir, 'archway-qemu.json'), 'utf8')) as { binaries: Record<string, string> }
    for (const [e, want] of Object.entries(manifest.binaries)) {
      if (
        createHash('sha256')
          .update(readFileSync(join(dir, `qemu-${e}`)))
          .digest('hex') !== want
      )
        lost.push(`cache entry ${dir}: qemu-${e} does not match its manifest`)
    }
  }
  return lost
}

const passwordLeaks = (steps: StepResult[]) =>
  steps.flatMap(s =>
    s.log
      .split('\n')
      .filter(l => !l.startsWith('::add-mask::') && (l.includes(CREDS.password) || l.includes(BASIC.slice(6))))
      .map(l => `log: ${l.slice(0, 80)}`)
  )

// --- The fault kinds ----------------------------------------------------------------------

const unique = (what: string) => `bench/faults-${what}-${randomBytes(4).toString('hex')}`
const imageInputs = (registry: string, repository: string, extra: Record<string, string> = {}) => ({
  platforms: 'linux/amd64',
  image: `${registry}/${repository}`,
  tags: 'latest',
  context,
  push: 'true',
  ...extra
})

let runner: Runner
let open: FaultProxy
let auth: FaultProxy
let mirror: FaultProxy
/** Tool caches of mirror runs that succeeded: binfmt_misc entries may point into them until the end. */
const keptToolCaches: string[] = []

/**
 * A job against a proxy: main (with `mainRules`), then post (with `postRules`) when main
 * succeeded; 'close' closes the proxy between the two, so that its port refuses connections.
 */
async function job(
  proxy: FaultProxy,
  inputs: Record<string, string>,
  mainRules: FaultRule[],
  postRules: FaultRule[] | 'close',
  extraEnv: Record<string, string> = {}
): Promise<{ steps: StepResult[]; faulted: number }> {
  const from = proxy.requests.length
  proxy.setRules(mainRules)
  const main = await step(runner, 'main', inputs, {}, { ...DOCKER, ...extraEnv })
  if (main.code !== 0) return { steps: [main], faulted: proxy.requests.slice(from).filter(r => r.fault).length }
  if (postRules === 'close') {
    await proxy.close()
    const post = await step(runner, 'post', inputs, main.state, { ...DOCKER, ...extraEnv })
    return { steps: [main, post], faulted: 1 }
  }
  proxy.setRules(postRules)
  const post = await step(runner, 'post', inputs, main.state, { ...DOCKER, ...extraEnv })
  proxy.setRules([])
  return { steps: [main, post], faulted: proxy.requests.slice(from).filter(r => r.fault).length }
}

const everything: FaultRule = { path: /.*/, times: Infinity, fault: { kind: 'status', status: 500 } }
const bigUpload = (req: { headers: Record<string, string | string[] | undefined> }) => Number(req.headers['content-length'] ?? 0) > 100_000

function registryKind(
  name: string,
  expect: Kind['expect'],
  mainRules: FaultRule[],
  postRules: FaultRule[] | 'close',
  extraEnv: Record<string, string> = {},
  prior = false
): Kind {
  return {
    name,
    expect,
    run: async () => {
      const repository = unique('open')
      // A proxy of its own when it is closed before post; the shared one otherwise.
      const proxy = postRules === 'close' ? await startFaultProxy(`http://${env.registryOpen}`) : open
      let before: string | undefined
      if (prior) {
        // A release published before, without faults: its tag must stay where it is.
        const first = await job(open, imageInputs(open.host, repository, { annotations: 'org.opencontainers.image.title=before' }), [], [])
        if (first.steps.some(s => s.code !== 0)) throw new Error(`${name}: the release before the fault failed`)
        before = first.steps[0].outputs.digest
      }
      const { steps, faulted } = await job(proxy, imageInputs(proxy.host, repository), mainRules, postRules, extraEnv)
      return { steps, faulted, lost: await registryLoss(env.registryOpen, repository, steps, before), leaks: [] }
    }
  }
}

function redirectKind(
  name: string,
  expect: Kind['expect'],
  phase: 'main' | 'post',
  rule: FaultRule,
  recorder: Parameters<FaultProxy['recorder']['configure']>[0]
): Kind {
  return {
    name,
    expect,
    run: async () => {
      const repository = unique('auth')
      auth.recorder.configure(recorder)
      const from = auth.recorder.received.length
      const inputs = imageInputs(auth.host, repository, { username: CREDS.username, password: CREDS.password })
      const { steps, faulted } = await job(auth, inputs, phase === 'main' ? [rule] : [], phase === 'post' ? [rule] : [])
      const received = auth.recorder.received.slice(from)
      const leaks = [
        ...received
          .filter(r => r.headers.authorization !== undefined)
          .map(r => `Authorization sent to the other host: ${r.method} ${r.path.slice(0, 60)}`),
        ...passwordLeaks(steps)
      ]
      return { steps, faulted, lost: await registryLoss(env.registryAuth, repository, steps, undefined, CREDS), leaks }
    }
  }
}

function mirrorKind(name: string, expect: Kind['expect'], rules: FaultRule[] | 'down'): Kind {
  return {
    name,
    expect,
    run: async () => {
      const cold = await newRunner(join(work, `tool-cache-${randomBytes(4).toString('hex')}`))
      let url = `${mirror.url}/debian`
      if (rules === 'down') url = `http://127.0.0.1:${await closedPort()}/debian`
      else mirror.setRules(rules)
      const from = mirror.requests.length
      const s = await step(cold, 'main', { platforms: 'linux/arm64', 'qemu-mirror': url, cache: 'false' }, {}, {})
      mirror.setRules([])
      if (s.code === 0) keptToolCaches.push(cold.toolCache)
      return {
        steps: [s],
        faulted: rules === 'down' ? 1 : mirror.requests.slice(from).filter(r => r.fault).length,
        lost: qemuLoss(cold, s),
        leaks: []
      }
    }
  }
}

/**
 * DELETE refused: a matrix release (two jobs, linux/amd64 and linux/386, each main then post, side
 * by side) with the run's cache service, against a distribution registry with deletes off, as
 * GHCR and Docker Hub refuse DELETE. Survived: the release published and nothing of the
 * coordination left in the registry (no tag but the release's; the registry has no referrers API,
 * so a referrer would be a `sha256-*` tag).
 */
const deleteRefusedKind: Kind = {
  name: 'DELETE refused: matrix, records in the Actions cache',
  expect: 'survive',
  run: async () => {
    const registry = await startDistribution({ deletes: false })
    const service = await startCacheService(await azuriteStore(azuriteAccount()))
    try {
      const probe = await fetch(`http://${registry.host}/v2/bench/probe/manifests/sha256:${'0'.repeat(64)}`, { method: 'DELETE' })
      const repository = unique('nodelete')
      const runId = String(Date.now() * 1000 + Math.floor(Math.random() * 1000))
      const inputs = imageInputs(registry.host, repository, { platforms: 'linux/amd64,linux/386' })
      const jobs = await Promise.all(
        ['linux/amd64', 'linux/386'].map(async platform => {
          const r = await newRunner(runner.toolCache)
          Object.assign(r.env, { GITHUB_RUN_ID: runId, GITHUB_RUN_ATTEMPT: '1' })
          const stepEnv = { ...DOCKER, ...service.env() }
          const main = await step(r, 'main', { ...inputs, build: platform }, {}, stepEnv)
          return main.code === 0 ? [main, await step(r, 'post', { ...inputs, build: platform }, main.state, stepEnv)] : [main]
        })
      )
      const steps = [...jobs.map(j => j[0]), ...jobs.flatMap(j => j.slice(1))]
      const facts = await registryFacts(registry.host, repository)
      const announced = [
        ...new Set(steps.flatMap(s => [...s.log.matchAll(/Every platform is staged: published (sha256:[0-9a-f]{64})/g)].map(m => m[1])))
      ]
      const lost = facts.incomplete.map(i => `tag on an incomplete index: ${i}`)
      const succeeded = steps.length === 4 && steps.every(s => s.code === 0)
      if (succeeded && (announced.length !== 1 || facts.latest !== announced[0]))
        lost.push(`published ${announced.join(', ') || 'nothing'}, the registry holds ${facts.latest ?? 'no tag'}`)
      if (!succeeded && facts.latest !== undefined) lost.push(`the run failed and the tag moved to ${facts.latest}`)
      const leftBehind = (await tagsOf(registry.host, repository)).filter(t => t !== 'latest').map(t => `tag left behind: ${t}`)
      return { steps, faulted: probe.status === 405 ? 1 : 0, lost, leaks: [], leftBehind }
    } finally {
      await service.close()
      await registry.close()
    }
  }
}

const KINDS: Kind[] = [
  registryKind('push: 500 on the first 3 requests', 'survive', [{ path: /^\/v2\//, times: 3, fault: { kind: 'status', status: 500 } }], []),
  registryKind(
    'push: 429 Retry-After 1 on 2 blob PUTs',
    'survive',
    [{ method: 'PUT', path: /\/blobs\/uploads\//, times: 2, fault: { kind: 'throttle' } }],
    []
  ),
  registryKind(
    'push: reset in a layer PUT',
    'survive',
    [{ method: 'PUT', path: /\/blobs\/uploads\//, when: bigUpload, fault: { kind: 'reset', during: 'request' } }],
    []
  ),
  registryKind(
    'push: reset in the manifest PUT',
    'survive',
    [{ method: 'PUT', path: /\/manifests\/sha256:/, fault: { kind: 'reset', during: 'request' } }],
    []
  ),
  registryKind('push: 500 on every request', 'fail', [everything], []),
  registryKind(
    'post: 503 on 2 manifest HEADs',
    'survive',
    [],
    [{ method: 'HEAD', path: /\/manifests\//, times: 2, fault: { kind: 'status', status: 503 } }]
  ),
  registryKind(
    'post: 429 Retry-After 1 on the tag PUT',
    'survive',
    [],
    [{ method: 'PUT', path: /\/manifests\/latest$/, times: 2, fault: { kind: 'throttle' } }]
  ),
  registryKind(
    'post: reset in the tag PUT',
    'survive',
    [],
    [{ method: 'PUT', path: /\/manifests\/latest$/, fault: { kind: 'reset', during: 'request' } }]
  ),
  registryKind('post: one answer slower than the timeout', 'survive', [], [{ path: /\/manifests\//, fault: { kind: 'delay', ms: 5000 } }], {
    ARCHWAY_REGISTRY_TIMEOUT_MS: '2000'
  }),
  registryKind('post: 500 on every request (tag held before)', 'fail', [], [everything], {}, true),
  registryKind(
    'post: every answer slower than the timeout',
    'fail',
    [],
    [{ path: /.*/, times: Infinity, fault: { kind: 'delay', ms: 5000 } }],
    { ARCHWAY_REGISTRY_TIMEOUT_MS: '2000' }
  ),
  registryKind('post: registry unreachable (refused)', 'fail', [], 'close'),
  redirectKind(
    'redirect: layer PUT 307 to another host',
    'survive',
    'main',
    {
      method: 'PUT',
      path: /\/blobs\/uploads\//,
      when: r => r.headers.authorization !== undefined,
      times: Infinity,
      fault: { kind: 'redirect' }
    },
    { inject: { authorization: BASIC } }
  ),
  redirectKind(
    'redirect: manifest HEAD 307, other host w/o creds',
    'fail',
    'post',
    {
      method: /^(HEAD|GET)$/,
      path: /\/manifests\/sha256:/,
      when: r => r.headers.authorization !== undefined,
      times: Infinity,
      fault: { kind: 'redirect' }
    },
    {}
  ),
  redirectKind(
    'redirect: tag PUT 307 to a host that says 201',
    'fail',
    'post',
    { method: 'PUT', path: /\/manifests\/latest$/, times: Infinity, fault: { kind: 'redirect' } },
    {
      answer: r =>
        r.method === 'PUT' ? { status: 201, headers: { 'docker-content-digest': sha256(r.body), 'content-length': '0' } } : undefined
    }
  ),
  mirrorKind('mirror: tampered .deb', 'fail', [{ method: 'GET', path: /\.deb$/, times: Infinity, fault: { kind: 'tamper' } }]),
  mirrorKind('mirror: truncated .deb', 'fail', [{ method: 'GET', path: /\.deb$/, times: Infinity, fault: { kind: 'truncate' } }]),
  mirrorKind('mirror: reset in every .deb download', 'fail', [
    { method: 'GET', path: /\.deb$/, times: Infinity, fault: { kind: 'reset', during: 'response' } }
  ]),
  mirrorKind('mirror: reset in the first .deb download', 'survive', [
    { method: 'GET', path: /\.deb$/, times: 1, fault: { kind: 'reset', during: 'response' } }
  ]),
  mirrorKind('mirror: down (connection refused)', 'fail', 'down'),
  {
    name: 'docker daemon down',
    expect: 'fail',
    run: async () => {
      const repository = unique('nodocker')
      const s = await step(runner, 'main', imageInputs(env.registryOpen, repository), {}, { DOCKER_HOST: 'unix:///nonexistent.sock' })
      return { steps: [s], faulted: 1, lost: await registryLoss(env.registryOpen, repository, [s], undefined), leaks: [] }
    }
  },
  deleteRefusedKind
]

// --- 503 on every new URL ----------------------------------------------------------------------
// A gateway that answers 503 to the first request of each distinct method, path and query, in
// main and again in post: every upload's PUT goes to a URL never seen before, so only an upload
// that goes on in its own session (its status asked by GET) gets through.

const firstOfEveryUrl: FaultRule = { path: /^\/v2\//, perUrl: true, fault: { kind: 'status', status: 503 } }
KINDS.push(registryKind('push+post: 503 on every new URL', 'survive', [firstOfEveryUrl], [firstOfEveryUrl]))

// --- Fault kind: tampered cache entry ------------------------------------------------------------
// QEMU's entry in the Actions cache (the tests' stand-in of the cache service, Azurite behind
// __tests__/helpers/cache-service.ts) altered between the job that saved it and the job that
// restores it; each run alters another link of the chain it keeps, in turn: a version planted in
// the tool cache (a changed qemu-aarch64, its manifest to match, the marker), a byte of the .deb,
// the .deb with the Packages index vouching for it, and those with the InRelease vouching for
// that. Survived: the job ends well with the genuine qemu-aarch64 registered (the bytes of the
// cold job's, which came from the archive). Data lost: any other qemu-aarch64 registered.

const TAMPERINGS: readonly ((members: Member[], planted: (name: string, data: Buffer) => Member) => Member[])[] = [
  (members, planted) => {
    const altered = Buffer.from('\x7fELF planted in a forged cache entry')
    return [
      ...members,
      planted('amd64/qemu-aarch64', altered),
      planted('amd64/archway-qemu.json', Buffer.from(JSON.stringify({ binaries: { aarch64: hexSha256(altered) } }))),
      planted('amd64.complete', Buffer.alloc(0))
    ]
  },
  members => withContent(members, '.deb', flipped(memberOf(members, '.deb').data)),
  members => forgedIndex(members).members,
  members => {
    const { members: forged, gz } = forgedIndex(members)
    const genuineGz = memberOf(members, '/Packages.gz').data
    const line = (data: Buffer) => `${hexSha256(data)} ${String(data.length).padStart(8)} main/binary-amd64/Packages.gz`
    const text = replacedOnce(memberOf(forged, '/InRelease').data.toString(), line(genuineGz), line(gz))
    return withContent(forged, '/InRelease', Buffer.from(text))
  }
]

const hexSha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')

/** `text` with `from` replaced by `to`, where it occurs exactly once. */
function replacedOnce(text: string, from: string, to: string): string {
  if (!from || text.split(from).length !== 2) throw new Error(`tampered cache entry: ${from.slice(0, 40)} is not in the entry exactly once`)
  return text.replace(from, to)
}

function flipped(data: Buffer): Buffer {
  const out = Buffer.from(data)
  out[Math.floor(out.length / 2)] ^= 0xff
  return out
}

/** The .deb altered, and its Packages.gz giving the altered one's SHA-256. */
function forgedIndex(members: Member[]): { members: Member[]; gz: Buffer } {
  const deb = memberOf(members, '.deb').data
  const altered = flipped(deb)
  const index = gunzipSync(memberOf(members, '/Packages.gz').data).toString()
  const text = replacedOnce(index, `SHA256: ${hexSha256(deb)}\n`, `SHA256: ${hexSha256(altered)}\n`)
  const gz = gzipSync(text)
  return { members: withContent(withContent(members, '.deb', altered), '/Packages.gz', gz), gz }
}

let tamperings = 0
KINDS.push({
  name: 'tampered cache entry',
  expect: 'survive',
  run: async () => {
    const service = await startCacheService(await azuriteStore(azuriteAccount()))
    try {
      const toolCache = join(work, `tool-cache-${randomBytes(4).toString('hex')}`)
      keptToolCaches.push(toolCache)
      const inputs = { platforms: 'linux/arm64', 'qemu-mirror': `${mirror.url}/debian` }
      const saver = await newRunner(toolCache)
      const cold = await step(saver, 'main', inputs, {}, service.env())
      const saved = cold.code === 0 ? await step(saver, 'post', inputs, cold.state, service.env()) : cold
      const [entry] = service.entries()
      if (saved.code !== 0 || !entry?.finalized) throw new Error('tampered cache entry: the job that saves the entry failed')
      const genuine = hexSha256(readFileSync(join(cold.outputs['qemu-path'], 'qemu-aarch64')))
      const members = await readEntry(await service.store.read(entry.blob))
      const kept = memberOf(members, '/InRelease').header
      const planted = (name: string, data: Buffer): Member => ({
        header: {
          ...kept,
          pax: undefined,
          name: kept.name.replace(/qemu-debian\/.*$/, `qemu/${cold.outputs['qemu-version'].replace(/:/g, '%3a')}/${name}`),
          size: data.length
        },
        data
      })
      await service.store.write(entry.blob, await writeEntry(TAMPERINGS[tamperings++ % TAMPERINGS.length](members, planted)))
      rmSync(toolCache, { recursive: true, force: true })
      const restorer = await newRunner(toolCache)
      const s = await step(restorer, 'main', inputs, {}, service.env())
      const interpreter = /^interpreter (.*)$/m.exec(binfmtSnapshot()['qemu-aarch64'] ?? '')?.[1]
      const registered =
        interpreter?.startsWith(`${toolCache}/`) && existsSync(interpreter) ? hexSha256(readFileSync(interpreter)) : undefined
      const lost = [
        ...qemuLoss(restorer, s),
        ...(registered && registered !== genuine ? [`a qemu-aarch64 of SHA-256 ${registered} registered`] : [])
      ]
      return { steps: [s], faulted: 1, lost, leaks: [] }
    } finally {
      await service.close()
    }
  }
})

// --- Run and report ---------------------------------------------------------------------------

type Verdict = 'survived' | 'failed cleanly' | 'failed badly'

function verdict(steps: StepResult[]): Verdict {
  const failed = steps.findIndex(s => s.code !== 0)
  if (failed === -1) return steps.every(s => s.errors.length === 0) ? 'survived' : 'failed badly'
  const clean = steps[failed].code === 1 && steps[failed].errors.length === 1 && steps.slice(0, failed).every(s => s.errors.length === 0)
  return clean ? 'failed cleanly' : 'failed badly'
}

interface Row {
  kind: Kind
  runs: number
  injected: number
  faulted: number
  verdicts: Record<Verdict, number>
  lost: number
  leaked: number
  seconds: number[]
  notes: Set<string>
}

/** What binfmt_misc held before the bench. */
const binfmtBefore = binfmtSnapshot()

/** The register line that makes an entry as binfmt_misc lists it (magic entries), if its interpreter still exists. */
function registration(name: string, listing: string): string | undefined {
  const field = (f: string) => new RegExp(`^${f}:? (.*)$`, 'm').exec(listing)?.[1]?.trim()
  const [interpreter, magic, mask] = [field('interpreter'), field('magic'), field('mask')]
  if (!interpreter || !magic || !existsSync(interpreter)) return undefined
  const hex = (h: string) => h.replace(/../g, b => `\\x${b}`)
  return `:${name}:M:${field('offset') ?? ''}:${hex(magic)}:${mask ? hex(mask) : ''}:${interpreter}:${field('flags') ?? ''}`
}

async function main(): Promise<void> {
  runner = await newRunner(join(work, 'tool-cache-warm'))
  open = await startFaultProxy(`http://${env.registryOpen}`)
  auth = await startFaultProxy(`http://${env.registryAuth}`)
  mirror = await startFaultProxy('http://deb.debian.org')
  const kinds = KINDS.filter(k => !filter || filter.test(k.name))
  const rows: Row[] = []
  try {
    for (const kind of kinds) {
      const row: Row = {
        kind,
        runs: 0,
        injected: 0,
        faulted: 0,
        verdicts: { survived: 0, 'failed cleanly': 0, 'failed badly': 0 },
        lost: 0,
        leaked: 0,
        seconds: [],
        notes: new Set()
      }
      rows.push(row)
      for (let i = 0; i < RUNS; i++) {
        const started = Date.now()
        const o = await kind.run()
        const seconds = (Date.now() - started) / 1000
        const v: Verdict = o.leftBehind?.length ? 'failed badly' : verdict(o.steps)
        row.runs++
        row.injected += o.faulted > 0 ? 1 : 0
        row.faulted += o.faulted
        row.verdicts[v]++
        row.lost += o.lost.length > 0 ? 1 : 0
        row.leaked += o.leaks.length > 0 ? 1 : 0
        row.seconds.push(seconds)
        const last = o.steps[o.steps.length - 1]
        // The error line of the first run of each outcome (the others differ only in names and ports).
        if (v !== 'survived' && ![...row.notes].some(n => n.startsWith(`${v}:`)))
          row.notes.add(
            `${v}: ${last.errors.length} error line(s)${last.errors[0] ? `: ${unescapeCommandValue(last.errors[0].replace(/^::error::/, '')).slice(0, 240)}` : ''}`
          )
        for (const l of [...o.lost, ...o.leaks, ...(o.leftBehind ?? [])]) row.notes.add(l)
        process.stderr.write(
          `${kind.name} #${i + 1}: ${v}${o.lost.length ? ', DATA LOST' : ''}${o.leaks.length ? ', LEAK' : ''} (${seconds.toFixed(1)} s)\n`
        )
      }
    }
  } finally {
    await Promise.all([open.close(), auth.close(), mirror.close()])
    // Entries this bench registered point into its tool caches: removed before the caches are,
    // and the entry of that name from before the bench put back where its interpreter still exists.
    if (existsSync(`${BINFMT}/register`)) {
      for (const [name, v] of Object.entries(binfmtSnapshot())) {
        if (!keptToolCaches.some(tc => v.includes(`interpreter ${tc}/`))) continue
        writeFileSync(`${BINFMT}/${name}`, '-1')
        const previous = binfmtBefore[name]
        const line = previous === undefined ? undefined : registration(name, previous)
        if (line) writeFileSync(`${BINFMT}/register`, line)
      }
    }
    removeTempDirs()
  }
  print(rows)
  if (rows.some(r => r.lost > 0 || r.leaked > 0)) process.exitCode = 1
}

/** A workflow command's value as the runner shows it (% is written %25, line breaks %0D %0A). */
function unescapeCommandValue(value: string): string {
  return value.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

function print(rows: Row[]): void {
  const header = [
    'fault kind',
    'expected',
    'runs',
    'injected',
    'requests faulted',
    'survived',
    'failed cleanly',
    'failed badly',
    'data lost',
    'leaked',
    'median s',
    ''
  ]
  const body = rows.map(r => {
    const asExpected = r.kind.expect === 'survive' ? r.verdicts.survived === r.runs : r.verdicts['failed cleanly'] === r.runs
    return [
      r.kind.name,
      r.kind.expect,
      String(r.runs),
      String(r.injected),
      String(r.faulted),
      String(r.verdicts.survived),
      String(r.verdicts['failed cleanly']),
      String(r.verdicts['failed badly']),
      String(r.lost),
      String(r.leaked),
      median(r.seconds).toFixed(1),
      asExpected && r.lost === 0 && r.leaked === 0 ? '' : '<-- not as expected'
    ]
  })
  const widths = header.map((h, i) => Math.max(h.length, ...body.map(b => b[i].length)))
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 || i === 1 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`
  console.log(line(header))
  console.log(`|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`)
  for (const b of body) console.log(line(b))
  const total = (f: (r: Row) => number) => rows.reduce((n, r) => n + f(r), 0)
  console.log(
    `\n${total(r => r.runs)} runs, faults injected in ${total(r => r.injected)}: ${total(r => r.verdicts.survived)} survived, ${total(r => r.verdicts['failed cleanly'])} failed cleanly, ${total(r => r.verdicts['failed badly'])} failed badly; data lost in ${total(r => r.lost)}, credentials leaked in ${total(r => r.leaked)}`
  )
  const noted = rows.filter(r => r.notes.size > 0)
  if (noted.length) {
    console.log('\nWhat the first run of each outcome that did not survive said, and every loss or leak:')
    for (const r of noted) for (const n of r.notes) console.log(`  ${r.kind.name}: ${n}`)
  }
}

await main()
