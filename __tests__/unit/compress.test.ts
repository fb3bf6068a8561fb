import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { BLOCK_SIZE, blockLevel, blocksOf, gzipToFile, LEVEL, SAMPLE_SIZE } from '../../src/publish/compress.js'
import { tempDir } from '../helpers/tmp.js'

async function* chunks(...parts: Buffer[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield p
}

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = []
  for await (const b of source) out.push(b)
  return out
}

/** Text that compresses well: lines of a make-believe manifest. */
function text(bytes: number): Buffer {
  const lines: string[] = []
  for (let length = 0, i = 0; length < bytes; i++) length += lines[lines.push(`usr/lib/file-${i}.so mode=0755\n`) - 1].length
  return Buffer.from(lines.join('')).subarray(0, bytes)
}

/** How many gzip members a file holds, counted by their headers (Node's: 1f 8b 08, no flags, no time). */
function memberCount(gz: Buffer): number {
  let n = 0
  for (let i = 0; i + 2 < gz.length; i++) if (gz[i] === 0x1f && gz[i + 1] === 0x8b && gz[i + 2] === 0x08 && gz[i + 3] === 0) n++
  return n
}

describe('blocksOf', () => {
  it('cuts chunks of any size into blocks of the block size, the last one shorter', async () => {
    const data = randomBytes(25)
    const blocks = await collect(blocksOf(chunks(data.subarray(0, 3), data.subarray(3, 17), data.subarray(17)), 10))
    expect(blocks.map(b => b.length)).toEqual([10, 10, 5])
    expect(Buffer.concat(blocks)).toEqual(data)
  })

  it('gives one empty block for an empty stream, and no empty block after a full one', async () => {
    expect((await collect(blocksOf(chunks(), 10))).map(b => b.length)).toEqual([0])
    expect((await collect(blocksOf(chunks(randomBytes(20)), 10))).map(b => b.length)).toEqual([10, 10])
  })
})

describe('blockLevel', () => {
  it('compresses a block whose sample shrinks and stores one whose sample does not', async () => {
    expect(await blockLevel(text(SAMPLE_SIZE * 2))).toBe(LEVEL)
    expect(await blockLevel(randomBytes(SAMPLE_SIZE * 2))).toBe(0)
    // Only the sample decides: random bytes after compressible ones do not count.
    expect(await blockLevel(Buffer.concat([text(SAMPLE_SIZE), randomBytes(SAMPLE_SIZE)]))).toBe(LEVEL)
  })
})

describe('gzipToFile', () => {
  const dir = tempDir('compress')
  const gz = async (name: string, ...parts: Buffer[]) => {
    const path = join(dir, name)
    const result = await gzipToFile(chunks(...parts), path, { inFlight: 3 })
    return { ...result, bytes: readFileSync(path) }
  }

  it('writes a gzip file of one member per block that gunzip and GNU gzip read back whole, with its digest and size', async () => {
    const data = Buffer.concat([text(BLOCK_SIZE + 1000), randomBytes(BLOCK_SIZE), text(5000)])
    const out = await gz('mixed.gz', data.subarray(0, 12345), data.subarray(12345))
    expect(data.length).toBe(2 * BLOCK_SIZE + 6000)
    expect(memberCount(out.bytes)).toBe(3)
    // Buffer.equals: jest's deep equality takes minutes over megabytes.
    expect(gunzipSync(out.bytes).equals(data)).toBe(true)
    expect(execFileSync('gzip', ['-dc', join(dir, 'mixed.gz')], { maxBuffer: 64 * 1024 * 1024 }).equals(data)).toBe(true)
    expect(out.size).toBe(statSync(join(dir, 'mixed.gz')).size)
    expect(out.digest).toBe(`sha256:${createHash('sha256').update(out.bytes).digest('hex')}`)
  })

  it('shrinks compressible bytes and stores random ones at about their size', async () => {
    const compressible = await gz('text.gz', text(BLOCK_SIZE * 2))
    expect(compressible.size).toBeLessThan(BLOCK_SIZE / 4)
    const random = await gz('random.gz', randomBytes(BLOCK_SIZE * 2))
    expect(random.size).toBeGreaterThan(BLOCK_SIZE * 2)
    expect(random.size).toBeLessThan(BLOCK_SIZE * 2 * 1.001)
  })

  it('gives the same file for the same bytes, however they arrive', async () => {
    const data = Buffer.concat([text(BLOCK_SIZE), randomBytes(BLOCK_SIZE / 2)])
    const a = await gz('a.gz', data)
    const b = await gz('b.gz', data.subarray(0, 7), data.subarray(7, BLOCK_SIZE + 3), data.subarray(BLOCK_SIZE + 3))
    expect(b.digest).toBe(a.digest)
  })

  it('writes a valid gzip file for an empty layer', async () => {
    const out = await gz('empty.gz')
    expect(gunzipSync(out.bytes).length).toBe(0)
  })

  it("ends in the source's error once the blocks under way have ended", async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield text(BLOCK_SIZE * 2)
      throw new Error('blob sha256:abc does not match its digest')
    }
    await expect(gzipToFile(failing(), join(dir, 'failed.gz'), { inFlight: 2 })).rejects.toThrow('does not match its digest')
  })

  it('stops between two blocks when its signal aborts', async () => {
    const stop = new AbortController()
    async function* slow(): AsyncGenerator<Buffer> {
      yield text(BLOCK_SIZE)
      stop.abort()
      yield text(BLOCK_SIZE)
      throw new Error('read on after the abort')
    }
    await expect(gzipToFile(slow(), join(dir, 'stopped.gz'), { signal: stop.signal })).rejects.toThrow(/aborted/i)
  })
})
