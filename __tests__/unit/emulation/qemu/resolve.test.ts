/**
 * The QEMU resolver end to end, against a real (small) Debian archive served on loopback:
 * InRelease clearsigned with a key made here, Packages.gz and Packages.xz (made by xz),
 * .debs made by dpkg-deb, and downloads done over HTTP by download.ts, as in
 * production.
 */

import type { Dirent } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ArchiveOptions } from '../../../../src/emulation/qemu/archive.js'
import { download } from '../../../../src/emulation/qemu/download.js'
import { install } from '../../../../src/emulation/qemu/install.js'
import { parseQemuQuery, type QemuQuery } from '../../../../src/emulation/qemu/query.js'
import { ALL_SUITES, resolveQemu } from '../../../../src/emulation/qemu/resolve.js'
import { type QemuSetup, setupQemu } from '../../../../src/emulation/qemu/setup.js'
import { MANIFEST } from '../../../../src/emulation/qemu/toolcache.js'
import { InputError, VerificationError } from '../../../../src/shared/errors.js'
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
  type IndexKind,
  serveArchive,
  sha256Hex
} from '../../../helpers/archive-server.js'

const BOOKWORM = '1:7.2+dfsg-7+deb12u18'
const TRIXIE = '1:10.0.13+ds-0+deb13u1'
const TRIXIE_BPO = '1:11.1.3+ds-1~bpo13+1'
const FORKY = '1:11.1.2+ds-1'
const SID = '1:11.1.3+ds-1'
const ALL_VERSIONS = [BOOKWORM, TRIXIE, TRIXIE_BPO, FORKY, SID]

/** The static program a package ships for an emulator; each (version, emulator) is distinct. */
const staticQemu = (emulator: string, version: string) => elfProgram(`static qemu-${emulator} ${version}`, { emulator })

/** trixie on: `qemu-user` holds static `qemu-<arch>`; `qemu-user-static` only depends on it. */
function trixieLayout(version: string): DebSpec[] {
  return [
    {
      package: 'qemu-user',
      version,
      files: {
        './usr/bin/qemu-aarch64': staticQemu('aarch64', version),
        './usr/bin/qemu-s390x': staticQemu('s390x', version),
        './usr/bin/qemu-arm': staticQemu('arm', version)
      }
    },
    {
      package: 'qemu-user-static',
      version,
      depends: `qemu-user (>= ${version}), qemu-user-binfmt`,
      files: { './usr/share/doc/qemu-user-static/README.Debian': Buffer.from('transitional\n') }
    }
  ]
}

/**
 * bookworm: `qemu-user-static` holds `qemu-<arch>-static` (here without s390x, to see a
 * missing emulator skipped, and with qemu-aarch64-static not executable, to see the
 * cache make it so), beside a dynamically linked `qemu-user`.
 */
function bookwormLayout(version: string): DebSpec[] {
  return [
    {
      package: 'qemu-user-static',
      version,
      files: {
        './usr/bin/qemu-aarch64-static': staticQemu('aarch64', version),
        './usr/bin/qemu-arm-static': staticQemu('arm', version)
      },
      modes: { './usr/bin/qemu-aarch64-static': 0o644 }
    },
    {
      package: 'qemu-user',
      version,
      depends: 'libc6 (>= 2.34), libglib2.0-0 (>= 2.75.3)',
      files: { './usr/bin/qemu-aarch64': elfProgram(`dynamic qemu-aarch64 ${version}`, { emulator: 'aarch64', dynamic: true }) }
    }
  ]
}

const NOW = new Date()
const HOUR = 60 * 60 * 1000
const later = (hours: number) => new Date(NOW.getTime() + hours * HOUR)

let key: ArchiveKey
let rogue: ArchiveKey
let archive: FakeArchive
let server: ArchiveServer
let scratch: string
let toolCache: string
let runnerTemp: string
let warnings: string[]
let infos: string[]
const log = { warning: (m: string) => void warnings.push(m), info: (m: string) => void infos.push(m) }
const realStdoutWrite = process.stdout.write

