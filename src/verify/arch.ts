/**
 * The architecture check of one platform's image, read from its OCI layout: the config must
 * name the platform, and no ELF file of another architecture may be where the platform would
 * run or load it (arch-rule.ts; README, "The architecture check"). Only ARM ELF files in arm
 * images are read whole.
 */

import { scanImage } from '../oci/layer.js'
import { findPlatformImage, type PlatformImage } from '../oci/layout.js'
import type { ImageConfig } from '../oci/types.js'
import {
  type ArmAttributes,
  armArchLevel,
  armEabiVersion,
  armFloatAbi,
  describeElf,
  type ElfHeader,
  EM,
  machineName,
  parseElf,
  readArmAttributes
} from '../shared/elf.js'
import { formatPlatform, platformFacts, platformKey } from '../shared/platform.js'
import type { ElfTarget, Platform } from '../shared/platform-table.js'
import { imageContext } from './arch-context.js'
import { ruleForeignElf } from './arch-rule.js'

function target(platform: Platform): ElfTarget {
  return platformFacts(platform).elf
}

/** The newest ARM architecture (Tag_CPU_arch level) each arm variant runs. */
const ARM_LEVEL: Readonly<Record<string, number>> = { v6: 6, v7: 7 }

/** What the platform's programs look like, for messages: `AArch64 64-bit LSB`. */
export function expectedElf(platform: Platform): string {
  const t = target(platform)
  const base = `${machineName(t.machine)} ${t.bits}-bit ${t.endian === 'little' ? 'LSB' : 'MSB'}`
  if (t.machine !== EM.ARM) return base
  return platform.variant === 'v6' ? `${base} EABI5 (ARMv6 or older)` : `${base} EABI5 (not soft-float; ARMv7 or older)`
}

/** Whether checking this ELF file for this platform needs the whole file (its `.ARM.attributes`). */
export function needsWholeFile(h: ElfHeader, platform: Platform): boolean {
  return platform.architecture === 'arm' && h.machine === EM.ARM && h.bits === 32 && h.endian === 'little'
}

export interface ElfVerdict {
  readonly ok: boolean
  /** In the manner of file(1): `x86-64 64-bit LSB`, `ARM 32-bit LSB EABI5 soft-float ARMv5TE`. */
  readonly found: string
}

/** Checks one ELF header (and, for ARM, its attributes) against the platform, by the rules above. Pure. */
export function checkElf(h: ElfHeader, platform: Platform, arm?: ArmAttributes): ElfVerdict {
  const t = target(platform)
  const found = describeElf(h, arm)
  if (h.machine !== t.machine || h.bits !== t.bits || h.endian !== t.endian) return { ok: false, found }
  if (t.machine !== EM.ARM) return { ok: true, found }
  if (armEabiVersion(h.flags) !== 5) return { ok: false, found }
  if (platform.variant === 'v7' && armFloatAbi(h.flags) === 'soft') return { ok: false, found }
  const newest = ARM_LEVEL[platform.variant ?? 'v7'] ?? 7
  if (arm?.cpuArch !== undefined && armArchLevel(arm.cpuArch) > newest) return { ok: false, found }
  return { ok: true, found }
}

/** Whether the config's os/architecture/variant name the platform (containerd's normalisation: arm64/v8 = arm64). */
export function checkConfigPlatform(config: ImageConfig, platform: Platform): { ok: boolean; found: string } {
  const found = [config.os ?? '?', config.architecture ?? '?', config.variant].filter(Boolean).join('/')
  return { ok: platformKey(config) === platformKey(platform), found }
}

/** What is remembered of one regular file: for an ELF file, the verdict on its header, its e_type and machine (none when malformed), its mode. */
export type FileVerdict =
  | { readonly elf: false }
  | ({ readonly elf: true; readonly type?: number; readonly machine?: number; readonly mode: number } & ElfVerdict)

const HEAD = 64
const ELF_MAGIC = 0x7f454c46
/** One shared verdict for the many files that are not ELF. */
const NOT_ELF: FileVerdict = Object.freeze({ elf: false })

