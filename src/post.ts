/** The post step, after a successful job: publish the index under the tags, then save QEMU to the Actions cache. */
import { rm } from 'node:fs/promises'
import * as core from '@actions/core'
import { loadState, type PostState } from './action/state.js'
import { runStep } from './action/step.js'
import { publishFromState } from './publish/publish-index.js'
import { errorMessage } from './shared/errors.js'
import { ALL_PLATFORMS, emulatorsNeeded, hostDebianArch } from './shared/platform.js'

export async function run(): Promise<void> {
  const state = loadState()
  const publish = state?.publish
  if (publish && !(await runStep('Archway could not publish the index', () => publishFromState(publish)))) return
  for (const cache of state?.qemuCaches ?? []) await saveQemuCache(cache)
}

/** Saving the cache never fails a job whose work is done. */
async function saveQemuCache(cache: NonNullable<PostState['qemuCaches']>[number]): Promise<void> {
  // Loaded only when there is something to save: the cache service client is most of the bundle.
  const [{ available, save }, { completeEntry }] = await Promise.all([
    import('./emulation/qemu/actions-cache.js'),
    import('./emulation/qemu/kept.js')
  ])
  const log = { warning: (m: string) => core.warning(m), info: (m: string) => core.info(m) }
  // The main step unpacked the emulators it needed; the entry keeps every one a job here may need.
  if (available()) {
    const emulators = emulatorsNeeded(ALL_PLATFORMS, hostDebianArch())
    for (const dir of cache.paths) await completeEntry(dir, emulators, log)
  }
  await save([...cache.paths], cache.key, log).catch(err => core.warning(`Saving QEMU to the Actions cache failed: ${errorMessage(err)}`))
  // The Debian files kept for the entry (src/emulation/qemu/kept.ts) are not needed once it is saved.
  for (const path of cache.paths) await rm(path, { recursive: true, force: true }).catch(() => undefined)
}
