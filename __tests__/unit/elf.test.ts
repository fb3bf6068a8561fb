import { parseElf } from '../../src/elf.js'

/** A minimal ELF header: class, byte order, machine, and `phnum` program headers of the given types. */
function elf(bits: 32 | 64, endian: 'little' | 'big', machine: number, phTypes: number[] = [], flags = 0): Buffer {
  const ehsize = bits === 64 ? 64 : 52
  const phentsize = bits === 64 ? 56 : 32
  const b = Buffer.alloc(ehsize + phentsize * phTypes.length)
  const le = endian === 'little'
  const u16 = (v: number, o: number) => (le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o))
  const u32 = (v: number, o: number) => (le ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o))
  b.writeUInt32BE(0x7f454c46, 0)
  b[4] = bits === 64 ? 2 : 1
  b[5] = le ? 1 : 2
  b[6] = 1
  u16(2, 16)
  u16(machine, 18)
  if (bits === 64) {
    le ? b.writeBigUInt64LE(BigInt(ehsize), 32) : b.writeBigUInt64BE(BigInt(ehsize), 32)
    u32(flags, 48)
    u16(phentsize, 54)
    u16(phTypes.length, 56)
  } else {
    u32(ehsize, 28)
    u32(flags, 36)
    u16(phentsize, 42)
    u16(phTypes.length, 44)
  }
  phTypes.forEach((t, i) => u32(t, ehsize + i * phentsize))
  return b
}

describe('ELF headers', () => {
  it('reads class, byte order and machine', () => {
    expect(parseElf(elf(64, 'little', 183))).toEqual({ bits: 64, endian: 'little', machine: 183, flags: 0, dynamic: false })
    expect(parseElf(elf(64, 'big', 22))).toMatchObject({ bits: 64, endian: 'big', machine: 22 })
    expect(parseElf(elf(32, 'little', 40, [], 0x05000400))).toMatchObject({ bits: 32, machine: 40, flags: 0x05000400 })
  })

  it('tells a dynamically linked program (PT_INTERP) from a static one', () => {
    expect(parseElf(elf(64, 'little', 62, [6, 3, 1]))?.dynamic).toBe(true)
    expect(parseElf(elf(64, 'little', 62, [1, 1, 4]))?.dynamic).toBe(false)
    expect(parseElf(elf(32, 'big', 8, [3]))?.dynamic).toBe(true)
  })

  it('says undefined for what is not ELF', () => {
    expect(parseElf(Buffer.from('#!/bin/sh\necho hello, this is a script and not a program\n'))).toBeUndefined()
    expect(parseElf(Buffer.alloc(10))).toBeUndefined()
  })
})
