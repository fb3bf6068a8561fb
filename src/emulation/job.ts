/**
 * Emulation for one job: QEMU and binfmt_misc for the platforms it builds, the QEMU each platform
 * runs under (kept current as a crash swaps one), and the QEMU cache entries the post step saves.
 */
import type { Inputs } from '../inputs/inputs.js'
import { formatPlatform, hostDebianArch, type RunnerArch } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'
import { type Emulation, emulatedPlatforms, qemuVersionsOf, type Swap, setUpEmulation, swapEmulator } from './emulation.js'
import type { CrashRecovery } from './emulator-crash.js'
import type { QemuSetup } from './qemu/setup.js'

/** A QEMU the Actions cache missed, to be saved by the post step under its own key. */
export interface QemuCacheEntry {
  readonly key: string
  readonly paths: readonly string[]
}

export interface JobEmulation extends CrashRecovery {
  /** The runner's own architecture, as Debian names it. */
  readonly runnerArch: RunnerArch
  /** What was set up; undefined when every platform runs natively. */
  readonly emulation?: Emulation
  /** The QEMU each emulated platform runs under now, by canonical platform. */
  readonly qemuVersions: Map<string, string>
  /** The swaps crashes made so far. */
  readonly swaps: readonly Swap[]
  /** The QEMU cache entries to save: the set-up's misses, then each swap's. */
  cacheEntries(): QemuCacheEntry[]
}

const entriesOf = (setups: readonly QemuSetup[]): QemuCacheEntry[] =>
  setups.flatMap(s => (s.saveKey ? [{ key: s.saveKey, paths: s.cachePaths }] : []))

/** Sets up emulation for `share`, the platforms this job builds. */
export async function emulateFor(inputs: Inputs, share: readonly Platform[]): Promise<JobEmulation> {
  const runnerArch = hostDebianArch()
  const emulation = await setUpEmulation(inputs, share, runnerArch)
  const qemuVersions = qemuVersionsOf(emulation)
  const swaps: Swap[] = []
  return {
    runnerArch,
    emulation,
    qemuVersions,
    swaps,
    emulated: emulatedPlatforms(share, runnerArch),
    swapEmulator: async (p, log) => {
      const swap = await swapEmulator(inputs, runnerArch, p, qemuVersions.get(formatPlatform(p)), log)
      if (swap) {
        swaps.push(swap)
        qemuVersions.set(swap.platform, swap.to)
      }
      return swap
    },
    cacheEntries: () => entriesOf([...(emulation?.groups ?? []).map(g => g.setup), ...swaps.map(s => s.setup)])
  }
}
