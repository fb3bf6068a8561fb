/**
 * Reading a Debian archive with apt's chain of trust: the suite's InRelease (OpenPGP
 * signature checked against the shipped archive keys), then the Packages index (checked
 * against the SHA-256 in InRelease). Parsers are pure; fetching goes through a Fetcher.
 */

import { readFile, rm } from 'node:fs/promises'
import { gunzipSync } from 'node:zlib'
import * as openpgp from 'openpgp'
import { DownloadError, errorMessage, VerificationError } from '../../shared/errors.js'
import { run } from '../../shared/exec.js'
import { type HashedFile, readHashed } from '../../shared/hashed-read.js'

/** Downloads a URL to a local file and returns its path. */
export type Fetcher = (url: string) => Promise<string>

export interface IndexEntry {
  readonly sha256: string
  readonly size: number
}

export interface Release {
  readonly suite: string
  readonly codename: string
  readonly date?: Date
  readonly validUntil?: Date
  /** SHA-256 section: path relative to the suite directory -> hash and size. */
  readonly files: ReadonlyMap<string, IndexEntry>
}

export interface PackageStanza {
  readonly package: string
  readonly version: string
  readonly architecture: string
  readonly filename: string
  readonly size: number
  readonly sha256: string
  readonly depends: string
}

/** Parses the signed text of a Release/InRelease file. */
export function parseRelease(text: string): Release {
  const field = (name: string): string | undefined => new RegExp(`^${name}: *(.*)$`, 'm').exec(text)?.[1]?.trim()
  const date = (name: string): Date | undefined => {
    const v = field(name)
    return v ? new Date(v) : undefined
  }
  const files = new Map<string, IndexEntry>()
  const section = /^SHA256:\n((?: .*\n?)*)/m.exec(text)
  for (const line of section?.[1].split('\n') ?? []) {
    const m = /^ ([0-9a-f]{64}) +(\d+) +(\S+)$/.exec(line)
    if (m) files.set(m[3], { sha256: m[1], size: Number(m[2]) })
  }
  return { suite: field('Suite') ?? '', codename: field('Codename') ?? '', date: date('Date'), validUntil: date('Valid-Until'), files }
}

/**
 * Parses the stanzas of a Packages index whose `Package` is one of `names`. Scans for
 * them rather than splitting the whole (tens of MB) index.
 */
export function parsePackages(index: Buffer | string, names: readonly string[]): PackageStanza[] {
  const data = typeof index === 'string' ? Buffer.from(index) : index
  const found: PackageStanza[] = []
  for (const name of names) {
    const needle = `Package: ${name}\n`
    const first = data.subarray(0, needle.length).toString() === needle ? 0 : data.indexOf(`\n${needle}`)
    for (let at = first; at !== -1; at = data.indexOf(`\n${needle}`, at + 1)) {
      const start = data[at] === 0x0a ? at + 1 : at
      const end = data.indexOf('\n\n', start)
      const stanza = data.toString('utf8', start, end === -1 ? undefined : end)
      const field = (f: string) => new RegExp(`^${f}: *(.*)$`, 'm').exec(stanza)?.[1]?.trim() ?? ''
      found.push({
        package: name,
        version: field('Version'),
        architecture: field('Architecture'),
        filename: field('Filename'),
        size: Number(field('Size')),
        sha256: field('SHA256'),
        depends: field('Depends')
      })
    }
  }
  return found
}

/**
 * Verifies a clearsigned InRelease against the keys. Every signature made by a known key
 * must be valid and at least one must be; signatures by other keys are ignored, as apt
 * does. Returns the signed text.
 */
export async function verifyInRelease(armored: string, armoredKeys: readonly string[], what: string): Promise<string> {
  let message: openpgp.CleartextMessage
  try {
    message = await openpgp.readCleartextMessage({ cleartextMessage: armored })
  } catch (err) {
    throw new VerificationError(`${what} is not an OpenPGP clearsigned file: ${errorMessage(err)}`)
  }
  const keys = await Promise.all(armoredKeys.map(armoredKey => openpgp.readKey({ armoredKey })))
  const result = await openpgp.verify({ message, verificationKeys: keys })
  const known = new Set(keys.flatMap(k => k.getKeyIDs().map(id => id.toHex())))
  let good = 0
  for (const sig of result.signatures) {
    if (!known.has(sig.keyID.toHex())) continue
    try {
      await sig.verified
      good++
    } catch (err) {
      throw new VerificationError(`${what} has a bad OpenPGP signature by key ${sig.keyID.toHex()}: ${errorMessage(err)}`)
    }
  }
  if (good === 0) throw new VerificationError(`${what} is not signed by any of Debian's archive keys shipped with Archway`)
  return message.getText()
}

