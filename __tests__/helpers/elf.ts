/** Minimal ELF files for tests: the header (class, byte order, e_type (default ET_EXEC), machine, e_flags) and program headers of the given types. */
export function elfHeader(
  bits: 32 | 64,
  endian: 'little' | 'big',
  machine: number,
  o: { flags?: number; phTypes?: readonly number[]; type?: number } = {}
): Buffer {
  const phTypes = o.phTypes ?? []
  const ehsize = bits === 64 ? 64 : 52
  const phentsize = bits === 64 ? 56 : 32
  const b = Buffer.alloc(ehsize + phentsize * phTypes.length)
  const le = endian === 'little'
  const u16 = (v: number, at: number) => (le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at))
  const u32 = (v: number, at: number) => (le ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at))
  b.writeUInt32BE(0x7f454c46, 0)
  b[4] = bits === 64 ? 2 : 1
  b[5] = le ? 1 : 2
  b[6] = 1
  u16(o.type ?? 2, 16)
  u16(machine, 18)
  if (bits === 64) {
    if (phTypes.length) le ? b.writeBigUInt64LE(BigInt(ehsize), 32) : b.writeBigUInt64BE(BigInt(ehsize), 32)
    u32(o.flags ?? 0, 48)
    u16(ehsize, 52)
    u16(phentsize, 54)
    u16(phTypes.length, 56)
  } else {
    if (phTypes.length) u32(ehsize, 28)
    u32(o.flags ?? 0, 36)
    u16(ehsize, 40)
    u16(phentsize, 42)
    u16(phTypes.length, 44)
  }
  for (const [i, t] of phTypes.entries()) u32(t, ehsize + i * phentsize)
  return b
}
