/** What the main step found for each platform and for the whole run: read by the summary, the outputs and the post state. */
import type { EmulationCost } from '../build/cost.js'
import type { BuildPlan } from '../build/plan.js'
import type { EngineInfo } from '../docker/engine.js'
import type { CrashSignal, TestResult } from '../docker/test-run.js'
import type { Published } from '../publish/push-image.js'
import type { Platform } from '../shared/platform-table.js'
import type { ArchReport } from '../verify/arch.js'

export interface PlatformResult {
  readonly platform: Platform
  readonly buildSeconds: number
  /** True when one build served every platform (its time is shared). */
  readonly sharedBuild: boolean
  readonly test?: TestResult
  /** When the test crashed under emulation and ran again under another QEMU: the first crash's signal and the two versions. */
  readonly retry?: Retry
  readonly arch?: ArchReport
  readonly published?: Published
  /** The builder's node that built it (from BuildKit's record of the build), when buildx named it. */
  readonly node?: string
}

/** A test that crashed under emulation and ran again under another QEMU. */
export interface Retry {
  readonly signal: CrashSignal
  readonly from: string
  readonly to: string
}

export interface PipelineResult {
  readonly engine: EngineInfo
  readonly plan: BuildPlan
  readonly platforms: readonly PlatformResult[]
  /** What the builds' RUN steps cost per platform they ran as, when a platform is emulated and BuildKit's records could be read. */
  readonly cost?: EmulationCost
}
