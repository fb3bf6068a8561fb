import { parseElf } from '../../../src/shared/elf.js'
import { elfHeader } from '../../helpers/elf.js'

const elf = (bits: 32 | 64, endian: 'little' | 'big', machine: number, phTypes: number[] = [], flags = 0) =>
  elfHeader(bits, endian, machine, { phTypes, flags })

describe('ELF headers', () => {
  it('reads class, byte order and machine', () => {
    expect(parseElf(elf(64, 'little', 183))).toEqual({ bits: 64, endian: 'little', type: 2, machine: 183, flags: 0, dynamic: false })
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
