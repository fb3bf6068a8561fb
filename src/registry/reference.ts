/**
 * Image references, parsed as docker parses them (distribution's `reference` package:
 * `splitDockerDomain` and the name, tag and digest grammars), and which registries speak
 * plain HTTP. Pure.
 */
import { ArchwayError } from '../shared/errors.js'

/** A name, a tag or a digest that the distribution spec does not allow. */
export class ImageReferenceError extends ArchwayError {
  constructor(
    readonly reference: string,
    readonly reason: string
  ) {
    super(`Image reference "${reference}" is not valid: ${reason}`)
  }
}

export interface ImageReference {
  /** The registry as written (lowercased), `docker.io` for Docker Hub: `ghcr.io`, `127.0.0.1:5000`. */
  readonly registry: string
  /** The repository path in the registry: `acme/app`, `library/app`. */
  readonly repository: string
  readonly tag?: string
  readonly digest?: string
}

export const DOCKER_HUB = 'docker.io'
/** The host Docker Hub's registry API answers on. */
export const DOCKER_HUB_API = 'registry-1.docker.io'
const LEGACY_DOCKER_HUB = 'index.docker.io'
const NAME_TOTAL_MAX = 255

const COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/
const DIGEST = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/
const LABEL = '(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])'
const DOMAIN = new RegExp(`^(?:${LABEL}(?:\\.${LABEL})*|\\[[A-Fa-f0-9:]+\\])(?::[0-9]+)?$`)

/**
 * Parses `[registry/]path[:tag][@digest]`. The first path component is a registry when it
 * has a `.` or a `:`, is `localhost`, or has an upper-case letter; otherwise the registry is
 * Docker Hub, where a one-component name is an official image (`library/`).
 * No default tag is filled in: see `referenceTarget`.
 */
export function parseReference(input: string): ImageReference {
  const fail = (reason: string): never => {
    throw new ImageReferenceError(input, reason)
  }
  if (input === '') fail('it is empty')
  if (/\s/.test(input)) fail('it contains white space')

  let rest = input
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
    if (!DIGEST.test(digest)) fail(`"${digest}" is not a digest (sha256: and 64 lower-case hex digits, or sha512: and 128)`)
  }

  let tag: string | undefined
  const colon = rest.lastIndexOf(':')
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
    if (!TAG.test(tag)) fail(`"${tag}" is not a tag ([A-Za-z0-9_] then up to 127 of [A-Za-z0-9._-])`)
  }

  const slash = rest.indexOf('/')
  const first = slash < 0 ? '' : rest.slice(0, slash)
  let registry = DOCKER_HUB
  let path = rest
  if (slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase())) {
    if (!DOMAIN.test(first)) fail(`"${first}" is not a registry host[:port]`)
    registry = first.toLowerCase()
    path = rest.slice(slash + 1)
  }
  if (registry === LEGACY_DOCKER_HUB) registry = DOCKER_HUB
  if (registry === DOCKER_HUB && path !== '' && !path.includes('/')) path = `library/${path}`

  const problem = repositoryProblem(path)
  if (problem) fail(problem)
  if (registry.length + 1 + path.length > NAME_TOTAL_MAX) fail(`the name is longer than ${NAME_TOTAL_MAX} characters`)
  return { registry, repository: path, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) }
}

/** `registry/repository[:tag][@digest]`, which parses back to the same reference. */
export function formatReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag === undefined ? '' : `:${ref.tag}`}${ref.digest === undefined ? '' : `@${ref.digest}`}`
}

/** What to ask the registry for: the digest when there is one, else the tag, else `latest`. */
export function referenceTarget(ref: ImageReference): string {
  return ref.digest ?? ref.tag ?? 'latest'
}

/** The host[:port] the registry API answers on: Docker Hub's is `registry-1.docker.io`. */
export function registryApiHost(registry: string): string {
  const host = registry.toLowerCase()
  return host === DOCKER_HUB || host === LEGACY_DOCKER_HUB ? DOCKER_HUB_API : host
}

/** Throws ImageReferenceError unless `registry` is a host[:port] (`ghcr.io`, `127.0.0.1:5000`, `[::1]:5000`). */
export function validateRegistry(registry: string): string {
  if (!DOMAIN.test(registry)) throw new ImageReferenceError(registry, 'a registry is a host name or address, with an optional :port')
  return registry
}

/** Throws ImageReferenceError unless `name` is a repository path the distribution spec allows. */
export function validateRepository(name: string): string {
  const problem = repositoryProblem(name)
  if (problem) throw new ImageReferenceError(name, problem)
  return name
}

export function validateTag(tag: string): string {
  if (!TAG.test(tag)) throw new ImageReferenceError(tag, 'a tag is [A-Za-z0-9_] then up to 127 of [A-Za-z0-9._-]')
  return tag
}

export function validateDigest(digest: string): string {
  if (!DIGEST.test(digest)) throw new ImageReferenceError(digest, 'a digest is sha256: and 64 lower-case hex digits (or sha512: and 128)')
  return digest
}

export function isDigest(ref: string): boolean {
  return DIGEST.test(ref)
}

/** `sha256` of `sha256:<hex>`. */
export function algorithmOf(digest: string): string {
  return digest.slice(0, digest.indexOf(':'))
}

/** A tag or a digest, as the manifest endpoints take them. */
export function validateManifestRef(ref: string): string {
  return ref.includes(':') ? validateDigest(ref) : validateTag(ref)
}

function repositoryProblem(path: string): string | undefined {
  if (path === '') return 'the repository name is empty'
  if (path.length > NAME_TOTAL_MAX) return `the repository name is longer than ${NAME_TOTAL_MAX} characters`
  if (path !== path.toLowerCase()) return 'the repository name must be lower-case'
  for (const component of path.split('/')) {
    if (!COMPONENT.test(component)) {
      return `"${component}" is not a repository path component (lower-case letters and digits, separated by ".", "_", "__" or dashes)`
    }
  }
  return undefined
}

/**
 * Whether docker, by default, talks plain HTTP to this registry: `localhost`, `127.0.0.0/8`
 * and `[::1]`, on any port. (Docker resolves names and checks the addresses; this looks at
 * the name as written, so a name that merely resolves to loopback is not counted.)
 */
export function isInsecureRegistry(registry: string): boolean {
  const host = hostOf(registry).toLowerCase()
  if (host === 'localhost' || host === '::1') return true
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host)
  return m?.slice(1).every(o => Number(o) <= 255) ?? false
}

/** The host part of `host[:port]`, without the brackets of an IPv6 address. */
export function hostOf(registry: string): string {
  if (registry.startsWith('[')) {
    const end = registry.indexOf(']')
    return end < 0 ? registry : registry.slice(1, end)
  }
  const colon = registry.lastIndexOf(':')
  return colon >= 0 && registry.indexOf(':') === colon ? registry.slice(0, colon) : registry
}
