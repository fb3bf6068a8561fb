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
