/**
 * A build plan carried out: every platform's image built, in an OCI layout (the build's own
 * export, or `docker save` streamed into it) and in the engine, checked to be the same image in
 * both, then handed on as soon as it is ready.
 */
import type { NodeBuild } from './nodes.js'
import { multiPlatform, ociLayout, pushedOnce } from './one-build.js'
import type { BuildRun, PlatformBuilt } from './run.js'
import { LOADED_FROM_LAYOUT, pushedByNode, SAVED_FROM_ENGINE, sideBySide } from './side-by-side.js'

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
