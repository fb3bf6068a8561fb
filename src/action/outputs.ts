/** The step's outputs, each set in one place. */
import * as core from '@actions/core'
import type { Installed } from '../emulation/qemu/toolcache.js'
import type { ImageReference } from '../registry/reference.js'
import { formatReference } from '../registry/reference.js'
import { formatPlatform } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'

export function setPlatformsOutput(platforms: readonly Platform[]): void {
  core.setOutput('platforms', platforms.map(formatPlatform).join(','))
}

/** The QEMU of the platforms without one of their own (`q`), and the version each emulated platform runs under. */
export function setQemuOutputs(q: Installed, byPlatform: ReadonlyMap<string, string>): void {
  core.setOutput('qemu-version', q.debianVersion)
  core.setOutput('qemu-sha256', q.debSha256)
  core.setOutput('qemu-path', q.dir)
  core.setOutput('qemu-versions', JSON.stringify(Object.fromEntries(byPlatform)))
}

export interface ImageOutputs {
  readonly image: ImageReference
  readonly tags: readonly ImageReference[]
  /** The platform images pushed (canonical platform and manifest digest), when they were. */
  readonly images?: readonly { readonly platform: string; readonly digest: string }[]
  /** The index digest, once it is known. */
  readonly digest?: string
}

export function setImageOutputs(o: ImageOutputs): void {
  core.setOutput('image', `${o.image.registry}/${o.image.repository}`)
  core.setOutput('tags', o.tags.map(formatReference).join(','))
  if (o.images) core.setOutput('platform-digests', JSON.stringify(Object.fromEntries(o.images.map(i => [i.platform, i.digest]))))
  if (o.digest) core.setOutput('digest', o.digest)
}

/** The reusable workflow's plan step: the matrix of jobs, and the platforms as one list. */
export function setMatrixPlanOutputs(plan: { readonly include: readonly unknown[]; readonly platforms: string }): void {
  core.setOutput('matrix', JSON.stringify({ include: plan.include }))
  core.setOutput('platforms', plan.platforms)
}
