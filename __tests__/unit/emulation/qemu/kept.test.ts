/**
 * QEMU from an Actions cache entry that keeps Debian's files (InRelease, Packages index, .deb):
 * the files kept while a real (small) signed archive is read on loopback, then restored by a
 * stand-in of the cache service's restore (it writes the entry's files, as tar would), checked
 * along Debian's chain and installed from the .deb. Each way of altering an entry is refused in
 * one warning line, and nothing of it reaches the tool cache.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { download } from '../../../../src/emulation/qemu/download.js'
import { install } from '../../../../src/emulation/qemu/install.js'
import { completeKept, keeper, keptDir, keptSuite, unpackKeptIndex } from '../../../../src/emulation/qemu/kept.js'
import { parseQemuQuery, type QemuQuery } from '../../../../src/emulation/qemu/query.js'
import { resolveQemu } from '../../../../src/emulation/qemu/resolve.js'
import { type Restored, restoreQemu } from '../../../../src/emulation/qemu/restore.js'
import { type Installed, MANIFEST } from '../../../../src/emulation/qemu/toolcache.js'
import { VerificationError } from '../../../../src/shared/errors.js'
import {
  type ArchiveKey,
  type ArchiveServer,
  buildArchive,
  clearsign,
  compressIndex,
  type DebSpec,
  elfProgram,
  type FakeArchive,
  generateArchiveKey,
  serveArchive,
  sha256Hex
} from '../../../helpers/archive-server.js'

const TRIXIE = '1:10.0.13+ds-0+deb13u1'
const BOOKWORM = '1:7.2+dfsg-7+deb12u18'
const KEY = 'archway-qemu-amd64-stable-0123456789ab-20261120'
const aarch64 = (version: string) => elfProgram(`static qemu-aarch64 ${version}`, { emulator: 'aarch64' })

function debs(version: string, pkg: string, path: string): DebSpec[] {
  return [{ package: pkg, version, files: { [path]: aarch64(version), [path.replace('aarch64', 's390x')]: aarch64(`${version} s390x`) } }]
}

function query(text: string): QemuQuery {
  const q = parseQemuQuery(text)
  if (!q) throw new Error(`not a qemu-version: ${text}`)
  return q
}

let key: ArchiveKey
let rogue: ArchiveKey
let archive: FakeArchive
let server: ArchiveServer
/** Holds the genuine kept folder, made once; each test gets a fresh tool cache beside it. */
let root: string
let genuine: string
let toolCache: string
let lines: { warning: string[]; info: string[] }
/** What the download the genuine folder keeps installed. */
let installed: Installed

const STABLE_PACKAGES = 'dists/stable/main/binary-amd64/Packages.gz'
const UNPACKED_PACKAGES = 'dists/stable/main/binary-amd64/Packages'
const debPath = () => archive.deb('qemu-user', TRIXIE).filename

beforeAll(async () => {
  ;[key, rogue] = await Promise.all([generateArchiveKey('Test archive'), generateArchiveKey('Someone else')])
  const date = new Date(Date.now() - 60_000)
  archive = await buildArchive(
    [
      { alias: 'stable', codename: 'trixie', date, debs: debs(TRIXIE, 'qemu-user', './usr/bin/qemu-aarch64') },
      { alias: 'oldstable', codename: 'bookworm', date, debs: debs(BOOKWORM, 'qemu-user-static', './usr/bin/qemu-aarch64-static') },
      // `latest` reads every suite; these hold no QEMU.
      ...(['unstable', 'testing', 'stable-backports', 'oldstable-backports'] as const).map(alias => ({
        alias,
        codename: alias,
        date,
        indexes: ['xz' as const],
        debs: []
      }))
    ],
    key
  )
  server = await serveArchive(archive)
  root = await mkdtemp(join(tmpdir(), 'archway-kept-'))
  process.env.RUNNER_TEMP = join(root, 'temp')
  await mkdir(process.env.RUNNER_TEMP)
  // The Debian files kept as a download of `latest` reads them: every suite, then pruned to the one chosen.
  genuine = join(root, 'genuine')
  const keeping = keeper(url => download(url), server.url, genuine)
  const pkg = await resolveQemu(query('latest'), { mirror: server.url, arch: 'amd64', keys: [key.publicKey], fetch: keeping.fetch })
  ;({ installed } = await install(pkg, {
    mirror: server.url,
    toolCache: join(root, 'download-tool-cache'),
    runnerArch: 'amd64',
    emulators: ['aarch64', 's390x'],
    needed: ['aarch64', 's390x'],
    fetch: keeping.fetch
  }))
  await keeping.commit(pkg.suite, installed)
  // Nothing is left beside the downloads.
  expect(await readdir(process.env.RUNNER_TEMP)).toEqual([])
})

