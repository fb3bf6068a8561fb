/**
 * QEMU in the Actions cache, through the runner's entry points (node dist/main.js, node
 * dist/post.js) and the test environment's stand-in of GitHub's cache service (Azurite behind
 * the tests' Twirp server): a job on a fresh tool cache downloads QEMU from the Debian archive
 * (a loopback mirror that records requests) and its post step saves the Debian files it came
 * from (InRelease, Packages index, .deb); a job on another runner, whose tool cache is empty but
 * at the same path, restores them, checks them along Debian's chain, unpacks the emulators from
 * the .deb and asks the archive nothing. An entry altered anywhere along that chain, or one that
 * plants a version in the tool cache, is refused in one warning line, and the job registers the
 * genuine QEMU, fetched from the archive.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { binfmtSnapshot, interpreterOf, putBackEntries } from '../helpers/binfmt.js'
import { type Member, memberOf, readEntry, withContent, writeEntry } from '../helpers/cache-entry.js'
import { azuriteAccount, azuriteStore, type CacheService, startCacheService } from '../helpers/cache-service.js'
import { type CountingMirror, countingMirror } from '../helpers/mirror.js'
import { newRunner, runStep } from '../helpers/runner.js'
import type { StepResult } from '../helpers/runner-env.js'
import { testEnv } from '../helpers/testenv.js'
import { tempDir } from '../helpers/tmp.js'

testEnv() // the engines and binfmt_misc are up
const inputs = { platforms: 'linux/arm64' } as const
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex')

let mirror: CountingMirror
let service: CacheService
/** One tool cache path for every job, as on GitHub's hosted runners; emptied between jobs. */
let toolCache: string

/** binfmt_misc before this file: the qemu-aarch64 entry its jobs register is put back at the end. */
let binfmtBefore: Record<string, string>

beforeAll(async () => {
  binfmtBefore = binfmtSnapshot()
  mirror = await countingMirror()
  service = await startCacheService(await azuriteStore(azuriteAccount()))
  toolCache = join(tempDir('hosted'), 'tool-cache')
})
afterAll(async () => {
  putBackEntries(binfmtBefore, toolCache)
  await mirror.close()
  await service.close()
})

interface Job {
  readonly main: StepResult
  readonly post: StepResult
  /** Archive paths the job asked the mirror for. */
  readonly archive: string[]
  /**
   * The interpreter of binfmt_misc's qemu-aarch64 entry and its bytes' SHA-256, read as soon as the
   * main step ended: other processes on this machine may register their own entry afterwards.
   */
  readonly registered?: string
  readonly registeredSha256: string
}

/** A job on a fresh runner whose tool cache is empty: main, then post, with the cache service's variables. */
async function job(): Promise<Job> {
  rmSync(toolCache, { recursive: true, force: true })
  const runner = await newRunner(toolCache)
  const before = mirror.requests.length
  const main = await runStep(runner, 'main', { ...inputs, 'qemu-mirror': mirror.url }, {}, service.env())
  const registered = interpreterOf('qemu-aarch64')
  const registeredSha256 = registered && existsSync(registered) ? sha256(readFileSync(registered)) : '(none)'
  const post = await runStep(runner, 'post', {}, main.state, service.env())
  return { main, post, archive: mirror.requests.slice(before), registered, registeredSha256 }
}

/** The qemu-aarch64 the step used, hashed. */
const usedBinary = (main: StepResult) => sha256(readFileSync(join(main.outputs['qemu-path'], 'qemu-aarch64')))
const warnings = (step: StepResult) => step.log.split('\n').filter(l => l.startsWith('::warning::'))

/** The qemu-aarch64 binfmt_misc runs arm64 programs with, as the job left it (its main step's own), hashed. */
function registeredBinary(j: Job): string {
  expect(j.registered).toBe(join(j.main.outputs['qemu-path'], 'qemu-aarch64'))
  return j.registeredSha256
}

