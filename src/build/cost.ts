/**
 * What a build's RUN steps cost, per platform they ran as, from BuildKit's own record of the
 * build: the status stream gives each step's name and times, the record's provenance gives each
 * step's LLB operation and the platform it runs as (the target's, or the build machine's in a
 * `FROM --platform=$BUILDPLATFORM` stage). Pure.
 */
import { platformKey } from '../shared/platform.js'

/** One step of a build that ran (not taken from the cache). */
export interface StepCost {
  /** The step's name as the build log prints it: `[linux/arm64 builder 2/3] RUN make`. */
  readonly name: string
  /** Its Dockerfile stage (`builder`, `stage-2`), when the name says it. */
  readonly stage?: string
  /** The name without its platform: the same step of another platform has the same one. */
  readonly step: string
  /** The platform the step ran as, canonically spelled. */
  readonly platform: string
  readonly seconds: number
}

interface Vertex {
  readonly digest?: string
  readonly name?: string
  readonly started?: string
  readonly completed?: string
  readonly cached?: boolean
}

interface Op {
  readonly exec: boolean
  readonly platform?: string
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null

/** The JSON values of a status stream (`--progress=rawjson`): one per line, or one after another. */
export function parseStatusStream(text: string): unknown[] {
  const values: unknown[] = []
  let depth = 0
  let start = -1
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      if (c === '\\') i++
      else if (c === '"') inString = false
    } else if (c === '"') inString = true
    else if (c === '{') {
      if (depth++ === 0) start = i
    } else if (c === '}' && depth > 0 && --depth === 0) values.push(JSON.parse(text.slice(start, i + 1)))
  }
  return values
}

/** The build configuration a provenance predicate (SLSA v0.2 or v1, bare or in its statement) carries. */
function buildConfigOf(doc: unknown): Record<string, unknown> | undefined {
  if (!isObject(doc)) return undefined
  const predicate = isObject(doc.predicate) ? doc.predicate : doc
  if (isObject(predicate.buildConfig)) return predicate.buildConfig
  const def = predicate.buildDefinition
  const internal = isObject(def) && isObject(def.internalParameters) ? def.internalParameters : undefined
  return internal && isObject(internal.buildConfig) ? internal.buildConfig : undefined
}

/** Each operation's digest, whether it runs a program (a RUN step), and the platform it runs as. */
export function opsOfProvenance(docs: readonly unknown[]): Map<string, Op> {
  const ops = new Map<string, Op>()
  for (const doc of docs) {
    const config = buildConfigOf(doc)
    if (!config || !Array.isArray(config.llbDefinition) || !isObject(config.digestMapping)) continue
    const byId = new Map<string, Op>()
    for (const step of config.llbDefinition as unknown[]) {
      if (!isObject(step) || typeof step.id !== 'string' || !isObject(step.op)) continue
      const body = isObject(step.op.Op) ? step.op.Op : {}
      const p = step.op.platform
      const platform = isObject(p)
        ? platformKey({
            os: String(p.OS ?? ''),
            architecture: String(p.Architecture ?? ''),
            variant: p.Variant ? String(p.Variant) : undefined
          })
        : undefined
      byId.set(step.id, { exec: 'exec' in body, platform })
    }
    for (const [digest, id] of Object.entries(config.digestMapping)) {
      const op = typeof id === 'string' ? byId.get(id) : undefined
      if (op) ops.set(digest, op)
    }
  }
  return ops
}

const NAME = /^\[(?:(\S+\/\S+) )?(\S+) \d+\/\d+\] (.*)$/s

