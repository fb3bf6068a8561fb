/** The post step, after a successful job: publish the index under the tags, then save QEMU to the Actions cache. */
import * as core from '@actions/core'
import { ArchwayError, errorMessage } from './errors.js'
import { getCredentials } from './inputs.js'
import { publishIndex, releaseOf, stageAndPublish } from './publish/publish-index.js'
import { loadState } from './state.js'

export async function run(): Promise<void> {
  const state = loadState()
  if (state?.publish) {
    try {
      const publish = state.publish
      const access = getCredentials()
      const outcome = await core.group('Publish the index', async () => {
        const o = publish.release ? await stageAndPublish(publish, releaseOf(publish.release), access) : await publishIndex(publish, access)
        o.lines.forEach(line => core.info(line))
        return o
      })
      if (outcome.index && process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(`\n${outcome.lines.join('\n\n')}\n`, true).write()
    } catch (err) {
      core.setFailed(err instanceof ArchwayError ? err.message : `Archway could not publish the index: ${errorMessage(err)}`)
      return
    }
  }
  if (state?.qemuCache) {
    // Saving the cache never fails a job whose work is done.
    // Loaded only when there is something to save: the cache service client is most of the bundle.
    const { save } = await import('./qemu/actions-cache.js')
    await save([...state.qemuCache.paths], state.qemuCache.key, { warning: m => core.warning(m), info: m => core.info(m) }).catch(err => core.warning(`Saving QEMU to the Actions cache failed: ${errorMessage(err)}`))
  }
}
