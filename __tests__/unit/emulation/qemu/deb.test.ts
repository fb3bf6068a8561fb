import { createHash } from 'node:crypto'
import { parseArMembers, readMd5sums } from '../../../../src/emulation/qemu/deb.js'
import { VerificationError } from '../../../../src/shared/errors.js'
import { buildDeb } from '../../../helpers/archive-server.js'
import { tempDir } from '../../../helpers/tmp.js'

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

describe("a .deb's md5sums", () => {
  it('reads the MD5 of each file by its path, as debhelper writes them, and nothing from a package without any', async () => {
    const scratch = tempDir('deb')
    const files = { './usr/bin/qemu-aarch64': Buffer.from('aarch64'), './usr/share/doc/qemu/README': Buffer.from('doc') }
    const deb = await buildDeb({ package: 'qemu-user', version: '1:10.0', files }, scratch)
    expect(await readMd5sums(deb, scratch)).toEqual(
      new Map([
        ['usr/bin/qemu-aarch64', createHash('md5').update('aarch64').digest('hex')],
        ['usr/share/doc/qemu/README', createHash('md5').update('doc').digest('hex')]
      ])
    )
    const bare = await buildDeb({ package: 'qemu-user', version: '1:10.0', files, noMd5sums: true }, scratch)
    expect(await readMd5sums(bare, scratch)).toEqual(new Map())
  })
})