describe('QEMU in the Actions cache, through the cache service', () => {
  let first: Job
  /** qemu-aarch64 as dpkg-deb unpacks it from the .deb job 1 saved (whose SHA-256 job 1 checked against the signed index), and its hash. */
  let genuineBytes: Buffer
  let genuineBinary: string
  /** Job 1's tool cache entry and memos, to plant in a forged entry. */
  let genuineManifest: { binaries: Record<string, string> }
  let versionDir: string
  let genuineMemos: [string, Buffer][]

  beforeAll(async () => {
    first = await job()
    const qemuPath = first.main.outputs['qemu-path']
    genuineManifest = JSON.parse(readFileSync(join(qemuPath, 'archway-qemu.json'), 'utf8'))
    versionDir = relative(join(toolCache, 'qemu'), join(qemuPath, '..'))
    const resolved = join(toolCache, 'qemu', 'resolved')
    genuineMemos = readdirSync(resolved).map(n => [n, readFileSync(join(resolved, n))])
    const deb = memberOf(await readEntry(await service.store.read(service.entries()[0].blob)), '.deb').data
    expect(sha256(deb)).toBe(first.main.outputs['qemu-sha256'])
    const file = join(tempDir('deb'), 'qemu-user.deb')
    writeFileSync(file, deb)
    genuineBytes = execFileSync('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -xO ./usr/bin/qemu-aarch64', 'sh', file], {
      maxBuffer: 1 << 30
    })
    genuineBinary = sha256(genuineBytes)
  })

  it('job 1, on an empty tool cache: QEMU from the Debian archive, and the post step saves the Debian files it came from under the key the main step chose', async () => {
    expect(first.main.errors).toEqual([])
    expect(first.main.code).toBe(0)
    expect(first.main.log).toContain('Source: Debian archive')
    expect(first.archive.some(p => p.endsWith('.deb'))).toBe(true)
    expect(usedBinary(first.main)).toBe(genuineBinary)
    expect(registeredBinary(first)).toBe(genuineBinary)
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
    // The entry: the suite's InRelease and Packages index and the .deb, at their archive paths, and the emulators installed from it.
    const files = (await readEntry(await service.store.read(service.entries()[0].blob))).filter(m => m.header.type === 'file')
    const names = files.map(m => m.header.name.replace(/^.*\/tool-cache\/qemu-debian\/[^/]+\//, '')).sort()
    expect(names.filter(n => !n.startsWith('emulators/'))).toEqual([
      'dists/stable/InRelease',
      // Unpacked by the post step, checked by the InRelease's hash of it when restored: nothing to unpack then.
      'dists/stable/main/binary-amd64/Packages',
      expect.stringMatching(/^pool\/main\/q\/qemu\/qemu-user_.*_amd64\.deb$/)
    ])
    expect(first.post.log).toContain('Unpacked dists/stable/main/binary-amd64/Packages in the entry')
    // The main step unpacked the one emulator it needed; the post step added the others the .deb holds, for the jobs that need them.
    expect(first.main.log).toMatch(/^Unpacked qemu-aarch64 from the \.deb$/m)
    expect(first.post.log).toMatch(
      /^Unpacked qemu-arm, qemu-s390x, qemu-ppc64le, qemu-riscv64, qemu-mips64el, qemu-loongarch64 from the \.deb into the entry/m
    )
    expect(names.filter(n => n.startsWith('emulators/'))).toEqual(
      ['aarch64', 'arm', 'loongarch64', 'mips64el', 'ppc64le', 'riscv64', 's390x'].map(e => `emulators/qemu-${e}`)
    )
    // Saved, the kept files are removed from the tool cache.
    expect(existsSync(join(toolCache, 'qemu-debian', key.replace(/:/g, '%3a')))).toBe(false)
  })

  it('job 2, on another runner with the tool cache at the same path but empty: restores the entry, checks it along Debian’s chain, asks the archive nothing, and registers the emulator it keeps, checked against the .deb’s md5sums', async () => {
    const second = await job()
    expect(second.main.errors).toEqual([])
    expect(second.main.code).toBe(0)
    expect(second.archive).toEqual([])
    expect(second.main.log).toContain('Source: Actions cache')
    expect(second.main.log).toContain(
      "Checked the Actions cache entry along Debian's chain: the InRelease of stable signed by an archive key, its Packages index and the .deb by SHA-256, qemu-aarch64 it keeps by the MD5 the .deb's md5sums give"
    )
    expect(registeredBinary(second)).toBe(genuineBinary)
    expect(second.main.outputs['qemu-version']).toBe(first.main.outputs['qemu-version'])
    expect(second.main.outputs['qemu-sha256']).toBe(first.main.outputs['qemu-sha256'])
    expect(usedBinary(second.main)).toBe(genuineBinary)
    const manifest = JSON.parse(readFileSync(join(second.main.outputs['qemu-path'], 'archway-qemu.json'), 'utf8'))
    expect(manifest.binaries.aarch64).toBe(genuineBinary)
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
      expect(third.main.log).toContain('Source: Debian archive')
      expect(third.archive.some(p => p.endsWith('.deb'))).toBe(true)
      expect(usedBinary(third.main)).toBe(genuineBinary)
      // The entry cannot be replaced (the key exists): the post step says so and saves nothing.
      expect(third.post.code).toBe(0)
      expect(third.post.log).not.toContain('Saved QEMU')
      expect(third.post.log).toContain('Failed to save: Unable to reserve cache with key')
      expect(registeredBinary(third)).toBe(genuineBinary)
    } finally {
      await service.store.write(entry.blob, genuine)
    }
  })

  /** The members of job 1's entry, as stored: each case below stores its own alteration of them. */
  let genuineMembers: Member[] | undefined

  /** Flips one byte in the middle of the .deb (inside its data member: an emulator's bytes): same size, another SHA-256. */
  const alterDeb = (members: Member[]) => {
    const deb = Buffer.from(memberOf(members, '.deb').data)
    deb[Math.floor(deb.length / 2)] ^= 0xff
    return { members: withContent(members, '.deb', deb), deb }
  }
  /** The altered .deb, and a Packages index that gives its SHA-256. */
  const alterDebAndIndex = (members: Member[]) => {
    const { members: m, deb } = alterDeb(members)
    const genuineDeb = memberOf(members, '.deb').data
    const text = memberOf(m, '/binary-amd64/Packages').data.toString()
    const forged = text.replace(`SHA256: ${sha256(genuineDeb)}\n`, `SHA256: ${sha256(deb)}\n`)
    expect(forged).not.toBe(text)
    const index = Buffer.from(forged)
    return { members: withContent(m, '/binary-amd64/Packages', index), index }
  }

  it.each([
    [
      'a qemu-aarch64 changed, planted as a tool cache version with its manifest to match, its marker and the memo pointing at it',
      (members: Member[]) => {
        const kept = memberOf(members, '/InRelease').header
        const base = kept.name.replace(/qemu-debian\/.*$/, 'qemu/')
        // Without the pax record, whose path would name the InRelease again.
        const file = (name: string, data: Buffer): Member => ({
          header: { ...kept, pax: undefined, name: `${base}${name}`, size: data.length },
          data
        })
        const altered = Buffer.from(genuineBytes)
        altered[Math.floor(altered.length / 2)] ^= 0xff
        const manifest = { ...genuineManifest, binaries: { ...genuineManifest.binaries, aarch64: sha256(altered) } }
        return [
          ...members,
          file(`${versionDir}/amd64/qemu-aarch64`, altered),
          file(`${versionDir}/amd64/archway-qemu.json`, Buffer.from(JSON.stringify(manifest))),
          file(`${versionDir}/amd64.complete`, Buffer.alloc(0)),
          ...genuineMemos.map(([name, data]) => file(`resolved/${name}`, data))
        ]
      },
      /it wrote into the tool cache's qemu folder \(.*amd64.*\), which a genuine entry never does/
    ],
    [
      'its kept qemu-aarch64 changed (one byte)',
      (members: Member[]) => {
        const data = Buffer.from(memberOf(members, '/emulators/qemu-aarch64').data)
        data[Math.floor(data.length / 2)] ^= 0xff
        return withContent(members, '/emulators/qemu-aarch64', data)
      },
      /the kept qemu-aarch64 has MD5 [0-9a-f]{32}, but the md5sums of the verified \.deb give \.\/usr\/bin\/qemu-aarch64 [0-9a-f]{32}/
    ],
    [
      'one byte of the .deb changed',
      (m: Member[]) => alterDeb(m).members,
      /qemu-user_.*\.deb has SHA-256 [0-9a-f]{64} \(\d+ bytes\), but the signed Packages index says/
    ],
    [
      'the .deb changed and the Packages index changed to give its SHA-256',
      (m: Member[]) => alterDebAndIndex(m).members,
      /the Packages index of stable from .*\/dists\/stable\/main\/binary-amd64\/Packages has SHA-256 [0-9a-f]{64}, but the signed archive index says/
    ],
    [
      'the .deb, the Packages index and the InRelease’s SHA-256 of it changed to match',
      (members: Member[]) => {
        const genuineIndex = memberOf(members, '/binary-amd64/Packages').data
        const { members: m, index } = alterDebAndIndex(members)
        const text = memberOf(m, '/InRelease').data.toString()
        const line = (data: Buffer) => `${sha256(data)} ${String(data.length).padStart(8)} main/binary-amd64/Packages`
        const forged = text.replace(`${line(genuineIndex)}\n`, `${line(index)}\n`)
        expect(forged).not.toBe(text)
        return withContent(m, '/InRelease', Buffer.from(forged))
      },
      /dists\/stable\/InRelease has a bad OpenPGP signature by key/
    ]
  ])(
    'an entry with %s is refused in one warning line naming it: QEMU comes from the archive, and the emulator registered is the genuine one',
    async (_what, tamper, failure) => {
      const [entry] = service.entries()
      const members = genuineMembers ?? (await readEntry(await service.store.read(entry.blob)))
      genuineMembers = members
      // Each case stores its own altered entry: the genuine one is not put back between them.
      await service.store.write(entry.blob, await writeEntry(tamper(members)))
      const run = await job()
      expect(run.main.errors).toEqual([])
      expect(run.main.code).toBe(0)
      expect(run.main.log).toContain('Cache restored successfully')
      const lines = warnings(run.main)
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(new RegExp(`^::warning::Refused the QEMU entry restored from the Actions cache under ${entry.key}: `))
      expect(lines[0]).toMatch(failure)
      expect(run.main.log).toContain('Source: Debian archive')
      expect(run.archive.some(p => p.endsWith('.deb'))).toBe(true)
      expect(usedBinary(run.main)).toBe(genuineBinary)
      expect(registeredBinary(run)).toBe(genuineBinary)
      // A refused entry is not replaced (its key exists): nothing to save.
      expect(JSON.parse(run.main.state.archway).qemuCaches).toEqual([])
    }
  )
})
