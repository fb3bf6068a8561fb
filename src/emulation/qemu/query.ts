/** What `qemu-version` asks for. Pure. */
import semver from 'semver'
import { parseDebianVersion } from './debversion.js'

export type QemuQuery =
  | { readonly kind: 'stable'; readonly text: string }
  | { readonly kind: 'latest'; readonly text: string }
  /** A QEMU upstream version or semver range: `11.1`, `10.0.13`, `>=10`. */
  | { readonly kind: 'range'; readonly text: string; readonly range: string }
  /** An exact Debian package version, `1:11.1.3+ds-1`: the byte-for-byte pin. */
  | { readonly kind: 'exact'; readonly text: string }

export function parseQemuQuery(value: string): QemuQuery | undefined {
  const text = value.trim()
  const lower = text.toLowerCase()
  if (lower === 'stable') return { kind: 'stable', text: lower }
  if (lower === 'latest') return { kind: 'latest', text: lower }
  // Debian's own syntax first: an epoch (`1:`), a `+ds`/`+dfsg` suffix or a revision says "exact".
  if (/^\d\S*[:+~-]/.test(text) && parseDebianVersion(text)) {
    return { kind: 'exact', text }
  }
  const range = semver.validRange(text)
  if (range !== null && text !== '' && text !== '*') return { kind: 'range', text, range }
  return undefined
}
