/** The post step (only after a successful job): save QEMU to the Actions cache when it missed. */
import * as core from '@actions/core'
import { errorMessage } from './errors.js'
import { save } from './qemu/actions-cache.js'
import { loadState } from './state.js'

export async function run(): Promise<void> {
  try {
    const state = loadState()
    if (state?.qemuCache) await save(state.qemuCache.paths, state.qemuCache.key, { warning: m => core.warning(m), info: m => core.info(m) })
  } catch (err) {
    // Nothing in the post step may fail a job whose work is done.
    core.warning(`Archway post step: ${errorMessage(err)}`)
  }
}
