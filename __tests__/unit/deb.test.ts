import { VerificationError } from '../../src/errors.js'
import { parseArMembers } from '../../src/qemu/deb.js'

function ar(members: Array<[string, Buffer]>): Buffer {
  const parts: Buffer[] = [Buffer.from('!<arch>\n')]
  for (const [name, data] of members) {
    const header = `${name.padEnd(16)}${'0'.padEnd(12)}${'0'.padEnd(6)}${'0'.padEnd(6)}${'100644'.padEnd(8)}${String(data.length).padEnd(10)}\`\n`
    parts.push(Buffer.from(header, 'latin1'), data)
    if (data.length % 2) parts.push(Buffer.from('\n'))
  }
  return Buffer.concat(parts)
}

describe('ar archives (.deb)', () => {
  it('lists members with their offsets, across odd-size padding', () => {
    const deb = ar([
      ['debian-binary', Buffer.from('2.0\n')],
      ['control.tar.xz', Buffer.alloc(5, 1)],
      ['data.tar.xz', Buffer.alloc(7, 2)]
    ])
    const members = parseArMembers(deb)
    expect(members.map(m => [m.name, m.size])).toEqual([
      ['debian-binary', 4],
      ['control.tar.xz', 5],
      ['data.tar.xz', 7]
    ])
    const data = members[2]
    expect(deb.subarray(data.offset, data.offset + data.size)).toEqual(Buffer.alloc(7, 2))
  })

  it('refuses a file that is not an ar archive, or a member that overruns it', () => {
    expect(() => parseArMembers(Buffer.from('PK\x03\x04 a zip file'))).toThrow(VerificationError)
    const truncated = ar([['data.tar.xz', Buffer.alloc(100)]]).subarray(0, 90)
    expect(() => parseArMembers(truncated)).toThrow('overruns')
  })
})
