/** The fastest build plan for the engine and builder at hand, how many builds run at once, and the plan's log line. Pure. */

import { type BuilderInfo, describeBuilder } from '../docker/builder.js'
import type { ImageStore } from '../docker/engine.js'
import { formatPlatform, formatPlatforms, qemuCost } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'
import { buildsPerNode, type NodeBuild } from './nodes.js'

interface PlanBase {
  readonly store: ImageStore
  readonly builder: BuilderInfo
  readonly platforms: readonly Platform[]
}

export type BuildPlan =
  /**
   * The `docker` driver on the containerd store: one build of every platform, loaded under one tag,
   * then written as one layout from the build cache; with attestations, which carry the time of
   * their build (a second export would not give the same index), both by the same export.
   */
  | (PlanBase & { readonly kind: 'multi-platform'; readonly layout: 'from-cache' | 'same-export' })
  /** The `docker` driver on the classic store: a build per platform, `atOnce` at a time, each loaded under its own tag and saved. */
  | (PlanBase & { readonly kind: 'side-by-side'; readonly atOnce: number; readonly startOrder: readonly Platform[] })
  /** Any other driver (BuildKit of its own), one node: one build exported as an OCI layout, each platform loaded from it for its tests. */
  | (PlanBase & { readonly kind: 'oci-layout' })
  /**
   * A builder of several nodes: a build per node (`builds`, buildsPerNode), all at once, each sent
   * by buildx to its node and exported as an OCI layout of its own (buildx exports no layout from a
   * build that spans nodes), each platform loaded from its layout for its tests.
   */
  | (PlanBase & { readonly kind: 'layout-each'; readonly builds: readonly NodeBuild[] })
  /**
   * Any other driver, asked to push: one build pushed by digest by the builder itself (untagged),
   * each platform pulled into the engine by its manifest's digest for its tests, while the image
   * is fetched back from the registry into an OCI layout (checked blob by blob). The layers leave
   * the builder once, compressed, to the registry, not through the client first.
   */
  | (PlanBase & { readonly kind: 'pushed'; readonly pushTo: PushTarget })
  /** A builder of several nodes, asked to push: a build per node, all at once, each pushed by digest by its node, then pulled and fetched back as above. */
  | (PlanBase & { readonly kind: 'pushed-each'; readonly pushTo: PushTarget; readonly builds: readonly NodeBuild[] })

/** Where the builder pushes by digest: the first repository the tags name. */
export interface PushTarget {
  readonly registry: string
  readonly repository: string
}

/**
 * Builds at once per core. An emulated build spends most of its time in QEMU, one core per
 * process, and the rest uploading its context and writing its layers: a second build per core
 * fills those gaps. Beyond that, more only shares the same cores and costs memory.
 */
export const BUILDS_PER_CORE = 2
/** Memory set aside for each build running at once (a compiler under QEMU can use most of it). */
export const MEMORY_PER_BUILD = 1024 ** 3

/** How many of `count` builds run at once on `cores` cores with `memory` bytes free: at least one. */
export function buildsAtOnce(count: number, cores: number, memory: number): number {
  return Math.max(1, Math.min(count, BUILDS_PER_CORE * Math.max(1, cores), Math.floor(memory / MEMORY_PER_BUILD)))
}

/**
 * The plan for `platforms` (`emulated`: those QEMU runs here; `attested`: provenance or an SBOM asked for); README, "Build plans, per engine".
 * Another driver than `docker` has BuildKit of its own: one build into an OCI layout, each
 * platform loaded for its tests; on a builder of several nodes, one build per node that buildx
 * sends platforms to (buildsPerNode), or the one build when buildx sends them all to one node. The `docker` driver: one build on the containerd store; on the
 * classic store a build per platform, side by side, emulated ones first, slowest first.
 */
export function planBuild(
  engine: { readonly store: ImageStore },
  builder: BuilderInfo,
  platforms: readonly Platform[],
  cores: number,
  memory: number,
  emulated: ReadonlySet<string> = new Set(),
  attested = false,
  pushTo?: PushTarget
): BuildPlan {
  const base = { store: engine.store, builder, platforms }
  if (builder.driver !== 'docker') {
    const builds = builder.nodes.length > 1 && platforms.length > 1 ? buildsPerNode(builder.nodes, platforms) : []
    if (pushTo) return builds.length > 1 ? { ...base, kind: 'pushed-each', pushTo, builds } : { ...base, kind: 'pushed', pushTo }
    return builds.length > 1 ? { ...base, kind: 'layout-each', builds } : { ...base, kind: 'oci-layout' }
  }
  if (engine.store === 'containerd') return { ...base, kind: 'multi-platform', layout: attested ? 'same-export' : 'from-cache' }
  const isEmulated = (p: Platform) => emulated.has(formatPlatform(p))
  const slowestFirst = platforms.filter(isEmulated).sort((a, b) => qemuCost(b) - qemuCost(a))
  const startOrder = [...slowestFirst, ...platforms.filter(p => !isEmulated(p))]
  return { ...base, kind: 'side-by-side', atOnce: buildsAtOnce(platforms.length, cores, memory), startOrder }
}

const count = (n: number, one: string, many: string) => (n === 1 ? `one ${one}` : `${n} ${many}`)

/** A plan's builds on several nodes: `one per platform`, or `one per node (fleet0: linux/amd64, linux/s390x; fleet1: linux/arm64)`. */
function perNode(builds: readonly NodeBuild[]): string {
  if (builds.every(b => b.platforms.length === 1)) return 'one per platform'
  return `one per node (${builds.map(b => `${b.node ?? 'a node'}: ${formatPlatforms(b.platforms)}`).join('; ')})`
}