beforeAll(async () => {
  // @actions/core prints a ::debug:: line per download; keep the test output readable.
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) =>
    String(chunk).startsWith('::debug::') ? true : realStdoutWrite.call(process.stdout, chunk, ...rest)) as typeof process.stdout.write
  ;[key, rogue] = await Promise.all([generateArchiveKey('Test archive'), generateArchiveKey('Someone else')])
  const date = new Date(NOW.getTime() - HOUR)
  const week = later(7 * 24)
  archive = await buildArchive(
    [
      { alias: 'unstable', codename: 'sid', date, validUntil: week, debs: trixieLayout(SID) },
      { alias: 'testing', codename: 'forky', date, validUntil: week, debs: trixieLayout(FORKY) },
      // Backports suites list only Packages.xz; the others Packages.gz as well.
      { alias: 'stable-backports', codename: 'trixie-backports', date, validUntil: week, indexes: ['xz'], debs: trixieLayout(TRIXIE_BPO) },
      { alias: 'stable', codename: 'trixie', date, debs: trixieLayout(TRIXIE) },
      { alias: 'oldstable-backports', codename: 'bookworm-backports', date, validUntil: week, indexes: ['xz'], debs: [] },
      { alias: 'oldstable', codename: 'bookworm', date, debs: bookwormLayout(BOOKWORM) }
    ],
    key
  )
  server = await serveArchive(archive)
})

afterAll(async () => {
  process.stdout.write = realStdoutWrite
  await server?.close()
})

beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'archway-resolve-'))
  toolCache = join(scratch, 'toolcache')
  runnerTemp = join(scratch, 'temp')
  await mkdir(toolCache)
  await mkdir(runnerTemp)
  process.env.RUNNER_TEMP = runnerTemp
  warnings = []
  infos = []
  server.reset()
})

afterEach(async () => {
  await rm(scratch, { recursive: true, force: true })
})

function query(text: string): QemuQuery {
  const q = parseQemuQuery(text)
  if (!q) throw new Error(`not a qemu-version: ${text}`)
  return q
}

function archiveOptions(extra: Partial<ArchiveOptions> = {}): ArchiveOptions {
  return {
    mirror: server.url,
    arch: 'amd64',
    keys: [key.publicKey],
    fetch: url => download(url),
    warn: m => void warnings.push(m),
    ...extra
  }
}

function setup(text: string, now = NOW, needed = ['aarch64']): Promise<QemuSetup> {
  return setupQemu({
    query: query(text),
    mirror: server.url,
    runnerArch: 'amd64',
    needed,
    cacheable: ['aarch64', 's390x'],
    toolCache,
    useActionsCache: false,
    now,
    log,
    keys: [key.publicKey],
    fetch: url => download(url)
  })
}