afterAll(async () => {
  await server?.close()
  await rm(root, { recursive: true, force: true })
})

beforeEach(async () => {
  toolCache = await mkdtemp(join(root, 'tool-cache-'))
  lines = { warning: [], info: [] }
})

/** Sets up `stable` from an entry that restores as `entry` does (undefined: no entry). */
function restoreFrom(entry: ((dir: string) => Promise<unknown>) | undefined, text = 'stable'): Promise<Restored> {
  return restoreQemu({
    key: KEY,
    dir: keptDir(toolCache, KEY),
    query: query(text),
    mirror: 'http://deb.debian.org/debian',
    toolCache,
    runnerArch: 'amd64',
    emulators: ['aarch64', 's390x'],
    needed: ['aarch64'],
    keys: [key.publicKey],
    now: new Date(),
    log: { warning: m => void lines.warning.push(m), info: m => void lines.info.push(m) },
    restore: async ([dir]) => {
      if (!entry) return false
      await entry(dir)
      return true
    }
  })
}

function installedOf(restored: Restored): Installed {
  if (restored.state !== 'ok') throw new Error(`restored: ${restored.state}, warnings: ${lines.warning.join(' | ')}`)
  return restored.installed
}

/** The genuine kept files, then `change` applied to the copy. */
const tampered =
  (change: (dir: string) => Promise<unknown> = async () => {}) =>
  async (dir: string) => {
    await cp(genuine, dir, { recursive: true })
    await change(dir)
  }

/** Every file under `dir`, relative; [] when absent. */
async function files(dir: string): Promise<string[]> {
  const all = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
  return all
    .filter(f => !f.isDirectory())
    .map(f => join(f.parentPath, f.name).slice(dir.length + 1))
    .sort()
}

/** The .deb with one byte of its data member changed: same size, another SHA-256. */
async function alterDeb(dir: string): Promise<Buffer> {
  const file = join(dir, debPath())
  const deb = await readFile(file)
  deb[deb.length - 100] ^= 0xff
  await writeFile(file, deb)
  return deb
}

/** The altered .deb, and a Packages.gz that vouches for it. */
async function alterDebAndIndex(dir: string): Promise<Buffer> {
  const deb = await alterDeb(dir)
  const text = gunzipSync(await readFile(join(dir, STABLE_PACKAGES))).toString()
  const forged = text.replace(archive.deb('qemu-user', TRIXIE).sha256, sha256Hex(deb))
  expect(forged).not.toBe(text)
  const index = await compressIndex(forged)
  await writeFile(join(dir, STABLE_PACKAGES), index.gz)
  return index.gz
}

/** The altered .deb and index, and InRelease's signed text changed to list that index. */
async function alterAllThree(dir: string): Promise<void> {
  const gz = await alterDebAndIndex(dir)
  const real = archive.packages.get('stable')!.gz
  const signed = (await readFile(join(dir, 'dists/stable/InRelease'), 'utf8')).replace(
    `${sha256Hex(real)} ${String(real.length).padStart(8)} main/binary-amd64/Packages.gz`,
    `${sha256Hex(gz)} ${String(gz.length).padStart(8)} main/binary-amd64/Packages.gz`
  )
  expect(signed).toContain(sha256Hex(gz))
  await writeFile(join(dir, 'dists/stable/InRelease'), signed)
}

describe('the suite a kept folder holds (pure)', () => {
  it.each([
    [[], 'stable', undefined],
    [['stable'], 'stable', 'stable'],
    [['oldstable'], 'latest', 'oldstable'],
    [['stable-backports'], '10.0', 'stable-backports']
  ])('%j for qemu-version %s is %s', (suites, text, expected) => {
    expect(keptSuite(suites, query(text))).toBe(expected)
  })

  it.each([
    [['oldstable'], 'stable', /holds suite oldstable, where qemu-version stable is not resolved/],
    [['stable', 'unstable'], 'latest', /holds 2 suites \(stable, unstable\), where one is kept/],
    [['..'], 'latest', /holds suite \.\., where/]
  ])('%j for qemu-version %s is refused', (suites, text, message) => {
    expect(() => keptSuite(suites, query(text))).toThrow(VerificationError)
    expect(() => keptSuite(suites, query(text))).toThrow(message)
  })
})

