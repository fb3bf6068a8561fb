/**
 * A small, real Debian archive made in the test and served on loopback: clearsigned
 * InRelease files (signed with an OpenPGP key generated in the test), Packages indexes
 * compressed by the real `xz` (and gzip, where a suite lists Packages.gz too) and .debs
 * built by the real `dpkg-deb`. The server records every
 * request path and can serve a replacement for any file, to play a hostile mirror.
 */
import { execFile, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'
import * as openpgp from 'openpgp'

const execFileP = promisify(execFile)

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex')
}

/** Runs a filter (`xz -c`) over `input` and returns its output. */
export function pipeThrough(command: string, args: readonly string[], input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { stdio: ['pipe', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', reject)
    child.on('close', code =>
      code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`${command} exited with ${code}: ${Buffer.concat(err).toString()}`))
    )
    child.stdin.end(input)
  })
}

export const xz = (data: Buffer | string): Promise<Buffer> => pipeThrough('xz', ['-c'], Buffer.from(data))

// --- ELF programs -------------------------------------------------------------------

const EM: Record<string, number> = { aarch64: 183, arm: 40, s390x: 22, x86_64: 62, riscv64: 243 }
const PT_INTERP = 3

/**
 * A minimal ELF64 little-endian executable: the 64-byte header, then `marker` so each
 * file is distinct. Static means no program headers at all (so no PT_INTERP); dynamic
 * adds one PT_INTERP program header naming a loader, as a dynamically linked QEMU has.
 */
export function elfProgram(marker: string, o: { emulator?: string; dynamic?: boolean } = {}): Buffer {
  const header = Buffer.alloc(64)
  header.writeUInt32BE(0x7f454c46, 0) // \x7fELF
  header[4] = 2 // ELFCLASS64
  header[5] = 1 // little-endian
  header[6] = 1 // EV_CURRENT
  header.writeUInt16LE(2, 16) // ET_EXEC
  header.writeUInt16LE(EM[o.emulator ?? 'x86_64'] ?? 62, 18)
  header.writeUInt32LE(1, 20)
  header.writeUInt16LE(64, 52) // e_ehsize
  const parts = [header]
  if (o.dynamic) {
    const interp = Buffer.from('/lib64/ld-linux-x86-64.so.2\0')
    const phdr = Buffer.alloc(56)
    phdr.writeUInt32LE(PT_INTERP, 0)
    phdr.writeBigUInt64LE(BigInt(64 + 56), 8) // p_offset
    phdr.writeBigUInt64LE(BigInt(interp.length), 32) // p_filesz
    header.writeBigUInt64LE(64n, 32) // e_phoff
    header.writeUInt16LE(56, 54) // e_phentsize
    header.writeUInt16LE(1, 56) // e_phnum
    parts.push(phdr, interp)
  }
  parts.push(Buffer.from(`\n${marker}\n`))
  return Buffer.concat(parts)
}

// --- Keys and signatures ------------------------------------------------------------

export interface ArchiveKey {
  readonly privateKey: openpgp.PrivateKey
  /** The armored public key, as `keys` takes it. */
  readonly publicKey: string
}

export async function generateArchiveKey(name: string): Promise<ArchiveKey> {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
    userIDs: [{ name }],
    format: 'object'
  })
  return { privateKey, publicKey: publicKey.armor() }
}

/** Clearsigns `text` with every key given, as an InRelease is. */
export async function clearsign(text: string, keys: readonly ArchiveKey[]): Promise<string> {
  return openpgp.sign({
    message: await openpgp.createCleartextMessage({ text }),
    signingKeys: keys.map(k => k.privateKey),
    format: 'armored'
  })
}

// --- Packages and suites ------------------------------------------------------------

export interface DebSpec {
  readonly package: string
  readonly version: string
  /** Path inside the package (`./usr/bin/qemu-aarch64`) -> content. */
  readonly files: Readonly<Record<string, Buffer>>
  readonly depends?: string
  /** File modes by path, where not 0755. */
  readonly modes?: Readonly<Record<string, number>>
  /** No DEBIAN/md5sums (which debhelper gives every package of the archive). */
  readonly noMd5sums?: boolean
}

export interface SuiteSpec {
  /** The directory under dists/: `stable`, `oldstable-backports` ... */
  readonly alias: string
  readonly codename: string
  readonly debs: readonly DebSpec[]
  readonly date: Date
  readonly validUntil?: Date
  /** The compressed Packages indexes the suite carries; Debian's main suites have both. */
  readonly indexes?: readonly IndexKind[]
}

export type IndexKind = 'gz' | 'xz'

/** A suite's Packages index: the text and its compressed forms. */
export interface PackagesIndex {
  readonly text: string
  readonly gz: Buffer
  readonly xz: Buffer
}

