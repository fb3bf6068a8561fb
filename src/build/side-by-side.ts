import { join } from 'node:path'
import { printGroup } from '../action/log-group.js'
import { buildArgv } from '../docker/buildx.js'
import { docker } from '../docker/engine.js'
import type { BuildInputs } from '../inputs/inputs.js'
import { connect } from '../inputs/registries.js'
import { findPlatformImage } from '../oci/layout.js'
import type { RegistryClient } from '../registry/client.js'
import { limiter, quiet, settleAll, settled } from '../shared/concurrency.js'
import { ArchwayError } from '../shared/errors.js'
import { CommandError } from '../shared/exec.js'
import { formatPlatform, formatPlatforms } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'
import { formatSeconds, secondsSince } from '../shared/time.js'
import { ghaScope, withMatrixScope } from './cache-entries.js'
import { loadOne, pullBack, pullOne, saveOne } from './hand-on.js'
import { layoutArgv, localRef, type PushTarget, platformSlug, pushArgv, recordArgv } from './plan.js'
import { type BuildRun, type BuildTime, commandLines, layoutDir, type PlatformBuilt, recordOf, withSecrets } from './run.js'

/** How a build of some platforms gets its image into its own layout folder and the engine. */
interface OneExport {
  /** The build's argv, from the argv that would load it into the engine. */
  readonly argv: (loadArgv: string[], dir: string) => string[]
  /**
   * Once built (`metadata`: the file buildx wrote of the build): what puts each of its platforms,
   * under its local tag, in the layout and the engine, checked to be the same image.
   */
  readonly handOn: (
    run: BuildRun,
    dir: string,
    build: BuildTime,
    metadata: string
  ) => Promise<(p: Platform, ref: string) => Promise<PlatformBuilt>>
  /** What must still end once every platform was handed on (the rest of a fetch: the attestations' blobs). */
  readonly rest?: () => Promise<unknown>
}

/** The `docker` driver on the classic store: loaded into the engine by the build, then saved into the layout. */
export const SAVED_FROM_ENGINE: OneExport = {
  argv: argv => argv,
  handOn: async (run, dir, build) => (p, ref) => saveOne(run, p, ref, dir, build.seconds)
}

/** A builder of several nodes: exported by the build as a layout, then each platform loaded into the engine. */
export const LOADED_FROM_LAYOUT: OneExport = {
  argv: (argv, dir) => layoutArgv(argv, dir),
  handOn: async (run, dir, build) => async (p, ref) => loadOne(run, p, await findPlatformImage(dir, p), ref, build)
}

/** A builder of several nodes, asked to push: each node pushes its platforms by digest to `to`, read back once (pullBack), each platform then pulled. */
export function pushedByNode(to: PushTarget): OneExport {
  let client: Promise<RegistryClient> | undefined
  const fetches: Promise<unknown>[] = []
  return {
    argv: argv => pushArgv(argv, to),
    handOn: async (run, dir, build, metadata) => {
      client ??= connect(to.registry, run.b)
      const back = await pullBack(await client, to, metadata, dir)
      fetches.push(back.fetching.done)
      return p => pullOne(run, p, back, dir, build)
    },
    rest: () => Promise.all(fetches)
  }
}

/**
 * A build per unit (one platform, or the platforms one node builds together), `atOnce` at a
 * time, each build's output held back and printed as its group when it ends, with its start and
 * end in seconds since the first build started. As soon as a build ends, its platforms are put in
 * their layout and the engine (`how`) and handed on while the others build. After a failed build
 * no other starts; those running end, and the error is the failed build's.
 */
