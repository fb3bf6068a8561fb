/**
 * A layer gzipped on every core. Its bytes are cut into blocks; each block becomes a gzip member of
 * its own, compressed on Node's thread pool while the next blocks are read, and the members are
 * written in order. RFC 1952 makes a gzip file a series of members, and every registry client
 * (Go's gzip reader, which docker, containerd, BuildKit and podman use) reads them all, as eStargz
 * layers rely on. A block whose sample does not shrink (random or already compressed bytes) is
 * stored instead of compressed. The same bytes always give the same file.
 */
import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { promisify } from 'node:util'
import { constants, deflateRaw, gzip } from 'node:zlib'
import { quiet } from '../concurrency.js'

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

async function gzipBlock(block: Buffer): Promise<Buffer> {
  return gzipAsync(block, { level: await blockLevel(block) })
}

/** Cuts a stream of chunks into blocks of BLOCK_SIZE bytes (the last one shorter); at least one block, empty for an empty stream. */
export async function* blocksOf(chunks: AsyncIterable<Buffer>, size = BLOCK_SIZE): AsyncGenerator<Buffer> {
  let held: Buffer[] = []
  let length = 0
  let any = false
  for await (const chunk of chunks) {
    let rest = chunk
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
  const queue: Promise<Buffer>[] = []
  const writeNext = async () => {
    const member = await queue.shift()!
    hash.update(member)
    size += member.length
    await file.write(member)
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
