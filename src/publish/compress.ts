/**
 * A layer gzipped on every core. Its bytes are cut into blocks; each block becomes a gzip member of
 * its own, compressed on Node's thread pool while the next blocks are read, and the members are
 * written in order. RFC 1952 makes a gzip file a series of members, and every registry client
 * (Go's gzip reader, which docker, containerd, BuildKit and podman use) reads them all, as eStargz
 * layers rely on. A block whose sample does not shrink (random or already compressed bytes) is
 * stored instead of compressed, written here (storedMember): zlib's level 0 copies through small
 * buffers at about 140 MB/s where this runs at the speed of a CRC-32. The same bytes always give
 * the same file.
 */
import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { promisify } from 'node:util'
import { constants, crc32, deflateRaw, gzip } from 'node:zlib'
import { quiet } from '../shared/concurrency.js'

/** Bytes per gzip member: large enough that the members' headers and the restarted dictionary cost nothing worth measuring. */
export const BLOCK_SIZE = 4 * 1024 * 1024
/** The start of a block compressed first, to tell whether the block is worth compressing. */
export const SAMPLE_SIZE = 64 * 1024
/** zlib's fastest level: on binaries about 2x the speed of its default, for files about a tenth larger. */
export const LEVEL = constants.Z_BEST_SPEED
/** A sample that keeps more than this share of its size is stored, not compressed. */
export const STORE_ABOVE = 0.97

const gzipAsync = promisify(gzip) as (data: Buffer, options: { level: number }) => Promise<Buffer>
const deflateRawAsync = promisify(deflateRaw) as (data: Buffer, options: { level: number }) => Promise<Buffer>

/** The level a block is gzipped at: 0 (stored) when its sample does not shrink at LEVEL. */
export async function blockLevel(block: Buffer): Promise<number> {
  const sample = block.subarray(0, SAMPLE_SIZE)
  if (sample.length === 0) return LEVEL
  const packed = await deflateRawAsync(sample, { level: LEVEL })
  return packed.length > STORE_ABOVE * sample.length ? constants.Z_NO_COMPRESSION : LEVEL
}

/**
 * Whether gzip would store every block of the file at `path` (`size` bytes, more than none): the
 * sample where each block starts does not shrink. Only the samples are read. Such a layer (random
 * or already compressed bytes) would gain nothing from gzip but a copy of itself.
 */
export async function wouldStoreAll(path: string, size: number): Promise<boolean> {
  if (size === 0) return false
  const file = await open(path, 'r')
  try {
    for (let at = 0; at < size; at += BLOCK_SIZE) {
      const sample = Buffer.alloc(Math.min(SAMPLE_SIZE, size - at))
      const { bytesRead } = await file.read(sample, 0, sample.length, at)
      if ((await blockLevel(sample.subarray(0, bytesRead))) !== constants.Z_NO_COMPRESSION) return false
    }
    return true
  } finally {
    await file.close()
  }
}

/** A block as one gzip member, in parts to write in order (a stored block's parts are its own bytes, not copied). */
async function gzipBlock(block: Buffer): Promise<Buffer[]> {
  const level = await blockLevel(block)
  return level === constants.Z_NO_COMPRESSION ? storedMember(block) : [await gzipAsync(block, { level })]
}

/** The most bytes one stored deflate block holds (its LEN field is 16 bits). */
const MAX_STORED = 0xffff

/**
 * `data` as one gzip member (RFC 1952) of stored deflate blocks (RFC 1951, 3.2.4), as zlib's level 0
 * writes it: a header with no name and no time, blocks of at most 65,535 bytes each behind its
 * length and the length's complement, the last one marked final, then the CRC-32 and the length.
 * In parts to write in order, `data`'s own bytes among them. Pure.
 */
export function storedMember(data: Buffer): Buffer[] {
  const blocks = Math.max(1, Math.ceil(data.length / MAX_STORED))
  // ID1 ID2, deflate, no flags, no time, "fastest" (as zlib marks levels below 2), Unix.
  const parts: Buffer[] = [Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 3])]
  for (let i = 0; i < blocks; i++) {
    const part = data.subarray(i * MAX_STORED, (i + 1) * MAX_STORED)
    const head = Buffer.alloc(5)
    head[0] = i === blocks - 1 ? 1 : 0 // BFINAL, BTYPE 00 (stored)
    head.writeUInt16LE(part.length, 1)
    head.writeUInt16LE(part.length ^ 0xffff, 3)
    parts.push(head, part)
  }
  const trailer = Buffer.alloc(8)
  trailer.writeUInt32LE(crc32(data), 0)
  trailer.writeUInt32LE(data.length % 2 ** 32, 4)
  parts.push(trailer)
  return parts
}

/** Cuts a stream of chunks into blocks of BLOCK_SIZE bytes (the last one shorter); at least one block, empty for an empty stream. */
export async function* blocksOf(chunks: AsyncIterable<Buffer>, size = BLOCK_SIZE): AsyncGenerator<Buffer> {
  let held: Buffer[] = []
  let length = 0
  let any = false
  for await (const chunk of chunks) {
    let rest = chunk
    // Whole blocks of a chunk read a block at a time are handed on as they are, not copied.
    while (length === 0 && rest.length >= size) {
      yield rest.subarray(0, size)
      any = true
      rest = rest.subarray(size)
    }
    while (length + rest.length >= size) {
      const take = size - length
      held.push(rest.subarray(0, take))
      rest = rest.subarray(take)
      yield Buffer.concat(held, size)
      any = true
      held = []
      length = 0
    }
    if (rest.length > 0) {
      held.push(rest)
      length += rest.length
    }
  }
  if (length > 0 || !any) yield Buffer.concat(held, length)
}

/**
 * Gzips `source` into the file `dest`, `inFlight` blocks at once, returning the file's digest and
 * size. When the source fails (a blob that does not match its digest) or `signal` aborts, every
 * block under way ends before the error is thrown.
 */
export async function gzipToFile(
  source: AsyncIterable<Buffer>,
  dest: string,
  { inFlight = availableParallelism() + 1, signal }: { inFlight?: number; signal?: AbortSignal } = {}
): Promise<{ digest: string; size: number }> {
  const file = await open(dest, 'w')
  const hash = createHash('sha256')
  let size = 0
  const queue: Promise<Buffer[]>[] = []
  const writeNext = async () => {
    const member = await queue.shift()!
    for (const part of member) {
      hash.update(part)
      size += part.length
    }
    await file.writev(member)
  }
  try {
    for await (const block of blocksOf(source)) {
      signal?.throwIfAborted()
      queue.push(quiet(gzipBlock(block))) // awaited in turn by writeNext
      if (queue.length >= inFlight) await writeNext()
    }
    while (queue.length > 0) await writeNext()
  } finally {
    await Promise.allSettled(queue)
    await file.close()
  }
  return { digest: `sha256:${hash.digest('hex')}`, size }
}
