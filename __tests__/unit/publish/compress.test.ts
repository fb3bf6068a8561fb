import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import {
  BLOCK_SIZE,
  blockLevel,
  blocksOf,
  gzipToFile,
  LEVEL,
  SAMPLE_SIZE,
  storedMember,
  wouldStoreAll
} from '../../../src/publish/compress.js'
import { tempDir } from '../../helpers/tmp.js'

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

  it('hands on whole blocks of a chunk read a block at a time without copying them', async () => {
    const data = randomBytes(25)
    const blocks = await collect(blocksOf(chunks(data.subarray(0, 20), data.subarray(20)), 10))
    expect(blocks.map(b => b.length)).toEqual([10, 10, 5])
    expect(blocks[0].buffer).toBe(data.buffer)
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

describe('wouldStoreAll', () => {
  const dir = tempDir('would-store')
  const file = (name: string, data: Buffer) => {
    const path = join(dir, name)
    writeFileSync(path, data)
    return wouldStoreAll(path, data.length)
  }

  it('is true where every block starts with bytes that do not shrink, and false for an empty file', async () => {
    expect(await file('random', randomBytes(2 * BLOCK_SIZE + 10))).toBe(true)
    expect(await file('short', randomBytes(1000))).toBe(true)
    expect(await file('empty', Buffer.alloc(0))).toBe(false)
  })

  it('is false as soon as one block starts with bytes that shrink, wherever it is', async () => {
    expect(await file('text', text(BLOCK_SIZE))).toBe(false)
    expect(await file('random-then-text', Buffer.concat([randomBytes(BLOCK_SIZE), text(SAMPLE_SIZE)]))).toBe(false)
    // Only the samples count: text after a block's random start does not.
    expect(await file('text-inside', Buffer.concat([randomBytes(SAMPLE_SIZE), text(BLOCK_SIZE - SAMPLE_SIZE)]))).toBe(true)
  })
})

describe('storedMember', () => {
  const dir = tempDir('stored')

  it('is a gzip member that gunzip and GNU gzip read back whole, at any length around a stored block', () => {
    for (const length of [0, 1, 65_535, 65_536, 2 * 65_535 + 1, BLOCK_SIZE]) {
      const data = randomBytes(length)
      const member = Buffer.concat(storedMember(data))
      expect(member.length).toBe(10 + Math.max(1, Math.ceil(length / 65_535)) * 5 + length + 8)
      expect(gunzipSync(member).equals(data)).toBe(true)
      const path = join(dir, `stored-${length}.gz`)
      writeFileSync(path, member)
      expect(execFileSync('gzip', ['-dc', path], { maxBuffer: 8 * 1024 * 1024 }).equals(data)).toBe(true)
    }
  })

  it('fails gunzip when a byte of its data changes (the CRC-32 covers it)', () => {
    const member = Buffer.concat(storedMember(text(1000)))
    member[500] ^= 1
    expect(() => gunzipSync(member)).toThrow(/incorrect data check/)
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
