/** The main step: inputs, then QEMU, then binfmt_misc entries. */
import * as core from '@actions/core'
import { ArchwayError, errorMessage } from './errors.js'
import { type Inputs, getInputs } from './inputs.js'
import { registerEmulators } from './emulation.js'
import { ALL_PLATFORMS, emulatorsNeeded, formatPlatform, hostDebianArch } from './platform.js'
import { setupQemu } from './qemu/setup.js'
import { saveState } from './state.js'
import { writeSummary } from './summary.js'

export async function run(): Promise<void> {
  try {
    const inputs = getInputs()
    await main(inputs)
  } catch (err) {
    core.setFailed(err instanceof ArchwayError ? err.message : `Archway failed: ${errorMessage(err)}`)
    if (err instanceof Error && !(err instanceof ArchwayError) && err.stack) core.debug(err.stack)
  }
}

async function main(inputs: Inputs): Promise<void> {
  const host = hostDebianArch()
  const platforms = inputs.platforms.map(formatPlatform)
  core.setOutput('platforms', platforms.join(','))
  const needed = emulatorsNeeded(inputs.platforms, host)
  if (needed.length === 0) {
    core.info(`Every requested platform (${platforms.join(', ')}) runs natively on this ${host} host; no emulation set up`)
    await writeSummary({ platforms, host, emulation: undefined })
    return
  }
  const toolCache = process.env.RUNNER_TOOL_CACHE
  if (!toolCache) throw new ArchwayError('RUNNER_TOOL_CACHE is not set; Archway runs as a GitHub Actions step, which sets it')

  const started = Date.now()
  const emulation = await core.group('QEMU', async () => {
    const setup = await setupQemu({
      query: inputs.qemuVersion,
      mirror: inputs.qemuMirror,
      host,
      needed,
      cacheable: emulatorsNeeded(ALL_PLATFORMS, host),
      toolCache,
      useActionsCache: inputs.cache,
      now: new Date(),
      log: { warning: m => core.warning(m), info: m => core.info(m) }
    })
    const q = setup.installed
    core.info(`QEMU ${q.qemuVersion}: Debian ${q.package} ${q.debianVersion} from ${q.suite} (${q.codename}), .deb SHA-256 ${q.debSha256}`)
    core.info(`Source: ${setup.source}${setup.source === 'Debian archive' ? ` (${q.url})` : ''}`)
    const registered = await registerEmulators(setup.installed, needed, inputs.binfmtFlags, m => core.info(m))
    core.info(`Set up in ${((Date.now() - started) / 1000).toFixed(2)} s`)
    return { setup, registered }
  })

  const q = emulation.setup.installed
  core.setOutput('qemu-version', q.debianVersion)
  core.setOutput('qemu-sha256', q.debSha256)
  core.setOutput('qemu-path', q.dir)
  if (emulation.setup.saveKey) saveState({ qemuCache: { key: emulation.setup.saveKey, paths: emulation.setup.cachePaths } })
  await writeSummary({ platforms, host, emulation })
}
