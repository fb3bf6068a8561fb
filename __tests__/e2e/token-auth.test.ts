/**
 * A registry with token auth (distribution 2.8, `auth: token`, 127.0.0.1:5002): its 401 names a
 * Bearer realm, the test's own token issuer on 127.0.0.1:5003, which takes the action's user
 * name and password as Basic credentials and gives a JWT for the scopes asked. Through the
 * runner's entry points, node dist/main.js then node dist/post.js.
 */
import { execFile } from 'node:child_process'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import { sha256 } from '../helpers/registry-api.js'
import { newRunner, type Runner, runStep } from '../helpers/runner.js'
import type { StepResult } from '../helpers/runner-env.js'
import { sampleContext } from '../helpers/sample.js'
import { testEnv } from '../helpers/testenv.js'
import { signJwt, startTokenIssuer, type TokenIssuer, type TokenRequest, tokenEnv } from '../helpers/token-issuer.js'

const env = testEnv()
const tokens = tokenEnv()
const USER = 'archway'
/** Distinctive, so that any line holding it is found. */
const SECRET = `tok-${randomBytes(9).toString('hex')}-pw`

let issuer: TokenIssuer
beforeAll(async () => {
  issuer = await startTokenIssuer({
    port: tokens.realmPort,
    keyFile: tokens.keyFile,
    certFile: tokens.certFile,
    issuer: tokens.issuer,
    username: USER,
    password: SECRET
  })
})
afterAll(async () => {
  await issuer?.stop()
})

interface Job {
  readonly main: StepResult
  readonly post?: StepResult
  /** What the issuer was asked during each step. */
  readonly asked: { readonly main: TokenRequest[]; readonly post: TokenRequest[] }
}

/** One job: main, then post only when main succeeded (post-if: success()), as the runner does. */
async function job(runner: Runner, dockerHost: string, inputs: Record<string, string>): Promise<Job> {
  const extra = { DOCKER_HOST: dockerHost }
  const start = issuer.requests.length
  const main = await runStep(runner, 'main', inputs, {}, extra)
  const between = issuer.requests.length
  if (main.code !== 0) return { main, asked: { main: issuer.requests.slice(start, between), post: [] } }
  const post = await runStep(runner, 'post', inputs, main.state, extra)
  return { main, post, asked: { main: issuer.requests.slice(start, between), post: issuer.requests.slice(between) } }
}

/**
 * skopeo inspect --raw, without blocking: registry-api's skopeoRaw runs it synchronously, which
 * would stop this process's token issuer from answering skopeo's own token request.
 */
async function skopeoRawAsync(ref: string, creds: string): Promise<Buffer> {
  const { stdout } = await promisify(execFile)('skopeo', ['inspect', '--raw', '--tls-verify=false', '--creds', creds, `docker://${ref}`], {
    encoding: 'buffer',
    timeout: 60_000
  })
  return stdout
}

const unique = (what: string) => `e2e/${what}-${randomBytes(4).toString('hex')}`
const distinct = (requests: TokenRequest[]) => [...new Set(requests.map(r => r.scopes.join(' ')))].sort()
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
/** The log's lines holding `secret`, other than the runner's `::add-mask::` commands. */
const leaks = (log: string, secret: string) => log.split('\n').filter(l => !l.startsWith('::add-mask::') && l.includes(secret))

