import { randomBytes } from 'node:crypto'
import { RegistryClient, type RegistryClientOptions } from '../../../src/registry/client.js'
import { RegistryError } from '../../../src/registry/errors.js'
import { imageManifest, OCI_MANIFEST, sha256, startRegistry, type TestRegistry } from '../../helpers/registry-server.js'

const USER = 'archway-bot'
const SECRET = 'Zebra-Pancake-7731-secret'
const WRONG = 'Quokka-Wrong-4410-password'
const BASIC = `Basic ${Buffer.from(`${USER}:${SECRET}`).toString('base64')}`
const ZERO = { attempts: 3, baseMs: 0, maxMs: 0 }

let logs: string[] = []
const client = (s: TestRegistry, o: Partial<RegistryClientOptions> = {}) =>
  new RegistryClient({
    registry: s.host,
    retry: ZERO,
    credentials: { username: USER, password: SECRET },
    log: line => logs.push(line),
    ...o
  })
const unauthorised = (s: TestRegistry) =>
  s.requests.filter(r => r.server === 'registry' && r.url.startsWith('/v2/') && !r.headers.authorization).length

async function failure(p: Promise<unknown>): Promise<RegistryError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(RegistryError)
  return err as RegistryError
}

/** Asserts that neither the error nor anything logged holds one of the secrets. */
function expectNoSecret(err: Error, secrets: readonly string[]) {
  expect(err.message).not.toContain('\n')
  for (const s of secrets) {
    expect(err.message).not.toContain(s)
    expect(logs.join('\n')).not.toContain(s)
  }
}

beforeEach(() => {
  logs = []
})

describe('Basic auth', () => {
  let server: TestRegistry
  beforeAll(async () => {
    server = await startRegistry({ basic: { username: USER, password: SECRET } })
  })
  afterAll(() => server.close())
  beforeEach(() => server.reset())

  it('answers the first challenge with the credentials, then sends them with every request', async () => {
    const c = client(server)
    const data = randomBytes(50)
    await c.pushBlob('acme/app', sha256(data), data)
    expect(await c.getBlob('acme/app', sha256(data))).toEqual(data)
    expect(await c.listTags('acme/app')).toEqual([])
    expect(unauthorised(server)).toBe(1)
    expect(server.requests.slice(1).every(r => r.headers.authorization === BASIC)).toBe(true)
  })

  it('fails in one line naming 401, without the password, when the password is wrong', async () => {
    const c = client(server, { credentials: { username: USER, password: WRONG } })
    const err = await failure(c.ping())
    expect(err.status).toBe(401)
    expect(err.message).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/v2\/ answered 401 Unauthorized \(UNAUTHORIZED: authentication required\)$/)
    expectNoSecret(err, [WRONG, Buffer.from(`${USER}:${WRONG}`).toString('base64')])
    // One anonymous try, one with the credentials: no loop.
    expect(server.requests).toHaveLength(2)
  })

  it('fails after one try without credentials', async () => {
    const err = await failure(client(server, { credentials: undefined }).ping())
    expect(err.status).toBe(401)
    expect(server.requests).toHaveLength(1)
  })

  it('keeps the password out of an error even when the registry echoes what it was sent', async () => {
    const c = client(server)
    await c.ping()
    server.fail({
      method: 'GET',
      path: /tags/,
      status: 403,
      body: (req: { headers: { authorization?: string } }) => ({
        errors: [{ code: 'DENIED', message: `no, ${req.headers.authorization} (${USER}:${SECRET})` }]
      })
    })
    const err = await failure(c.listTags('acme/app'))
    expect(err.status).toBe(403)
    expect(err.message).toContain('DENIED')
    expectNoSecret(err, [SECRET, BASIC.slice('Basic '.length)])
  })
})

