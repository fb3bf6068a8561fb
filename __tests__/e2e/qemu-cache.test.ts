/**
 * QEMU in the Actions cache, through the runner's entry points (node dist/main.js, node
 * dist/post.js) and the test environment's stand-in of GitHub's cache service (Azurite behind
 * the tests' Twirp server): a job on a fresh tool cache downloads QEMU from the Debian archive
 * (a loopback mirror that records requests) and its post step saves the cache entry; a job on
 * another runner, whose tool cache is empty but at the same path, restores it and asks the
 * archive nothing. A cache entry whose bytes were changed is refused.
 */
import { createHash } from 'node:crypto'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { pipeThrough } from '../helpers/archive-server.js'
import { azuriteAccount, azuriteStore, type CacheService, startCacheService } from '../helpers/cache-service.js'
import { type CountingMirror, countingMirror } from '../helpers/mirror.js'
import { newRunner, runStep, type StepResult } from '../helpers/runner.js'
import { testEnv } from '../helpers/testenv.js'
import { tempDir } from '../helpers/tmp.js'

testEnv() // the engines and binfmt_misc are up
const inputs = { platforms: 'linux/arm64' } as const
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')

let mirror: CountingMirror
let service: CacheService
/** One tool cache path for every job, as on GitHub's hosted runners; emptied between jobs. */
let toolCache: string

beforeAll(async () => {
  mirror = await countingMirror()
  service = await startCacheService(await azuriteStore(azuriteAccount()))
  toolCache = join(tempDir('hosted'), 'tool-cache')
})
afterAll(async () => {
  await mirror.close()
  await service.close()
})

interface Job {
  readonly main: StepResult
  readonly post: StepResult
  /** Archive paths the job asked the mirror for. */
  readonly archive: string[]
}

/** A job on a fresh runner whose tool cache is empty: main, then post, with the cache service's variables. */
async function job(): Promise<Job> {
  rmSync(toolCache, { recursive: true, force: true })
  const runner = await newRunner(toolCache)
  const before = mirror.requests.length
  const main = await runStep(runner, 'main', { ...inputs, 'qemu-mirror': mirror.url }, {}, service.env())
  const post = await runStep(runner, 'post', {}, main.state, service.env())
  return { main, post, archive: mirror.requests.slice(before) }
}

/** The qemu-aarch64 the step used, hashed. */
const usedBinary = (main: StepResult) => sha256(readFileSync(join(main.outputs['qemu-path'], 'qemu-aarch64')))
const warnings = (step: StepResult) => step.log.split('\n').filter(l => l.startsWith('::warning::'))

/**
 * The cache entry's tar (zstd-compressed, as @actions/cache writes it where zstd is installed) with
 * one byte of the file whose path ends with `suffix` changed: a well-formed archive, as a
 * forged entry would be. Walks the POSIX tar: 512-byte headers, pax `path=` records.
 */
async function withChangedFile(entry: Buffer, suffix: string): Promise<Buffer> {
  const tar = await pipeThrough('zstd', ['-d', '-c'], entry)
  let paxPath: string | undefined
  for (let at = 0; at + 512 <= tar.length && tar[at] !== 0; ) {
    const header = tar.subarray(at, at + 512)
    const size = Number.parseInt(header.subarray(124, 136).toString().replace(/\0.*$/, '').trim() || '0', 8)
    const type = String.fromCharCode(header[156])
    const data = at + 512
    if (type === 'x') paxPath = /\d+ path=(.*)\n/.exec(tar.subarray(data, data + size).toString())?.[1]
    else {
      const name = paxPath ?? header.subarray(0, 100).toString().replace(/\0.*$/, '')
      paxPath = undefined
      if (name.endsWith(suffix) && size > 0) {
        tar[data + Math.floor(size / 2)] ^= 0xff
        return pipeThrough('zstd', ['-c', '-q'], tar)
      }
    }
    at = data + Math.ceil(size / 512) * 512
  }
  throw new Error(`no ${suffix} in the cache entry`)
}

