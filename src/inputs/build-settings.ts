/** docker/build-push-action's build settings, read as it reads them; secret values masked before anything can print them. */
import { existsSync, statSync } from 'node:fs'
import * as core from '@actions/core'
import { cacheType, ghaScope, ghaTokens, hasGhaEntry, redactCacheEntry, withMatrixScope } from '../build/cache-entries.js'
import type { BuildSettings } from '../docker/buildx.js'
import { InputError } from '../shared/errors.js'
import type { Platform } from '../shared/platform-table.js'
import { parseBoolean, parseList } from './values.js'

/** An input's value, its action.yml default when the workflow gives none. */
type Get = (name: string) => string

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

/** `id=rest` of one list item; the rest is never shown when it is a secret's value. */
function idAnd(input: string, line: string, what: string, secret = false): [string, string] {
  const at = line.indexOf('=')
  const id = at > 0 ? line.slice(0, at) : ''
  const rest = line.slice(at + 1)
  if (!ID.test(id) || rest === '') {
    throw new InputError(
      input,
      secret ? `${id || '***'}=***` : line,
      `accepted: id=${what} items, the id of letters, digits, ".", "_" and "-"`
    )
  }
  return [id, rest]
}

function matching(input: string, items: string[], pattern: RegExp, accepted: string): string[] {
  const bad = items.find(i => !pattern.test(i))
  if (bad !== undefined) throw new InputError(input, bad, `accepted: ${accepted}`)
  return items
}

/**
 * Masks the values of `secrets` (line by line), `github-token`, a `token` or `ghtoken` written into a
 * `type=gha` cache entry (it is then on the build's command line), and, when a `type=gha` entry is
 * given, the runtime token buildx hands BuildKit; before any input is parsed and could print one.
 */
export function maskBuildSecrets(read: (name: string) => string, env = process.env): void {
  for (const line of read('secrets').split('\n')) {
    const value = line.slice(line.indexOf('=') + 1).trim()
    if (value) core.setSecret(value)
  }
  const token = read('github-token').trim()
  if (token) core.setSecret(token)
  const cacheEntries = ['cache-from', 'cache-to'].flatMap(name => read(name).split('\n'))
  for (const t of ghaTokens(cacheEntries)) core.setSecret(t)
  const runtime = env.ACTIONS_RUNTIME_TOKEN
  if (runtime && hasGhaEntry(cacheEntries)) core.setSecret(runtime)
}

/** `sbom`: false, true, or buildx's SBOM attributes (`generator=IMAGE`). */
export function parseSbom(value: string): false | string {
  if (/^(false|False|FALSE)$/.test(value)) return false
  if (/^(true|True|TRUE)$/.test(value)) return 'true'
  if (/^[a-z-]+=[^\s,]+(,[a-z-]+=[^\s,]+)*$/.test(value)) return value
  throw new InputError(
    'sbom',
    value,
    'accepted: false, true (an SBOM attestation per platform), or buildx SBOM attributes such as generator=IMAGE'
  )
}

/**
 * Every build setting. A Git URL context on the server's host gets `github-token` as the
 * `GIT_AUTH_TOKEN.<host>` secret, as build-push-action gives it, unless a secret already is one.
 * In a matrix job (`share`, its platforms), the cache entries get the share's scope (withMatrixScope),
 * so that the jobs' exports do not overwrite one another's.
 */
export function readBuildSettings(
  get: Get,
  read: (name: string) => string,
  context: string,
  env = process.env,
  share?: readonly Platform[]
): BuildSettings {
  const list = (name: string, o?: { ignoreComma?: boolean }) => parseList(name, get(name), o)
  const cacheList = (name: string) => {
    const entries = list(name, { ignoreComma: true })
    for (const e of entries)
      if (!cacheType(e))
        throw new InputError(
          name,
          redactCacheEntry(e),
          'accepted: type=registry|local|inline|gha|s3|azblob and its fields, or an image reference'
        )
    return entries
  }
  const given = { from: cacheList('cache-from'), to: cacheList('cache-to') }
  const cache = share ? withMatrixScope(given, ghaScope(share)) : given
  const token = read('github-token').trim()

  const secrets = list('secrets', { ignoreComma: true }).map(line => {
    const [id, value] = idAnd('secrets', line, 'value', true)
    return { id, value }
  })
  const secretEnvs = list('secret-envs').map(line => {
    const [id, name] = idAnd('secret-envs', line, 'ENV_NAME')
    if (env[name] === undefined)
      throw new InputError('secret-envs', line, `accepted: id=ENV_NAME of a variable set in the step's environment (${name} is not)`)
    return { id, env: name }
  })
  const secretFiles = list('secret-files', { ignoreComma: true }).map(line => {
    const [id, path] = idAnd('secret-files', line, 'path')
    if (!existsSync(path) || !statSync(path).isFile()) throw new InputError('secret-files', line, 'accepted: id=path of a file that exists')
    return { id, path }
  })
  const gitHost = githubHost(env)
  const gitToken = token && isGitUrlOn(context, gitHost) && !secrets.some(s => /^GIT_AUTH_TOKEN(\.|$)/.test(s.id))
  return {
    addHosts: matching('add-hosts', list('add-hosts'), /^[^\s:=]+[:=][0-9a-fA-F.:]+$/, 'host:ip (or host=ip) items'),
    allow: matching('allow', list('allow'), /^(network\.host|security\.insecure)$/, 'network.host, security.insecure'),
    buildContexts: matching(
      'build-contexts',
      list('build-contexts', { ignoreComma: true }),
      /^[^\s=]+=\S+$/,
      'name=path-or-reference items'
    ),
    cacheFrom: cache.from,
    cacheTo: cache.to,
    network: optionalMatching('network', get('network'), /^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'default, none, host, or a network name'),
    noCache: parseBoolean('no-cache', get('no-cache')),
    noCacheFilters: matching('no-cache-filters', list('no-cache-filters'), /^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'build stage names'),
    pull: parseBoolean('pull', get('pull')),
    sbom: parseSbom(get('sbom')),
    secrets: gitToken ? [...secrets, { id: `GIT_AUTH_TOKEN.${gitHost}`, value: token }] : secrets,
    secretEnvs,
    secretFiles,
    shmSize: optionalMatching('shm-size', get('shm-size'), /^\d+(\.\d+)?[bkmgBKMG]?$/, 'a size such as 2g or 512m'),
    ssh: matching('ssh', list('ssh'), /^[A-Za-z0-9][A-Za-z0-9._-]*(=\S+)?$/, 'default, or id=path items (an agent socket or keys)'),
    ulimit: matching(
      'ulimit',
      list('ulimit', { ignoreComma: true }),
      /^[a-z]+=-?\d+(:-?\d+)?$/,
      'type=soft[:hard] items such as nofile=1024:1024'
    )
  }
}

function optionalMatching(input: string, value: string, pattern: RegExp, accepted: string): string | undefined {
  if (value === '') return undefined
  if (!pattern.test(value)) throw new InputError(input, value, `accepted: ${accepted}`)
  return value
}

function githubHost(env: NodeJS.ProcessEnv): string {
  try {
    return new URL(env.GITHUB_SERVER_URL || 'https://github.com').host
  } catch {
    return 'github.com'
  }
}

/** A Git context on `host`: `https://host/owner/repo.git#ref`, as buildx takes it. */
function isGitUrlOn(context: string, host: string): boolean {
  try {
    return /^https?:$/.test(new URL(context).protocol) && new URL(context).host === host
  } catch {
    return false
  }
}
