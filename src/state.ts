/** The post step's state: one versioned JSON object, typed on both sides, never a secret. */
import * as core from '@actions/core'

export const STATE_VERSION = 1
const KEY = 'archway'

export interface PostState {
  readonly version: typeof STATE_VERSION
  /** Set when the Actions cache missed: save the QEMU tool-cache folder under this key. */
  readonly qemuCache?: { readonly key: string; readonly paths: string[] }
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
