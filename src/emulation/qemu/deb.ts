/** Taking the emulators out of a .deb: an `ar` archive whose `data.tar.*` member holds the files. */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { VerificationError } from '../../shared/errors.js'
import { run } from '../../shared/exec.js'

export interface ArMember {
  readonly name: string
  readonly offset: number
  readonly size: number
}

const AR_MAGIC = '!<arch>\n'
const HEADER = 60

/** Lists the members of an ar archive. Pure. */
export function parseArMembers(deb: Buffer): ArMember[] {
  if (deb.toString('latin1', 0, 8) !== AR_MAGIC) throw new VerificationError('not a Debian package: no ar header')
  const members: ArMember[] = []
  for (let at = 8; at + HEADER <= deb.length; ) {
    if (deb.toString('latin1', at + 58, at + 60) !== '`\n')
      throw new VerificationError(`not a Debian package: bad ar member header at byte ${at}`)
    const name = deb
      .toString('latin1', at, at + 16)
      .trim()
      .replace(/\/$/, '')
    const size = Number(deb.toString('latin1', at + 48, at + 58).trim())
    if (!Number.isSafeInteger(size) || at + HEADER + size > deb.length)
      throw new VerificationError(`not a Debian package: member ${name} overruns the file`)
    members.push({ name, offset: at + HEADER, size })
    at += HEADER + size + (size % 2)
  }
  return members
}

/** How tar reads each compression of a member (`data.tar.xz`, `control.tar.gz`, ...); xz decompresses Debian's multi-block members on every core. */
const TAR_FLAGS: Record<string, readonly string[]> = {
  '.tar.xz': ['-I', 'xz -T0'],
  '.tar.gz': ['-z'],
  '.tar.zst': ['--zstd'],
  '.tar': []
}

/** The member `<prefix>.tar[.xz|.gz|.zst]` of a .deb, with the flags tar reads it with. */
function tarMember(deb: Buffer, prefix: 'data' | 'control'): { member: ArMember; flags: readonly string[] } {
  for (const member of parseArMembers(deb)) {
    const flags = member.name.startsWith(`${prefix}.`) ? TAR_FLAGS[member.name.slice(prefix.length)] : undefined
    if (flags) return { member, flags }
  }
  throw new VerificationError(`not a Debian package: no ${prefix}.tar member`)
}

/** Writes a member of a .deb into `scratch`, returning its path. */
async function writeMember(deb: Buffer, member: ArMember, scratch: string): Promise<string> {
  const file = join(scratch, member.name)
  await writeFile(file, deb.subarray(member.offset, member.offset + member.size))
  return file
}

/**
 * The MD5 of each file of a .deb, already verified, by path (`usr/bin/qemu-aarch64`): its
 * control member's `md5sums`, as dpkg --verify reads it; empty when the package has none.
 */
export async function readMd5sums(deb: Buffer, scratch: string): Promise<Map<string, string>> {
  const { member, flags } = tarMember(deb, 'control')
  const file = await writeMember(deb, member, scratch)
  const result = await run('tar', ['-x', '-O', ...flags, '-f', file, './md5sums'], { allowFailure: true })
  const sums = new Map<string, string>()
  if (result.exitCode !== 0) return sums
  for (const line of result.stdout.split('\n')) {
    const m = /^([0-9a-f]{32}) [ *](.+)$/.exec(line)
    if (m) sums.set(m[2], m[1])
  }
  return sums
}

/**
 * Extracts the listed paths (`./usr/bin/qemu-aarch64`, ...) of a .deb, already verified,
 * into `dest`. Paths the package does not hold are skipped; returns the ones extracted.
 */
export async function extractFromDeb(deb: Buffer, paths: readonly string[], dest: string, scratch: string): Promise<string[]> {
  const { member: data, flags } = tarMember(deb, 'data')
  const tarFile = await writeMember(deb, data, scratch)
  // --occurrence=1: stop reading once every named member is out (the binaries come before the docs).
  const result = await run('tar', ['-x', ...flags, '--occurrence=1', '-f', tarFile, '-C', dest, ...paths], {
    allowFailure: true
  })
  const notFound = new Set([...result.stderr.matchAll(/(\S+): Not found in archive/g)].map(m => m[1]))
  const otherErrors = result.stderr.split('\n').filter(l => l.trim() && !/Not found in archive|Exiting with failure status/.test(l))
  if (result.exitCode !== 0 && otherErrors.length > 0) throw new VerificationError(`could not unpack ${data.name}: ${otherErrors[0]}`)
  return paths.filter(p => !notFound.has(p))
}