export async function sideBySide<R>(
  run: BuildRun,
  units: readonly (readonly Platform[])[],
  atOnce: number,
  how: OneExport,
  each: (built: PlatformBuilt) => Promise<R>
): Promise<R[]> {
  const { plan, b, tag } = run
  const buildGate = limiter(atOnce)
  const nextGate = limiter(run.parallel)
  const started = Date.now()
  const failed: { platforms: readonly Platform[]; error: unknown }[] = []
  // Settled as they end, so that a failure waits, handled, for the builds still running.
  const next = new Map<string, Promise<PromiseSettledResult<R>>>()
  const slug = (unit: readonly Platform[]) => unit.map(platformSlug).join('-')

  // Each build's layout folder, made before any build starts (so that they start in the plan's order).
  const dirs = new Map(await Promise.all(units.map(async u => [u, await layoutDir(run, `layout-${slug(u)}`)] as const)))

  const buildOne = async (unit: readonly Platform[], files: ReadonlyMap<string, string>) => {
    if (failed.length > 0) return
    const dir = dirs.get(unit)!
    const metadata = join(run.scratch, `metadata-${slug(unit)}.json`)
    const ref = unit.length === 1 ? localRef(plan, tag, unit[0]) : tag
    const argv = recordArgv(how.argv(buildArgv(ownCache(b, unit, plan.platforms), unit, ref, files), dir), metadata)
    const from = secondsSince(started)
    const out = await docker(argv, { allowFailure: true })
    const to = secondsSince(started)
    const span = `from +${from.toFixed(1)} s to +${to.toFixed(1)} s of the builds`
    const outcome = out.exitCode === 0 ? `Built ${formatPlatforms(unit)} in ${formatSeconds(to - from)} (${span})` : `Failed (${span})`
    printGroup(`Build ${formatPlatforms(unit)}`, [...commandLines(argv, out), outcome])
    if (out.exitCode !== 0) {
      failed.push({ platforms: unit, error: new CommandError(`docker ${argv.join(' ')}`, out) })
      return
    }
    const recordRef = await recordOf(metadata)
    const ready = quiet(how.handOn(run, dir, { seconds: to - from, shared: unit.length > 1 }, metadata))
    for (const p of unit) {
      const handedOn = nextGate(async () => each({ ...(await (await ready)(p, localRef(plan, tag, p))), recordRef }))
      next.set(formatPlatform(p), settled(handedOn))
    }
  }

  await withSecrets(run, files => settleAll(units.map(u => buildGate(() => buildOne(u, files)))))
  const ended = new Map<string, PromiseSettledResult<R>>()
  for (const [key, result] of next) ended.set(key, await result)
  if (failed.length > 0) throw buildFailure(failed)
  const rejected = [...ended.values()].find(r => r.status === 'rejected')
  if (rejected) throw rejected.reason
  await how.rest?.()
  return plan.platforms.map(p => (ended.get(formatPlatform(p)) as PromiseFulfilledResult<R>).value)
}

/**
 * The build settings of one build among several (of `unit`, some of `platforms`): its cache
 * exports under its platforms' scope (withMatrixScope: a `type=gha` scope, a registry reference's
 * tag), read back from there, so that the builds, all exporting at once, do not overwrite one
 * another's cache.
 */
export function ownCache(b: BuildInputs, unit: readonly Platform[], platforms: readonly Platform[]): BuildInputs {
  if (unit.length >= platforms.length || b.settings.cacheTo.length === 0) return b
  const { from, to } = withMatrixScope({ from: b.settings.cacheFrom, to: b.settings.cacheTo }, ghaScope(unit))
  return { ...b, settings: { ...b.settings, cacheFrom: from, cacheTo: to } }
}

/** The first failed build's error, naming the others that failed with it. */
function buildFailure(failed: readonly { platforms: readonly Platform[]; error: unknown }[]): unknown {
  if (failed.length === 1) return failed[0].error
  const first = failed[0]
  return new ArchwayError(
    `The builds of ${formatPlatforms(failed.flatMap(f => f.platforms))} failed; ${formatPlatforms(first.platforms)}: ${(first.error as Error).message}`,
    { cause: first.error }
  )
}
