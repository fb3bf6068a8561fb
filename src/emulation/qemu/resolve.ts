/** Resolving `qemu-version` to one exact .deb across Debian's suites. */
import semver from 'semver'
import { InputError } from '../../shared/errors.js'
import { type ArchiveOptions, type PackageStanza, type Release, readSuite, type Suite } from './archive.js'
import { compareDebianVersions, qemuUpstreamVersion } from './debversion.js'
import type { QemuQuery } from './query.js'

/** The package layouts Debian has shipped static QEMU in. */
export type Layout =
  /** bookworm and before: `qemu-user-static`, binaries named `qemu-<arch>-static`. */
  | 'static-suffix'
  /** trixie on: `qemu-user` holds static binaries named `qemu-<arch>`. */
  | 'plain'

/** Every layout, oldest first. */
export const LAYOUTS: readonly Layout[] = ['static-suffix', 'plain']

export interface QemuPackage {
  readonly debianVersion: string
  readonly qemuVersion: string
  readonly package: string
  readonly layout: Layout
  readonly filename: string
  readonly size: number
  readonly sha256: string
  readonly suite: string
  readonly codename: string
}

/** Suites by their lasting aliases, newest first: codenames change, these do not. */
export const ALL_SUITES = ['unstable', 'testing', 'stable-backports', 'stable', 'oldstable-backports', 'oldstable'] as const

export function suitesFor(q: QemuQuery): readonly string[] {
  return q.kind === 'stable' ? ['stable'] : ALL_SUITES
}

export const PACKAGE_NAMES = ['qemu-user-static', 'qemu-user'] as const

/**
 * The package of a suite that holds static emulators. Up to bookworm it is
 * `qemu-user-static` (while `qemu-user` there is dynamically linked); from trixie on,
 * `qemu-user-static` only depends on `qemu-user`, which holds the static binaries.
 */
export function staticPackage(suite: Suite): QemuPackage[] {
  const byVersion = new Map<string, PackageStanza[]>()
  for (const p of suite.packages) byVersion.set(p.version, [...(byVersion.get(p.version) ?? []), p])
  const out: QemuPackage[] = []
  for (const [version, stanzas] of byVersion) {
    const staticOne = stanzas.find(p => p.package === 'qemu-user-static')
    const userOne = stanzas.find(p => p.package === 'qemu-user')
    const holdsBinaries = staticOne && !/(^|[ ,|])qemu-user( |,|$)/.test(staticOne.depends)
    const chosen = holdsBinaries ? staticOne : userOne
    const qemuVersion = qemuUpstreamVersion(version)
    if (!chosen || !qemuVersion) continue
    out.push({
      debianVersion: version,
      qemuVersion,
      package: chosen.package,
      layout: holdsBinaries ? 'static-suffix' : 'plain',
      filename: chosen.filename,
      size: chosen.size,
      sha256: chosen.sha256,
      suite: suite.alias,
      codename: suite.release.codename
    })
  }
  return out
}

/** Picks the newest package that satisfies the query. Pure. */
export function choose(q: QemuQuery, candidates: readonly QemuPackage[]): QemuPackage | undefined {
  const fits = candidates.filter(c => {
    switch (q.kind) {
      case 'stable':
      case 'latest':
        return true
      case 'exact':
        return compareDebianVersions(c.debianVersion, q.text) === 0
      case 'range':
        return semver.satisfies(c.qemuVersion, q.range)
      default:
        return false
    }
  })
  // Newest Debian version first; on a tie the suite listed first in ALL_SUITES wins.
  return [...fits].sort(
    (a, b) =>
      compareDebianVersions(b.debianVersion, a.debianVersion) || ALL_SUITES.indexOf(a.suite as never) - ALL_SUITES.indexOf(b.suite as never)
  )[0]
}

/** One line listing what the archive offers, for the error when nothing matches. */
export function describeAvailable(candidates: readonly QemuPackage[]): string {
  return candidates.map(c => `${c.qemuVersion} (${c.debianVersion}, ${c.suite}/${c.codename})`).join(', ')
}

export async function resolveQemu(q: QemuQuery, o: ArchiveOptions): Promise<QemuPackage> {
  // Settle every suite before failing, so no download is still writing when the caller cleans up.
  const settled = await Promise.allSettled(suitesFor(q).map(alias => readSuite(alias, PACKAGE_NAMES, o)))
  const failed = settled.find(r => r.status === 'rejected')
  if (failed) throw failed.reason
  const suites = settled.map(r => (r as PromiseFulfilledResult<Suite>).value)
  const candidates = suites.flatMap(staticPackage)
  const chosen = choose(q, candidates)
  if (!chosen) {
    throw new InputError(
      'qemu-version',
      q.text,
      `no QEMU in ${o.mirror} matches it for ${o.arch}; the archive holds ${describeAvailable(candidates) || 'none'}`
    )
  }
  // Only the suite the package comes from matters to the user: one line for it, if it is past its Valid-Until.
  const from = suites.find(s => s.alias === chosen.suite)
  if (from) warnIfExpired(chosen, from.release, o)
  return chosen
}

/** One warning line when the suite a package comes from is past its Valid-Until: it is used, as apt would be told to. */
export function warnIfExpired(chosen: QemuPackage, release: Release, o: Pick<ArchiveOptions, 'now' | 'warn'>): void {
  if (release.validUntil && release.validUntil < (o.now ?? new Date())) {
    o.warn?.(
      `Debian suite ${chosen.suite} (${chosen.codename}) is past its Valid-Until (${release.validUntil.toISOString()}); using it, as its signature and hashes are intact`
    )
  }
}