/** Every file and directory under `dir`, relative, directories ending in `/`; [] when absent. */
async function tree(dir: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (rel: string) => {
    let entries: Dirent[]
    try {
      entries = await readdir(join(dir, rel), { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name
      if (e.isDirectory()) {
        out.push(`${path}/`)
        await walk(path)
      } else out.push(path)
    }
  }
  await walk('')
  return out.sort()
}

const inRelease = (alias: string) => `dists/${alias}/InRelease`
const packagesFile = (alias: string, kind: IndexKind) => `dists/${alias}/main/binary-amd64/Packages.${kind}`
/** The index the resolver reads: Packages.gz where the suite lists it (it unpacks in-process), else Packages.xz. */
const packagesIndex = (alias: string) => packagesFile(alias, alias.endsWith('-backports') ? 'xz' : 'gz')
const poolRequests = () => server.requests.filter(r => r.startsWith('pool/'))

/** A Packages index that points `qemu-user` of stable at a different .deb: what an attacker would serve. */
async function hostileIndex(): Promise<{ gz: Buffer; xz: Buffer }> {
  const text = archive.packages.get('stable')!.text
  const hostile = text.replace(archive.deb('qemu-user', TRIXIE).sha256, 'e'.repeat(64))
  expect(hostile).not.toBe(text)
  return compressIndex(hostile)
}

/** Serves the hostile index in both forms for stable. */
async function serveHostileIndex(): Promise<{ gz: Buffer; xz: Buffer }> {
  const hostile = await hostileIndex()
  server.override(packagesFile('stable', 'gz'), hostile.gz)
  server.override(packagesFile('stable', 'xz'), hostile.xz)
  return hostile
}

describe('resolving qemu-version against a signed Debian archive', () => {
  it('resolves stable to the version in the stable suite, fetching only that suite’s InRelease and Packages index', async () => {
    const pkg = await resolveQemu(query('stable'), archiveOptions())
    expect(pkg).toMatchObject({ debianVersion: TRIXIE, qemuVersion: '10.0.13', suite: 'stable', codename: 'trixie' })
    expect(server.requests).toEqual([inRelease('stable'), packagesIndex('stable')])
    expect(warnings).toEqual([])
  })

  it('resolves latest to the highest Debian version across every suite, where a ~bpo backport sorts below the same upstream in unstable', async () => {
    const pkg = await resolveQemu(query('latest'), archiveOptions())
    expect(pkg).toMatchObject({ debianVersion: SID, qemuVersion: '11.1.3', suite: 'unstable', codename: 'sid' })
    expect(server.requests.sort()).toEqual(ALL_SUITES.flatMap(s => [inRelease(s), packagesIndex(s)]).sort())
    expect(poolRequests()).toEqual([])
  })

  it.each([
    ['11.1', SID, 'unstable'],
    ['10.0', TRIXIE, 'stable'],
    ['7.2', BOOKWORM, 'oldstable'],
    ['>=10', SID, 'unstable'],
    ['>=10 <11', TRIXIE, 'stable'],
    ['11.1.2', FORKY, 'testing']
  ])('resolves the range %p to the newest version it admits, %s from %s', async (text, version, suite) => {
    const pkg = await resolveQemu(query(text), archiveOptions())
    expect(pkg.debianVersion).toBe(version)
    expect(pkg.suite).toBe(suite)
  })

  it.each([
    [TRIXIE, 'stable'],
    [TRIXIE_BPO, 'stable-backports']
  ])('resolves the exact version %s to exactly that package, from %s, though newer ones exist', async (version, suite) => {
    const pkg = await resolveQemu(query(version), archiveOptions())
    expect(pkg.debianVersion).toBe(version)
    expect(pkg.suite).toBe(suite)
  })

  it('refuses a query that matches nothing with an InputError naming qemu-version, the value and every version available', async () => {
    const err = await resolveQemu(query('12'), archiveOptions()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InputError)
    const e = err as InputError
    expect(e.input).toBe('qemu-version')
    expect(e.value).toBe('12')
    expect(e.message).toContain('"qemu-version"')
    expect(e.message).toContain('"12"')
    for (const v of ALL_VERSIONS) expect(e.message).toContain(v)
  })

  it('finds static QEMU of the bookworm layout in qemu-user-static, with -static suffixed binaries, not in the dynamic qemu-user beside it', async () => {
    const pkg = await resolveQemu(query(BOOKWORM), archiveOptions())
    const deb = archive.deb('qemu-user-static', BOOKWORM)
    expect(pkg).toMatchObject({
      package: 'qemu-user-static',
      layout: 'static-suffix',
      filename: deb.filename,
      sha256: deb.sha256,
      size: deb.data.length
    })
  })

  it('finds static QEMU of the trixie layout in qemu-user, named plainly, not in the qemu-user-static that depends on it', async () => {
    const pkg = await resolveQemu(query(TRIXIE), archiveOptions())
    const deb = archive.deb('qemu-user', TRIXIE)
    expect(pkg).toMatchObject({ package: 'qemu-user', layout: 'plain', filename: deb.filename, sha256: deb.sha256, size: deb.data.length })
  })

  it('uses a suite whose Valid-Until has passed, as its signature and hashes hold, warning once, about the suite the package comes from', async () => {
    const pkg = await resolveQemu(query('latest'), archiveOptions({ now: later(8 * 24) }))
    expect(pkg.debianVersion).toBe(SID)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/\bunstable \(sid\).*Valid-Until/)
    // Every suite read has expired but stable and oldstable; only the one the package comes from is named.
    warnings.length = 0
    await resolveQemu(query(TRIXIE_BPO), archiveOptions({ now: later(8 * 24) }))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/\bstable-backports \(trixie-backports\).*Valid-Until/)
    // stable has no Valid-Until, as in Debian: no warning, however late.
    warnings.length = 0
    await resolveQemu(query('stable'), archiveOptions({ now: later(8 * 24) }))
    expect(warnings).toEqual([])
  })
})

