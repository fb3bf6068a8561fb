/**
 * The engine and the buildx builder a build runs on, asked once before anything is set up, and
 * what they cannot do, refused then: nothing is downloaded, registered or built for a build that
 * could not end well.
 */
import { checkAttestationStore } from './attestations.js'
import type { BuilderInfo } from './build-plan.js'
import { cacheType } from './cache-entries.js'
import { builderInfo } from './docker/builder.js'
import { type EngineInfo, engineInfo } from './docker/engine.js'
import { InputError } from './errors.js'
import type { BuildInputs } from './inputs.js'

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

/** What the engine and builder at hand cannot do for these inputs, refused in one line naming the fix. Pure. */
export function checkBuildHost(b: Pick<BuildInputs, 'provenance' | 'settings'>, host: BuildHost): void {
  if (host.builder.driver !== 'docker' || host.engine.store !== 'classic') return
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