describe('Bearer tokens', () => {
  let server: TestRegistry
  beforeAll(async () => {
    server = await startRegistry({ bearer: { credentials: { username: USER, password: SECRET } } })
  })
  afterAll(() => server.close())
  beforeEach(() => server.reset())

  it('gets a pull token for reads and a pull,push token for writes, giving the realm the credentials and the service', async () => {
    const c = client(server)
    expect(await c.headManifest('acme/app', 'v1')).toBeUndefined()
    const data = randomBytes(20)
    await c.pushBlob('acme/app', sha256(data), data)
    expect(server.tokenRequests).toEqual([
      { scopes: ['repository:acme/app:pull'], service: 'archway-test-registry', authorization: BASIC },
      { scopes: ['repository:acme/app:pull,push'], service: 'archway-test-registry', authorization: BASIC }
    ])
    expect(server.hasBlob('acme/app', sha256(data))).toBe(true)
  })

  it('reuses a token for its scope, and fetches one for a new scope without waiting for a 401', async () => {
    const c = client(server)
    await c.headManifest('acme/app', 'v1')
    await c.headManifest('acme/app', 'v2')
    await c.listTags('acme/app')
    expect(server.tokenRequests).toHaveLength(1)
    await c.headManifest('acme/other', 'v1')
    expect(server.tokenRequests.map(t => t.scopes)).toEqual([['repository:acme/app:pull'], ['repository:acme/other:pull']])
    expect(unauthorised(server)).toBe(1)
  })

  it('shares one token among requests sent at once that all meet the first challenge', async () => {
    const c = client(server)
    await Promise.all(['v1', 'v2', 'v3', 'v4'].map(tag => c.headManifest('acme/app', tag)))
    expect(server.tokenRequests).toHaveLength(1)
    expect(unauthorised(server)).toBe(4)
  })

  it('gets a new token, once, when the registry stops accepting the old one', async () => {
    const c = client(server)
    await c.headManifest('acme/app', 'v1')
    server.revokeTokens()
    expect(await c.headManifest('acme/app', 'v1')).toBeUndefined()
    expect(server.tokenRequests).toHaveLength(2)
    expect(server.requests.filter(r => r.url === '/v2/acme/app/manifests/v1').map(r => r.headers.authorization?.split(' ')[0])).toEqual([
      undefined,
      'Bearer',
      'Bearer',
      'Bearer'
    ])
  })

  it('asks for pull on the repository a blob is mounted from', async () => {
    const data = randomBytes(30)
    server.addBlob('acme/base', data)
    await client(server).pushBlob('acme/app', sha256(data), data, { mountFrom: 'acme/base' })
    expect(server.tokenRequests.map(t => t.scopes)).toEqual([['repository:acme/app:pull,push', 'repository:acme/base:pull']])
    expect(server.requests.filter(r => r.method === 'PUT')).toEqual([])
  })

  it('asks for delete to delete a manifest', async () => {
    const digest = server.addManifest('acme/app', imageManifest(Buffer.from('{}'), []), OCI_MANIFEST)
    expect(await client(server).deleteManifest('acme/app', digest)).toBe(true)
    expect(server.tokenRequests.map(t => t.scopes)).toEqual([['repository:acme/app:delete']])
  })

  it('pings with a token for no repository', async () => {
    await client(server).ping()
    expect(server.tokenRequests).toEqual([{ scopes: [], service: 'archway-test-registry', authorization: BASIC }])
  })

  it('fails in one line naming 401 at the realm, without the password, when the password is wrong', async () => {
    const err = await failure(client(server, { credentials: { username: USER, password: WRONG } }).headManifest('acme/app', 'v1'))
    expect(err.status).toBe(401)
    expect(err.message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/token\?service=archway-test-registry&scope=repository%3Aacme%2Fapp%3Apull answered 401 Unauthorized/
    )
    expectNoSecret(err, [WRONG, Buffer.from(`${USER}:${WRONG}`).toString('base64')])
  })

  it('keeps the token out of an error and the log even when the registry echoes it', async () => {
    const c = client(server)
    await c.listTags('acme/app')
    server.fail({
      method: 'GET',
      path: /tags/,
      status: 403,
      body: (req: { headers: { authorization?: string } }) => ({
        errors: [{ code: 'DENIED', message: `no: ${req.headers.authorization}` }]
      })
    })
    const err = await failure(c.listTags('acme/app'))
    expect(err.message).toContain('DENIED')
    const tokens = [...server.tokens.keys()]
    expect(tokens).toHaveLength(1)
    expectNoSecret(err, [...tokens, SECRET])
    expect(logs.some(l => l.startsWith('Got a token for repository:acme/app:pull'))).toBe(true)
  })

  it('refuses to send the credentials to a plain-HTTP realm on another host', async () => {
    server.fail({
      path: /manifests/,
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="http://auth.example.invalid/token",service="x"' }
    })
    const err = await failure(client(server).headManifest('acme/app', 'v1'))
    expect(err.message).toContain('refusing to send the credentials')
    expect(server.tokenRequests).toEqual([])
  })
})

describe('Bearer tokens without credentials', () => {
  it('are asked for without Authorization, and read from access_token', async () => {
    const server = await startRegistry({ bearer: { field: 'access_token' } })
    try {
      const data = randomBytes(10)
      server.addBlob('library/app', data)
      expect(await client(server, { credentials: undefined }).getBlob('library/app', sha256(data))).toEqual(data)
      expect(server.tokenRequests).toEqual([
        { scopes: ['repository:library/app:pull'], service: 'archway-test-registry', authorization: undefined }
      ])
    } finally {
      await server.close()
    }
  })
})
