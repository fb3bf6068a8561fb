import { randomBytes } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http'
import { RegistryClient } from '../../../src/registry/client.js'
import { RegistryError } from '../../../src/registry/errors.js'
import { sendFollowingRedirects, TransportError } from '../../../src/registry/transport.js'
import { sha256, startRegistry, type TestRegistry } from '../../helpers/registry-server.js'

interface Seen {
  readonly at: string
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

/** Two loopback hosts answering a fixed script of redirects, recording what each receives. */
let seen: Seen[] = []
let home: Server
let away: Server
let homeUrl = ''
let awayUrl = ''
const held: ServerResponse[] = []

function serve(at: string, address: string, route: (path: string, res: ServerResponse) => void): Promise<[Server, string]> {
  const server = createServer(async (req, res) => {
    let body = ''
    for await (const c of req) body += String(c)
    seen.push({ at, method: req.method ?? '', url: req.url ?? '', headers: req.headers, body })
    route(req.url ?? '/', res)
  })
  return new Promise(resolve =>
    server.listen(0, address, () => resolve([server, `http://${address}:${(server.address() as { port: number }).port}`]))
  )
}

const redirect = (res: ServerResponse, status: number, location: string) => res.writeHead(status, { location, 'content-length': 0 }).end()

beforeAll(async () => {
  ;[home, homeUrl] = await serve('home', '127.0.0.1', (path, res) => {
    if (path === '/same') return redirect(res, 302, '/final')
    if (path === '/away') return redirect(res, 307, `${awayUrl}/bounce`)
    if (path === '/loop') return redirect(res, 302, '/loop')
    if (path === '/see-other') return redirect(res, 303, '/final')
    if (path === '/temporary') return redirect(res, 307, '/final')
    if (path === '/v2/') return void held.push(res) // never answers
    res.writeHead(200, { 'content-type': 'text/plain' }).end('home')
  })
  ;[away, awayUrl] = await serve('away', '127.0.0.2', (path, res) => {
    if (path === '/bounce') return redirect(res, 302, `${homeUrl}/final`)
    res.writeHead(200).end('away')
  })
})
afterAll(async () => {
  for (const s of [home, away]) {
    s.closeAllConnections()
    await new Promise(resolve => s.close(resolve))
  }
})
beforeEach(() => {
  seen = []
})

const get = (path: string, o: { method?: string; body?: Buffer } = {}) =>
  sendFollowingRedirects({
    method: o.method ?? 'GET',
    url: new URL(path, homeUrl),
    headers: { Authorization: 'Bearer tok-SECRET' },
    body: o.body
  })

describe('redirects', () => {
  it('keep Authorization within the origin', async () => {
    const res = await get('/same')
    expect(res.status).toBe(200)
    expect(res.url.pathname).toBe('/final')
    expect(seen.map(s => [s.at, s.url, s.headers.authorization])).toEqual([
      ['home', '/same', 'Bearer tok-SECRET'],
      ['home', '/final', 'Bearer tok-SECRET']
    ])
  })

  it('drop Authorization for good once they leave the origin, even when they come back', async () => {
    const res = await get('/away')
    expect(res.body.toString()).toBe('home')
    expect(seen.map(s => [s.at, s.url, s.headers.authorization])).toEqual([
      ['home', '/away', 'Bearer tok-SECRET'],
      ['away', '/bounce', undefined],
      ['home', '/final', undefined]
    ])
  })

  it('stop after five', async () => {
    const err = await get('/loop').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TransportError)
    expect((err as TransportError).code).toBe('EREDIRECTS')
    expect(seen).toHaveLength(6)
  })

  it('turn a POST into a GET without a body on 303, and resend method and body on 307', async () => {
    await get('/see-other', { method: 'POST', body: Buffer.from('payload') })
    await get('/temporary', { method: 'PUT', body: Buffer.from('payload') })
    expect(seen.map(s => [s.method, s.url, s.body])).toEqual([
      ['POST', '/see-other', 'payload'],
      ['GET', '/final', ''],
      ['PUT', '/temporary', 'payload'],
      ['PUT', '/final', 'payload']
    ])
  })
})

describe('timeouts', () => {
  it('give up on a server that stays silent, after the read timeout, and are retried', async () => {
    const c = new RegistryClient({ registry: new URL(homeUrl).host, timeoutMs: 100, retry: { attempts: 2, baseMs: 0, maxMs: 0 } })
    const started = Date.now()
    const err = await c.ping().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RegistryError)
    expect((err as Error).message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/v2\/ failed: ETIMEDOUT \(127\.0\.0\.1:\d+ was silent for 100 ms\)$/
    )
    expect(seen.filter(s => s.url === '/v2/')).toHaveLength(2)
    expect(Date.now() - started).toBeLessThan(2000)
  })
})

describe('a registry that sends blobs and uploads to storage on another host', () => {
  let server: TestRegistry
  const USER = 'archway-bot'
  const SECRET = 'Walrus-Teacup-5150-secret'

  afterEach(() => server.close())

  it.each([
    ['Basic', { basic: { username: USER, password: SECRET } }],
    ['Bearer', { bearer: { credentials: { username: USER, password: SECRET } } }]
  ])('never gives that host the %s Authorization', async (_scheme, options) => {
    server = await startRegistry(options)
    server.redirectToStorage = true
    const c = new RegistryClient({
      registry: server.host,
      credentials: { username: USER, password: SECRET },
      chunkedUploadThreshold: 100,
      chunkSize: 64
    })
    const small = randomBytes(50)
    const big = randomBytes(150)
    await c.pushBlob('acme/app', sha256(small), small)
    await c.pushBlob('acme/app', sha256(big), big)
    expect(await c.getBlob('acme/app', sha256(small))).toEqual(small)
    expect(await c.getBlob('acme/app', sha256(big))).toEqual(big)

    const storage = server.requests.filter(r => r.server === 'storage')
    expect(storage.map(r => r.method)).toEqual(['PUT', 'PATCH', 'PATCH', 'PATCH', 'PUT', 'GET', 'GET'])
    expect(storage.filter(r => r.headers.authorization !== undefined)).toEqual([])
    expect(storage.every(r => r.headers['user-agent'] === 'archway')).toBe(true)
    // The registry itself did get the credentials, so their absence above is the redirect rule, not a client that sent none.
    expect(server.requests.filter(r => r.server === 'registry' && r.headers.authorization?.startsWith(_scheme)).length).toBeGreaterThan(3)
  })
})
