/** The buildx builder a build will use: its driver and its nodes, as `docker buildx inspect` tells them. */
import { EnvironmentError } from '../shared/errors.js'
import { outputTail } from '../shared/exec.js'
import { docker } from './engine.js'

/** One BuildKit daemon of a builder. */
export interface BuilderNode {
  readonly name: string
  /** `unix:///var/run/docker.sock`, `tcp://10.0.0.2:1234`, `kubernetes:///...` */
  readonly endpoint: string
  /** `running`, `inactive`, ...; absent when buildx could not reach the node (see `error`). */
  readonly status?: string
  /** `v0.13.2`; `v0.0.0+unknown` for the docker driver, absent until the node has run. */
  readonly buildkit?: string
  /** Every platform the node lists, in its order. */
  readonly platforms: readonly string[]
  /** The platforms its builder was created for (`--platform`, `*` in buildx's list): buildx sends those to it first. */
  readonly preferred: readonly string[]
  /** `network=host`, `image=...`: the driver's options as the node was created with. */
  readonly driverOptions: Readonly<Record<string, string>>
  /** Why buildx could not use the node. */
  readonly error?: string
}

/** A buildx builder: its name, driver (`docker`, `docker-container`, `remote`, `kubernetes`, `cloud`) and nodes. */
export interface BuilderInfo {
  readonly name: string
  readonly driver: string
  readonly nodes: readonly BuilderNode[]
}

/** `network="host" image="x"` -> { network: 'host', image: 'x' }. Pure. */
function parseDriverOptions(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of text.matchAll(/([\w.-]+)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g))
    out[m[1]] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]
  return out
}

/** A `Key: value` line of buildx's inspect text (values may be padded with tabs or spaces). */
const fieldOf = (line: string): [string, string] | undefined => {
  const m = /^([A-Z][\w ]*?):[ \t]*(.*?)[ \t]*$/.exec(line)
  return m ? [m[1], m[2]] : undefined
}

/** The builder's name, driver and nodes from `docker buildx inspect`'s text. Pure. */
export function parseBuilderInspect(text: string): BuilderInfo | undefined {
  const lines = text.split('\n')
  const nodesAt = lines.findIndex(l => /^Nodes:\s*$/.test(l))
  const head = nodesAt < 0 ? lines : lines.slice(0, nodesAt)
  const headField = (key: string) => head.map(fieldOf).find(f => f?.[0] === key)?.[1]
  const name = headField('Name')
  const driver = headField('Driver')
  if (!name || !driver) return undefined
  const nodes: BuilderNode[] = []
  let node: { -readonly [K in keyof BuilderNode]: BuilderNode[K] } | undefined
  for (const line of nodesAt < 0 ? [] : lines.slice(nodesAt + 1)) {
    if (/^\s/.test(line)) continue // Labels, GC policy rules, features: indented, not ours
    const f = fieldOf(line)
    if (!f) continue
    const [key, value] = f
    if (key === 'Name') {
      node = { name: value, endpoint: '', platforms: [], preferred: [], driverOptions: {} }
      nodes.push(node)
      continue
    }
    if (!node) continue
    switch (key) {
      case 'Endpoint':
        node.endpoint = value
        break
      case 'Status':
        node.status = value
        break
      case 'BuildKit version':
        node.buildkit = value
        break
      case 'Error':
        node.error = value
        break
      case 'Driver Options':
        node.driverOptions = parseDriverOptions(value)
        break
      case 'Platforms': {
        const listed = value.split(',').map(p => p.trim())
        node.platforms = listed.map(p => p.replace(/\*$/, '')).filter(Boolean)
        node.preferred = listed.filter(p => p.endsWith('*')).map(p => p.slice(0, -1))
        break
      }
    }
  }
  return { name, driver, nodes }
}

/**
 * The builder named by the `builder` input, or, without one, the builder buildx would use anyway
 * (`docker buildx use`, as docker/setup-buildx-action sets it, or BUILDX_BUILDER). A builder of
 * BuildKit of its own is started if it is not running (`--bootstrap`), so that its nodes tell
 * their BuildKit version and platforms; the build would start it anyway.
 */
export async function builderInfo(name?: string): Promise<BuilderInfo> {
  const named = name ? [name] : []
  const ask = async (bootstrap: boolean) => {
    const out = await docker(['buildx', 'inspect', ...(bootstrap ? ['--bootstrap'] : []), ...named], { allowFailure: true })
    return { out, info: out.exitCode === 0 ? parseBuilderInspect(out.stdout) : undefined }
  }
  let { out, info } = await ask(false)
  if (info && info.driver !== 'docker' && info.nodes.some(n => !n.error && n.status !== 'running')) ({ out, info } = await ask(true))
  if (!info) {
    const which = name ? `The builder "${name}"` : 'The current buildx builder'
    throw new EnvironmentError(`${which} cannot be used: docker buildx inspect${name ? ` ${name}` : ''} says ${outputTail(out, 300)}`)
  }
  return info
}

/** The builder in a few words: `builder ci (remote driver, 2 nodes, BuildKit v0.13.2)`. Pure. */
export function describeBuilder(b: BuilderInfo): string {
  const versions = [...new Set(b.nodes.flatMap(n => (n.buildkit && !n.buildkit.startsWith('v0.0.0') ? [n.buildkit] : [])))]
  const facts = [
    `${b.driver} driver`,
    ...(b.nodes.length > 1 ? [`${b.nodes.length} nodes`] : []),
    ...(versions.length ? [`BuildKit ${versions.join(', ')}`] : [])
  ]
  return `builder ${b.name} (${facts.join(', ')})`
}