describe('a registry with token auth (Bearer realm on the test token issuer)', () => {
  it('challenges with the realm and service, takes the issuer tokens (x5c and libtrust kid), and refuses a foreign key or audience', async () => {
    const v2 = `http://${tokens.registry}/v2/`
    const bare = await fetch(v2)
    expect(bare.status).toBe(401)
    expect(bare.headers.get('www-authenticate')).toBe(
      `Bearer realm="http://127.0.0.1:${tokens.realmPort}/token",service="${tokens.service}"`
    )

    // Through the issuer's HTTP endpoint, as a client does.
    const repository = unique('token-probe')
    const realm = `${issuer.realm}?service=${tokens.service}&scope=${encodeURIComponent(`repository:${repository}:pull`)}`
    const basic = (password: string) => ({ authorization: `Basic ${Buffer.from(`${USER}:${password}`).toString('base64')}` })
    expect((await fetch(realm, { headers: basic('not-the-password') })).status).toBe(401)
    expect((await fetch(realm)).status).toBe(401)
    const issued = await fetch(realm, { headers: basic(SECRET) })
    expect(issued.status).toBe(200)
    const answer = (await issued.json()) as { token: string; access_token: string; expires_in: number }
    expect(answer.access_token).toBe(answer.token)
    expect(answer.expires_in).toBe(300)
    const [header, claims] = answer.token
      .split('.')
      .slice(0, 2)
      .map(p => JSON.parse(Buffer.from(p, 'base64url').toString()))
    expect(header).toEqual({ typ: 'JWT', alg: 'RS256', x5c: [expect.any(String)] })
    expect(claims).toMatchObject({
      iss: tokens.issuer,
      sub: USER,
      aud: tokens.service,
      access: [{ type: 'repository', name: repository, actions: ['pull'] }]
    })
    expect(claims.exp - claims.iat).toBe(300)
    expect(Object.keys(claims).sort()).toEqual(['access', 'aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'sub'])
    // Pull granted: the registry reads the repository (unknown: 404), it does not ask for auth again.
    expect((await fetch(`${v2}${repository}/tags/list`, { headers: bearer(answer.token) })).status).toBe(404)
    expect(issuer.requests.slice(-3).map(r => [r.credentials, r.status, r.scopes])).toEqual([
      ['wrong', 401, [`repository:${repository}:pull`]],
      ['none', 401, [`repository:${repository}:pull`]],
      ['right', 200, [`repository:${repository}:pull`]]
    ])

    // Both ways of naming the signing key that distribution 2.8 accepts.
    for (const kind of ['x5c', 'kid'] as const) {
      expect([kind, (await fetch(v2, { headers: bearer(issuer.token(tokens.service, [], USER, kind)) })).status]).toEqual([kind, 200])
      const pull = issuer.token(tokens.service, [{ type: 'repository', name: repository, actions: ['pull'] }], USER, kind)
      expect([kind, (await fetch(`${v2}${repository}/tags/list`, { headers: bearer(pull) })).status]).toEqual([kind, 404])
    }
    // A token without the scope, for another audience, or signed by another key is refused.
    expect((await fetch(`${v2}${repository}/tags/list`, { headers: bearer(issuer.token(tokens.service, [])) })).status).toBe(401)
    expect((await fetch(v2, { headers: bearer(issuer.token('another-service', [])) })).status).toBe(401)
    const now = Math.floor(Date.now() / 1000)
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const forged = signJwt(
      issuer.keyHeader('x5c'),
      { iss: tokens.issuer, sub: USER, aud: tokens.service, exp: now + 300, nbf: now, iat: now, jti: 'forged', access: [] },
      privateKey
    )
    expect((await fetch(v2, { headers: bearer(forged) })).status).toBe(401)
  })

  it('gets tokens for the repository with username and password, publishes the index, and never prints the password', async () => {
    const runner = await newRunner(env.toolCache)
    const repository = unique('token')
    const image = `${tokens.registry}/${repository}`
    const { main, post, asked } = await job(runner, env.dockerContainerd, {
      image,
      platforms: 'linux/amd64,linux/arm64',
      context: sampleContext(env.busyboxDir),
      test: 'sh /app/run-tests.sh',
      push: 'true',
      username: USER,
      password: SECRET
    })
    expect(main.errors).toEqual([])
    expect(main.code).toBe(0)
    expect(post?.errors).toEqual([])
    expect(post?.code).toBe(0)
    expect(main.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/)

    // The index is there under latest, as an independent client reads it through the same issuer.
    const raw = await skopeoRawAsync(`${image}:latest`, `${USER}:${SECRET}`)
    expect(sha256(raw)).toBe(main.outputs.digest)
    expect(JSON.parse(raw.toString()).manifests).toHaveLength(2)

    // What the issuer saw: the registry's service, the right credentials, and this repository's scopes only.
    for (const r of [...asked.main, ...asked.post]) {
      expect([r.method, r.path, r.service, r.credentials, r.user, r.status]).toEqual(['GET', '/token', tokens.service, 'right', USER, 200])
      expect(r.granted).toEqual(r.scopes.map(s => ({ type: 'repository', name: repository, actions: s.split(':').pop()!.split(',') })))
    }
    // main pushes blobs and manifests by digest: pull,push; post checks each child (pull) and puts the index and its tag (pull,push).
    expect(distinct(asked.main)).toEqual([`repository:${repository}:pull,push`])
    expect(distinct(asked.post)).toEqual([`repository:${repository}:pull`, `repository:${repository}:pull,push`])

    for (const step of [main, post!]) {
      expect(step.log).toContain(`::add-mask::${SECRET}`)
      expect(leaks(step.log, SECRET)).toEqual([])
      expect(JSON.stringify(step.state)).not.toContain(SECRET)
      expect(JSON.stringify(step.outputs)).not.toContain(SECRET)
      expect(step.summary).not.toContain(SECRET)
    }
  })

  it('fails in one line naming the token endpoint and its 401 on a wrong password, which it does not print, and pushes nothing', async () => {
    const runner = await newRunner(env.toolCache)
    const repository = unique('token-denied')
    const wrong = `wrong-${randomBytes(6).toString('hex')}`
    const { main, post, asked } = await job(runner, env.dockerContainerd, {
      // The host's own platform only: the refusal does not depend on emulation.
      image: `${tokens.registry}/${repository}`,
      platforms: 'linux/amd64',
      context: sampleContext(env.busyboxDir),
      push: 'true',
      username: USER,
      password: wrong
    })
    expect(main.code).toBe(1)
    expect(post).toBeUndefined()
    expect(main.errors).toHaveLength(1)
    expect(main.errors[0]).toMatch(/401/)
    expect(main.errors[0]).toContain(`127.0.0.1:${tokens.realmPort}/token`)
    expect(main.errors[0]).not.toContain(wrong)
    expect(main.log).toContain(`::add-mask::${wrong}`)
    expect(leaks(main.log, wrong)).toEqual([])
    expect(main.outputs.digest).toBeUndefined()

    expect(asked.main.length).toBeGreaterThan(0)
    for (const r of asked.main)
      expect([r.credentials, r.user, r.status, r.scopes]).toEqual(['wrong', USER, 401, [`repository:${repository}:pull,push`]])
    // Nothing reached the repository.
    const pull = issuer.token(tokens.service, [{ type: 'repository', name: repository, actions: ['pull'] }])
    expect((await fetch(`http://${tokens.registry}/v2/${repository}/tags/list`, { headers: bearer(pull) })).status).toBe(404)
  })
})