export async function compressIndex(text: string): Promise<PackagesIndex> {
  return { text, gz: gzipSync(text), xz: await xz(text) }
}

export interface BuiltDeb {
  readonly spec: DebSpec
  /** Relative to the mirror, as the Filename field gives it. */
  readonly filename: string
  readonly data: Buffer
  readonly sha256: string
}

export const ARCH = 'amd64'

/** `pool/main/q/qemu/qemu-user_10.0.13+ds-0+deb13u1_amd64.deb`: the epoch is not part of it. */
export function poolPath(pkg: string, version: string): string {
  return `pool/main/q/qemu/${pkg}_${version.replace(/^\d+:/, '')}_${ARCH}.deb`
}

export async function buildDeb(spec: DebSpec, scratch: string): Promise<Buffer> {
  const work = await mkdtemp(join(scratch, 'deb-'))
  const root = join(work, 'root')
  await mkdir(join(root, 'DEBIAN'), { recursive: true })
  const control = [
    `Package: ${spec.package}`,
    `Version: ${spec.version}`,
    `Architecture: ${ARCH}`,
    'Maintainer: Archway tests <tests@example.invalid>',
    ...(spec.depends ? [`Depends: ${spec.depends}`] : []),
    `Description: ${spec.package} made for the Archway tests`
  ].join('\n')
  await writeFile(join(root, 'DEBIAN', 'control'), `${control}\n`)
  for (const [path, data] of Object.entries(spec.files)) {
    const file = join(root, path)
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file, data)
    await chmod(file, spec.modes?.[path] ?? 0o755)
  }
  // DEBIAN/md5sums, as debhelper's dh_md5sums writes it: `<md5>  <path without ./>`.
  if (!spec.noMd5sums) {
    const sums = Object.entries(spec.files).map(
      ([path, data]) => `${createHash('md5').update(data).digest('hex')}  ${path.replace(/^\.\//, '')}`
    )
    await writeFile(join(root, 'DEBIAN', 'md5sums'), `${sums.join('\n')}\n`)
  }
  const out = join(work, 'out.deb')
  await execFileP('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', root, out])
  return readFile(out)
}

function stanza(deb: BuiltDeb): string {
  return [
    `Package: ${deb.spec.package}`,
    'Source: qemu',
    `Version: ${deb.spec.version}`,
    'Installed-Size: 1',
    'Maintainer: Archway tests <tests@example.invalid>',
    `Architecture: ${ARCH}`,
    ...(deb.spec.depends ? [`Depends: ${deb.spec.depends}`] : []),
    `Description: ${deb.spec.package}`,
    'Section: otherosfs',
    'Priority: optional',
    `Filename: ${deb.filename}`,
    `Size: ${deb.data.length}`,
    `SHA256: ${deb.sha256}`
  ].join('\n')
}

/** Unrelated stanzas around the QEMU ones, one with a name that starts with `qemu-user`. */
const NEIGHBOURS = [
  'Package: hello\nVersion: 2.10-3\nArchitecture: amd64\nFilename: pool/main/h/hello/hello_2.10-3_amd64.deb\nSize: 1\nSHA256: ' +
    '0'.repeat(64),
  'Package: qemu-user-binfmt\nSource: qemu\nVersion: 1:99.0+ds-1\nArchitecture: amd64\nDepends: qemu-user\nFilename: pool/main/q/qemu/qemu-user-binfmt_99.0+ds-1_amd64.deb\nSize: 1\nSHA256: ' +
    '1'.repeat(64)
]

export function packagesIndex(debs: readonly BuiltDeb[]): string {
  return `${[NEIGHBOURS[0], ...debs.map(stanza), NEIGHBOURS[1]].join('\n\n')}\n`
}

/** The text of a suite's InRelease (before signing), listing the given indexes. */
export function releaseText(s: SuiteSpec, index: PackagesIndex, kinds: readonly IndexKind[] = s.indexes ?? ['gz', 'xz']): string {
  const path = `main/binary-${ARCH}/Packages`
  const line = (data: Buffer | string, name: string, hash: (d: Buffer | string) => string) =>
    ` ${hash(data)} ${String(Buffer.byteLength(data)).padStart(8)} ${name}`
  const md5 = (d: Buffer | string) => createHash('md5').update(d).digest('hex')
  const lines = (hash: (d: Buffer | string) => string) => [
    line(index.text, path, hash),
    ...kinds.map(k => line(index[k], `${path}.${k}`, hash)),
    ` ${hash('arm64')} ${String(1234).padStart(8)} main/binary-arm64/Packages.xz`
  ]
  return [
    'Origin: Debian',
    'Label: Debian',
    `Suite: ${s.alias}`,
    `Codename: ${s.codename}`,
    `Date: ${s.date.toUTCString()}`,
    ...(s.validUntil ? [`Valid-Until: ${s.validUntil.toUTCString()}`] : []),
    'Acquire-By-Hash: yes',
    `Architectures: ${ARCH} arm64`,
    'Components: main contrib',
    `Description: Debian ${s.codename} (made for the Archway tests)`,
    'MD5Sum:',
    ...lines(md5),
    'SHA256:',
    ...lines(sha256Hex),
    ''
  ].join('\n')
}

