/** Taking the emulators out of a .deb: an `ar` archive whose `data.tar.*` member holds the files. */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { VerificationError } from '../errors.js'
import { run } from '../exec.js'

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

/** How tar reads each compression; xz decompresses Debian's multi-block data.tar.xz on every core. */
const TAR_FLAGS: Record<string, readonly string[]> = {
  'data.tar.xz': ['-I', 'xz -T0'],
  'data.tar.gz': ['-z'],
  'data.tar.zst': ['--zstd'],
  'data.tar': []
}

/**
 * Extracts the listed paths (`./usr/bin/qemu-aarch64`, ...) of a .deb, already verified,
 * into `dest`. Paths the package does not hold are skipped; returns the ones extracted.
 */
export async function extractFromDeb(deb: Buffer, paths: readonly string[], dest: string, scratch: string): Promise<string[]> {
  const data = parseArMembers(deb).find(m => m.name in TAR_FLAGS)
  if (!data) throw new VerificationError('not a Debian package: no data.tar member')
  const tarFile = join(scratch, data.name)
  await writeFile(tarFile, deb.subarray(data.offset, data.offset + data.size))
  // --occurrence=1: stop reading once every named member is out (the binaries come before the docs).
  const result = await run('tar', ['-x', ...TAR_FLAGS[data.name], '--occurrence=1', '-f', tarFile, '-C', dest, ...paths], {
    allowFailure: true
  })
  const notFound = new Set([...result.stderr.matchAll(/(\S+): Not found in archive/g)].map(m => m[1]))
  const otherErrors = result.stderr.split('\n').filter(l => l.trim() && !/Not found in archive|Exiting with failure status/.test(l))
  if (result.exitCode !== 0 && otherErrors.length > 0) throw new VerificationError(`could not unpack ${data.name}: ${otherErrors[0]}`)
  return paths.filter(p => !notFound.has(p))
}
