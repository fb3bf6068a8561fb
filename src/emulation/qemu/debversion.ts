/** Debian package versions: comparison (dpkg's algorithm) and the upstream QEMU version. Pure. */

export interface DebianVersion {
  readonly epoch: number
  readonly upstream: string
  readonly revision: string
}

const DEBIAN_VERSION = /^(?:(\d+):)?([0-9][A-Za-z0-9.+~:-]*?)(?:-([A-Za-z0-9.+~]+))?$/

export function parseDebianVersion(text: string): DebianVersion | undefined {
  const m = DEBIAN_VERSION.exec(text.trim())
  if (!m) return undefined
  const upstream = m[2]
  // A colon in the upstream part needs an epoch; a hyphen needs a revision.
  if (upstream.includes(':') && m[1] === undefined) return undefined
  return { epoch: m[1] === undefined ? 0 : Number(m[1]), upstream, revision: m[3] ?? '' }
}

/** dpkg's ordering: `~` sorts before everything, even the end of the string; letters before other signs. */
function order(c: string | undefined): number {
  if (c === undefined) return 0
  if (c === '~') return -1
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0)
  return c.charCodeAt(0) + 256
}

function comparePart(a: string, b: string): number {
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    let diff = 0
    while ((i < a.length && !/\d/.test(a[i])) || (j < b.length && !/\d/.test(b[j]))) {
      const ac = i < a.length && !/\d/.test(a[i]) ? a[i] : undefined
      const bc = j < b.length && !/\d/.test(b[j]) ? b[j] : undefined
      diff = order(ac) - order(bc)
      if (diff !== 0) return Math.sign(diff)
      if (ac !== undefined) i++
      if (bc !== undefined) j++
    }
    while (a[i] === '0') i++
    while (b[j] === '0') j++
    let firstDiff = 0
    while (i < a.length && /\d/.test(a[i]) && j < b.length && /\d/.test(b[j])) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j)
      i++
      j++
    }
    if (i < a.length && /\d/.test(a[i])) return 1
    if (j < b.length && /\d/.test(b[j])) return -1
    if (firstDiff !== 0) return Math.sign(firstDiff)
  }
  return 0
}

/** Negative, zero or positive as `a` sorts before, equal to or after `b` (like `dpkg --compare-versions`). */
export function compareDebianVersions(a: string, b: string): number {
  const va = parseDebianVersion(a)
  const vb = parseDebianVersion(b)
  if (!va || !vb) throw new Error(`not a Debian version: ${!va ? a : b}`)
  if (va.epoch !== vb.epoch) return Math.sign(va.epoch - vb.epoch)
  return comparePart(va.upstream, vb.upstream) || comparePart(va.revision, vb.revision)
}

/**
 * The upstream QEMU version of a Debian version, as semver: `1:10.0.13+ds-0+deb13u1` gives
 * `10.0.13`, `1:7.2+dfsg-7+deb12u18+b3` gives `7.2.0`.
 */
export function qemuUpstreamVersion(debianVersion: string): string | undefined {
  const v = parseDebianVersion(debianVersion)
  const m = v && /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(v.upstream)
  if (!m) return undefined
  return `${Number(m[1])}.${Number(m[2])}.${Number(m[3] ?? 0)}`
}