describe('QEMU restored from an Actions cache entry', () => {
  it('keeps, of a download, only the chosen suite’s InRelease and Packages index and the .deb, at their archive paths, and the emulators installed from it', async () => {
    expect(await files(genuine)).toEqual(
      ['dists/stable/InRelease', STABLE_PACKAGES, debPath(), 'emulators/qemu-aarch64', 'emulators/qemu-s390x'].sort()
    )
  })

  it('installs the emulators from a genuine entry, checked along the chain, with one info line saying so and no warning', async () => {
    const installed = installedOf(await restoreFrom(tampered()))
    expect(installed).toMatchObject({ debianVersion: TRIXIE, suite: 'stable', debSha256: archive.deb('qemu-user', TRIXIE).sha256 })
    expect(installed.url).toBe(`http://deb.debian.org/debian/${debPath()}`)
    expect(await readFile(join(installed.dir, 'qemu-aarch64'))).toEqual(aarch64(TRIXIE))
    expect(lines.warning).toEqual([])
    expect(lines.info).toEqual([
      expect.stringMatching(
        /^Checked the Actions cache entry along Debian's chain: the InRelease of stable .*, qemu-aarch64 it keeps by the MD5 the \.deb's md5sums give$/
      )
    ])
    // The entry's folder is gone once used; the tool cache holds the version, its marker, and nothing else.
    expect(await files(join(toolCache, 'qemu-debian'))).toEqual([])
    expect(await files(join(toolCache, 'qemu'))).toEqual(
      [
        '1%3a10.0.13+ds-0+deb13u1/amd64.complete',
        `1%3a10.0.13+ds-0+deb13u1/amd64/${MANIFEST}`,
        // The emulator the job needs, of the two the entry keeps.
        '1%3a10.0.13+ds-0+deb13u1/amd64/qemu-aarch64'
      ].sort()
    )
  })

  it('keeps the emulators once when another job keeps the same version into the same folder, never writing through the first one’s links', async () => {
    const before = await readFile(join(genuine, 'emulators', 'qemu-aarch64'))
    await keeper(url => download(url), server.url, genuine).commit('stable', installed)
    expect(await readFile(join(genuine, 'emulators', 'qemu-aarch64'))).toEqual(before)
    expect(await readFile(join(installed.dir, 'qemu-aarch64'))).toEqual(before)
  })

  it('unpacks from its .deb the needed emulator an entry does not keep (an older entry keeps none), and no other', async () => {
    for (const change of [
      (dir: string) => rm(join(dir, 'emulators'), { recursive: true }),
      (dir: string) => rm(join(dir, 'emulators', 'qemu-aarch64'))
    ]) {
      lines = { warning: [], info: [] }
      toolCache = await mkdtemp(join(root, 'tool-cache-'))
      const installed = installedOf(await restoreFrom(tampered(change)))
      expect(Object.keys(installed.binaries)).toEqual(['aarch64'])
      expect(installed.holds).toEqual(['aarch64', 's390x'])
      expect((await readFile(join(installed.dir, 'qemu-aarch64'))).equals(aarch64(TRIXIE))).toBe(true)
      expect(lines.warning).toEqual([])
      expect(lines.info).toEqual([expect.stringMatching(/, qemu-aarch64 unpacked from the \.deb$/)])
    }
  })

  it('is completed before it is saved: every emulator its .deb holds that it does not keep is unpacked into it, and a restore then unpacks none', async () => {
    const dir = join(root, 'to-complete')
    await cp(genuine, dir, { recursive: true })
    await rm(join(dir, 'emulators', 'qemu-s390x'))
    expect(await completeKept(dir, ['aarch64', 's390x', 'riscv64'])).toEqual(['s390x'])
    expect(await files(dir)).toEqual(await files(genuine))
    expect(await readFile(join(dir, 'emulators', 'qemu-s390x'))).toEqual(await readFile(join(genuine, 'emulators', 'qemu-s390x')))
    // Complete already: nothing unpacked.
    expect(await completeKept(dir, ['aarch64', 's390x'])).toEqual([])
    await rm(dir, { recursive: true })
    expect(await readdir(process.env.RUNNER_TEMP as string)).toEqual([])
  })

  it('is saved with its Packages index unpacked, as the InRelease lists it too: a restore checks it by that hash and unpacks nothing', async () => {
    const dir = join(root, 'to-save')
    await cp(genuine, dir, { recursive: true })
    expect(await unpackKeptIndex(dir)).toEqual(['dists/stable/main/binary-amd64/Packages'])
    expect(await files(dir)).toEqual((await files(genuine)).map(f => (f === STABLE_PACKAGES ? UNPACKED_PACKAGES : f)).sort())
    expect(await readFile(join(dir, UNPACKED_PACKAGES), 'utf8')).toBe(archive.packages.get('stable')!.text)
    // Unpacked already: nothing to do.
    expect(await unpackKeptIndex(dir)).toEqual([])
    const installed = installedOf(await restoreFrom(d => cp(dir, d, { recursive: true })))
    expect(installed.debSha256).toBe(archive.deb('qemu-user', TRIXIE).sha256)
    expect(lines.warning).toEqual([])
    await rm(dir, { recursive: true })
  })

  it('keeps the .gz where the InRelease does not list the unpacked index', async () => {
    const dir = join(root, 'to-save-unlisted')
    await cp(genuine, dir, { recursive: true })
    const inRelease = join(dir, 'dists/stable/InRelease')
    await writeFile(inRelease, (await readFile(inRelease, 'utf8')).replace(/^ .* main\/binary-amd64\/Packages\r?\n/gm, ''))
    expect(await unpackKeptIndex(dir)).toEqual([])
    expect(await files(dir)).toEqual(await files(genuine))
    await rm(dir, { recursive: true })
  })

  it('refuses an entry whose unpacked Packages index was changed to vouch for a changed .deb', async () => {
    const restored = await restoreFrom(
      tampered(async dir => {
        await unpackKeptIndex(dir)
        const deb = await alterDeb(dir)
        const file = join(dir, UNPACKED_PACKAGES)
        const text = await readFile(file, 'utf8')
        const forged = text.replace(archive.deb('qemu-user', TRIXIE).sha256, sha256Hex(deb))
        expect(forged).not.toBe(text)
        await writeFile(file, forged)
      })
    )
    expect(restored).toEqual({ state: 'refused' })
    expect(lines.warning).toEqual([
      expect.stringMatching(
        /the Packages index of stable from .*\/dists\/stable\/main\/binary-amd64\/Packages has SHA-256 [0-9a-f]{64}, but the signed archive index says/
      )
    ])
    expect(await files(join(toolCache, 'qemu'))).toEqual([])
  })

  it.each([
    [
      'a kept emulator changed (one byte)',
      async (dir: string) => {
        const file = join(dir, 'emulators', 'qemu-aarch64')
        const data = await readFile(file)
        data[data.length - 1] ^= 0xff
        await writeFile(file, data)
      },
      /the kept qemu-aarch64 has MD5 [0-9a-f]{32}, but the md5sums of the verified \.deb give \.\/usr\/bin\/qemu-aarch64 [0-9a-f]{32}/
    ],
    [
      'a kept emulator a link to another file',
      async (dir: string) => {
        await rm(join(dir, 'emulators', 'qemu-aarch64'))
        await symlink('/bin/true', join(dir, 'emulators', 'qemu-aarch64'))
      },
      /the kept qemu-aarch64 is not a regular file/
    ],
    [
      'a byte of the .deb changed',
      alterDeb,
      /pool\/main\/q\/qemu\/qemu-user_.*\.deb has SHA-256 [0-9a-f]{64} \(\d+ bytes\), but the signed Packages index says/
    ],
    [
      'the .deb changed and the Packages index changed to vouch for it',
      alterDebAndIndex,
      /the Packages index of stable from .*\/dists\/stable\/main\/binary-amd64\/Packages\.gz has SHA-256 [0-9a-f]{64}, but the signed archive index says/
    ],
    ['the .deb, the index and the InRelease’s signed text changed to match', alterAllThree, /InRelease has a bad OpenPGP signature by key/],
    [
      'the .deb, the index and an InRelease signed by another key',
      async (dir: string) => {
        await alterAllThree(dir)
        const text = (await readFile(join(dir, 'dists/stable/InRelease'), 'utf8')).replace(
          /^[\s\S]*?\n\n|\n-----BEGIN PGP SIGNATURE-----[\s\S]*$/g,
          ''
        )
        await writeFile(join(dir, 'dists/stable/InRelease'), await clearsign(`${text}\n`, [rogue]))
      },
      /InRelease is not signed by any of Debian's archive keys/
    ],
    [
      'oldstable’s InRelease, genuinely signed, in stable’s place',
      async (dir: string) => void (await writeFile(join(dir, 'dists/stable/InRelease'), archive.files.get('dists/oldstable/InRelease')!)),
      /InRelease is signed for suite "oldstable", not stable/
    ],
    [
      'the .deb a link to another file',
      async (dir: string) => {
        await rm(join(dir, debPath()))
        await symlink('/etc/hostname', join(dir, debPath()))
      },
      /qemu-user_.*\.deb is not a regular file/
    ],
    ['the .deb missing', async (dir: string) => void (await rm(join(dir, debPath()))), /could not download qemu-user .*ENOENT/],
    [
      'a second suite beside stable',
      async (dir: string) => void (await cp(join(dir, 'dists/stable'), join(dir, 'dists/unstable'), { recursive: true })),
      /holds 2 suites \(stable, unstable\)/
    ],
    [
      'a version entry planted in the tool cache (a changed qemu-aarch64, its manifest to match, the marker)',
      async () => {
        const version = join(toolCache, 'qemu', '1%3a10.0.13+ds-0+deb13u1')
        const planted = Buffer.concat([aarch64(TRIXIE), Buffer.from('planted')])
        await mkdir(join(version, 'amd64'), { recursive: true })
        await writeFile(join(version, 'amd64', 'qemu-aarch64'), planted)
        await writeFile(
          join(version, 'amd64', MANIFEST),
          JSON.stringify({ debianVersion: TRIXIE, binaries: { aarch64: sha256Hex(planted) } })
        )
        await writeFile(join(version, 'amd64.complete'), '')
      },
      /it wrote into the tool cache's qemu folder \(1%3a10\.0\.13\+ds-0\+deb13u1\/amd64, 1%3a10\.0\.13\+ds-0\+deb13u1\/amd64\.complete\), which a genuine entry never does/
    ]
  ])('refuses an entry with %s in one warning line naming it, and keeps nothing of it', async (_what, change, message) => {
    const restored = await restoreFrom(tampered(change))
    expect(restored.state).toBe('refused')
    expect(lines.warning).toHaveLength(1)
    expect(lines.warning[0]).toMatch(new RegExp(`^Refused the QEMU entry restored from the Actions cache under ${KEY}: `))
    expect(lines.warning[0]).toMatch(message)
    expect(lines.warning[0]).toMatch(/; fetching QEMU from the Debian archive \(delete the entry to let a good one be saved\)$/)
    expect(lines.warning[0]).not.toContain('\n')
    expect(await files(join(toolCache, 'qemu'))).toEqual([])
    expect(await files(join(toolCache, 'qemu-debian'))).toEqual([])
  })

  it('takes an entry without Debian files (an older format) as unusable, with an info line and no warning', async () => {
    const restored = await restoreFrom(async dir => void (await mkdir(dir, { recursive: true })))
    expect(restored).toEqual({ state: 'refused' })
    expect(lines.warning).toEqual([])
    expect(lines.info).toEqual([expect.stringMatching(/holds no Debian files to check QEMU against \(an older format\)/)])
  })

  it('says miss when there is no entry, and writes nothing', async () => {
    expect(await restoreFrom(undefined)).toEqual({ state: 'miss' })
    expect(lines).toEqual({ warning: [], info: [] })
    expect(await files(toolCache)).toEqual([])
  })

  it('reuses the version already in the tool cache when it holds this .deb’s binaries', async () => {
    const first = installedOf(await restoreFrom(tampered()))
    const marker = await stat(`${first.dir}.complete`)
    const again = installedOf(await restoreFrom(tampered()))
    expect(again.dir).toBe(first.dir)
    expect((await stat(`${again.dir}.complete`)).ctimeMs).toBe(marker.ctimeMs)
    expect(await readFile(join(again.dir, 'qemu-aarch64'))).toEqual(aarch64(TRIXIE))
  })
})
