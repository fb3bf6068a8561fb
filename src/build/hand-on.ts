import { pushedDigest } from '../docker/build-record.js'
import { imageId as engineImageId, expectedImageId, loadPlatform, pullPlatform, saveLayout } from '../docker/image-io.js'
import { type Fetching, type Pushed, pushedManifest, readPushed, startFetch } from '../oci/fetch.js'
import { findPlatformImage, type PlatformImage } from '../oci/layout.js'
import type { RegistryClient } from '../registry/client.js'
import { quiet } from '../shared/concurrency.js'
import { VerificationError } from '../shared/errors.js'
import { formatPlatform } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'
import { formatSeconds, secondsSince } from '../shared/time.js'
import { type PushTarget, pushedTo } from './plan.js'
import { type BuildRun, type BuildTime, type InLayout, type PlatformBuilt, requireSameImage, savedImage } from './run.js'

/**
 * One platform built into the engine by the classic store's docker driver: its tests can start on
 * the engine's image at once, while it is saved into its layout (`docker save`, streamed), which
 * must then hold that same image.
 */
export async function saveOne(run: BuildRun, p: Platform, ref: string, dir: string, buildSeconds: number): Promise<PlatformBuilt> {
  const imageId = await engineImageId(ref)
  const started = Date.now()
  const layout = quiet(
    (async (): Promise<InLayout> => {
      await saveLayout(ref, dir)
      const top = await savedImage(dir)
      const image = await findPlatformImage(dir, p)
      requireSameImage(ref, imageId, expectedImageId(run.plan.store, top, image.manifest.config))
      const notes = [
        `Saved as an OCI layout in ${formatSeconds(secondsSince(started))} (docker save ${ref}, streamed into the layout: no archive written), while the test ran`,
        `The engine's image ${imageId} is the layout's`
      ]
      return { image, notes }
    })()
  )
  return { platform: p, imageId, layout, buildSeconds, sharedBuild: false }
}

/** One platform of a layout loaded into the engine under `ref`, checked to be the layout's image there; `build`: its build's time, and whether that build served every platform. */
export async function loadOne(run: BuildRun, p: Platform, image: PlatformImage, ref: string, build: BuildTime): Promise<PlatformBuilt> {
  const started = Date.now()
  await loadPlatform(image, ref)
  const imageId = await engineImageId(ref)
  requireSameImage(ref, imageId, expectedImageId(run.plan.store, image.descriptor, image.manifest.config))
  const notes = [
    `Loaded into the engine in ${formatSeconds(secondsSince(started))} (this platform alone, streamed from the layout); it is ${imageId}`
  ]
  return { platform: p, imageId, layout: Promise.resolve({ image, notes }), buildSeconds: build.seconds, sharedBuild: build.shared }
}

/** What a build pushed (`digest`), its documents read, and the whole of it being fetched into the layout since `started`. */
export interface PulledBack {
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
export async function pullBack(client: RegistryClient, to: PushTarget, metadata: string, dir: string): Promise<PulledBack> {
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
export async function pullOne(run: BuildRun, p: Platform, back: PulledBack, dir: string, build: BuildTime): Promise<PlatformBuilt> {
  const manifest = pushedManifest(back.pushed, p)
  const fetched = quiet(back.fetching.image(manifest).then(() => secondsSince(back.started)))
  const started = Date.now()
  const ref = `${pushedTo(back.to)}@${manifest.digest}`
  run.engineNames.add(ref)
  const imageId = await pullPlatform(ref)
  const pulled = `Pulled into the engine by its digest ${manifest.digest} in ${formatSeconds(secondsSince(started))}; it is ${imageId}`
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
      const note = `Pushed by the builder as ${pushedTo(back.to)}@${back.digest}; this platform's ${blobs.length} blobs (${mb.toFixed(1)} MB) fetched back into the OCI layout ${formatSeconds(took)} after the fetch began, each checked against its digest`
      return { image, notes: [note, pulled] }
    })
  )
  return { platform: p, imageId, layout, buildSeconds: build.seconds, sharedBuild: build.shared }
}
