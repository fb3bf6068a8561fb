/**
 * Credentials for a registry from docker's config.json (`$DOCKER_CONFIG/config.json`, else
 * `~/.docker/config.json`), as `docker login` and docker/login-action leave them:
 * `credHelpers[host]`, else `credsStore` (both run `docker-credential-<name> get` with the
 * server address on stdin), else `auths[key].auth` (base64 `user:password`). Keys are
 * matched the way the docker CLI matches them: scheme and path dropped, so
 * `https://index.docker.io/v1/` is Docker Hub's. Nothing read here is ever logged.
 */
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { EnvironmentError, errorMessage, oneLine } from '../shared/errors.js'
import { type RunResult, run } from '../shared/exec.js'
import type { Credentials } from './auth.js'
import { DOCKER_HUB } from './reference.js'

/** The key docker writes Docker Hub's credentials under, and the address it gives credential helpers for it. */
export const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/'
const DOCKER_HUB_ALIASES = new Set([DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com'])

export interface DockerConfigEntry {
  readonly auth?: string
  readonly username?: string
  readonly password?: string
  readonly identitytoken?: string
}

export interface DockerConfig {
  readonly auths?: Readonly<Record<string, DockerConfigEntry>>
  readonly credsStore?: string
  readonly credHelpers?: Readonly<Record<string, string>>
}

export interface DockerConfigOptions {
  /** Default process.env (for DOCKER_CONFIG). */
  readonly env?: NodeJS.ProcessEnv
  /** Default os.homedir(). */
  readonly home?: string
}

export function dockerConfigPath(options: DockerConfigOptions = {}): string {
  const dir = (options.env ?? process.env).DOCKER_CONFIG
  return dir ? join(dir, 'config.json') : join(options.home ?? homedir(), '.docker', 'config.json')
}

/** The registry a config key or registry name stands for: lower case, no scheme, no path, `docker.io` for Docker Hub's names. */
export function configKeyRegistry(key: string): string {
  const host = key
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .split('/')[0]
  return DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB : host
}

/** What docker passes a credential helper: `https://index.docker.io/v1/` for Docker Hub, else the host[:port]. */
export function dockerServerAddress(registry: string): string {
  const r = configKeyRegistry(registry)
  return r === DOCKER_HUB ? DOCKER_HUB_CONFIG_KEY : r
}

/** Reads the config file; no file means no credentials. */
export async function dockerCredentials(registry: string, options: DockerConfigOptions = {}): Promise<Credentials | undefined> {
  const file = dockerConfigPath(options)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new EnvironmentError(`Cannot read the docker config ${file}: ${errorMessage(err)}`, { cause: err })
  }
  return credentialsFromConfig(parseDockerConfig(text, file), registry)
}

export function parseDockerConfig(text: string, file: string): DockerConfig {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    // JSON.parse's message quotes the text, which may hold credentials: not passed on.
    throw new EnvironmentError(`The docker config ${file} is not valid JSON`)
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new EnvironmentError(`The docker config ${file} is not a JSON object`)
  return json as DockerConfig
}

/**
 * The credentials the config gives for `registry`: from its credential helper (credHelpers,
 * else credsStore) when it has them, else from `auths`. An entry holding only an
 * `identitytoken` (an OAuth refresh token) gives none: this client does not do OAuth.
 */
export async function credentialsFromConfig(config: DockerConfig, registry: string): Promise<Credentials | undefined> {
  const wanted = configKeyRegistry(registry)
  const helper = lookup(config.credHelpers, wanted) ?? config.credsStore
  if (helper) {
    const found = await fromHelper(helper, dockerServerAddress(registry))
    if (found) return found
  }
  const entry = lookup(config.auths, wanted)
  if (!entry) return undefined
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon <= 0) throw new EnvironmentError(`The docker config's "auth" for ${wanted} is not base64 of user:password`)
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
  }
  if (entry.username && entry.password) return { username: entry.username, password: entry.password }
  return undefined
}

/** The value under the key naming `registry`: an exact key first, then any key that names the same registry. */
function lookup<T>(map: Readonly<Record<string, T>> | undefined, registry: string): T | undefined {
  if (!map) return undefined
  const keys = Object.keys(map)
  const exact = keys.find(k => k === registry || (registry === DOCKER_HUB && k === DOCKER_HUB_CONFIG_KEY))
  const key = exact ?? keys.find(k => configKeyRegistry(k) === registry)
  return key === undefined ? undefined : map[key]
}

/** Runs `docker-credential-<name> get`; undefined when the helper has nothing for the address. */
async function fromHelper(name: string, serverAddress: string): Promise<Credentials | undefined> {
  if (!/^[A-Za-z0-9._-]+$/.test(name))
    throw new EnvironmentError(`The docker config names a credential helper "${name}" that is not a plain name`)
  const command = `docker-credential-${name}`
  let result: RunResult
  try {
    result = await run(command, ['get'], { input: Buffer.from(serverAddress), allowFailure: true })
  } catch (err) {
    throw new EnvironmentError(`The docker credential helper ${command} could not be run: ${errorMessage(err)}`, { cause: err })
  }
  if (result.exitCode !== 0) {
    if (/credentials not found/i.test(`${result.stdout}\n${result.stderr}`)) return undefined
    const said = oneLine(result.stderr.trim()).slice(0, 200)
    throw new EnvironmentError(`${command} get for ${serverAddress} exited with ${result.exitCode}${said ? `: ${said}` : ''}`)
  }
  let answer: { Username?: unknown; Secret?: unknown }
  try {
    answer = JSON.parse(result.stdout) as typeof answer
  } catch {
    throw new EnvironmentError(`${command} get for ${serverAddress} did not answer with JSON`)
  }
  if (typeof answer.Username !== 'string' || typeof answer.Secret !== 'string' || answer.Secret === '') return undefined
  // `<token>` marks an identity (OAuth refresh) token, which this client does not use.
  if (answer.Username === '<token>') return undefined
  return { username: answer.Username, password: answer.Secret }
}