/** A step's name without its platform (`[builder 2/3] RUN make`), and its stage. */
function stepOf(name: string): { step: string; stage?: string } {
  const m = NAME.exec(name)
  if (!m) return { step: name }
  return { step: name.replace(/^\[\S+\/\S+ /, '['), stage: m[2] }
}

/**
 * The RUN steps that ran, with their seconds: every interval the stream reports for a step
 * (BuildKit reports some steps more than once), none of a step taken from the cache.
 */
export function runSteps(stream: readonly unknown[], ops: ReadonlyMap<string, Op>): StepCost[] {
  const seen = new Map<string, { name: string; intervals: Map<string, number>; cached: boolean }>()
  for (const message of stream) {
    const vertexes = isObject(message) && Array.isArray(message.vertexes) ? (message.vertexes as Vertex[]) : []
    for (const v of vertexes) {
      if (!v.digest || !v.name) continue
      const entry = seen.get(v.digest) ?? { name: v.name, intervals: new Map<string, number>(), cached: false }
      seen.set(v.digest, entry)
      if (v.cached) entry.cached = true
      if (v.started && v.completed) entry.intervals.set(v.started, (Date.parse(v.completed) - Date.parse(v.started)) / 1000)
    }
  }
  const steps: StepCost[] = []
  for (const [digest, v] of seen) {
    const op = ops.get(digest)
    if (!op?.exec || !op.platform || v.cached) continue
    const seconds = [...v.intervals.values()].reduce((a, b) => a + b, 0)
    steps.push({ name: v.name, ...stepOf(v.name), platform: op.platform, seconds })
  }
  return steps
}

export interface PlatformCost {
  readonly platform: string
  readonly emulated: boolean
  /** Seconds of RUN steps that ran as this platform. */
  readonly runSeconds: number
  /**
   * Those steps' seconds against the same steps of a native platform of the same build, when
   * there is one: the emulated seconds and the native ones over the steps both ran.
   */
  readonly against?: { readonly platform: string; readonly seconds: number; readonly nativeSeconds: number }
}

export interface StageCost {
  readonly stage: string
  /** Seconds of its RUN steps that ran under emulation, all platforms together. */
  readonly seconds: number
  /**
   * What emulation added to those seconds: each emulated step's seconds less the same step's on a
   * native platform of the build, where one ran it; the whole of a step no native platform ran.
   */
  readonly added: number
  /** Whether every one of its emulated steps was also run natively, so that `added` is measured, not all of its seconds. */
  readonly compared: boolean
  readonly byPlatform: readonly (readonly [string, number])[]
}

export interface EmulationCost {
  readonly platforms: readonly PlatformCost[]
  /** The stages whose RUN steps ran under emulation, those emulation added most to first. */
  readonly stages: readonly StageCost[]
}

const sum = (steps: readonly StepCost[]) => steps.reduce((a, s) => a + s.seconds, 0)

/** The steps' cost per platform and per stage; `emulated` tells the platforms QEMU runs. */
export function emulationCost(steps: readonly StepCost[], emulated: (platform: string) => boolean): EmulationCost {
  const platforms = [...new Set(steps.map(s => s.platform))]
  const native = platforms.filter(p => !emulated(p))
  const costs = platforms.map((platform): PlatformCost => {
    const own = steps.filter(s => s.platform === platform)
    const base = { platform, emulated: emulated(platform), runSeconds: sum(own) }
    if (!base.emulated) return base
    for (const n of native) {
      const theirs = new Map(steps.filter(s => s.platform === n).map(s => [s.step, s.seconds]))
      const shared = own.filter(s => theirs.has(s.step))
      if (shared.length === 0) continue
      const nativeSeconds = shared.reduce((a, s) => a + (theirs.get(s.step) ?? 0), 0)
      return { ...base, against: { platform: n, seconds: sum(shared), nativeSeconds } }
    }
    return base
  })
  // The same step's seconds on a native platform: the first that ran it.
  const nativeSeconds = new Map<string, number>()
  for (const s of steps) if (!emulated(s.platform) && !nativeSeconds.has(s.step)) nativeSeconds.set(s.step, s.seconds)
  const stages = new Map<string, { by: Map<string, number>; added: number; compared: boolean }>()
  for (const s of steps.filter(x => emulated(x.platform))) {
    const stage = s.stage ?? s.step
    const c = stages.get(stage) ?? { by: new Map<string, number>(), added: 0, compared: true }
    const native = nativeSeconds.get(s.step)
    c.by.set(s.platform, (c.by.get(s.platform) ?? 0) + s.seconds)
    c.added += Math.max(0, s.seconds - (native ?? 0))
    c.compared &&= native !== undefined
    stages.set(stage, c)
  }
  return {
    platforms: costs,
    stages: [...stages]
      .map(([stage, c]) => ({
        stage,
        seconds: [...c.by.values()].reduce((a, b) => a + b, 0),
        added: c.added,
        compared: c.compared,
        byPlatform: [...c.by]
      }))
      .sort((a, b) => b.added - a.added)
  }
}