/** Fetches a file, read and hashed on a thread of its own; the file is deleted once read. */
export async function fetchHashed(fetch: Fetcher, url: string, what: string): Promise<HashedFile> {
  const file = await fetchOrExplain(fetch, url, what)
  try {
    return await readHashed(file)
  } finally {
    await rm(file, { force: true })
  }
}

/** Fetches a file and checks it against an expected hash: its bytes, the very ones hashed. */
export async function fetchVerified(fetch: Fetcher, url: string, expected: IndexEntry, what: string): Promise<Buffer> {
  const { bytes, sha256 } = await fetchHashed(fetch, url, what)
  if (sha256 !== expected.sha256)
    throw new VerificationError(`${what} from ${url} has SHA-256 ${sha256}, but the signed archive index says ${expected.sha256}`)
  return bytes
}

/** A Packages index unpacked from its .gz (in-process) or .xz (by `xz`). */
export async function unpackIndex(packed: Buffer, kind: 'gz' | 'xz'): Promise<Buffer> {
  return kind === 'gz' ? gunzipSync(packed) : Buffer.from((await run('xz', ['-dc'], { input: packed })).stdout)
}

async function fetchOrExplain(fetch: Fetcher, url: string, what: string): Promise<string> {
  try {
    return await fetch(url)
  } catch (err) {
    throw new DownloadError(`could not download ${what} from ${url}: ${errorMessage(err)}`, { cause: err })
  }
}

export interface Suite {
  readonly alias: string
  readonly release: Release
  readonly packages: readonly PackageStanza[]
}

export interface ArchiveOptions {
  readonly mirror: string
  readonly arch: string
  readonly keys: readonly string[]
  readonly fetch: Fetcher
  readonly now?: Date
  readonly warn?: (message: string) => void
  /**
   * The folder keeps the Packages index unpacked, as InRelease lists it too (a kept folder; a
   * mirror serves only the .gz and the .xz): it is checked by that hash, and nothing is unpacked.
   */
  readonly unpackedIndex?: boolean
}

/** Reads one suite's signed InRelease and the QEMU stanzas of its main Packages index. */
export async function readSuite(alias: string, names: readonly string[], o: ArchiveOptions): Promise<Suite> {
  const base = `${o.mirror}/dists/${alias}`
  const inReleaseFile = await fetchOrExplain(o.fetch, `${base}/InRelease`, `the InRelease of ${alias}`)
  let signed: string
  try {
    signed = await verifyInRelease(await readFile(inReleaseFile, 'utf8'), o.keys, `${base}/InRelease`)
  } finally {
    await rm(inReleaseFile, { force: true })
  }
  const release = parseRelease(signed)
  // As apt does: the signed Suite must be the one asked for, or an old suite's InRelease could stand in for it.
  if (release.suite !== alias) throw new VerificationError(`${base}/InRelease is signed for suite "${release.suite}", not ${alias}`)
  const what = `the Packages index of ${alias}`
  const unpacked = `main/binary-${o.arch}/Packages`
  const plain = o.unpackedIndex ? release.files.get(unpacked) : undefined
  if (plain) return { alias, release, packages: parsePackages(await fetchVerified(o.fetch, `${base}/${unpacked}`, plain, what), names) }
  // Packages.gz unpacks in-process several times faster than Packages.xz; backports suites list only the latter.
  const kind = release.files.has(`${unpacked}.gz`) ? 'gz' : 'xz'
  const entry = release.files.get(`${unpacked}.${kind}`)
  if (!entry) throw new VerificationError(`${base}/InRelease lists no SHA-256 for main/binary-${o.arch}/Packages.gz or .xz`)
  // Only the stanzas asked for are decoded: the whole index is tens of MB.
  const index = await unpackIndex(await fetchVerified(o.fetch, `${base}/${unpacked}.${kind}`, entry, what), kind)
  return { alias, release, packages: parsePackages(index, names) }
}