/** The plan in one line: `Build plan: classic image store, 6 builds side by side (at most 4 at once)`. */
export function describePlan(plan: BuildPlan): string {
  const n = plan.platforms.length
  const store = `${plan.store} image store`
  const builder = plan.builder.name === 'default' ? '' : `${describeBuilder(plan.builder)}, `
  switch (plan.kind) {
    case 'multi-platform':
      return `Build plan: ${builder}${store}, one build of ${count(n, 'platform', 'platforms')}, the OCI layout written ${plan.layout === 'from-cache' ? 'from the build cache' : 'by the same export'}`
    case 'side-by-side':
      return n === 1
        ? `Build plan: ${builder}${store}, one build`
        : `Build plan: ${builder}${store}, ${n} builds side by side (at most ${plan.atOnce} at once)`
    case 'oci-layout':
      return `Build plan: ${builder}one build of ${count(n, 'platform', 'platforms')} exported as an OCI layout, each platform loaded into the ${store} for its tests`
    case 'layout-each':
      return `Build plan: ${builder}${plan.builds.length} builds at once, ${perNode(plan.builds)}, each sent by buildx to its node and exported as an OCI layout of its own, each platform loaded into the ${store} for its tests`
    case 'pushed':
      return `Build plan: ${builder}one build of ${count(n, 'platform', 'platforms')} pushed by digest to ${pushedTo(plan.pushTo)} by the builder (untagged until every platform passes), each platform pulled back by its digest into the ${store} for its tests, the image fetched back as an OCI layout meanwhile`
    case 'pushed-each':
      return `Build plan: ${builder}${plan.builds.length} builds at once, ${perNode(plan.builds)}, each sent by buildx to its node and pushed by digest to ${pushedTo(plan.pushTo)} by it (untagged until every platform passes), each platform pulled back by its digest into the ${store} for its tests and fetched back as an OCI layout meanwhile`
  }
}

/** The repository the builder pushes to: `ghcr.io/acme/app`. Pure. */
export const pushedTo = (t: PushTarget) => `${t.registry}/${t.repository}`

/** The argv of a build the builder pushes by digest to `to`, untagged: `--load` and the local `--tag` become one image output. */
export function pushArgv(loadArgv: readonly string[], to: PushTarget): string[] {
  const at = loadArgv.indexOf('--tag')
  if (at < 0 || loadArgv.indexOf('--tag', at + 1) >= 0) throw new Error('a build command line has one --tag')
  const untagged = [...loadArgv.slice(0, at), ...loadArgv.slice(at + 2)]
  const name = csvField(`name=${pushedTo(to)}`)
  return replaceLoad(untagged, [`type=image,${name},push-by-digest=true,name-canonical=true,push=true,oci-mediatypes=true`])
}

/** The argv of a build written to an OCI layout folder instead of loaded into the engine: `--load` becomes `--output type=oci,dest=DIR,tar=false`. */
export function layoutArgv(loadArgv: readonly string[], dir: string): string[] {
  return replaceLoad(loadArgv, [layoutOutput(dir)])
}

/** The argv of a build that writes its metadata (the reference of BuildKit's record of it, among others) to `file`. */
export function recordArgv(argv: readonly string[], file: string): string[] {
  const at = argv.indexOf('build')
  if (at < 0) throw new Error('a build command line has build')
  return [...argv.slice(0, at + 1), '--metadata-file', file, ...argv.slice(at + 1)]
}

/** The argv of a build loaded into the engine with OCI media types, as an OCI layout written from the same build has them. */
export function ociLoadArgv(loadArgv: readonly string[]): string[] {
  return replaceLoad(loadArgv, [ENGINE_OCI])
}

/**
 * The argv of a build both loaded into the engine and written to an OCI layout folder, in one
 * export of the same result (the containerd store's docker driver; the classic store's refuses
 * the `oci` exporter): `--load` becomes two outputs, the engine's with OCI media types, as the
 * layout's are, so that the engine's image and the layout's index are the same document.
 */
export function loadAndLayoutArgv(loadArgv: readonly string[], dir: string): string[] {
  return replaceLoad(loadArgv, [ENGINE_OCI, layoutOutput(dir)])
}

const ENGINE_OCI = 'type=docker,oci-mediatypes=true'

const layoutOutput = (dir: string) => `type=oci,${csvField(`dest=${dir}`)},tar=false`

function replaceLoad(loadArgv: readonly string[], outputs: readonly string[]): string[] {
  const at = loadArgv.indexOf('--load')
  if (at < 0 || loadArgv.indexOf('--load', at + 1) >= 0) throw new Error('a build command line has one --load')
  return [...loadArgv.slice(0, at), ...outputs.flatMap(o => ['--output', o]), ...loadArgv.slice(at + 1)]
}

/** One field of buildx's comma-separated `--output` value, quoted as CSV when it holds a comma or a quote. */
const csvField = (field: string) => (/[",\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field)

/** A short name of a platform for tags and folders: `linux/arm/v7` -> `armv7`. */
export const platformSlug = (p: Platform) =>
  formatPlatform(p)
    .replace(/^linux\//, '')
    .replace(/\//g, '')

/** The local tag a platform's image is loaded under: the plan's one tag for a multi-platform build, one of its own otherwise. */
export function localRef(plan: BuildPlan, tag: string, p: Platform): string {
  return plan.kind === 'multi-platform' ? tag : `${tag}-${platformSlug(p)}`
}
