/**
 * A build plan carried out: every platform's image built, in an OCI layout (the build's own
 * export, or `docker save` streamed into it) and in the engine, checked to be the same image in
 * both, then handed on as soon as it is ready.
 */
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import * as core from '@actions/core'
import { grouped, printGroup } from '../action/log-group.js'
import { buildRecordRef, pushedDigest } from '../docker/build-record.js'
import { buildArgv } from '../docker/buildx.js'
import { docker } from '../docker/engine.js'
import { imageId as engineImageId, expectedImageId, loadPlatform, pullPlatform, saveLayout } from '../docker/image-io.js'
import { withSecretFiles } from '../docker/secret-files.js'
import type { BuildInputs } from '../inputs/inputs.js'
import { connect } from '../inputs/registries.js'
import { type Fetching, type Pushed, pushedManifest, readPushed, startFetch } from '../oci/fetch.js'
import { findPlatformImage, LayoutError, type PlatformImage, readLayoutIndex } from '../oci/layout.js'
import type { Descriptor } from '../oci/types.js'
import type { RegistryClient } from '../registry/client.js'
import { limiter, quiet, settleAll, settled } from '../shared/concurrency.js'
import { ArchwayError, VerificationError } from '../shared/errors.js'
import { CommandError } from '../shared/exec.js'
import { formatPlatform } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'
import { ghaScope, withMatrixScope } from './cache-entries.js'
import type { NodeBuild } from './nodes.js'
import {
  type BuildPlan,
  layoutArgv,
  loadAndLayoutArgv,
  localRef,
  ociLoadArgv,
  type PushTarget,
  platformSlug,
  pushArgv,
  pushedTo,
  recordArgv
} from './plan.js'

export interface PlatformBuilt {
  readonly platform: Platform
  /** The engine's ID of the platform's image: what the tests run, as soon as it is built. */
  readonly imageId: string
  /**
   * The same image in its OCI layout, checked to be the engine's: what the architecture check
   * reads and the push sends. Written while the tests run where the build left it only in the
   * engine (the containerd store's layout from the build cache).
   */
  readonly layout: Promise<InLayout>
  readonly buildSeconds: number
  /** True when one build served every platform (its time is shared). */
  readonly sharedBuild: boolean
  /** BuildKit's record of the build that made it (`builder/node/ref`), when buildx gave one. */
  readonly recordRef?: string
}

export interface InLayout {
  readonly image: PlatformImage
  /** How the image got from the build into its layout and the engine, for the platform's log group. */
  readonly notes: readonly string[]
}

export interface BuildRun {
  readonly plan: BuildPlan
  readonly b: BuildInputs
  /** The run's local tag (see localRef). */
  readonly tag: string
  /** The run's scratch folder: the layouts and the secret files go in it. */
  readonly scratch: string
  /** How many platforms are saved or loaded, then handed on, at once. */
  readonly parallel: number
  /** Names the run gave images in the engine besides its local tags (the names by digest of pulled platforms): removed with them when the run ends. */
  readonly engineNames: Set<string>
}

const since = (t: number) => (Date.now() - t) / 1000
const sec = (n: number) => `${n.toFixed(1)} s`
const list = (ps: readonly Platform[]) => ps.map(formatPlatform).join(', ')

/** Carries out the plan, calling `each` for every platform once its image is ready; results in the plan's platform order. */
export async function buildEach<R>(run: BuildRun, each: (built: PlatformBuilt) => Promise<R>): Promise<R[]> {
  switch (run.plan.kind) {
    case 'multi-platform':
      return multiPlatform(run, each)
    case 'side-by-side':
      return sideBySide(
        run,
        run.plan.startOrder.map(p => [p]),
        run.plan.atOnce,
        SAVED_FROM_ENGINE,
        each
      )
    case 'layout-each':
      return sideBySide(run, unitsOf(run.plan.builds), run.plan.builds.length, LOADED_FROM_LAYOUT, each)
    case 'oci-layout':
      return ociLayout(run, each)
    case 'pushed':
      return pushedOnce(run, run.plan.pushTo, each)
    case 'pushed-each':
      return sideBySide(run, unitsOf(run.plan.builds), run.plan.builds.length, pushedByNode(run.plan.pushTo), each)
  }
}

const unitsOf = (builds: readonly NodeBuild[]) => builds.map(b => b.platforms)

/** The secrets given by value exist as files for the builds only. */
const withSecrets = <T>(run: BuildRun, work: (files: ReadonlyMap<string, string>) => Promise<T>) =>
  withSecretFiles(run.b.settings.secrets, join(run.scratch, 'secrets'), work)

