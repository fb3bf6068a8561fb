/**
 * A token issuer for the loopback registry with `auth: token` (scripts/test-env.sh's
 * 127.0.0.1:5002, whose realm is http://127.0.0.1:5003/token): the test starts and stops it.
 *
 * GET /token?service=...&scope=repository:NAME:pull,push (scope repeated, or space-separated)
 * with HTTP Basic credentials. Wrong or missing credentials: 401. Right ones: a JWT signed
 * RS256 with the issuer key, granting exactly the actions asked for, answered as
 * `{"token", "access_token", "expires_in": 300}`.
 *
 * How distribution 2.8 accepts the token (registry/auth/token/token.go, VerifySigningKey):
 * - `x5c` (the default here): the header carries [base64 DER of the issuer certificate]; the
 *   registry parses it, verifies it against its `rootcertbundle` (the same self-signed
 *   certificate: a leaf that is itself a trusted root verifies), and checks the signature with
 *   its public key.
 * - `kid`: the libtrust fingerprint of the public key (SHA-256 of its DER SubjectPublicKeyInfo,
 *   first 240 bits, base32, in 12 groups of 4 joined by `:`); the registry looks it up among
 *   the keys of the certificates in its `rootcertbundle`.
 * Then iss must be the configured issuer, aud the service, and exp/nbf within a 60 s leeway.
 *
 * Every request is recorded (scopes asked, whether the credentials were right), never the
 * password or a token. Only node:http and node:crypto.
 */
import { createHash, createPrivateKey, type KeyObject, randomBytes, sign, timingSafeEqual, X509Certificate } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** The token registry's settings, from scripts/test-env.sh's env file (process.env first). */
export interface TokenEnv {
  /** host:port of the registry with `auth: token`. */
  readonly registry: string
  readonly realmPort: number
  readonly service: string
  readonly issuer: string
  readonly keyFile: string
  readonly certFile: string
}

export function tokenEnv(): TokenEnv {
  const dir = process.env.ARCHWAY_TEST_ENV_DIR ?? '/var/lib/archway-test-env'
  const file = `${dir}/env.sh`
  if (!existsSync(file)) throw new Error(`The test environment is not up (${file} is missing): run \`bash scripts/test-env.sh up\` first`)
  const vars: Record<string, string> = {}
  for (const m of readFileSync(file, 'utf8').matchAll(/^export (\w+)=(.*)$/gm)) vars[m[1]] = m[2].replace(/^["']|["']$/g, '')
  const get = (k: string, fallback?: string) => {
    const v = process.env[k] ?? vars[k] ?? fallback
    if (!v) throw new Error(`The test environment does not define ${k}: run \`bash scripts/test-env.sh up\``)
    return v
  }
  return {
    registry: get('ARCHWAY_REGISTRY_TOKEN'),
    realmPort: Number(get('ARCHWAY_TOKEN_REALM_PORT')),
    // Older env files (before these two were exported) name the same values.
    service: get('ARCHWAY_TOKEN_SERVICE', 'archway-test-registry'),
    issuer: get('ARCHWAY_TOKEN_ISSUER', 'archway-test-issuer'),
    keyFile: get('ARCHWAY_TOKEN_ISSUER_KEY'),
    certFile: get('ARCHWAY_TOKEN_ISSUER_CERT')
  }
}

export interface TokenIssuerOptions {
  /** Default 127.0.0.1. */
  readonly host?: string
  /** 0 picks a free port. */
  readonly port: number
  readonly keyFile: string
  readonly certFile: string
  /** The `iss` claim: the registry's `auth.token.issuer`. */
  readonly issuer: string
  readonly username: string
  readonly password: string
  /** How the token names its signing key: `x5c` (default) or libtrust `kid`. */
  readonly keyHeader?: 'x5c' | 'kid'
  /** Default 300. */
  readonly lifetimeSeconds?: number
}

export interface Access {
  readonly type: string
  readonly name: string
  readonly actions: string[]
}

/** One request to the issuer, as the tests assert on it. */
export interface TokenRequest {
  readonly method: string
  readonly path: string
  readonly service: string | undefined
  /** Each scope as asked (`repository:e2e/x:pull,push`), in order. */
  readonly scopes: string[]
  /** none: no Basic credentials; right; wrong (user or password). */
  readonly credentials: 'none' | 'right' | 'wrong'
  /** The user name sent, when any. */
  readonly user: string | undefined
  /** The answer's status. */
  readonly status: number
  /** What the token granted (empty when none was issued). */
  readonly granted: Access[]
}

export interface Claims {
  readonly iss: string
  readonly sub: string
  readonly aud: string
  readonly exp: number
  readonly nbf: number
  readonly iat: number
  readonly jti: string
  readonly access: Access[]
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url')

/** RFC 4648 base32, no padding (as libtrust trims it). */
function base32(b: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = 0
  let value = 0
  let out = ''
  for (const byte of b) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31]
  return out
}

/** libtrust's key ID: base32 of the first 240 bits of SHA-256(DER SubjectPublicKeyInfo), in groups of 4 joined by `:`. */
export function libtrustKeyId(publicKeyDer: Buffer): string {
  const id = base32(createHash('sha256').update(publicKeyDer).digest().subarray(0, 30))
  return id.match(/.{1,4}/g)!.join(':')
}

/** A compact RS256 JWT over `header` and `claims`. */
export function signJwt(header: Record<string, unknown>, claims: object, key: KeyObject): string {
  const input = `${b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', ...header }))}.${b64url(JSON.stringify(claims))}`
  return `${input}.${b64url(sign('sha256', Buffer.from(input), key))}`
}

/** Parses `type:name:actions` (the name may hold colons, as `host:port/repo` can); undefined when malformed. */
export function parseScope(scope: string): Access | undefined {
  const first = scope.indexOf(':')
  const last = scope.lastIndexOf(':')
  if (first <= 0 || last <= first + 1) return undefined
  const actions = scope
    .slice(last + 1)
    .split(',')
    .filter(a => a !== '')
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions }
}

function equalSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest()
  const y = createHash('sha256').update(b).digest()
  return timingSafeEqual(x, y)
}

