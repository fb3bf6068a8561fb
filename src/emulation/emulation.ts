/** Emulation for the platforms this job builds: QEMU from the caches or Debian's archive, then one binfmt_misc entry per emulator. */
import * as core from '@actions/core'
import type { Inputs } from '../inputs/inputs.js'
import { EnvironmentError, InputError } from '../shared/errors.js'
import {
  ALL_PLATFORMS,
  emulatorsNeeded,
  formatPlatform,
  formatPlatforms,
  needsEmulation,
  qemuArch,
  type RunnerArch
} from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'
import { secondsSince } from '../shared/time.js'
import { Binfmt, type RegistrationOutcome, wantedEntry } from './binfmt.js'
import type { QemuQuery } from './qemu/query.js'
import { type QemuSetup, setupQemu } from './qemu/setup.js'
import { binaryPath, type Installed } from './qemu/toolcache.js'

export interface Registration {
  readonly name: string
  readonly interpreter: string
  readonly outcome: RegistrationOutcome
}

/** One QEMU version and the platforms it emulates. */
export interface EmulationGroup {
  readonly setup: QemuSetup
  /** Canonical platforms (`linux/riscv64`). */
  readonly platforms: readonly string[]
  readonly registered: readonly Registration[]
}

export interface Emulation {
  /** The QEMU of the platforms without one of their own first, then one per other version asked for. */
  readonly groups: readonly EmulationGroup[]
}

/** What to set up: each query, its emulators and their platforms. */
export interface PlannedGroup {
  readonly query: QemuQuery
  readonly emulators: readonly string[]
  readonly platforms: readonly string[]
}

/**
 * The QEMU versions to set up for `platforms` on this host: the platforms that need an emulator
 * grouped by their query (their own `platform=query`, else the one for all). A query of its own
 * for a platform that runs natively, or two queries for platforms that share an emulator (arm/v6
 * and arm/v7 share qemu-arm), is refused before anything is downloaded. Entries for platforms
 * this job does not build (another matrix job's) are left to that job. Pure.
 */
export function planEmulation(
  all: QemuQuery,
  own: ReadonlyMap<string, QemuQuery>,
  platforms: readonly Platform[],
  runnerArch: RunnerArch
): PlannedGroup[] {
  const needed = new Set(emulatorsNeeded(platforms, runnerArch))
  const groups = new Map<string, { query: QemuQuery; emulators: Set<string>; platforms: string[] }>()
  const byEmulator = new Map<string, { text: string; platform: string }>()
  for (const p of platforms) {
    const name = formatPlatform(p)
    const mine = own.get(name)
    const emulator = qemuArch(p)
    if (!needed.has(emulator)) {
      if (mine)
        throw new InputError(
          'qemu-version',
          `${name}=${mine.text}`,
          `accepted: a version for a platform emulated on this ${runnerArch} host; ${name} runs natively`
        )
      continue
    }
    const query = mine ?? all
    const other = byEmulator.get(emulator)
    if (other && other.text !== query.text)
      throw new InputError(
        'qemu-version',
        `${name}=${query.text}`,
        `accepted: the same version for platforms that share qemu-${emulator} (${other.platform} runs under ${other.text})`
      )
    byEmulator.set(emulator, { text: query.text, platform: name })
    const group = groups.get(query.text) ?? { query, emulators: new Set<string>(), platforms: [] }
    group.emulators.add(emulator)
    group.platforms.push(name)
    groups.set(query.text, group)
  }
  return [...groups.values()]
    .sort((a, b) => Number(b.query.text === all.text) - Number(a.query.text === all.text))
    .map(g => ({ query: g.query, emulators: [...g.emulators], platforms: g.platforms }))
}

/** The runner's tool cache, which every QEMU set-up keeps its QEMU in. */
function runnerToolCache(): string {
  const toolCache = process.env.RUNNER_TOOL_CACHE
  if (!toolCache) throw new EnvironmentError('RUNNER_TOOL_CACHE is not set; Archway runs as a GitHub Actions step, which sets it')
  return toolCache
}