/** One build of every platform, its output streamed into one group; its time in seconds and its record. */
async function buildAll(
  run: BuildRun,
  argv: (files: ReadonlyMap<string, string>) => string[],
  how: string
): Promise<{ took: number; recordRef?: string; metadata: string }> {
  const started = Date.now()
  const metadata = join(run.scratch, 'metadata.json')
  await withSecrets(run, files =>
    core.group(`Build ${list(run.plan.platforms)} (${how})`, () => docker(recordArgv(argv(files), metadata), { echo: true }))
  )
  const took = since(started)
  core.info(`Built ${run.plan.platforms.length} platform(s) in ${sec(took)}`)
  return { took, recordRef: await recordOf(metadata), metadata }
}

/** The build's record reference from its metadata file, if buildx wrote one. */
async function recordOf(metadata: string): Promise<string | undefined> {
  return buildRecordRef(metadata).catch(() => undefined)
}

/** The one image a layout written by a build or saved from the engine holds: the descriptor its index.json names. */
async function savedImage(dir: string): Promise<Descriptor> {
  const { manifests } = await readLayoutIndex(dir)
  if (manifests.length !== 1) throw new LayoutError(`the OCI layout ${dir} names ${manifests.length} images, not one`)
  return manifests[0]
}

async function layoutDir(run: BuildRun, name: string): Promise<string> {
  const dir = join(run.scratch, name)
  await mkdir(dir, { recursive: true })
  return dir
}

async function multiPlatform<R>(run: BuildRun, each: (built: PlatformBuilt) => Promise<R>): Promise<R[]> {
  const { plan, b, tag } = run
  const dir = await layoutDir(run, 'layout')
  const attested = plan.kind === 'multi-platform' && plan.layout === 'same-export'
  const { took, recordRef } = await buildAll(
    run,
    files => (attested ? loadAndLayoutArgv : ociLoadArgv)(buildArgv(b, plan.platforms, tag, files), dir),
    `one build, ${plan.store} image store${attested ? ', loaded and written as an OCI layout' : ''}`
  )
  // On the containerd store the engine's image is the layout's index itself, one for every platform:
  // the tests start on it at once, while the layout is written from the build cache.
  const imageId = await engineImageId(tag)
  const written = attested
    ? Promise.resolve({ top: await savedImage(dir), how: "Written as an OCI layout by the same export as the engine's image" })
    : writeLayout(run, dir, imageId)
  // Each platform's layout awaits it.
  const checked = quiet(
    written.then(w => {
      requireSameImage(tag, imageId, expectedImageId(plan.store, w.top, w.top))
      return w
    })
  )
  const gate = limiter(run.parallel)
  return settleAll(
    plan.platforms.map(p =>
      gate(async () => {
        const layout = checked.then(async w => {
          const image = await findPlatformImage(dir, p)
          const notes = [
            w.how,
            `The engine's image ${imageId} is the layout's (${image.descriptor.digest} is its ${formatPlatform(p)} manifest)`
          ]
          return { image, notes }
        })
        return each({ platform: p, imageId, layout, buildSeconds: took, sharedBuild: true, recordRef })
      })
    )
  )
}

/**
 * The same build again, for its export only: every step comes from the local build cache the build
 * just filled (no cache import or export, no --no-cache, no --pull), so it writes the engine's image
 * (`engine`) as an OCI layout, from the compressed blobs BuildKit already holds. Should it give
 * another image (something in the build not reproducible), the engine's own image is saved into the
 * layout instead. Its log group is printed whole when it ends: the tests run meanwhile.
 */
async function writeLayout(run: BuildRun, dir: string, engine: string): Promise<{ top: Descriptor; how: string }> {
  const { plan, b, tag } = run
  const again = { ...b, settings: { ...b.settings, cacheFrom: [], cacheTo: [], noCache: false, noCacheFilters: [], pull: false } }
  return grouped('Write the OCI layout from the build cache', async log => {
    const started = Date.now()
    await withSecrets(run, async files => {
      const argv = layoutArgv(buildArgv(again, plan.platforms, tag, files), dir)
      const out = await docker(argv, { allowFailure: true })
      for (const line of commandLines(argv, out)) log(line)
      if (out.exitCode !== 0) throw new CommandError(`docker ${argv.join(' ')}`, out)
    })
    const top = await savedImage(dir)
    if (top.digest === engine) {
      const how = `Written as an OCI layout from the build cache in ${sec(since(started))} (the engine's image, not read back from the engine)`
      log(how)
      return { top, how }
    }
    log(`The export from the build cache is ${top.digest}, not the engine's image ${engine}: saving the engine's image instead`)
    await rm(dir, { recursive: true, force: true })
    await mkdir(dir)
    const saved = Date.now()
    await saveLayout(tag, dir)
    const how = `Saved as an OCI layout in ${sec(since(saved))} (docker save ${tag}, streamed into the layout), the export from the build cache not being the same image`
    log(how)
    return { top: await savedImage(dir), how }
  })
}

