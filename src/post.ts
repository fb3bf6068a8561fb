/** The post step, after a successful job: publish the index under the tags, then save QEMU to the Actions cache. */
import * as core from '@actions/core'
import { ArchwayError, errorMessage } from './errors.js'
import { getCredentials } from './inputs.js'
import { publishIndex } from './publish/publish-index.js'
import { save } from './qemu/actions-cache.js'
import { loadState } from './state.js'

export async function run(): Promise<void> {
  const state = loadState()
  if (state?.publish) {
    try {
      const publish = state.publish
      const index = await core.group('Publish the index', () => publishIndex(publish, getCredentials(), line => core.info(line)))
      const tags = publish.targets.flatMap(t => t.tags.map(tag => `${t.registry}/${t.repository}:${tag}`))
      if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(`\nIndex \`${index.digest}\` published as ${tags.map(t => `\`${t}\``).join(', ')}.\n`, true).write()
    } catch (err) {
      core.setFailed(err instanceof ArchwayError ? err.message : `Archway could not publish the index: ${errorMessage(err)}`)
      return
    }
  }
  if (state?.qemuCache) {
    // Saving the cache never fails a job whose work is done.
    await save([...state.qemuCache.paths], state.qemuCache.key, { warning: m => core.warning(m), info: m => core.info(m) }).catch(err => core.warning(`Saving QEMU to the Actions cache failed: ${errorMessage(err)}`))
  }
}
