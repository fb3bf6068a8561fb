/**
 * Registry authentication, as docker does it: send the request, and on a 401 read the
 * `WWW-Authenticate` challenge; for Basic, answer with the credentials; for Bearer, get a
 * token for the request's scope from the challenge's realm and send the request once more.
 *
 * Where credentials go:
 * - The registry's credentials and tokens are sent only to the registry's own origin
 *   (scheme, host, port); the client never attaches them to another host, and the transport
 *   drops them when a redirect leaves that origin.
 * - Like docker, the credentials also go (as Basic) to the token realm the registry names,
 *   even on another host (Docker Hub's realm is auth.docker.io, ghcr's is ghcr.io/token):
 *   that is how registries with token auth check them. They never follow a redirect from the
 *   realm to another origin, and they are never sent to a plain-HTTP realm unless it is on
 *   the registry's own host or on loopback, so a downgraded challenge cannot read them.
 * Nothing here logs a credential or a token; tokens are added to `secrets`, which error
 * messages are scrubbed of.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { parseErrorBody, RegistryError } from './errors.js'
import { isInsecureRegistry } from './reference.js'
import type { TransportResponse } from './transport.js'

export interface Credentials {
  readonly username: string
  readonly password: string
}

export interface Challenge {
  /** Lower case: `basic`, `bearer`. */
  readonly scheme: string
  /** Parameter names in lower case: `realm`, `service`, `scope`, `error`. */
  readonly params: Readonly<Record<string, string>>
}

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]/

/**
 * Parses `WWW-Authenticate` (one header or several): challenges separated by commas, each a
 * scheme and `name=value` parameters, values as tokens or quoted strings (which may hold
 * commas and backslash escapes).
 */
export function parseChallenges(value: string | readonly string[] | undefined): Challenge[] {
  if (value === undefined) return []
  if (typeof value !== 'string') return value.flatMap(v => parseChallenges(v))
  const s = value
  let i = 0
  const skip = (chars: RegExp) => {
    while (i < s.length && chars.test(s[i])) i++
  }
  const token = (): string => {
    const start = i
    while (i < s.length && TOKEN.test(s[i])) i++
    return s.slice(start, i)
  }
  /** Whether a `name =` starts at i (a parameter rather than the next challenge's scheme). */
  const paramAhead = (): boolean => {
    const save = i
    const name = token()
    skip(/[ \t]/)
    const yes = name !== '' && s[i] === '='
    i = save
    return yes
  }
  const challenges: Challenge[] = []
  while (i < s.length) {
    skip(/[ \t,]/)
    const scheme = token()
    if (scheme === '') {
      i++ // not a token character: step over it
      continue
    }
    const params: Record<string, string> = {}
    skip(/[ \t]/)
    while (i < s.length && paramAhead()) {
      const name = token().toLowerCase()
      skip(/[ \t]/)
      i++ // '='
      skip(/[ \t]/)
      let val = ''
      if (s[i] === '"') {
        i++
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i++
          val += s[i++]
        }
        i++ // closing quote
      } else {
        val = token()
      }
      params[name] = val
      skip(/[ \t]/)
      if (s[i] !== ',') break
      i++
      skip(/[ \t,]/)
    }
    challenges.push({ scheme: scheme.toLowerCase(), params })
  }
  return challenges
}

export function basicAuthorization(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`
}

/** `repository:acme/app:pull` or `repository:acme/app:pull,push`. */
export function repositoryScope(repository: string, actions: 'pull' | 'pull,push' | 'delete'): string {
  return `repository:${repository}:${actions}`
}

/** GETs a URL with headers, with the client's retries and redirect rules. */
export type Getter = (url: URL, headers: Record<string, string>) => Promise<TransportResponse>

export interface RegistryAuthOptions {
  /** The registry's base URL (`https://ghcr.io`); only its origin matters. */
  readonly registry: URL
  readonly credentials?: Credentials
  readonly get: Getter
  /** Tokens obtained are added here; error messages are scrubbed of everything in it. */
  readonly secrets: Set<string>
  readonly log?: (line: string) => void
  readonly now?: () => number
}

interface Token {
  readonly token: string
  readonly expiresAt: number
}

/** What to put in Authorization for each scope, learnt from the registry's challenges. */
export class RegistryAuth {
  private challenge: Challenge | undefined
  private readonly tokens = new Map<string, Promise<Token>>()
  private readonly basic: string | undefined

  constructor(private readonly o: RegistryAuthOptions) {
    this.basic = o.credentials ? basicAuthorization(o.credentials) : undefined
    if (o.credentials) o.secrets.add(o.credentials.password).add(this.basic!.slice('Basic '.length))
  }

  /** The Authorization value for a request needing `scopes`, before any 401: none until a challenge was seen. */
  async authorization(scopes: readonly string[]): Promise<string | undefined> {
    const c = this.challenge
    if (!c) return undefined
    if (c.scheme === 'basic') return this.basic
    return `Bearer ${(await this.token(c, scopes, false)).token}`
  }

