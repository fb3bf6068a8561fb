/** The reusable workflow's matrix: one job per platform, each on the runner the platform table suggests. Pure. */
import { formatPlatform, platformFacts } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'

export interface MatrixPlan {
  readonly include: readonly { readonly platform: string; readonly runner: string }[]
  /** Normalised, comma-separated: every job's `platforms` input. */
  readonly platforms: string
}

export function planMatrix(platforms: readonly Platform[], nativeArm: boolean): MatrixPlan {
  const runner = (p: Platform) => (nativeArm && platformFacts(p).armRunner ? 'ubuntu-24.04-arm' : 'ubuntu-latest')
  return {
    include: platforms.map(p => ({ platform: formatPlatform(p), runner: runner(p) })),
    platforms: platforms.map(formatPlatform).join(',')
  }
}