/** A build's time in seconds, and whether it made more than one platform (the time is theirs together). */
interface BuildTime {
  readonly seconds: number
  readonly shared: boolean
}

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
const SAVED_FROM_ENGINE: OneExport = {
  argv: argv => argv,
  handOn: async (run, dir, build) => (p, ref) => saveOne(run, p, ref, dir, build.seconds)
}

/** A builder of several nodes: exported by the build as a layout, then each platform loaded into the engine. */
const LOADED_FROM_LAYOUT: OneExport = {
  argv: (argv, dir) => layoutArgv(argv, dir),
  handOn: async (run, dir, build) => async (p, ref) => loadOne(run, p, await findPlatformImage(dir, p), ref, build)
}

/** A builder of several nodes, asked to push: each node pushes its platforms by digest to `to`, read back once (pullBack), each platform then pulled. */
function pushedByNode(to: PushTarget): OneExport {
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
async function sideBySide<R>(
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
    const from = since(started)
    const out = await docker(argv, { allowFailure: true })
    const to = since(started)
    const span = `from +${from.toFixed(1)} s to +${to.toFixed(1)} s of the builds`
    const outcome = out.exitCode === 0 ? `Built ${list(unit)} in ${sec(to - from)} (${span})` : `Failed (${span})`
    printGroup(`Build ${list(unit)}`, [...commandLines(argv, out), outcome])
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

/**
 * One platform built into the engine by the classic store's docker driver: its tests can start on
 * the engine's image at once, while it is saved into its layout (`docker save`, streamed), which
 * must then hold that same image.
 */
async function saveOne(run: BuildRun, p: Platform, ref: string, dir: string, buildSeconds: number): Promise<PlatformBuilt> {
  const imageId = await engineImageId(ref)
  const started = Date.now()
  const layout = quiet(
    (async (): Promise<InLayout> => {
      await saveLayout(ref, dir)
      const top = await savedImage(dir)
      const image = await findPlatformImage(dir, p)
      requireSameImage(ref, imageId, expectedImageId(run.plan.store, top, image.manifest.config))
      const notes = [
        `Saved as an OCI layout in ${sec(since(started))} (docker save ${ref}, streamed into the layout: no archive written), while the test ran`,
        `The engine's image ${imageId} is the layout's`
      ]
      return { image, notes }
    })()
  )
  return { platform: p, imageId, layout, buildSeconds, sharedBuild: false }
}

/** One platform of a layout loaded into the engine under `ref`, checked to be the layout's image there; `build`: its build's time, and whether that build served every platform. */
async function loadOne(run: BuildRun, p: Platform, image: PlatformImage, ref: string, build: BuildTime): Promise<PlatformBuilt> {
  const started = Date.now()
  await loadPlatform(image, ref)
  const imageId = await engineImageId(ref)
  requireSameImage(ref, imageId, expectedImageId(run.plan.store, image.descriptor, image.manifest.config))
  const notes = [`Loaded into the engine in ${sec(since(started))} (this platform alone, streamed from the layout); it is ${imageId}`]
  return { platform: p, imageId, layout: Promise.resolve({ image, notes }), buildSeconds: build.seconds, sharedBuild: build.shared }
}

/** The first failed build's error, naming the others that failed with it. */
function buildFailure(failed: readonly { platforms: readonly Platform[]; error: unknown }[]): unknown {
  if (failed.length === 1) return failed[0].error
  const first = failed[0]
  return new ArchwayError(
    `The builds of ${list(failed.flatMap(f => f.platforms))} failed; ${list(first.platforms)}: ${(first.error as Error).message}`,
    { cause: first.error }
  )
}

const lines = (text: string) => (text ? text.replace(/\n$/, '').split('\n') : [])

/**
 * Refuses an engine image `id` (of `ref`, which the tests run) that is not `want`, the image its
 * OCI layout holds (expectedImageId): what the tests run is then exactly what the architecture
 * check reads and the push sends. Pure.
 */
export function requireSameImage(ref: string, id: string, want: string): void {
  if (id !== want)
    throw new VerificationError(
      `the engine's image ${ref} is ${id}, but its OCI layout holds ${want}: the image tested would not be the one pushed`
    )
}

/** A docker command held back for its log group: its command line, then what it printed. */
const commandLines = (argv: readonly string[], out: { stdout: string; stderr: string }) => [
  `[command]docker ${argv.join(' ')}`,
  ...lines(out.stdout),
  ...lines(out.stderr)
]

/** What a build pushed (`digest`), its documents read, and the whole of it being fetched into the layout since `started`. */
interface PulledBack {
  readonly to: PushTarget
  readonly digest: string
  readonly pushed: Pushed
  readonly fetching: Fetching
  readonly started: number
}

/**
 * What a build pushed by digest to `to` (its metadata file names it): its documents read, which
 * name each platform's manifest, and the whole image fetched meanwhile into the layout `dir`,
 * every blob checked against its digest, each platform's blobs there as soon as they are.
 */
async function pullBack(client: RegistryClient, to: PushTarget, metadata: string, dir: string): Promise<PulledBack> {
  const digest = await pushedDigest(metadata)
  const top = await client.headManifest(to.repository, digest)
  if (!top) throw new VerificationError(`the builder pushed ${pushedTo(to)}@${digest}, but the registry does not have it`)
  const pushed = await readPushed(client, to.repository, top)
  const started = Date.now()
  const fetching = await startFetch(client, pushed, dir)
  return { to, digest, pushed, fetching, started }
}

/**
 * One platform of what the builder pushed, pulled into the engine by its manifest's digest (that
 * name removed when the run ends, with the local tags), for its tests to start at once; its layout, once its blobs are fetched, must hold that
 * same manifest and the image the engine runs.
 */
async function pullOne(run: BuildRun, p: Platform, back: PulledBack, dir: string, build: BuildTime): Promise<PlatformBuilt> {
  const manifest = pushedManifest(back.pushed, p)
  const fetched = quiet(back.fetching.image(manifest).then(() => since(back.started)))
  const started = Date.now()
  const ref = `${pushedTo(back.to)}@${manifest.digest}`
  run.engineNames.add(ref)
  const imageId = await pullPlatform(ref)
  const pulled = `Pulled into the engine by its digest ${manifest.digest} in ${sec(since(started))}; it is ${imageId}`
  const layout = quiet(
    fetched.then(async took => {
      const image = await findPlatformImage(dir, p)
      if (image.descriptor.digest !== manifest.digest)
        throw new VerificationError(
          `the engine pulled ${manifest.digest} for ${formatPlatform(p)}, but its OCI layout holds ${image.descriptor.digest}: the image tested would not be the one pushed`
        )
      requireSameImage(ref, imageId, expectedImageId(run.plan.store, image.descriptor, image.manifest.config))
      const blobs = [image.manifest.config, ...image.manifest.layers]
      const mb = blobs.reduce((n, b) => n + b.size, 0) / 1e6
      const note = `Pushed by the builder as ${pushedTo(back.to)}@${back.digest}; this platform's ${blobs.length} blobs (${mb.toFixed(1)} MB) fetched back into the OCI layout ${sec(took)} after the fetch began, each checked against its digest`
      return { image, notes: [note, pulled] }
    })
  )
  return { platform: p, imageId, layout, buildSeconds: build.seconds, sharedBuild: build.shared }
}

/** One build of every platform, pushed by digest to `to` by the builder, each platform pulled back (pullOne). */
async function pushedOnce<R>(run: BuildRun, to: PushTarget, each: (built: PlatformBuilt) => Promise<R>): Promise<R[]> {
  const { plan, b, tag } = run
  const dir = await layoutDir(run, 'layout')
  const { took, recordRef, metadata } = await buildAll(
    run,
    files => pushArgv(buildArgv(b, plan.platforms, tag, files), to),
    `one build, builder ${plan.builder.name}, pushed by digest to ${pushedTo(to)}`
  )
  const back = await pullBack(await connect(to.registry, b), to, metadata, dir)
  const gate = limiter(run.parallel)
  const results = await settleAll(
    plan.platforms.map(p => gate(async () => each({ ...(await pullOne(run, p, back, dir, { seconds: took, shared: true })), recordRef })))
  )
  await back.fetching.done // the attestations' blobs too, before the push reads the layout
  return results
}

async function ociLayout<R>(run: BuildRun, each: (built: PlatformBuilt) => Promise<R>): Promise<R[]> {
  const { plan, b, tag } = run
  const dir = await layoutDir(run, 'layout')
  const { took, recordRef } = await buildAll(
    run,
    files => layoutArgv(buildArgv(b, plan.platforms, tag, files), dir),
    `one build, builder ${plan.builder.name}, exported as an OCI layout`
  )
  const gate = limiter(run.parallel)
  return settleAll(
    plan.platforms.map(p =>
      gate(async () =>
        each({
          ...(await loadOne(run, p, await findPlatformImage(dir, p), localRef(plan, tag, p), { seconds: took, shared: true })),
          recordRef
        })
      )
    )
  )
}