  /**
   * Reads the challenge of a 401 answer to a request that carried `sent`; returns the
   * Authorization to send the request once more with, or undefined when another try cannot
   * help (no credentials for Basic, the same credentials or token refused again).
   */
  async challenged(
    res: { readonly headers: IncomingHttpHeaders },
    scopes: readonly string[],
    sent: string | undefined
  ): Promise<string | undefined> {
    const challenges = parseChallenges(res.headers['www-authenticate'])
    const bearer = challenges.find(c => c.scheme === 'bearer' && c.params.realm)
    if (bearer) {
      this.challenge = bearer
      const asked = bearer.params.scope ? bearer.params.scope.split(' ') : []
      const wanted = [...scopes, ...asked.filter(a => a !== '' && !covered(a, scopes))]
      // Requests sent at once all meet the first 401: they share one token, fetched once.
      const fresh = (await this.reusable(wanted, sent)) ?? `Bearer ${(await this.token(bearer, wanted, true)).token}`
      if (wanted.length !== scopes.length) this.tokens.set(scopeKey(scopes), this.tokens.get(scopeKey(wanted))!)
      return fresh === sent ? undefined : fresh
    }
    if (challenges.some(c => c.scheme === 'basic') && this.basic) {
      this.challenge = { scheme: 'basic', params: {} }
      return sent === this.basic ? undefined : this.basic
    }
    return undefined
  }

  /** A token for `scopes` that is fetched or being fetched, still valid, and not the one just refused. */
  private async reusable(scopes: readonly string[], refused: string | undefined): Promise<string | undefined> {
    const t = await this.tokens.get(scopeKey(scopes))?.catch(() => undefined)
    if (!t || t.expiresAt <= (this.o.now ?? Date.now)()) return undefined
    const value = `Bearer ${t.token}`
    return value === refused ? undefined : value
  }

  private token(c: Challenge, scopes: readonly string[], renew: boolean): Promise<Token> {
    const key = scopeKey(scopes)
    const now = this.o.now ?? Date.now
    const cached = this.tokens.get(key)
    if (cached && !renew) {
      return cached.then(t => (t.expiresAt > now() ? t : this.token(c, scopes, true)))
    }
    const pending = this.fetchToken(c, scopes)
    this.tokens.set(key, pending)
    pending.catch(() => {
      if (this.tokens.get(key) === pending) this.tokens.delete(key)
    })
    return pending
  }

  private async fetchToken(c: Challenge, scopes: readonly string[]): Promise<Token> {
    let realm: URL
    try {
      realm = new URL(c.params.realm)
    } catch (cause) {
      throw new RegistryError({
        method: 'GET',
        url: this.o.registry,
        cause: new Error(`the token realm "${c.params.realm}" is not a URL`, { cause })
      })
    }
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
      throw new RegistryError({ method: 'GET', url: realm, cause: new Error(`the token realm is not http(s)`) })
    }
    if (c.params.service) realm.searchParams.set('service', c.params.service)
    for (const s of scopes) realm.searchParams.append('scope', s)
    const headers: Record<string, string> = {}
    if (this.basic) {
      const safe = realm.protocol === 'https:' || realm.host === this.o.registry.host || isInsecureRegistry(realm.host)
      if (!safe) {
        throw new RegistryError({
          method: 'GET',
          url: realm,
          cause: new Error(`refusing to send the credentials for ${this.o.registry.host} to a plain-HTTP token realm on ${realm.host}`)
        })
      }
      headers.authorization = this.basic
    }
    const res = await this.o.get(realm, headers)
    const secrets = this.o.secrets
    if (res.status !== 200) {
      throw new RegistryError({ method: 'GET', url: realm, status: res.status, codes: parseErrorBody(res.body), secrets })
    }
    let answer: { token?: unknown; access_token?: unknown; expires_in?: unknown }
    try {
      answer = JSON.parse(res.body.toString()) as typeof answer
    } catch {
      answer = {}
    }
    const token =
      typeof answer.token === 'string' && answer.token ? answer.token : typeof answer.access_token === 'string' ? answer.access_token : ''
    if (!token) throw new RegistryError({ method: 'GET', url: realm, status: res.status, text: 'the answer holds no token', secrets })
    secrets.add(token)
    const lifetime = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : 60
    this.o.log?.(`Got a token for ${scopes.join(' ') || 'the registry'} from ${realm.host} (valid ${lifetime} s)`)
    return { token, expiresAt: (this.o.now ?? Date.now)() + lifetime * 1000 - Math.min(10_000, (lifetime * 1000) / 2) }
  }
}

/** Whether `scope` (`type:name:actions`) asks for nothing beyond one of `scopes`. */
function covered(scope: string, scopes: readonly string[]): boolean {
  const split = (s: string) => [s.slice(0, s.lastIndexOf(':')), s.slice(s.lastIndexOf(':') + 1).split(',')] as const
  const [resource, actions] = split(scope)
  return scopes.some(s => {
    const [r, a] = split(s)
    return r === resource && actions.every(x => a.includes(x))
  })
}

function scopeKey(scopes: readonly string[]): string {
  return [...scopes].sort().join(' ')
}
