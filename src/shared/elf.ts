/** ELF identification, read from the first bytes of a file. Pure. */

export interface ElfHeader {
  readonly bits: 32 | 64
  readonly endian: 'little' | 'big'
  readonly machine: number
  /** e_type: ET_REL, ET_EXEC, ET_DYN, ET_CORE (see ET). */
  readonly type: number
  /** e_flags: for ARM, the EABI version and float ABI. */
  readonly flags: number
  /** True when a PT_INTERP program header names a dynamic loader (not statically linked). */
  readonly dynamic: boolean
}

const PT_INTERP = 3

/** Parses an ELF header and its program headers from `buf`; undefined when `buf` is not ELF. */
export function parseElf(buf: Buffer): ElfHeader | undefined {
  if (buf.length < 52 || buf.readUInt32BE(0) !== 0x7f454c46) return undefined
  const bits = buf[4] === 2 ? 64 : buf[4] === 1 ? 32 : undefined
  const endian = buf[5] === 1 ? 'little' : buf[5] === 2 ? 'big' : undefined
  if (!bits || !endian) return undefined
  const le = endian === 'little'
  const u16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o))
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o))
  const addr = (o: number) => (bits === 64 ? Number(le ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o)) : u32(o))
  const type = u16(16)
  const machine = u16(18)
  const phoff = addr(bits === 64 ? 32 : 28)
  const flags = u32(bits === 64 ? 48 : 36)
  const phentsize = u16(bits === 64 ? 54 : 42)
  const phnum = u16(bits === 64 ? 56 : 44)
  let dynamic = false
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize
    if (at + 4 > buf.length) break
    if (u32(at) === PT_INTERP) dynamic = true
  }
  return { bits, endian, type, machine, flags, dynamic }
}

/** e_type values: a relocatable object (`.o`, Go's `.syso`), a program, a shared object or PIE, a core dump. */
export const ET = { REL: 1, EXEC: 2, DYN: 3, CORE: 4 } as const

/** e_machine values of the architectures Archway knows (the ELF gABI's numbers). */
export const EM = {
  I386: 3,
  MIPS: 8,
  PPC64: 21,
  S390: 22,
  ARM: 40,
  X86_64: 62,
  AARCH64: 183,
  RISCV: 243,
  /** Linux eBPF objects: loaded into the kernel's BPF virtual machine, never run as programs. */
  BPF: 247,
  LOONGARCH: 258
} as const

const MACHINE_NAMES: Readonly<Record<number, string>> = {
  [EM.I386]: 'i386',
  [EM.MIPS]: 'MIPS',
  20: 'PowerPC',
  [EM.PPC64]: 'PPC64',
  [EM.S390]: 'S390',
  [EM.ARM]: 'ARM',
  [EM.X86_64]: 'x86-64',
  [EM.AARCH64]: 'AArch64',
  [EM.RISCV]: 'RISC-V',
  [EM.BPF]: 'eBPF',
  [EM.LOONGARCH]: 'LoongArch'
}

/** The usual name of an e_machine value (`x86-64`, `AArch64`), or `machine 0x..` for one not known here. */
export function machineName(machine: number): string {
  return MACHINE_NAMES[machine] ?? `machine 0x${machine.toString(16)}`
}

/** ARM e_flags: the EABI version (top byte) and the float ABI the object declares. */
export const EF_ARM_EABIMASK = 0xff000000
export const EF_ARM_ABI_FLOAT_SOFT = 0x200
export const EF_ARM_ABI_FLOAT_HARD = 0x400

/** The EABI version an ARM object declares in e_flags (5 for every current toolchain; 0 for the old ABI). */
export function armEabiVersion(flags: number): number {
  return (flags & EF_ARM_EABIMASK) >>> 24
}

/** The float ABI an ARM object declares in e_flags; `undefined` when it declares none (Go's linker, old toolchains). */
export function armFloatAbi(flags: number): 'hard' | 'soft' | undefined {
  if (flags & EF_ARM_ABI_FLOAT_HARD) return 'hard'
  if (flags & EF_ARM_ABI_FLOAT_SOFT) return 'soft'
  return undefined
}

/** What `.ARM.attributes` says about the CPU an ARM object was built for. */
export interface ArmAttributes {
  /** Tag_CPU_arch (6): 10 = v7, 14 = v8-A, ... (see ARM_CPU_ARCH_NAMES). */
  readonly cpuArch?: number
  /** Tag_CPU_name (5), e.g. `7-A`, `5TE`. */
  readonly cpuName?: string
}

/** Tag_CPU_arch values, from the ARM "Addenda to the ABI" (IHI 0045). */
export const ARM_CPU_ARCH_NAMES: readonly string[] = [
  'pre-v4',
  'v4',
  'v4T',
  'v5T',
  'v5TE',
  'v5TEJ',
  'v6',
  'v6KZ',
  'v6T2',
  'v6K',
  'v7',
  'v6-M',
  'v6S-M',
  'v7E-M',
  'v8-A',
  'v8-R',
  'v8-M.base',
  'v8-M.main',
  'v8.1-A',
  'v8.2-A',
  'v8.3-A',
  'v8.1-M.main',
  'v9-A'
]