/** What every QEMU set-up of a job shares: the archive, the host, the caches, the log. */
function setupOptions(inputs: Inputs, runnerArch: RunnerArch, toolCache: string, info: (line: string) => void) {
  return {
    mirror: inputs.qemuMirror,
    runnerArch,
    cacheable: emulatorsNeeded(ALL_PLATFORMS, runnerArch),
    toolCache,
    useActionsCache: inputs.cache,
    now: new Date(),
    log: { warning: (m: string) => core.warning(m), info }
  }
}

/** Sets up QEMU and binfmt_misc for the platforms that need it, one QEMU per version asked for; undefined when every one runs natively. */
export async function setUpEmulation(
  inputs: Inputs,
  platforms: readonly Platform[],
  runnerArch: RunnerArch,
  binfmt = new Binfmt()
): Promise<Emulation | undefined> {
  const planned = planEmulation(inputs.qemuVersion, inputs.qemuVersionFor, platforms, runnerArch)
  if (planned.length === 0) {
    core.info(`Every platform to build (${formatPlatforms(platforms)}) runs natively on this ${runnerArch} host; no emulation set up`)
    return undefined
  }
  const toolCache = runnerToolCache()
  // Registering needs root or password-less sudo: known before anything is downloaded.
  await binfmt.checkAccess()
  const groups: EmulationGroup[] = []
  for (const g of planned) {
    const started = Date.now()
    const title = planned.length === 1 ? 'QEMU' : `QEMU ${g.query.text} for ${g.platforms.join(', ')}`
    groups.push(
      await core.group(title, async () => {
        const setup = await setupQemu({
          ...setupOptions(inputs, runnerArch, toolCache, m => core.info(m)),
          query: g.query,
          needed: g.emulators
        })
        const q = setup.installed
        core.info(
          `QEMU ${q.qemuVersion}: Debian ${q.package} ${q.debianVersion} from ${q.suite} (${q.codename}), .deb SHA-256 ${q.debSha256}`
        )
        core.info(`Source: ${setup.source}${setup.source === 'Debian archive' ? ` (${q.url})` : ''}`)
        const registered = await registerEmulators(q, g.emulators, inputs.binfmtFlags, m => core.info(m), binfmt)
        core.info(`Set up in ${secondsSince(started).toFixed(2)} s`)
        return { setup, platforms: g.platforms, registered }
      })
    )
  }
  return { groups }
}

/** Another QEMU registered for one platform's emulator after a crash under `from`. */
export interface Swap {
  readonly platform: string
  readonly from: string
  readonly to: string
  readonly setup: QemuSetup
}

/**
 * After a crash under emulation: the newest QEMU in the archive, or stable's when the newest is
 * the one in use, set up and verified as the first was, and registered for the platform's
 * emulator alone; undefined when the archive has no other. Other emulators' entries stay.
 */
export async function swapEmulator(
  inputs: Inputs,
  runnerArch: RunnerArch,
  platform: Platform,
  inUse: string | undefined,
  log: (line: string) => void
): Promise<Swap | undefined> {
  const toolCache = runnerToolCache()
  const emulator = qemuArch(platform)
  for (const text of ['latest', 'stable'] as const) {
    const setup = await setupQemu({ ...setupOptions(inputs, runnerArch, toolCache, log), query: { kind: text, text }, needed: [emulator] })
    const q = setup.installed
    if (q.debianVersion === inUse) continue
    log(`QEMU ${q.qemuVersion} (${text}): Debian ${q.package} ${q.debianVersion}, .deb SHA-256 ${q.debSha256}, from the ${setup.source}`)
    await registerEmulators(q, [emulator], inputs.binfmtFlags, log)
    return { platform: formatPlatform(platform), from: inUse ?? '(unknown)', to: q.debianVersion, setup }
  }
  return undefined
}

/** The Debian version of the QEMU each emulated platform runs under, by canonical platform. */
export function qemuVersionsOf(emulation: Emulation | undefined): Map<string, string> {
  return new Map(emulation?.groups.flatMap(g => g.platforms.map(p => [p, g.setup.installed.debianVersion] as const)) ?? [])
}

/** The platforms that run under emulation on this host, canonically spelled. */
export function emulatedPlatforms(platforms: readonly Platform[], runnerArch: RunnerArch): ReadonlySet<string> {
  return new Set(platforms.map(formatPlatform).filter(p => needsEmulation(p, runnerArch)))
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
