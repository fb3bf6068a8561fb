/**
 * The engine and the buildx builder a build runs on, asked once before anything is set up, and
 * what they cannot do, refused then: nothing is downloaded, registered or built for a build that
 * could not end well.
 */

import * as core from '@actions/core'
import * as semver from 'semver'
import { type BuilderInfo, builderInfo, describeBuilder } from '../docker/builder.js'
import { type EngineInfo, engineInfo } from '../docker/engine.js'
import type { BuildInputs } from '../inputs/inputs.js'
import { targetsOf } from '../inputs/registries.js'
import { provenanceText } from '../inputs/values.js'
import { isInsecureRegistry } from '../registry/reference.js'
import { EnvironmentError, InputError } from '../shared/errors.js'
import { checkAttestationStore } from './attestations.js'
import { cacheType, redactCacheEntry, registryRef } from './cache-entries.js'
import { contextCredentialsWarning } from './context-credentials.js'
import type { PushTarget } from './plan.js'

export interface BuildHost {
  readonly engine: EngineInfo
  readonly builder: BuilderInfo
}

/** The engine (its version and image store) and the builder (name and driver), asked at once. */
export async function inspectBuildHost(builder?: string): Promise<BuildHost> {
  // A daemon that does not answer is the error to report, whatever buildx says.
  const [engineAsked, builderAsked] = await Promise.allSettled([engineInfo(), builderInfo(builder)])
  if (engineAsked.status === 'rejected') throw engineAsked.reason
  if (builderAsked.status === 'rejected') throw builderAsked.reason
  return { engine: engineAsked.value, builder: builderAsked.value }
}

/**
 * The classic image store's own BuildKit (the `docker` driver on it) exports a build cache only
 * inline, in the image's config, and imports one only from a registry or a local folder.
 */
export const CLASSIC_CACHE = { exports: ['inline'], imports: ['registry', 'local'] } as const

const SWITCH =
  'turn on the containerd image store (docker/setup-docker-action with daemon-config {"features":{"containerd-snapshotter":true}}) or use a builder of the docker-container driver (docker/setup-buildx-action)'

type Asks = Pick<BuildInputs, 'provenance' | 'settings'>

/** What the engine and builder at hand cannot do for these inputs, refused in one line naming the fix. Pure. */
export function checkBuildHost(b: Asks, host: BuildHost): void {
  checkNodes(host.builder)
  checkBuildKit(b, host)
  checkReach(b, host.builder)
  if (host.builder.driver === 'docker' && host.engine.store === 'classic') checkClassicStore(b)
}

/** A node buildx cannot reach (or start) fails the step before anything is set up, with buildx's reason. */
function checkNodes(builder: BuilderInfo): void {
  const down = builder.nodes.find(n => n.error)
  if (down)
    throw new EnvironmentError(
      `The ${describeBuilder(builder)} cannot be used: its node ${down.name} (${down.endpoint}) says: ${down.error}; see docker buildx inspect --bootstrap ${builder.name}`
    )
}

/**
 * The BuildKit the build runs on: a builder's nodes report their version; the docker driver's is
 * the engine's own (Docker 28.0 came with BuildKit v0.20).
 */
function buildKitVersions(host: BuildHost): { what: string; versions: string[] } {
  if (host.builder.driver === 'docker') {
    const major = semver.coerce(host.engine.version)?.major ?? 0
    return { what: `the engine's BuildKit (Docker ${host.engine.version})`, versions: major >= 28 ? [] : ['v0.19.0'] }
  }
  const versions = host.builder.nodes.flatMap(n => (n.buildkit && semver.valid(semver.coerce(n.buildkit)) ? [n.buildkit] : []))
  return { what: describeBuilder(host.builder), versions }
}

const olderThan = (versions: readonly string[], floor: string) => versions.some(v => semver.lt(semver.coerce(v) ?? '0.0.0', floor))

