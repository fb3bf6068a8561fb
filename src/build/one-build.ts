/** The plans of one build of every platform: on the containerd store, exported as an OCI layout, or pushed by the builder. */
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import * as core from '@actions/core'
import { grouped } from '../action/log-group.js'
import { buildArgv } from '../docker/buildx.js'
import { docker } from '../docker/engine.js'
import { imageId as engineImageId, expectedImageId, saveLayout } from '../docker/image-io.js'
import { connect } from '../inputs/registries.js'
import { findPlatformImage } from '../oci/layout.js'
import type { Descriptor } from '../oci/types.js'
import { limiter, quiet, settleAll } from '../shared/concurrency.js'
import { CommandError } from '../shared/exec.js'
import { formatPlatform, formatPlatforms } from '../shared/platform.js'
import { formatSeconds, secondsSince } from '../shared/time.js'
import { loadOne, pullBack, pullOne } from './hand-on.js'
import { layoutArgv, loadAndLayoutArgv, localRef, ociLoadArgv, type PushTarget, pushArgv, pushedTo, recordArgv } from './plan.js'
import { type BuildRun, commandLines, layoutDir, type PlatformBuilt, recordOf, requireSameImage, savedImage, withSecrets } from './run.js'

/** One build of every platform, its output streamed into one group; its time in seconds and its record. */
async function buildAll(
  run: BuildRun,
  argv: (files: ReadonlyMap<string, string>) => string[],
  how: string
): Promise<{ took: number; recordRef?: string; metadata: string }> {
  const started = Date.now()
  const metadata = join(run.scratch, 'metadata.json')
  await withSecrets(run, files =>
    core.group(`Build ${formatPlatforms(run.plan.platforms)} (${how})`, () => docker(recordArgv(argv(files), metadata), { echo: true }))
  )
  const took = secondsSince(started)
  core.info(`Built ${run.plan.platforms.length} platform(s) in ${formatSeconds(took)}`)
  return { took, recordRef: await recordOf(metadata), metadata }
}

export async function multiPlatform<R>(run: BuildRun, each: (built: PlatformBuilt) => Promise<R>): Promise<R[]> {
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
      const how = `Written as an OCI layout from the build cache in ${formatSeconds(secondsSince(started))} (the engine's image, not read back from the engine)`
      log(how)
      return { top, how }
    }
    log(`The export from the build cache is ${top.digest}, not the engine's image ${engine}: saving the engine's image instead`)
    await rm(dir, { recursive: true, force: true })
    await mkdir(dir)
    const saved = Date.now()
    await saveLayout(tag, dir)
    const how = `Saved as an OCI layout in ${formatSeconds(secondsSince(saved))} (docker save ${tag}, streamed into the layout), the export from the build cache not being the same image`
    log(how)
    return { top: await savedImage(dir), how }
  })
}

/** One build of every platform, pushed by digest to `to` by the builder, each platform pulled back (pullOne). */
export async function pushedOnce<R>(run: BuildRun, to: PushTarget, each: (built: PlatformBuilt) => Promise<R>): Promise<R[]> {
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

export async function ociLayout<R>(run: BuildRun, each: (built: PlatformBuilt) => Promise<R>): Promise<R[]> {
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
