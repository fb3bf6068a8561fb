// bench/lib/qemu-cache.ts
// __tests__/helpers/binfmt.ts
import { existsSync, readdirSync, readFileSync, rmSync as rmSync2, writeFileSync } from 'node:fs'
import { join as join3 } from 'node:path'

var BINFMT = '/proc/sys/fs/binfmt_misc'
function binfmtSnapshot() {
  if (!existsSync(`${BINFMT}/register`)) return { '(mounted)': 'no' }
  const out = { '(mounted)': 'yes' }
  for (const name of readdirSync(BINFMT).sort()) if (name !== 'register') out[name] = readFileSync(`${BINFMT}/${name}`, 'utf8')
  return out
}
function registrationOf(name, listing) {
  const field2 = f => new RegExp(`^${f}:? (.*)$`, 'm').exec(listing)?.[1]?.trim()
  const [interpreter, magic, mask] = [field2('interpreter'), field2('magic'), field2('mask')]
  if (!interpreter || !magic || !existsSync(interpreter)) return void 0
  const hex = h => h.replace(/../g, b => `\\x${b}`)
  return `:${name}:M:${field2('offset') ?? ''}:${hex(magic)}:${mask ? hex(mask) : ''}:${interpreter}:${field2('flags') ?? ''}`
}
function putBackEntries(before, dir) {
  for (const [name, listing] of Object.entries(binfmtSnapshot())) {
    if (!name.startsWith('qemu-') || !listing.includes(`interpreter ${dir}/`)) continue
    writeFileSync(`${BINFMT}/${name}`, '-1')
    const line = before[name] === void 0 ? void 0 : registrationOf(name, before[name])
    if (line) writeFileSync(`${BINFMT}/register`, line)
  }
}

// __tests__/helpers/cache-service.ts
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync as existsSync2, readFileSync as readFileSync2 } from 'node:fs'
import { createServer } from 'node:http'
import { BlobSASPermissions, BlobServiceClient, generateBlobSASQueryParameters, StorageSharedKeyCredential } from '@azure/storage-blob'