export class TokenIssuer {
  readonly requests: TokenRequest[] = []
  private readonly key: KeyObject
  private readonly cert: X509Certificate
  private server: Server | undefined

  constructor(private readonly o: TokenIssuerOptions) {
    this.key = createPrivateKey(readFileSync(o.keyFile))
    this.cert = new X509Certificate(readFileSync(o.certFile))
    if (!this.cert.checkPrivateKey(this.key)) throw new Error(`${o.keyFile} is not the key of ${o.certFile}`)
  }

  /** `http://127.0.0.1:<port>/token` once started. */
  get realm(): string {
    const a = this.server?.address() as AddressInfo | null | undefined
    if (!a) throw new Error('the token issuer is not listening')
    return `http://${a.address}:${a.port}/token`
  }

  /** The header naming the signing key, as `keyHeader` asks. */
  keyHeader(kind: 'x5c' | 'kid' = this.o.keyHeader ?? 'x5c'): Record<string, unknown> {
    if (kind === 'x5c') return { x5c: [this.cert.raw.toString('base64')] }
    return { kid: libtrustKeyId(this.cert.publicKey.export({ type: 'spki', format: 'der' })) }
  }

  /** A token for `service` granting `access`, signed with the issuer key (for direct checks). */
  token(service: string, access: Access[], subject = this.o.username, kind?: 'x5c' | 'kid'): string {
    const now = Math.floor(Date.now() / 1000)
    const claims: Claims = {
      iss: this.o.issuer,
      sub: subject,
      aud: service,
      exp: now + (this.o.lifetimeSeconds ?? 300),
      nbf: now,
      iat: now,
      jti: randomBytes(16).toString('hex'),
      access
    }
    return signJwt(this.keyHeader(kind), claims, this.key)
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => this.handle(req, res))
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.o.port, this.o.host ?? '127.0.0.1', () => {
        server.off('error', reject)
        resolve()
      })
    })
    this.server = server
    return this
  }

  async stop(): Promise<void> {
    const server = this.server
    if (!server) return
    this.server = undefined
    server.closeAllConnections()
    await new Promise<void>(resolve => server.close(() => resolve()))
  }

  /** Answers one request (its return value is only a way out of the checks). */
  private handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://issuer.invalid')
    const scopes = url.searchParams
      .getAll('scope')
      .flatMap(s => s.split(' '))
      .filter(s => s !== '')
    const service = url.searchParams.get('service') ?? undefined
    const { credentials, user } = this.checkCredentials(req.headers.authorization)
    const answer = (status: number, body: object, headers: Record<string, string> = {}, granted: Access[] = []) => {
      this.requests.push({ method: req.method ?? '', path: url.pathname, service, scopes, credentials, user, status, granted })
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers })
      res.end(JSON.stringify(body))
    }
    const error = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
      answer(status, { errors: [{ code, message }] }, headers)

    if (url.pathname !== '/token') return error(404, 'NOT_FOUND', `no ${url.pathname} here; tokens come from /token`)
    if (req.method !== 'GET') return error(405, 'UNSUPPORTED', `${req.method} /token: only GET is supported`, { allow: 'GET' })
    if (credentials !== 'right') {
      return error(401, 'UNAUTHORIZED', credentials === 'none' ? 'authentication required' : 'wrong user name or password', {
        'www-authenticate': `Basic realm="${this.o.issuer}"`
      })
    }
    if (!service) return error(400, 'INVALID_REQUEST', 'no service parameter')
    // Exactly the actions asked for, merged per resource.
    const granted = new Map<string, Access>()
    for (const s of scopes) {
      const a = parseScope(s)
      if (!a) return error(400, 'INVALID_SCOPE', `malformed scope "${s}" (expected type:name:actions)`)
      const key = `${a.type}\0${a.name}`
      const before = granted.get(key)
      granted.set(key, { ...a, actions: [...new Set([...(before?.actions ?? []), ...a.actions])] })
    }
    const access = [...granted.values()]
    const token = this.token(service, access, user)
    answer(200, { token, access_token: token, expires_in: this.o.lifetimeSeconds ?? 300 }, {}, access)
  }

  private checkCredentials(authorization: string | undefined): { credentials: 'none' | 'right' | 'wrong'; user: string | undefined } {
    const m = /^Basic\s+(\S+)\s*$/i.exec(authorization ?? '')
    if (!m) return { credentials: 'none', user: undefined }
    const decoded = Buffer.from(m[1], 'base64').toString()
    const colon = decoded.indexOf(':')
    if (colon < 0) return { credentials: 'wrong', user: undefined }
    const user = decoded.slice(0, colon)
    const right = user === this.o.username && equalSecret(decoded.slice(colon + 1), this.o.password)
    return { credentials: right ? 'right' : 'wrong', user }
  }
}

export function startTokenIssuer(o: TokenIssuerOptions): Promise<TokenIssuer> {
  return new TokenIssuer(o).start()
}
