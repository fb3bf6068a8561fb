/**
 * Which node of a builder buildx sends each platform of a build to, and the fewest builds that
 * each stay on one node. Pure: it follows buildx's node resolver (README, "Build plans, per
 * engine"), from what `docker buildx inspect` lists of each node.
 */
import type { BuilderNode } from '../docker/builder.js'
import { platformKey } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'

/** A listed platform (`linux/arm64/v8`, `linux/amd64/v2`) in platformKey's canonical form. */
const keyOf = (listed: string): string => {
  const [os, architecture, variant] = listed.split('/')
  return platformKey({ os, architecture, variant })
}

/**
 * The node (its index) buildx resolves each platform of one build of `platforms` to, or undefined
 * where this cannot be told for sure. buildx first matches every platform exactly against the
 * platforms each node was created for (`--platform`, `preferred`), first node first; if any
 * platform of the build finds none, it matches every platform of the build again against what
 * each node was created for and what its workers list, preferring an exact match and the first
 * node among equals. A platform no node lists exactly would go to a node by containerd's looser
 * rules (arm64 running arm/v7): not followed here, so undefined.
 */
export function nodesOfBuild(nodes: readonly BuilderNode[], platforms: readonly Platform[]): number[] | undefined {
  if (nodes.length === 0 || nodes.some(n => n.error || n.platforms.length === 0)) return undefined
  const keys = platforms.map(platformKey)
  const firstListing = (key: string, listed: (n: BuilderNode) => readonly string[]) =>
    nodes.findIndex(n => listed(n).some(l => keyOf(l) === key))
  const strict = keys.map(k => firstListing(k, n => n.preferred))
  if (strict.every(i => i >= 0)) return strict
  const loose = keys.map(k => firstListing(k, n => [...n.preferred, ...n.platforms]))
  return loose.every(i => i >= 0) ? loose : undefined
}

/** One build of a builder of several nodes: its platforms, and the node buildx sends them all to (undefined: not known). */
export interface NodeBuild {
  readonly platforms: readonly Platform[]
  readonly node?: string
}

/**
 * The builds that make `platforms` on a builder of several nodes, each on one node. The platforms
 * a node gets when built alone are built together there, when buildx would send that build, as a
 * whole, to the same node (a build spanning nodes exports no layout, and a push of one names the
 * repository alone, a `latest` tag). Where that cannot be told, or buildx would move a platform,
 * those platforms are built one by one, each where buildx sends it alone. In the order of the
 * platforms' first appearance.
 */
export function buildsPerNode(nodes: readonly BuilderNode[], platforms: readonly Platform[]): NodeBuild[] {
  const alone = platforms.map(p => nodesOfBuild(nodes, [p])?.[0])
  const byNode = new Map<number | undefined, Platform[]>()
  platforms.forEach((p, i) => {
    const at = alone[i]
    byNode.set(at, [...(byNode.get(at) ?? []), p])
  })
  return [...byNode].flatMap(([at, group]): NodeBuild[] => {
    const one = (ps: readonly Platform[]): NodeBuild => ({ platforms: ps, node: at === undefined ? undefined : nodes[at].name })
    if (at === undefined) return group.map(p => one([p]))
    const together = nodesOfBuild(nodes, group)
    return together?.every(i => i === at) ? [one(group)] : group.map(p => one([p]))
  })
}