var SERVICE = 'github.actions.results.api.v1.CacheService'
function azuriteAccount() {
  const dir = process.env.ARCHWAY_TEST_ENV_DIR ?? '/var/lib/archway-test-env'
  const file = `${dir}/env.sh`
  const vars = {}
  if (existsSync2(file)) for (const m of readFileSync2(file, 'utf8').matchAll(/^export (\w+)=(.*)$/gm)) vars[m[1]] = m[2]
  const get = k => process.env[k] || vars[k]
  const keyFile = `${dir}/azurite/account.key`
  const key = get('ARCHWAY_AZURITE_KEY') || (existsSync2(keyFile) ? readFileSync2(keyFile, 'utf8').trim() : '')
  if (!key) throw new Error('The test environment has no Azurite: run `bash scripts/test-env.sh up`')
  const account = get('ARCHWAY_AZURITE_ACCOUNT') || 'archway'
  return { url: get('ARCHWAY_AZURITE_BLOB_URL') || `http://127.0.0.1:10000/${account}`, account, key }
}
async function azuriteStore(a, ttlMs = 60 * 60 * 1e3) {
  const credential = new StorageSharedKeyCredential(a.account, a.key)
  const container = new BlobServiceClient(a.url, credential).getContainerClient(`archway-cache-${randomBytes(6).toString('hex')}`)
  await container.create()
  const signed = (name, permissions) => {
    const sas = generateBlobSASQueryParameters(
      {
        containerName: container.containerName,
        blobName: name,
        permissions: BlobSASPermissions.parse(permissions),
        expiresOn: new Date(Date.now() + ttlMs)
      },
      credential
    )
    return `${container.getBlockBlobClient(name).url}?${sas.toString()}`
  }
  return {
    uploadUrl: name => signed(name, 'cw'),
    downloadUrl: name => signed(name, 'r'),
    async size(name) {
      const blob = container.getBlockBlobClient(name)
      return (await blob.exists()) ? (await blob.getProperties()).contentLength : void 0
    },
    read: name => container.getBlockBlobClient(name).downloadToBuffer(),
    write: async (name, data) => void (await container.getBlockBlobClient(name).uploadData(data)),
    close: async () => void (await container.deleteIfExists())
  }
}
var MAIN = { scope: 'refs/heads/main', permission: 3 }
var TwirpError = class extends Error {
  constructor(status, code, message) {
    super(message)
    this.status = status
    this.code = code
  }
  status
  code
}
var b64url = data => Buffer.from(data).toString('base64url')
function field(body, proto) {
  const camel = proto.replace(/_([a-z])/g, (_, c) => c.toUpperCase())
  return body[proto] ?? body[camel]
}
async function startCacheService(store) {
  const secret = randomBytes(32)
  const entries = []
  const requests = []
  let nextId = 1
  const signature = data => createHmac('sha256', secret).update(data).digest()
  function token(o = {}) {
    const now = Math.floor(Date.now() / 1e3)
    const claims = {
      ac: JSON.stringify((o.scopes ?? [MAIN]).map(s => ({ Scope: s.scope, Permission: s.permission }))),
      iat: now,
      nbf: o.nbf ?? now - 60,
      exp: now + (o.ttlSeconds ?? 3600)
    }
    const unsigned = `${b64url(JSON.stringify({ typ: 'JWT', alg: 'HS256' }))}.${b64url(JSON.stringify(claims))}`
    return `${unsigned}.${b64url(signature(unsigned))}`
  }
  function scopesOf(req) {
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')
    const parts = m?.[1].split('.') ?? []
    if (parts.length !== 3) throw new TwirpError(401, 'unauthenticated', 'a bearer token is required')
    const want = signature(`${parts[0]}.${parts[1]}`)
    const got = Buffer.from(parts[2], 'base64url')
    if (got.length !== want.length || !timingSafeEqual(got, want)) throw new TwirpError(401, 'unauthenticated', 'invalid token signature')
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString())
    const now = Date.now() / 1e3
    if (!(claims.nbf <= now && now < claims.exp)) throw new TwirpError(401, 'unauthenticated', 'token expired or not yet valid')
    return JSON.parse(claims.ac).map(s => ({ scope: s.Scope, permission: s.Permission }))
  }
  const required = (body, name) => {
    const v = field(body, name)
    if (typeof v !== 'string' || v === '') throw new TwirpError(400, 'invalid_argument', `${name} is required`)
    return v
  }
  function create(scopes, body, log) {
    const key = required(body, 'key')
    const version = required(body, 'version')
    Object.assign(log, { key, version })
    if (key.length > 512 || key.includes(','))
      throw new TwirpError(400, 'invalid_argument', 'key is longer than 512 characters or has a comma')
    const writable = scopes.find(s => s.permission & 2)
    if (!writable) return { ok: false, message: 'cache write denied: the token has no writable cache scope' }
    if (entries.some(e => e.key === key && e.version === version && e.scope === writable.scope))
      throw new TwirpError(409, 'already_exists', `cache entry ${key} already exists`)
    const id = nextId++
    entries.push({ id, key, version, scope: writable.scope, blob: String(id), finalized: false })
    return { ok: true, signed_upload_url: store.uploadUrl(String(id)) }
  }
  async function finalize(scopes, body, log) {
    const key = required(body, 'key')
    const version = required(body, 'version')
    Object.assign(log, { key, version })
    const size = Number(field(body, 'size_bytes') ?? Number.NaN)
    const writable = scopes.find(s => s.permission & 2)
    const at = entries.findIndex(e => e.key === key && e.version === version && e.scope === writable?.scope)
    if (at < 0) throw new TwirpError(404, 'not_found', `no cache entry ${key} was created`)
    const entry = entries[at]
    if (entry.finalized) throw new TwirpError(409, 'already_exists', `cache entry ${key} is already finalized`)
    const stored = await store.size(entry.blob)
    if (stored === void 0 || stored !== size)
      throw new TwirpError(400, 'invalid_argument', `size_bytes ${size} does not match the ${stored ?? 'missing'} bytes uploaded`)
    entries[at] = { ...entry, finalized: true, size }
    return { ok: true, entry_id: String(entry.id) }
  }
  function download(scopes, body, log) {
    const key = required(body, 'key')
    const version = required(body, 'version')
    const restoreKeys = field(body, 'restore_keys') ?? []
    Object.assign(log, { key, version, restoreKeys })
    const readable = scopes.filter(s => s.permission & 1)
    if (readable.length === 0) throw new TwirpError(403, 'permission_denied', 'cache read denied: the token has no readable cache scope')
    for (const { scope } of readable) {
      const candidates = entries.filter(e => e.finalized && e.scope === scope && e.version === version).reverse()
      const found =
        candidates.find(e => e.key === key) ??
        candidates.find(e => e.key.startsWith(key)) ??
        restoreKeys.map(r => candidates.find(e => e.key.startsWith(r))).find(e => e !== void 0)
      if (found) {
        log.matchedKey = found.key
        return { ok: true, signed_download_url: store.downloadUrl(found.blob), matched_key: found.key }
      }
    }
    return { ok: false }
  }
  const methods = {
    CreateCacheEntry: create,
    FinalizeCacheEntryUpload: finalize,
    GetCacheEntryDownloadURL: download
  }
  async function handle(req, res) {
    const chunks = []
    for await (const c of req) chunks.push(c)
    const method = new URL(req.url ?? '/', 'http://localhost').pathname.replace(`/twirp/${SERVICE}/`, '')
    const log = { method }
    let status = 200
    let answer
    try {
      const handler = methods[method]
      if (req.method !== 'POST' || !req.url?.startsWith(`/twirp/${SERVICE}/`) || !handler)
        throw new TwirpError(404, 'bad_route', `no handler for ${req.method} ${req.url}`)
      if (!/^application\/json\b/.test(req.headers['content-type'] ?? ''))
        throw new TwirpError(404, 'bad_route', `unsupported Content-Type ${req.headers['content-type']}`)
      const scopes = scopesOf(req)
      let body
      try {
        body = JSON.parse(Buffer.concat(chunks).toString() || '{}')
      } catch {
        throw new TwirpError(400, 'malformed', 'the body is not JSON')
      }
      answer = await handler(scopes, body, log)
    } catch (err) {
      const e = err instanceof TwirpError ? err : new TwirpError(500, 'internal', String(err))
      status = e.status
      answer = { code: e.code, msg: e.message }
    }
    requests.push({ ...log, status })
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer))
  }
  const server = createServer((req, res) => void handle(req, res))
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${server.address().port}/`
  return {
    url,
    requests,
    entries: () => entries.slice(),
    token,
    env: (t = token()) => ({ ACTIONS_RESULTS_URL: url, ACTIONS_RUNTIME_TOKEN: t, ACTIONS_CACHE_SERVICE_V2: 'True' }),
    store,
    async close() {
      await new Promise(resolve => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await store.close()
    }
  }
}

// __tests__/helpers/mirror.ts
import { createServer as createServer2 } from 'node:http'
import { Readable } from 'node:stream'

async function countingMirror(upstream = 'http://deb.debian.org/debian') {
  const requests = []
  const server = createServer2(async (req, res) => {
    requests.push(req.url ?? '')
    try {
      const r = await fetch(`${upstream}${req.url}`)
      res.writeHead(r.status, {
        'content-type': r.headers.get('content-type') ?? 'application/octet-stream',
        ...(r.headers.get('content-length') ? { 'content-length': r.headers.get('content-length') } : {})
      })
      if (r.body) Readable.fromWeb(r.body).pipe(res)
      else res.end()
    } catch (err) {
      res.writeHead(502).end(String(err))
    }
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('no address')
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: () => new Promise(resolve => server.close(() => resolve()))
  }
}

// __tests__/helpers/runner.ts
import { spawn } from 'node:child_process'
// __tests__/helpers/tmp.ts
import { mkdtempSync, readFileSync as readFileSync3, rmSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, join as join2 } from 'node:path'
import { parse } from 'yaml'

var made = /* @__PURE__ */ new Set()
function tempDir(name) {
  const dir = mkdtempSync(join(tmpdir(), `archway-${name}-`))
  made.add(dir)
  return dir
}
function removeTempDirs() {
  for (const dir of made) {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
    made.delete(dir)
  }
}

// __tests__/helpers/runner.ts
var ROOT = join2(import.meta.dirname, '..', '..')
function parseCommandFile(text) {
  const out = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^=<]+)<<(.+)$/.exec(lines[i])
    if (m) {
      const end = lines.indexOf(m[2], i + 1)
      out[m[1]] = lines.slice(i + 1, end).join('\n')
      i = end
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=')
      out[lines[i].slice(0, at)] = lines[i].slice(at + 1)
    }
  }
  return out
}
var SHA = '0123456789abcdef0123456789abcdef01234567'
var JOB_TOKEN = 'ghs_e2e-job-token'
var ACTION_DEFAULTS = Object.fromEntries(
  Object.entries(parse(readFileSync3(join2(ROOT, 'action.yml'), 'utf8')).inputs).map(([k, d]) => [
    k,
    (d.default ?? '').replace('${{ github.token }}', JOB_TOKEN)
  ])
)
var COMMIT_TIME = '2026-11-20T09:30:00+01:00'
async function newRunner(toolCache) {
  const home = tempDir('runner')
  const tc = toolCache ?? join2(home, 'tool-cache')
  await mkdir(join2(home, 'temp'))
  await writeFile(join2(home, 'event.json'), JSON.stringify({ head_commit: { id: SHA, timestamp: COMMIT_TIME } }))
  return {
    toolCache: tc,
    temp: join2(home, 'temp'),
    env: {
      RUNNER_TOOL_CACHE: tc,
      RUNNER_TEMP: join2(home, 'temp'),
      GITHUB_WORKSPACE: home,
      GITHUB_RUN_ID: '1001',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_JOB: 'image',
      GITHUB_REPOSITORY: 'acme/app',
      GITHUB_SHA: SHA,
      GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: join2(home, 'event.json'),
      GITHUB_SERVER_URL: 'https://github.com'
    }
  }
}
async function runStep(runner, entry, inputs, state = {}, extraEnv = {}, dist = join2(ROOT, 'dist')) {
  const dir = tempDir('step')
  const files = { GITHUB_OUTPUT: join2(dir, 'output'), GITHUB_STATE: join2(dir, 'state'), GITHUB_STEP_SUMMARY: join2(dir, 'summary') }
  await Promise.all(Object.values(files).map(f => writeFile(f, '')))
  const env = {}
  for (const [k, v] of Object.entries(process.env))
    if (
      v !== void 0 &&
      !k.startsWith('INPUT_') &&
      !k.startsWith('STATE_') &&
      !k.startsWith('GITHUB_') &&
      !k.startsWith('RUNNER_') &&
      !k.startsWith('ACTIONS_')
    )
      env[k] = v
  Object.assign(env, runner.env, files, extraEnv)
  for (const [k, v] of Object.entries({ ...ACTION_DEFAULTS, ...inputs })) env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v
  for (const [k, v] of Object.entries(state)) env[`STATE_${k}`] = v
  const child = spawn(process.execPath, [join2(dist, `${entry}.js`)], {
    env,
    cwd: runner.env.GITHUB_WORKSPACE,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let log = ''
  child.stdout.on('data', d => (log += d))
  child.stderr.on('data', d => (log += d))
  const code = await new Promise(resolve => child.on('close', c => resolve(c ?? -1)))
  const read = f => readFile(f, 'utf8')
  return {
    code,
    log,
    outputs: parseCommandFile(await read(files.GITHUB_OUTPUT)),
    state: parseCommandFile(await read(files.GITHUB_STATE)),
    summary: await read(files.GITHUB_STEP_SUMMARY),
    errors: log.split('\n').filter(l => l.startsWith('::error'))
  }
}

// bench/lib/qemu-cache.ts
var [runsText = '3', platforms = '', baseDist = '', newDist = ''] = process.argv.slice(2)
var RUNS = Number(runsText)
if (!Number.isInteger(RUNS) || RUNS < 1 || !platforms || !baseDist || !newDist) {
  console.error('usage: node qemu-cache.mjs RUNS PLATFORMS BASE_DIST NEW_DIST')
  process.exit(2)
}
var median = xs => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
async function main() {
  const binfmtBefore = binfmtSnapshot()
  const mirror = await countingMirror()
  const service = await startCacheService(await azuriteStore(azuriteAccount()))
  const toolCaches = []
  try {
    const measure = async (label, dist) => {
      const toolCache = join3(tempDir(`bench-qemu-cache-${label}`), 'tool-cache')
      toolCaches.push(toolCache)
      const inputs = { platforms, 'qemu-mirror': mirror.url }
      const step = async (entry, state = {}) => {
        const runner = await newRunner(toolCache)
        const r = await runStep(runner, entry, inputs, state, service.env(), dist)
        if (r.code !== 0) throw new Error(`${label} ${entry} failed: ${r.errors.join(' ') || r.log.slice(-500)}`)
        return r
      }
      rmSync2(toolCache, { recursive: true, force: true })
      const known = new Set(service.entries().map(e => e.id))
      const cold = await step('main')
      await step('post', cold.state)
      const saved = service.entries().filter(e => e.finalized && !known.has(e.id))
      if (saved.length !== 1) throw new Error(`${label}: the cold job saved ${saved.length} entries`)
      const entryBytes = saved[0].size ?? 0
      const seconds = []
      for (let i = 0; i < RUNS; i++) {
        rmSync2(toolCache, { recursive: true, force: true })
        const asked = mirror.requests.length
        const started = process.hrtime.bigint()
        const warm = await step('main')
        seconds.push(Number(process.hrtime.bigint() - started) / 1e9)
        if (!warm.log.includes('Source: Actions cache'))
          throw new Error(`${label}: warm run #${i + 1} did not restore from the Actions cache`)
        if (mirror.requests.length !== asked)
          throw new Error(`${label}: warm run #${i + 1} asked the archive ${mirror.requests.slice(asked).join(', ')}`)
        process.stderr.write(`${label} warm #${i + 1}: ${seconds[i].toFixed(2)} s
`)
      }
      return { seconds, entryBytes }
    }
    const base = await measure('base', baseDist)
    const candidate = await measure('new', newDist)
    const mb = b => (b / 1e6).toFixed(1)
    console.log(`
QEMU warm set-up from the Actions cache for ${platforms}, empty tool cache, median of ${RUNS} runs`)
    console.log('| bundle | seconds | entry MB |')
    console.log('| --- | --- | --- |')
    console.log(`| base (${baseDist}) | ${median(base.seconds).toFixed(2)} | ${mb(base.entryBytes)} |`)
    console.log(`| new (${newDist}) | ${median(candidate.seconds).toFixed(2)} | ${mb(candidate.entryBytes)} |`)
    console.log(
      `new / base: ${(median(candidate.seconds) / median(base.seconds)).toFixed(2)} (time), ${(candidate.entryBytes / base.entryBytes).toFixed(2)} (entry size)`
    )
  } finally {
    for (const tc of toolCaches) putBackEntries(binfmtBefore, tc)
    await mirror.close()
    await service.close()
    removeTempDirs()
  }
}
await main()
