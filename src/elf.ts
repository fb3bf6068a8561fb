/** ELF identification, read from the first bytes of a file. Pure. */

export interface ElfHeader {
  readonly bits: 32 | 64
  readonly endian: 'little' | 'big'
  readonly machine: number
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
  return { bits, endian, machine, flags, dynamic }
}