/** Reads a file's contents to the end, keeping only its first 64 bytes unless it is an ARM ELF file in an arm image; `fileMode` is its tar mode. */
export async function inspectFile(
  content: AsyncIterable<Buffer>,
  platform: Platform,
  maxArmFile: number,
  fileMode = 0o644
): Promise<FileVerdict> {
  let chunks: Buffer[] = []
  let have = 0
  let mode: 'head' | 'whole' | 'drain' = 'head'
  let header: ElfHeader | undefined
  let notElf = false
  let tooBig = false
  for await (const chunk of content) {
    if (mode === 'drain') continue
    chunks.push(chunk)
    have += chunk.length
    if (mode === 'head' && have >= HEAD) {
      const head = Buffer.concat(chunks)
      chunks = [head]
      notElf = head.readUInt32BE(0) !== ELF_MAGIC
      header = notElf ? undefined : parseElf(head)
      mode = header && needsWholeFile(header, platform) ? 'whole' : 'drain'
      if (mode === 'drain') chunks = []
    }
    if (mode === 'whole' && have > maxArmFile) {
      tooBig = true
      mode = 'drain'
      chunks = []
    }
  }
  if (mode === 'head') {
    const head = Buffer.concat(chunks)
    if (head.length < 4 || head.readUInt32BE(0) !== ELF_MAGIC) return NOT_ELF
    header = parseElf(head)
  } else if (notElf) return NOT_ELF
  if (!header) return { elf: true, ok: false, found: 'a malformed or truncated ELF header', mode: fileMode }
  const arm = mode === 'whole' && !tooBig ? readArmAttributes(Buffer.concat(chunks)) : undefined
  return { elf: true, type: header.type, machine: header.machine, mode: fileMode, ...checkElf(header, platform, arm) }
}

export interface ArchMismatch {
  /** The file's absolute path in the image, e.g. `/bin/busybox`. */
  readonly path: string
  readonly found: string
  /** Why it is refused or accepted (arch-rule.ts): `a program on PATH`, `test data`. */
  readonly reason: string
}

/** The ELF files of another architecture that the rule accepted: how many, how many for each reason, the first few. */
export interface AcceptedForeign {
  readonly count: number
  readonly byReason: Readonly<Record<string, number>>
  /** The first `ACCEPTED_SHOWN` of them, in path order. */
  readonly first: readonly ArchMismatch[]
}

/** How many accepted files a report keeps by name. */
export const ACCEPTED_SHOWN = 10

export interface ArchReport {
  readonly platform: Platform
  /** What the platform's programs look like (see expectedElf). */
  readonly expected: string
  /** Regular files in the image's final filesystem (hard links count as files). */
  readonly filesChecked: number
  /** Those of them that start with the ELF magic. */
  readonly elfChecked: number
  /** The ELF files of another architecture that the rule refuses, in path order. */
  readonly mismatches: readonly ArchMismatch[]
  /** The ELF files of another architecture that the rule accepts. */
  readonly accepted: AcceptedForeign
  /** Whether the config's os/architecture/variant name the platform; `found` is what it says. */
  readonly config: { readonly ok: boolean; readonly found: string }
}

export interface VerifyArchOptions {
  /** The largest ARM ELF file read whole for its `.ARM.attributes` (default 256 MiB). */
  readonly maxArmFile?: number
  /** `verify-arch-ignore`: absolute path globs taken out of the check. */
  readonly ignore?: readonly string[]
}

