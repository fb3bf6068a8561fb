/**
 * binfmt_misc: the registration lines (pure), and mounting, reading and registering
 * entries on the host, as root directly or through `sudo` otherwise.
 */
import { access, readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { EnvironmentError, errorMessage } from '../shared/errors.js'
import { outputTail, run } from '../shared/exec.js'
import { binfmtMagic } from '../shared/platform.js'

export interface Entry {
  readonly name: string
  readonly interpreter: string
  readonly magic: string
  readonly mask: string
  readonly offset: number
  readonly flags: string
}

/** Whether two paths hold the same bytes (false when either cannot be read). */
async function sameProgram(a: string, b: string): Promise<boolean> {
  if (a === b) return true
  try {
    const [x, y] = await Promise.all([readFile(a), readFile(b)])
    return x.equals(y)
  } catch {
    return false
  }
}

export function entryName(emulator: string): string {
  return `qemu-${emulator}`
}

export function wantedEntry(emulator: string, interpreter: string, flags: string): Entry {
  const m = binfmtMagic(emulator)
  if (!m) throw new Error(`no binfmt_misc magic known for ${emulator}`)
  return { name: entryName(emulator), interpreter, magic: m.magic, mask: m.mask, offset: 0, flags }
}

const escapeHex = (hex: string) => hex.replace(/../g, b => `\\x${b}`)

/** The line written to `register`: `:name:M:offset:magic:mask:interpreter:flags`. Pure. */
export function registrationLine(e: Entry): string {
  if (e.interpreter.includes(':')) throw new EnvironmentError(`binfmt_misc interpreter path ${e.interpreter} contains a colon`)
  return `:${e.name}:M:${e.offset || ''}:${escapeHex(e.magic)}:${escapeHex(e.mask)}:${e.interpreter}:${e.flags}`
}

/** Parses a registration line as Debian's /usr/lib/binfmt.d files write them. Pure. */
export function parseRegistrationLine(line: string): Entry {
  const [, name, , offset, magic, mask, interpreter, flags] = line.trim().split(':')
  const unescapeHex = (s: string) => s.replace(/\\x([0-9a-fA-F]{2})/g, '$1').toLowerCase()
  return { name, interpreter, magic: unescapeHex(magic), mask: unescapeHex(mask), offset: Number(offset || 0), flags: flags ?? '' }
}

/** Parses `/proc/sys/fs/binfmt_misc/<name>` as the kernel prints it. Pure. */
export function parseEntryFile(name: string, text: string): Entry & { readonly enabled: boolean } {
  const field = (f: string) => new RegExp(`^${f}[ :]+(.*)$`, 'm').exec(text)?.[1]?.trim() ?? ''
  return {
    name,
    enabled: /^enabled$/m.test(text),
    interpreter: field('interpreter'),
    flags: field('flags'),
    offset: Number(field('offset') || 0),
    magic: field('magic'),
    mask: field('mask')
  }
}

/** The kernel turns on O whenever C is given, and prints flags in its own order. */
function flagSet(flags: string): string {
  const s = new Set(flags.toUpperCase())
  if (s.has('C')) s.add('O')
  return ['P', 'O', 'C', 'F'].filter(f => s.has(f)).join('')
}

/** True when an existing entry does exactly what `wanted` would. Pure. */
export function sameEntry(existing: Entry & { enabled: boolean }, wanted: Entry): boolean {
  return (
    existing.enabled &&
    existing.interpreter === wanted.interpreter &&
    existing.offset === wanted.offset &&
    existing.magic === wanted.magic &&
    // The kernel prints the magic already masked and the mask in full.
    existing.mask === wanted.mask &&
    flagSet(existing.flags) === flagSet(wanted.flags)
  )
}

export const BINFMT_DIR = '/proc/sys/fs/binfmt_misc'

/** `kept`: another process registered its own emulator for the same binaries at the same moment. */
export type RegistrationOutcome = 'registered' | 'unchanged' | 'replaced' | 'kept'

/** The host's binfmt_misc. Writes go straight to /proc as root, through `sudo -n` otherwise. */
export class Binfmt {
  constructor(
    readonly dir: string = BINFMT_DIR,
    readonly root: boolean = process.getuid?.() === 0
  ) {}

  /**
   * Throws, in one line, when this process can write binfmt_misc neither as root nor through
   * password-less sudo (`sudo -n true` fails, or there is no sudo): asked before anything is
   * downloaded, so that such a host gets nothing but the reason.
   */
  async checkAccess(): Promise<void> {
    if (this.root) return
    let reason: string
    try {
      const sudo = await run('sudo', ['-n', 'true'], { allowFailure: true })
      if (sudo.exitCode === 0) return
      reason = `it exited with ${sudo.exitCode}: ${outputTail(sudo, 200)}`
    } catch (err) {
      reason = /unable to locate executable/i.test(errorMessage(err)) ? 'there is no sudo on PATH' : errorMessage(err)
    }
    throw new EnvironmentError(
      `Registering emulators with binfmt_misc needs root or password-less sudo: this step does not run as root, and "sudo -n true" failed (${reason}); nothing was downloaded`
    )
  }

  async mounted(): Promise<boolean> {
    return access(join(this.dir, 'register')).then(
      () => true,
      () => false
    )
  }

  async ensureMounted(): Promise<boolean> {
    if (await this.mounted()) return false
    const args = ['-t', 'binfmt_misc', 'binfmt_misc', this.dir]
    try {
      await (this.root ? run('mount', args) : run('sudo', ['-n', 'mount', ...args]))
    } catch (err) {
      throw new EnvironmentError(`binfmt_misc is not mounted at ${this.dir} and mounting it failed: ${errorMessage(err)}`, { cause: err })
    }
    return true
  }

  async read(name: string): Promise<(Entry & { enabled: boolean }) | undefined> {
    try {
      return parseEntryFile(name, await readFile(join(this.dir, name), 'utf8'))
    } catch {
      return undefined
    }
  }

  async list(): Promise<string[]> {
    return (await readdir(this.dir)).filter(n => n !== 'register' && n !== 'status').sort()
  }

  private async write(file: string, text: string): Promise<void> {
    const path = join(this.dir, file)
    if (this.root) await writeFile(path, text)
    else await run('sudo', ['-n', 'tee', path], { input: Buffer.from(text) })
  }

  /**
   * Makes `wanted` the host's entry: left alone when identical, replaced when different.
   * Another process registering the same emulator at the same moment is not an error when its
   * interpreter is the same program, byte for byte (another runner's copy of the same QEMU); an
   * entry that runs another program is never taken for ours.
   */
  async ensure(wanted: Entry): Promise<RegistrationOutcome> {
    const before = await this.read(wanted.name)
    if (before && sameEntry(before, wanted)) return 'unchanged'
    if (before) await this.write(wanted.name, '-1').catch(() => undefined)
    try {
      await this.write('register', registrationLine(wanted))
    } catch (err) {
      const now = await this.read(wanted.name)
      if (now && sameEntry(now, wanted)) return before ? 'replaced' : 'registered'
      const sameMatch = now?.enabled && now.magic === wanted.magic && now.mask === wanted.mask && now.offset === wanted.offset
      if (now && sameMatch && (await sameProgram(now.interpreter, wanted.interpreter))) return 'kept'
      const there = now ? ` (the entry there runs ${now.interpreter}, not ${wanted.interpreter})` : ''
      throw new EnvironmentError(`registering ${wanted.name} with binfmt_misc failed: ${errorMessage(err)}${there}`, { cause: err })
    }
    return before ? 'replaced' : 'registered'
  }
}
