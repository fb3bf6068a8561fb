/** Registers the cached emulators with binfmt_misc, one entry per needed emulator. */
import { Binfmt, type RegistrationOutcome, wantedEntry } from './binfmt.js'
import { binaryPath, type Installed } from './qemu/toolcache.js'

export interface Registration {
  readonly name: string
  readonly interpreter: string
  readonly outcome: RegistrationOutcome
}

export async function registerEmulators(installed: Installed, needed: readonly string[], flags: string, log: (line: string) => void, binfmt = new Binfmt()): Promise<Registration[]> {
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