export interface FakeArchive {
  /** Path relative to the mirror (`dists/stable/InRelease`) -> content. */
  readonly files: ReadonlyMap<string, Buffer>
  /** Alias -> the text signed into its InRelease. */
  readonly releases: ReadonlyMap<string, string>
  /** Alias -> its Packages index. */
  readonly packages: ReadonlyMap<string, PackagesIndex>
  readonly debs: ReadonlyMap<string, BuiltDeb>
  deb(pkg: string, version: string): BuiltDeb
  /** The InRelease text of a suite as it would read listing only `kinds` (to sign and serve instead). */
  releaseListing(alias: string, kinds: readonly IndexKind[]): string
}

/** Builds every suite: .debs with dpkg-deb, Packages.xz with xz, InRelease signed by `key`. */
export async function buildArchive(suites: readonly SuiteSpec[], key: ArchiveKey): Promise<FakeArchive> {
  const scratch = await mkdtemp(join(tmpdir(), 'archway-archive-'))
  try {
    const files = new Map<string, Buffer>()
    const releases = new Map<string, string>()
    const packages = new Map<string, PackagesIndex>()
    const specs = new Map(suites.map(s => [s.alias, s]))
    const debs = new Map<string, BuiltDeb>()
    await Promise.all(
      suites.map(async s => {
        const built = await Promise.all(
          s.debs.map(async spec => {
            const data = await buildDeb(spec, scratch)
            const deb: BuiltDeb = { spec, filename: poolPath(spec.package, spec.version), data, sha256: sha256Hex(data) }
            files.set(deb.filename, data)
            debs.set(`${spec.package} ${spec.version}`, deb)
            return deb
          })
        )
        const index = await compressIndex(packagesIndex(built))
        const text = releaseText(s, index)
        packages.set(s.alias, index)
        releases.set(s.alias, text)
        for (const kind of s.indexes ?? ['gz', 'xz']) files.set(`dists/${s.alias}/main/binary-${ARCH}/Packages.${kind}`, index[kind])
        files.set(`dists/${s.alias}/InRelease`, Buffer.from(await clearsign(text, [key])))
      })
    )
    return {
      files,
      releases,
      packages,
      debs,
      deb(pkg, version) {
        const d = debs.get(`${pkg} ${version}`)
        if (!d) throw new Error(`the fake archive has no ${pkg} ${version}`)
        return d
      },
      releaseListing(alias, kinds) {
        const spec = specs.get(alias)
        const index = packages.get(alias)
        if (!spec || !index) throw new Error(`the fake archive has no suite ${alias}`)
        return releaseText(spec, index, kinds)
      }
    }
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}

// --- The server ---------------------------------------------------------------------

/** The path the mirror is served under, as deb.debian.org serves `/debian`. */
export const MIRROR_PATH = '/debian'

export interface ArchiveServer {
  /** The mirror URL, `http://127.0.0.1:<port>/debian`. */
  readonly url: string
  /**
   * Every request, in order, by its path relative to the mirror (`dists/stable/InRelease`);
   * a request outside the mirror is logged by its full path (`/dists/...`).
   */
  readonly requests: string[]
  /** Serves `content` instead of the archive's file at `path` (relative, as in `files`). */
  override(path: string, content: Buffer | string): void
  /** Forgets the request log and every override. */
  reset(): void
  close(): Promise<void>
}

export async function serveArchive(archive: FakeArchive): Promise<ArchiveServer> {
  const requests: string[] = []
  const overrides = new Map<string, Buffer>()
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    const key = path.startsWith(`${MIRROR_PATH}/`) ? decodeURIComponent(path.slice(MIRROR_PATH.length + 1)) : undefined
    requests.push(key ?? path)
    const body = key === undefined ? undefined : (overrides.get(key) ?? archive.files.get(key))
    if (req.method !== 'GET' || !body) {
      res.writeHead(body ? 405 : 404, { 'content-type': 'text/plain' }).end(`${req.method} ${path}: not here\n`)
      return
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('the archive server has no port')
  return {
    url: `http://127.0.0.1:${address.port}${MIRROR_PATH}`,
    requests,
    override: (path, content) => void overrides.set(path, Buffer.from(content)),
    reset: () => {
      requests.length = 0
      overrides.clear()
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close(err => (err ? reject(err) : resolve()))
        server.closeAllConnections()
      })
  }
}