describe('refusing what the chain of trust does not vouch for', () => {
  it.each([
    [
      'signed only by a key that is not among the archive keys',
      async () => clearsign(archive.releases.get('stable')!, [rogue]),
      /not signed by any of Debian's archive keys/
    ],
    [
      'whose signed text was altered after signing, to vouch for another Packages.xz',
      async () => {
        const good = archive.files.get(inRelease('stable'))!.toString()
        const real = archive.packages.get('stable')!
        const hostile = await hostileIndex()
        const altered = good.replace(sha256Hex(real.gz), sha256Hex(hostile.gz)).replace(sha256Hex(real.xz), sha256Hex(hostile.xz))
        expect(altered).not.toBe(good)
        return altered
      },
      /bad OpenPGP signature by key/
    ],
    ['that is not clearsigned at all', async () => archive.releases.get('stable')!, /not an OpenPGP clearsigned file/]
  ])(
    'refuses an InRelease %s with a VerificationError, fetching nothing past it and writing nothing to the tool cache',
    async (_what, make, message) => {
      server.override(inRelease('stable'), await make())
      await serveHostileIndex()
      const err = await setup('stable').catch((e: unknown) => e)
      expect(err).toBeInstanceOf(VerificationError)
      expect((err as Error).message).toMatch(message)
      expect(server.requests).toEqual([inRelease('stable')])
      expect(await tree(toolCache)).toEqual([])
      expect(await tree(runnerTemp)).toEqual([])
    }
  )

  it('accepts an InRelease signed by an unknown key as well as an archive key, as apt does', async () => {
    server.override(inRelease('stable'), await clearsign(archive.releases.get('stable')!, [rogue, key]))
    const pkg = await resolveQemu(query('stable'), archiveOptions())
    expect(pkg.debianVersion).toBe(TRIXIE)
  })

  it.each([
    ['Packages.gz', 'gz', ['gz', 'xz']],
    ['Packages.xz', 'xz', ['xz']]
  ] as const)('refuses a %s whose SHA-256 is not the one in InRelease, before fetching any package', async (_name, kind, listed) => {
    server.override(inRelease('stable'), await clearsign(archive.releaseListing('stable', listed), [key]))
    const hostile = await serveHostileIndex()
    const err = await setup('stable').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(VerificationError)
    expect((err as Error).message).toContain(
      `Packages index of stable from ${server.url}/${packagesFile('stable', kind)} has SHA-256 ${sha256Hex(hostile[kind])}`
    )
    expect(server.requests).toEqual([inRelease('stable'), packagesFile('stable', kind)])
    expect(await tree(toolCache)).toEqual([])
  })

  it('refuses a .deb whose SHA-256 is not the one in Packages, keeping no version in the tool cache and no download in RUNNER_TEMP', async () => {
    const deb = archive.deb('qemu-user', TRIXIE)
    const corrupt = Buffer.from(deb.data)
    corrupt[corrupt.length - 100] ^= 0xff // same size: only the hash can tell
    server.override(deb.filename, corrupt)
    const err = await setup('stable').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(VerificationError)
    expect((err as Error).message).toContain(`has SHA-256 ${sha256Hex(corrupt)}`)
    expect(server.requests).toContain(deb.filename)
    // The staging area is gone, and no version directory, marker or memo was left.
    expect(await tree(toolCache)).toEqual(['qemu/'])
    expect(await tree(runnerTemp)).toEqual([])
  })

  it('refuses to cache a package whose emulator is dynamically linked, keeping nothing', async () => {
    // As if the resolver had taken bookworm's dynamic qemu-user for the static one.
    const pkg = await resolveQemu(query(BOOKWORM), archiveOptions())
    const dynamic = archive.deb('qemu-user', BOOKWORM)
    const wrong = {
      ...pkg,
      package: 'qemu-user',
      layout: 'plain' as const,
      filename: dynamic.filename,
      sha256: dynamic.sha256,
      size: dynamic.data.length
    }
    const err = await install(wrong, {
      mirror: server.url,
      toolCache,
      runnerArch: 'amd64',
      emulators: ['aarch64', 's390x'],
      needed: ['aarch64'],
      fetch: url => download(url)
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(VerificationError)
    expect((err as Error).message).toContain('./usr/bin/qemu-aarch64 in')
    expect((err as Error).message).toContain('is not a statically linked ELF program')
    expect(await tree(toolCache)).toEqual(['qemu/'])
  })
})

describe('the tool cache', () => {
  it.each([
    ['stable', TRIXIE, 'qemu-user', ['qemu-aarch64'], ['aarch64', 's390x']],
    [BOOKWORM, BOOKWORM, 'qemu-user-static', ['qemu-aarch64'], ['aarch64']]
  ])(
    'after setting up %s, holds static qemu-aarch64 of %s (from %s) named plainly, with a manifest of what the package holds and a .complete marker',
    async (text, version, pkg, binaries, holds) => {
      const result = await setup(text)
      const encoded = version.replace(':', '%3a')
      const dir = join(toolCache, 'qemu', encoded, 'amd64')
      expect(result.source).toBe('Debian archive')
      expect(result.installed.dir).toBe(dir)
      expect(result.installed.package).toBe(pkg)
      expect(await readdir(dir)).toEqual([MANIFEST, ...binaries].sort())
      expect(await readFile(join(toolCache, 'qemu', encoded, 'amd64.complete'))).toEqual(Buffer.alloc(0))
      const aarch64 = await readFile(join(dir, 'qemu-aarch64'))
      expect(aarch64).toEqual(staticQemu('aarch64', version))
      expect((await stat(join(dir, 'qemu-aarch64'))).mode & 0o777).toBe(0o755)
      const manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as Record<string, unknown>
      const deb = archive.deb(pkg, version)
      expect(manifest).toMatchObject({
        debianVersion: version,
        package: pkg,
        debSha256: deb.sha256,
        url: `${server.url}/${deb.filename}`,
        binaries: Object.fromEntries(binaries.map(b => [b.replace('qemu-', ''), sha256Hex(staticQemu(b.replace('qemu-', ''), version))])),
        holds
      })
      // Every download was cleaned up after use.
      expect(await tree(runnerTemp)).toEqual([])
    }
  )

  it('adds an emulator a later job needs to the entry of the same .deb, and leaves the binary already there untouched', async () => {
    const first = await setup('stable')
    const aarch64 = await stat(join(first.installed.dir, 'qemu-aarch64'))
    server.reset()
    const second = await setup('stable', later(1), ['s390x'])
    expect(infos).toContain(`QEMU ${TRIXIE} in the tool cache has no qemu-s390x yet: adding it from the .deb`)
    expect(server.requests).toContain(archive.deb('qemu-user', TRIXIE).filename)
    expect(second.source).toBe('Debian archive')
    expect(second.installed.dir).toBe(first.installed.dir)
    expect(Object.keys(second.installed.binaries).sort()).toEqual(['aarch64', 's390x'])
    expect(await readFile(join(second.installed.dir, 'qemu-s390x'))).toEqual(staticQemu('s390x', TRIXIE))
    expect((await stat(join(second.installed.dir, 'qemu-aarch64'))).ino).toBe(aarch64.ino)
    // Whole now: either emulator from the tool cache, with no request.
    server.reset()
    const third = await setup('stable', later(2), ['aarch64', 's390x'])
    expect(third.source).toBe('tool cache')
    expect(server.requests).toEqual([])
    expect(warnings).toEqual([])
  })

  it('keeps one entry with every emulator when jobs needing different ones install the same .deb at once', async () => {
    const jobs = await Promise.all([setup(TRIXIE, NOW, ['aarch64']), setup(TRIXIE, NOW, ['s390x']), setup(TRIXIE, NOW, ['aarch64'])])
    const dir = jobs[0].installed.dir
    expect(jobs.map(j => j.installed.dir)).toEqual([dir, dir, dir])
    const manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as { binaries: Record<string, string> }
    expect(manifest.binaries).toEqual({
      aarch64: sha256Hex(staticQemu('aarch64', TRIXIE)),
      s390x: sha256Hex(staticQemu('s390x', TRIXIE))
    })
    expect(await readdir(dir)).toEqual([MANIFEST, 'qemu-aarch64', 'qemu-s390x'])
    expect((await tree(join(toolCache, 'qemu'))).filter(p => p.startsWith('.work-'))).toEqual([])
    expect((await setup(TRIXIE, NOW, ['aarch64', 's390x'])).source).toBe('tool cache')
  })

  it('serves an exact version with zero requests, stable from its memo within a day, and reads InRelease again after 25 hours', async () => {
    const first = await setup('stable')
    expect(first.source).toBe('Debian archive')
    expect(server.requests).toContain(archive.deb('qemu-user', TRIXIE).filename)

    server.reset()
    const exact = await setup(TRIXIE, later(1))
    expect(server.requests).toEqual([])
    expect(exact.source).toBe('tool cache')
    expect(exact.installed.dir).toBe(first.installed.dir)

    const memo = await setup('stable', later(23))
    expect(server.requests).toEqual([])
    expect(memo.source).toBe('tool cache')
    expect(memo.installed.debianVersion).toBe(TRIXIE)

    const stale = await setup('stable', later(25))
    expect(server.requests).toEqual([inRelease('stable'), packagesIndex('stable')])
    expect(stale.source).toBe('tool cache')
    expect(stale.installed.debianVersion).toBe(TRIXIE)
    expect(warnings).toEqual([])
  })

  it('replaces a cached version when the archive now signs another build of it, and keeps the new bytes', async () => {
    const first = await setup('stable')
    // Another mirror serving a rebuild of the same Debian version: other bytes, other SHA-256.
    const rebuilt = trixieLayout(TRIXIE).map(d => ({
      ...d,
      files: Object.fromEntries(Object.entries(d.files).map(([p, f]) => [p, Buffer.concat([f, Buffer.from('rebuilt')])]))
    }))
    const other = await serveArchive(
      await buildArchive([{ alias: 'stable', codename: 'trixie', date: new Date(NOW.getTime() - HOUR), debs: rebuilt }], key)
    )
    try {
      const again = await setupQemu({
        query: query('stable'),
        mirror: other.url,
        runnerArch: 'amd64',
        needed: ['aarch64'],
        cacheable: ['aarch64', 's390x'],
        toolCache,
        useActionsCache: false,
        now: NOW,
        log,
        keys: [key.publicKey],
        fetch: url => download(url)
      })
      expect(again.source).toBe('Debian archive')
      expect(again.installed.dir).toBe(first.installed.dir)
      expect(again.installed.debSha256).not.toBe(first.installed.debSha256)
      const onDisk = await readFile(join(again.installed.dir, 'qemu-aarch64'))
      expect(onDisk.subarray(-7).toString()).toBe('rebuilt')
      expect(sha256Hex(onDisk)).toBe(again.installed.binaries.aarch64)
    } finally {
      await other.close()
    }
  })

  it.each([
    ['the exact version', TRIXIE],
    ['stable, remembered', 'stable']
  ])('notices a cached binary altered after caching when asked for %s, warns, and fetches it again', async (_what, text) => {
    const first = await setup(text)
    const binary = join(first.installed.dir, 'qemu-aarch64')
    const original = await readFile(binary)
    await writeFile(binary, elfProgram('something else entirely', { emulator: 'aarch64' }))

    server.reset()
    const again = await setup(text, later(1))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(binary)
    expect(warnings[0]).toMatch(/differs from the SHA-256 recorded when it was cached; fetching QEMU .* again/)
    expect(server.requests).toContain(archive.deb('qemu-user', TRIXIE).filename)
    expect(again.source).toBe('Debian archive')
    expect(await readFile(binary)).toEqual(original)
    expect(original).toEqual(staticQemu('aarch64', TRIXIE))
  })
})