/** What BuildKit before a version cannot do: the GitHub cache service of today, attestations. */
function checkBuildKit(b: Asks, host: BuildHost): void {
  const { what, versions } = buildKitVersions(host)
  if (versions.length === 0 || versions.some(v => v.startsWith('v0.0.0'))) return
  const gha = olderThan(versions, '0.20.0') ? cacheEntryWhere(b, e => cacheType(e) === 'gha') : undefined
  if (gha)
    throw new InputError(
      gha.input,
      redactCacheEntry(gha.entry),
      `${what} cannot use type=gha: BuildKit before v0.20 speaks only the version 1 API of GitHub's cache service, which GitHub retired in April 2025; use a builder of BuildKit v0.20 or later (docker/setup-buildx-action's default image is), or type=registry`
    )
  if (olderThan(versions, '0.11.0')) {
    const why = `${what} cannot make attestations (BuildKit v0.11 or later can); use a builder of a newer BuildKit`
    if (b.provenance) throw new InputError('provenance', provenanceText(b.provenance), `accepted: false here: ${why}`)
    if (b.settings.sbom !== false) throw new InputError('sbom', b.settings.sbom, `accepted: false here: ${why}`)
  }
}

/** An endpoint on this machine: a unix socket or named pipe, or TCP to a loopback address. */
const localEndpoint = (endpoint: string) => /^(unix|npipe):|^tcp:\/\/(localhost|127\.[\d.]+|\[::1\])(:|\/|$)/.test(endpoint)

/**
 * Whether the builder's BuildKit shares this machine's network, and so reaches a registry on its
 * loopback: the docker driver and a remote daemon on this machine do; a docker-container builder
 * does only with `network=host`; a kubernetes or cloud builder, or a remote one elsewhere, does not.
 */
function sharesHostNetwork(builder: BuilderInfo): boolean {
  switch (builder.driver) {
    case 'docker':
      return true
    case 'docker-container':
      return builder.nodes.every(n => n.driverOptions.network === 'host')
    case 'remote':
      return builder.nodes.every(n => localEndpoint(n.endpoint))
    default:
      return false
  }
}

/** Whether a node's BuildKit runs on this machine's kernel, and so under the binfmt_misc entries registered here. */
function onThisMachine(driver: string, endpoint: string): boolean {
  if (driver !== 'docker-container' && driver !== 'remote') return false
  if (localEndpoint(endpoint)) return true
  // A docker-container node names the Docker context it runs on: a local one unless it says otherwise.
  return driver === 'docker-container' && !/^[a-z]+:\/\//.test(endpoint)
}

/**
 * The nodes on this machine whose BuildKit does not list some of the platforms emulated here.
 * BuildKit reads which platforms the kernel can run when it starts, and again when asked (from
 * v0.14 at most every 20 s); a node started before the emulators were registered runs those
 * platforms' RUN steps under the emulator its image bundles (moby/buildkit's `buildkit-qemu-*`),
 * if it has one, not under the QEMU registered here. Pure.
 */
export function nodesMissingEmulators(builder: BuilderInfo, emulated: readonly string[]): { node: string; missing: string[] }[] {
  return builder.nodes.flatMap(n => {
    if (!onThisMachine(builder.driver, n.endpoint) || n.platforms.length === 0) return []
    const missing = emulated.filter(p => !n.platforms.includes(p))
    return missing.length ? [{ node: n.name, missing }] : []
  })
}

/** The warning for nodes that did not see the emulators registered here, with the two ways to make them. Pure. */
export function missingEmulatorsWarning(builder: BuilderInfo, nodes: readonly { node: string; missing: string[] }[]): string {
  const which = nodes.map(n => `${n.node} (${n.missing.join(', ')})`).join('; ')
  return `The ${describeBuilder(builder)} started before the emulators were registered and does not list them yet: ${which}. Its RUN steps for those platforms may run under an emulator of its own image rather than the QEMU registered here, which the tests use. Register them before the builder starts (this action with only platforms, before docker/setup-buildx-action), or restart it (docker buildx stop ${builder.name})`
}

/**
 * After emulation is set up: a builder of BuildKit of its own asked again, and the nodes on this
 * machine that do not list an emulated platform (the docker driver's is the engine's, which
 * bundles no emulator of its own).
 */
