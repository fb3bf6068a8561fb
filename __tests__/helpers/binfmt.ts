/** Reads and resets the host's binfmt_misc for the end-to-end tests. */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'

export const BINFMT = '/proc/sys/fs/binfmt_misc'

/** Every entry's name and content, plus whether binfmt_misc is mounted at all. */
export function binfmtSnapshot(): Record<string, string> {
  if (!existsSync(`${BINFMT}/register`)) return { '(mounted)': 'no' }
  const out: Record<string, string> = { '(mounted)': 'yes' }
  for (const name of readdirSync(BINFMT).sort()) if (name !== 'register') out[name] = readFileSync(`${BINFMT}/${name}`, 'utf8')
  return out
}

export function removeQemuEntries(): void {
  if (!existsSync(`${BINFMT}/register`)) return
  for (const name of readdirSync(BINFMT)) if (name.startsWith('qemu-')) writeFileSync(`${BINFMT}/${name}`, '-1')
}

export function unmountBinfmt(): void {
  if (existsSync(`${BINFMT}/register`)) execFileSync('umount', [BINFMT])
}

/** The line that registers an entry as binfmt_misc lists it (magic entries), or undefined when its interpreter is gone. */
export function registrationOf(name: string, listing: string): string | undefined {
  const field = (f: string) => new RegExp(`^${f}:? (.*)$`, 'm').exec(listing)?.[1]?.trim()
  const [interpreter, magic, mask] = [field('interpreter'), field('magic'), field('mask')]
  if (!interpreter || !magic || !existsSync(interpreter)) return undefined
  const hex = (h: string) => h.replace(/../g, b => `\\x${b}`)
  return `:${name}:M:${field('offset') ?? ''}:${hex(magic)}:${mask ? hex(mask) : ''}:${interpreter}:${field('flags') ?? ''}`
}

/**
 * Entries whose interpreter lies under `dir` (a test's tool cache) are removed, and the entry of
 * that name in `before` (a binfmtSnapshot) registered again where its interpreter still exists.
 */
export function putBackEntries(before: Record<string, string>, dir: string): void {
  for (const [name, listing] of Object.entries(binfmtSnapshot())) {
    if (!name.startsWith('qemu-') || !listing.includes(`interpreter ${dir}/`)) continue
    writeFileSync(`${BINFMT}/${name}`, '-1')
    const line = before[name] === undefined ? undefined : registrationOf(name, before[name])
    if (line) writeFileSync(`${BINFMT}/register`, line)
  }
}

/** The file an entry's interpreter is, as the kernel holds it open (flag F), read through its listing's path. */
export function interpreterOf(name: string): string | undefined {
  return /^interpreter (.*)$/m.exec(binfmtSnapshot()[name] ?? '')?.[1]
}