describe('QEMU in the Actions cache, through the cache service', () => {
  let first: Job

  beforeAll(async () => {
    first = await job()
  })

  it('job 1, on an empty tool cache: QEMU from the Debian archive, and the post step saves the tool cache under the key the main step chose', () => {
    expect(first.main.errors).toEqual([])
    expect(first.main.code).toBe(0)
    expect(first.main.log).toContain('Source: Debian archive')
    expect(first.archive.some(p => p.endsWith('.deb'))).toBe(true)
    const key = JSON.parse(first.main.state.archway).qemuCaches[0].key as string
    expect(key).toMatch(/^archway-qemu-amd64-stable-[0-9a-f]{12}-\d{8}$/)
    // Asked first (a miss), then created and finalized by the post step.
    expect(service.requests.map(r => `${r.method} ${r.key} ${r.status}`)).toEqual([
      `GetCacheEntryDownloadURL ${key} 200`,
      `CreateCacheEntry ${key} 200`,
      `FinalizeCacheEntryUpload ${key} 200`
    ])
    expect(first.post.code).toBe(0)
    expect(first.post.errors).toEqual([])
    expect(first.post.log).toContain(`Saved QEMU to the Actions cache under ${key}`)
    expect(service.entries()).toEqual([expect.objectContaining({ key, finalized: true })])
  })

  it('job 2, on another runner with the tool cache at the same path but empty: restores the entry, asks the archive nothing, and uses the binaries the manifest vouches for', async () => {
    const second = await job()
    expect(second.main.errors).toEqual([])
    expect(second.main.code).toBe(0)
    expect(second.archive).toEqual([])
    expect(second.main.log).toContain('Source: Actions cache')
    expect(second.main.outputs['qemu-version']).toBe(first.main.outputs['qemu-version'])
    expect(second.main.outputs['qemu-sha256']).toBe(first.main.outputs['qemu-sha256'])
    expect(usedBinary(second.main)).toBe(usedBinary(first.main))
    const manifest = JSON.parse(readFileSync(join(second.main.outputs['qemu-path'], 'archway-qemu.json'), 'utf8'))
    expect(manifest.binaries.aarch64).toBe(usedBinary(first.main))
    // Restored: nothing for its post step to save.
    expect(JSON.parse(second.main.state.archway).qemuCaches).toEqual([])
    expect(second.post.log).not.toContain('Saved QEMU')
    expect(warnings(second.main)).toEqual([])
  })

  it("a cache entry with one byte changed in its stored blob is refused (zstd's checksum), and nothing it extracted is used: QEMU comes from the archive again, genuine", async () => {
    const [entry] = service.entries()
    const genuine = await service.store.read(entry.blob)
    const changed = Buffer.from(genuine)
    changed[Math.floor(changed.length / 2)] ^= 0xff
    await service.store.write(entry.blob, changed)
    try {
      const third = await job()
      expect(third.main.errors).toEqual([])
      expect(third.main.code).toBe(0)
      expect(warnings(third.main)).toEqual([expect.stringMatching(/^::warning::Failed to restore: /)])
      // tar had extracted the entry before zstd's checksum failed at its end: none of it is used.
      expect(third.main.log).toMatch(/^Discarded what the failed restore left in the tool cache: .*\/amd64, /m)
      expect(third.main.log).toContain('Source: Debian archive')
      expect(third.archive.some(p => p.endsWith('.deb'))).toBe(true)
      expect(usedBinary(third.main)).toBe(usedBinary(first.main))
      // The entry cannot be replaced (the key exists): the post step says so and saves nothing.
      expect(third.post.code).toBe(0)
      expect(third.post.log).not.toContain('Saved QEMU')
      expect(third.post.log).toContain('Failed to save: Unable to reserve cache with key')
    } finally {
      await service.store.write(entry.blob, genuine)
    }
  })

  it('a well-formed cache entry whose qemu-aarch64 differs from its manifest is refused before use: QEMU comes from the archive again, genuine', async () => {
    const [entry] = service.entries()
    const genuine = await service.store.read(entry.blob)
    await service.store.write(entry.blob, await withChangedFile(genuine, '/qemu-aarch64'))
    try {
      const fourth = await job()
      expect(fourth.main.errors).toEqual([])
      expect(fourth.main.code).toBe(0)
      expect(fourth.main.log).toContain('Cache restored successfully')
      expect(warnings(fourth.main)).toEqual([
        expect.stringMatching(/^::warning::.*\/qemu-aarch64 differs from the SHA-256 recorded when it was cached; fetching QEMU .* again$/)
      ])
      expect(fourth.main.log).toContain('Source: Debian archive')
      expect(fourth.archive.some(p => p.endsWith('.deb'))).toBe(true)
      expect(usedBinary(fourth.main)).toBe(usedBinary(first.main))
    } finally {
      await service.store.write(entry.blob, genuine)
    }
  })
})
