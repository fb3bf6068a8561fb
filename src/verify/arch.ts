/**
 * The architecture check of one platform's image, read from its OCI layout: the config must
 * name the platform and every ELF file of the final filesystem must be a program for it (the
 * rules: README, "The architecture check"). Only ARM ELF files in arm images are read whole.
 */
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
} from '../elf.js'
import { scanImage } from '../oci/layer.js'
import { findPlatformImage, type PlatformImage } from '../oci/layout.js'
import type { ImageConfig } from '../oci/types.js'
import { type ElfTarget, formatPlatform, type Platform, platformFacts, platformKey } from '../platform.js'

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

/** What is remembered of one regular file. */
export type FileVerdict = { readonly elf: false } | ({ readonly elf: true } & ElfVerdict)

const HEAD = 64
const ELF_MAGIC = 0x7f454c46
/** One shared verdict for the many files that are not ELF. */
const NOT_ELF: FileVerdict = Object.freeze({ elf: false })

/** Reads a file's contents to the end, keeping only its first 64 bytes unless it is an ARM ELF file in an arm image. */
export async function inspectFile(content: AsyncIterable<Buffer>, platform: Platform, maxArmFile: number): Promise<FileVerdict> {
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
  if (!header) return { elf: true, ok: false, found: 'a malformed or truncated ELF header' }
  const arm = mode === 'whole' && !tooBig ? readArmAttributes(Buffer.concat(chunks)) : undefined
  return { elf: true, ...checkElf(header, platform, arm) }
}

export interface ArchMismatch {
  /** The file's absolute path in the image, e.g. `/bin/busybox`. */
  readonly path: string
  readonly found: string
}

export interface ArchReport {
  readonly platform: Platform
  /** What the platform's programs look like (see expectedElf). */
  readonly expected: string
  /** Regular files in the image's final filesystem (hard links count as files). */
  readonly filesChecked: number
  /** Those of them that start with the ELF magic. */
  readonly elfChecked: number
  /** The ELF files that are not for the platform, in path order. */
  readonly mismatches: readonly ArchMismatch[]
  /** Whether the config's os/architecture/variant name the platform; `found` is what it says. */
  readonly config: { readonly ok: boolean; readonly found: string }
}

export interface VerifyArchOptions {
  /** The largest ARM ELF file read whole for its `.ARM.attributes` (default 256 MiB). */
  readonly maxArmFile?: number
}

/** Verifies one platform image already read from its layout. Throws VerificationError when a blob does not match its digest. */
export async function verifyImageArch(image: PlatformImage, options: VerifyArchOptions = {}): Promise<ArchReport> {
  const { platform } = image
  const maxArmFile = options.maxArmFile ?? 256 * 1024 * 1024
  const fs = await scanImage(image, (_path, content) => inspectFile(content, platform, maxArmFile))
  let filesChecked = 0
  let elfChecked = 0
  const mismatches: ArchMismatch[] = []
  for (const [path, v] of fs.files()) {
    filesChecked++
    if (!v.elf) continue
    elfChecked++
    if (!v.ok) mismatches.push({ path, found: v.found })
  }
  return {
    platform,
    expected: expectedElf(platform),
    filesChecked,
    elfChecked,
    mismatches,
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
 * `max` offending paths; undefined when it passed. E.g. `linux/arm64: 1 of 3 ELF files is not
 * AArch64 64-bit LSB: /bin/busybox (x86-64 64-bit LSB)`.
 */
export function archFailure(report: ArchReport, max = 3): string | undefined {
  if (archOk(report)) return undefined
  const parts: string[] = []
  if (!report.config.ok) parts.push(`the image config says ${report.config.found}`)
  const n = report.mismatches.length
  if (n > 0) {
    const shown = report.mismatches
      .slice(0, max)
      .map(m => `${m.path} (${m.found})`)
      .join(', ')
    const more = n > max ? ` and ${n - max} more` : ''
    parts.push(`${n} of ${report.elfChecked} ELF files ${n === 1 ? 'is' : 'are'} not ${report.expected}: ${shown}${more}`)
  }
  return `${formatPlatform(report.platform)}: ${parts.join('; ')}`
}
