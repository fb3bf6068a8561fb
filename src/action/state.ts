/** The post step's state: one versioned JSON object, typed on both sides, never a secret. */
import * as core from '@actions/core'
import type { StoreKind } from '../coordination/store.js'
import type { IndexNotes } from '../publish/index-manifest.js'

/**
 * 2: the index's entries carry annotations (`descriptorAnnotations`); 3: one QEMU cache entry per version set up (`qemuCaches`);
 * 4: a matrix release names where its records are (`store`) and its attempt is a number.
 */
export const STATE_VERSION = 4
const KEY = 'archway'

/** What the index is built from, besides the images: `annotations` (the index's) and `descriptorAnnotations` (each entry's). */
export interface PublishState extends IndexNotes {
  /** Each repository the tags name, with its tags. */
  readonly targets: readonly { readonly registry: string; readonly repository: string; readonly tags: readonly string[] }[]
  /** Every platform image, pushed by digest to every target. */
  readonly images: readonly { readonly platform: string; readonly mediaType: string; readonly digest: string; readonly size: number }[]
  /** The index digest main computed and gave as an output (one job building every platform). */
  readonly digest?: string
  /** In a matrix: the release this job's platforms belong to, and every platform it needs. */
  readonly release?: {
    readonly key: string
    readonly attempt: number
    readonly platforms: readonly string[]
    readonly publish: boolean
    readonly store: StoreKind
  }
}

export interface PostState {
  readonly version: typeof STATE_VERSION
  /** One per QEMU version the Actions cache missed: save the Debian files QEMU came from (src/emulation/qemu/kept.ts) under its key. */
  readonly qemuCaches?: readonly { readonly key: string; readonly paths: readonly string[] }[]
  readonly publish?: PublishState
}

export function saveState(state: Omit<PostState, 'version'>): void {
  core.saveState(KEY, JSON.stringify({ version: STATE_VERSION, ...state }))
}

/** Undefined when main saved nothing (it failed early, or ran an older format). */
export function loadState(): PostState | undefined {
  const raw = core.getState(KEY)
  if (!raw) return undefined
  try {
    const s = JSON.parse(raw) as PostState
    return s.version === STATE_VERSION ? s : undefined
  } catch {
    return undefined
  }
}