/** The major ARM architecture (4 ... 9) a Tag_CPU_arch value stands for; M and R profiles count as their base. */
export function armArchLevel(cpuArch: number): number {
  if (cpuArch <= 0) return 3
  if (cpuArch <= 2) return 4
  if (cpuArch <= 5) return 5
  if (cpuArch <= 9 || cpuArch === 11 || cpuArch === 12) return 6
  if (cpuArch === 10 || cpuArch === 13) return 7
  if (cpuArch === 22) return 9
  return 8
}

const SHT_ARM_ATTRIBUTES = 0x70000003

/**
 * Reads Tag_CPU_arch and Tag_CPU_name from the `.ARM.attributes` section (the "aeabi" vendor's
 * file-scope attributes) of a whole 32-bit little-endian ELF file. Undefined when `buf` holds
 * no such section (Go's linker writes none) or the section table lies beyond `buf`.
 */
export function readArmAttributes(buf: Buffer): ArmAttributes | undefined {
  const h = parseElf(buf)
  if (h?.bits !== 32 || h.endian !== 'little') return undefined
  const shoff = buf.readUInt32LE(32)
  const shentsize = buf.readUInt16LE(46)
  const shnum = buf.readUInt16LE(48)
  if (shoff === 0 || shentsize < 40) return undefined
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shentsize
    if (at + 40 > buf.length) return undefined
    if (buf.readUInt32LE(at + 4) !== SHT_ARM_ATTRIBUTES) continue
    const offset = buf.readUInt32LE(at + 16)
    const size = buf.readUInt32LE(at + 20)
    if (offset + size > buf.length) return undefined
    return parseAeabiAttributes(buf.subarray(offset, offset + size))
  }
  return undefined
}

/** Parses the contents of an `.ARM.attributes` section: format 'A', then vendor subsections. */
export function parseAeabiAttributes(sec: Buffer): ArmAttributes | undefined {
  if (sec.length < 1 || sec[0] !== 0x41) return undefined
  let pos = 1
  while (pos + 4 <= sec.length) {
    const length = sec.readUInt32LE(pos)
    if (length < 4 || pos + length > sec.length) return undefined
    const end = pos + length
    const nul = sec.indexOf(0, pos + 4)
    if (nul < 0 || nul >= end) return undefined
    const vendor = sec.toString('latin1', pos + 4, nul)
    if (vendor === 'aeabi') return parseAeabiVendor(sec.subarray(nul + 1, end))
    pos = end
  }
  return undefined
}

/** The "aeabi" subsection: sub-subsections of (tag, size, attributes); only the file scope (tag 1) is read. */
function parseAeabiVendor(data: Buffer): ArmAttributes | undefined {
  let pos = 0
  while (pos + 5 <= data.length) {
    const scope = data[pos]
    const size = data.readUInt32LE(pos + 1)
    if (size < 5 || pos + size > data.length) return undefined
    if (scope === 1) return parseAttributeList(data.subarray(pos + 5, pos + size))
    pos += size
  }
  return undefined
}

function parseAttributeList(data: Buffer): ArmAttributes {
  let pos = 0
  const uleb = (): number => {
    let result = 0
    let shift = 0
    while (pos < data.length) {
      const byte = data[pos++]
      result += (byte & 0x7f) * 2 ** shift
      shift += 7
      if (!(byte & 0x80)) break
    }
    return result
  }
  const ntbs = (): string => {
    const nul = data.indexOf(0, pos)
    const end = nul < 0 ? data.length : nul
    const s = data.toString('latin1', pos, end)
    pos = end + 1
    return s
  }
  let cpuArch: number | undefined
  let cpuName: string | undefined
  while (pos < data.length) {
    const tag = uleb()
    if (tag === 5) cpuName = ntbs()
    else if (tag === 6) cpuArch = uleb()
    else if (tag === 4 || tag === 65 || tag === 67) ntbs()
    else if (tag === 32) {
      uleb()
      ntbs()
    } else if (tag > 32 && tag % 2 === 1) ntbs()
    else uleb()
  }
  return { cpuArch, cpuName }
}

/** A short description in the manner of file(1): `x86-64 64-bit LSB`, `ARM 32-bit LSB EABI5 soft-float`. */
export function describeElf(h: ElfHeader, arm?: ArmAttributes): string {
  const parts = [machineName(h.machine), `${h.bits}-bit`, h.endian === 'little' ? 'LSB' : 'MSB']
  if (h.machine === EM.ARM) {
    parts.push(`EABI${armEabiVersion(h.flags)}`)
    const fl = armFloatAbi(h.flags)
    if (fl) parts.push(`${fl}-float`)
    if (arm?.cpuArch !== undefined) parts.push(`ARM${ARM_CPU_ARCH_NAMES[arm.cpuArch] ?? `(Tag_CPU_arch ${arm.cpuArch})`}`)
  }
  return parts.join(' ')
}
