/** Emulation for the platforms this job builds: QEMU from the caches or Debian's archive, then one binfmt_misc entry per emulator. */
import * as core from '@actions/core'
import { Binfmt, type RegistrationOutcome, wantedEntry } from './binfmt.js'
import { EnvironmentError } from './errors.js'
import type { Inputs } from './inputs.js'
import { setQemuOutputs } from './outputs.js'
import { ALL_PLATFORMS, emulatorsNeeded, formatPlatform, type Platform, qemuArch } from './platform.js'
import { type QemuSetup, setupQemu } from './qemu/setup.js'
import { binaryPath, type Installed } from './qemu/toolcache.js'

export interface Registration {
  readonly name: string
  readonly interpreter: string
  readonly outcome: RegistrationOutcome
}

export interface Emulation {
  readonly setup: QemuSetup
  readonly registered: readonly Registration[]
}

/** Sets up QEMU and binfmt_misc for the platforms that need it; undefined when every one runs natively. */
export async function setUpEmulation(
  inputs: Inputs,
  platforms: readonly Platform[],
  host: 'amd64' | 'arm64'
): Promise<Emulation | undefined> {
  const needed = emulatorsNeeded(platforms, host)
  if (needed.length === 0) {
    core.info(
      `Every platform to build (${platforms.map(formatPlatform).join(', ')}) runs natively on this ${host} host; no emulation set up`
    )
    return undefined
  }
  const toolCache = process.env.RUNNER_TOOL_CACHE
  if (!toolCache) throw new EnvironmentError('RUNNER_TOOL_CACHE is not set; Archway runs as a GitHub Actions step, which sets it')
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
    const registered = await registerEmulators(q, needed, inputs.binfmtFlags, m => core.info(m))
    core.info(`Set up in ${((Date.now() - started) / 1000).toFixed(2)} s`)
    return { setup, registered }
  })
  setQemuOutputs(emulation.setup.installed)
  return emulation
}

/** The platforms that run under emulation on this host, canonically spelled. */
export function emulatedPlatforms(platforms: readonly Platform[], host: 'amd64' | 'arm64'): ReadonlySet<string> {
  const needed = new Set(emulatorsNeeded(platforms, host))
  return new Set(platforms.filter(p => needed.has(qemuArch(p))).map(formatPlatform))
}

export async function registerEmulators(
  installed: Installed,
  needed: readonly string[],
  flags: string,
  log: (line: string) => void,
  binfmt = new Binfmt()
): Promise<Registration[]> {
  if (await binfmt.ensureMounted()) log(`Mounted binfmt_misc at ${binfmt.dir}`)
  const out: Registration[] = []
  for (const emulator of needed) {
    const entry = wantedEntry(emulator, binaryPath(installed, emulator), flags)
    const outcome = await binfmt.ensure(entry)
    out.push({ name: entry.name, interpreter: entry.interpreter, outcome })
  }
  const by = (o: RegistrationOutcome) => out.filter(r => r.outcome === o).map(r => r.name)
  const parts = (['registered', 'replaced', 'unchanged', 'kept'] as const).filter(o => by(o).length).map(o => `${o} ${by(o).join(', ')}`)
  log(`binfmt_misc (flags ${flags || 'none'}): ${parts.join('; ')}`)
  for (const name of by('replaced')) log(`Replaced an existing, different ${name} entry`)
  for (const name of by('kept')) log(`Kept the ${name} entry another process registered at the same moment, for the same binaries`)
  return out
}
