/**
 * An Actions cache entry as @actions/cache writes it where zstd is installed (a zstd-compressed
 * POSIX tar, names relative to the workspace), read into its members and written back after a
 * change: a well-formed archive, as a forged entry would be.
 */
import { extract, type Header, pack } from 'tar-stream'
import { pipeThrough } from './archive-server.js'

export interface Member {
  readonly header: Header
  /** Empty for a directory. */
  readonly data: Buffer
}

export async function readEntry(entry: Buffer): Promise<Member[]> {
  const tar = await pipeThrough('zstd', ['-d', '-c', '--long=30'], entry)
  const members: Member[] = []
  const ex = extract()
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = []
      stream.on('data', c => void chunks.push(c as Buffer))
      stream.on('end', () => {
        members.push({ header, data: Buffer.concat(chunks) })
        next()
      })
    })
    ex.on('finish', resolve)
    ex.on('error', reject)
  })
  ex.end(tar)
  await done
  return members
}

export async function writeEntry(members: readonly Member[]): Promise<Buffer> {
  const p = pack()
  const chunks: Buffer[] = []
  p.on('data', c => void chunks.push(c as Buffer))
  const ended = new Promise<void>((resolve, reject) => {
    p.on('end', resolve)
    p.on('error', reject)
  })
  for (const m of members) {
    if (m.header.type === 'file') p.entry({ ...m.header, size: m.data.length }, m.data)
    else p.entry({ ...m.header, size: 0 })
  }
  p.finalize()
  await ended
  // Without --long: @actions/cache restores with plain unzstd, which refuses a long-range window.
  return pipeThrough('zstd', ['-c', '-q'], Buffer.concat(chunks))
}

/** The one file member whose name ends with `suffix`. */
export function memberOf(members: readonly Member[], suffix: string): Member {
  const found = members.filter(m => m.header.type === 'file' && m.header.name.endsWith(suffix))
  if (found.length !== 1) throw new Error(`${found.length} members of the cache entry end with ${suffix}`)
  return found[0]
}

/** The members with `suffix`'s content replaced. */
export function withContent(members: readonly Member[], suffix: string, data: Buffer): Member[] {
  const target = memberOf(members, suffix)
  return members.map(m => (m === target ? { header: m.header, data } : m))
}