/** Verifies one platform image already read from its layout. Throws VerificationError when a blob does not match its digest. */
export async function verifyImageArch(image: PlatformImage, options: VerifyArchOptions = {}): Promise<ArchReport> {
  const { platform } = image
  const maxArmFile = options.maxArmFile ?? 256 * 1024 * 1024
  const fs = await scanImage(image, (_path, content, _size, mode) => inspectFile(content, platform, maxArmFile, mode))
  const context = imageContext(image.config, platform, p => fs.resolve(p), options.ignore)
  let filesChecked = 0
  let elfChecked = 0
  const mismatches: ArchMismatch[] = []
  const byReason: Record<string, number> = {}
  const first: ArchMismatch[] = []
  let acceptedCount = 0
  for (const [path, v] of fs.files()) {
    filesChecked++
    if (!v.elf) continue
    elfChecked++
    if (v.ok) continue
    const ruling = ruleForeignElf({ path, type: v.type, machine: v.machine, mode: v.mode }, context)
    const file = { path, found: v.found, reason: ruling.reason }
    if (ruling.refused) mismatches.push(file)
    else {
      acceptedCount++
      byReason[ruling.reason] = (byReason[ruling.reason] ?? 0) + 1
      if (first.length < ACCEPTED_SHOWN) first.push(file)
    }
  }
  return {
    platform,
    expected: expectedElf(platform),
    filesChecked,
    elfChecked,
    mismatches,
    accepted: { count: acceptedCount, byReason, first },
    config: checkConfigPlatform(image.config, platform)
  }
}

/** Finds the platform's image in the OCI layout at `dir` and verifies it. */
export async function verifyArch(dir: string, platform: Platform, options: VerifyArchOptions = {}): Promise<ArchReport> {
  return verifyImageArch(await findPlatformImage(dir, platform), options)
}

export function archOk(report: ArchReport): boolean {
  return report.config.ok && report.mismatches.length === 0
}

/**
 * One line saying why the image is not for its platform, naming the platform and the first
 * `max` refused paths, each with what it is and why it is refused; undefined when it passed.
 * E.g. `linux/arm64: 1 of 3 ELF files is not AArch64 64-bit LSB:
 * /bin/busybox (x86-64 64-bit LSB, a program on PATH)`.
 */
export function archFailure(report: ArchReport, max = 3): string | undefined {
  if (archOk(report)) return undefined
  const parts: string[] = []
  if (!report.config.ok) parts.push(`the image config says ${report.config.found}`)
  const n = report.mismatches.length
  if (n > 0) {
    const shown = report.mismatches
      .slice(0, max)
      .map(m => `${m.path} (${m.found}, ${m.reason})`)
      .join(', ')
    const more = n > max ? ` and ${n - max} more` : ''
    parts.push(`${n} of ${report.elfChecked} ELF files ${n === 1 ? 'is' : 'are'} not ${report.expected}: ${shown}${more}`)
  }
  return `${formatPlatform(report.platform)}: ${parts.join('; ')}`
}

/**
 * One line on the ELF files of another architecture the check accepted, by reason, with the
 * first `max` of them; undefined when there are none. E.g. `2 ELF files of another architecture
 * accepted (1 test data, 1 not executable): /a (x86-64 64-bit LSB, test data), /b (...)`.
 */
export function archAccepted(report: ArchReport, max = 3): string | undefined {
  const { count, byReason, first } = report.accepted
  if (count === 0) return undefined
  const reasons = Object.entries(byReason)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ')
  const shown = first
    .slice(0, max)
    .map(m => `${m.path} (${m.found}, ${m.reason})`)
    .join(', ')
  const more = count > Math.min(max, first.length) ? ` and ${count - Math.min(max, first.length)} more` : ''
  return `${count} ELF ${count === 1 ? 'file' : 'files'} of another architecture accepted (${reasons}): ${shown}${more}`
}

/** The log's line on the check: `Architecture: 12 ELF files of 340 files are all AArch64 64-bit LSB`, the failure, and what was accepted. */
export function archLogLine(report: ArchReport): string {
  const accepted = archAccepted(report)
  if (!archOk(report)) return `Architecture: ${archFailure(report)}${accepted ? `; ${accepted}` : ''}`
  if (!accepted) return `Architecture: ${report.elfChecked} ELF files of ${report.filesChecked} files are all ${report.expected}`
  const own = report.elfChecked - report.accepted.count
  return `Architecture: ${own} of ${report.elfChecked} ELF files (of ${report.filesChecked} files) are ${report.expected}; ${accepted}`
}