export async function builderEmulatorsWarning(builder: BuilderInfo, emulated: readonly string[]): Promise<string | undefined> {
  if (builder.driver === 'docker' || emulated.length === 0) return undefined
  const now = await builderInfo(builder.name)
  const missing = nodesMissingEmulators(now, emulated)
  return missing.length ? missingEmulatorsWarning(now, missing) : undefined
}

/**
 * Where the builder itself pushes the images by digest (build-plan.ts, `pushed`): the first
 * repository the tags name, when a builder of BuildKit of its own is asked to push there, can
 * reach it, and holds its credentials (buildx hands the builder the docker config's; the
 * `username` and `password` inputs are Archway's alone); otherwise undefined, and the builder
 * exports an OCI layout to this machine instead. Pure.
 */
export function builderPushTarget(
  b: Pick<BuildInputs, 'push' | 'tags' | 'image' | 'credentials'>,
  builder: BuilderInfo
): PushTarget | undefined {
  if (builder.driver === 'docker' || !b.push) return undefined
  const [first] = targetsOf(b)
  if (!first) return undefined
  if (b.credentials && first.registry === b.image.registry) return undefined
  if (isInsecureRegistry(first.registry) && !sharesHostNetwork(builder)) return undefined
  return { registry: first.registry, repository: first.repository }
}

/** A cache in a registry on this machine's loopback, which a builder of its own network cannot reach. */
function checkReach(b: Asks, builder: BuilderInfo): void {
  if (sharesHostNetwork(builder)) return
  const way =
    builder.driver === 'docker-container'
      ? `create it with --driver-opt network=host (docker/setup-buildx-action: driver-opts: network=host)`
      : 'use a registry it can reach by name'
  const loopback = cacheEntryWhere(b, e => {
    const ref = registryRef(e)
    return ref !== undefined && isInsecureRegistry(ref.split('/')[0])
  })
  if (loopback)
    throw new InputError(
      loopback.input,
      redactCacheEntry(loopback.entry),
      `the ${describeBuilder(builder)} runs BuildKit in a network of its own and cannot reach a registry on this machine's loopback; ${way}`
    )
}

/** The first `cache-to` entry, then `cache-from` entry, that `is` holds for, with its input's name. */
function cacheEntryWhere(b: Asks, is: (entry: string) => boolean): { input: 'cache-to' | 'cache-from'; entry: string } | undefined {
  for (const [input, entries] of [
    ['cache-to', b.settings.cacheTo],
    ['cache-from', b.settings.cacheFrom]
  ] as const) {
    const entry = entries.find(is)
    if (entry !== undefined) return { input, entry }
  }
  return undefined
}

/** What the classic image store with the docker driver cannot do. Pure. */
function checkClassicStore(b: Asks): void {
  checkAttestationStore(b, 'classic')
  const here = 'on this engine (classic image store, docker driver)'
  for (const entry of b.settings.cacheTo) {
    const type = cacheType(entry)
    if (!CLASSIC_CACHE.exports.includes(type as 'inline'))
      throw new InputError(
        'cache-to',
        entry,
        `accepted ${here}: type=inline, read back by the next run with cache-from: type=registry,ref=<a tag it published>; for type=${type}, ${SWITCH}`
      )
  }
  for (const entry of b.settings.cacheFrom) {
    const type = cacheType(entry)
    if (!CLASSIC_CACHE.imports.includes(type as 'registry'))
      throw new InputError('cache-from', entry, `accepted ${here}: type=registry or type=local; for type=${type}, ${SWITCH}`)
  }
}

/**
 * The engine and builder for a build: asked, what they cannot do refused, and a warning when the
 * build context would send the checkout's credentials to the builder.
 */
export async function checkedBuildHost(b: BuildInputs): Promise<BuildHost> {
  const host = await inspectBuildHost(b.builder)
  checkBuildHost(b, host)
  const leak = await contextCredentialsWarning(b.context, b.file)
  if (leak) core.warning(leak)
  return host
}
