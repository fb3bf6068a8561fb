import { readFileSync, writeFileSync } from 'node:fs'
import { zstdDecompressor } from '../../../src/oci/layer.js'
import { findPlatformImage } from '../../../src/oci/layout.js'
import { armArchLevel, describeElf, EM, ET, parseAeabiAttributes, parseElf, readArmAttributes } from '../../../src/shared/elf.js'
import { VerificationError } from '../../../src/shared/errors.js'
import type { Platform } from '../../../src/shared/platform-table.js'
import { type ArchReport, archFailure, archOk, checkElf, verifyArch, verifyImageArch } from '../../../src/verify/arch.js'
import { aeabiSection, armElf, elf, gnuTarLayer, LayoutBuilder, P, tarLayer, zstdFrames } from '../oci/fixtures.js'

const X86_64 = elf(64, 'little', EM.X86_64)
const AARCH64 = elf(64, 'little', EM.AARCH64)
const SCRIPT = '#!/bin/sh\necho not a program\n'
/** Debian armhf (ARMv7-A, hard-float) and armel (ARMv5TE, soft-float), as their busybox builds are. */
const ARMHF = armElf(0x05000400, { name: '7-A', arch: 10 })
const ARMEL = armElf(0x05000200, { name: '5TE', arch: 4 })
/** Go's linker: EABI5, no float ABI flag, no .ARM.attributes. */
const GO_ARM = armElf(0x05000002)

/** A one-image layout for `platform` whose layers are given as lists of tar entries. */
async function image(
  platform: Platform,
  layers: Array<Parameters<typeof tarLayer>[0]>,
  config?: { os: string; architecture: string; variant?: string }
): Promise<string> {
  const b = new LayoutBuilder()
  const tars = await Promise.all(layers.map(l => tarLayer(l)))
  return b.finish([b.index([b.image({ platform, config, layers: tars })])])
}

describe('ELF rules per platform', () => {
  const programs: Array<[keyof typeof P, Buffer]> = [
    ['amd64', X86_64],
    ['arm64', AARCH64],
    ['armv7', ARMHF],
    ['armv6', ARMEL],
    ['i386', elf(32, 'little', EM.I386)],
    ['s390x', elf(64, 'big', EM.S390)],
    ['ppc64le', elf(64, 'little', EM.PPC64)],
    ['riscv64', elf(64, 'little', EM.RISCV)],
    ['mips64le', elf(64, 'little', EM.MIPS)],
    ['loong64', elf(64, 'little', EM.LOONGARCH)]
  ]

  it.each(programs)("accepts %s programs on their own platform and no other platform's", (name, program) => {
    const h = parseElf(program)!
    for (const [other] of programs) {
      const ok = checkElf(h, P[other]).ok
      // On its header alone, hard-float ARM code also passes arm/v6 (Raspbian's); only .ARM.attributes tell ARMv7 code apart.
      const expected = other === name || (name === 'armv7' && other === 'armv6')
      expect({ program: name, platform: other, ok }).toEqual({ program: name, platform: other, ok: expected })
    }
  })

  it('tells class and byte order apart on the same machine', () => {
    expect(checkElf(parseElf(elf(32, 'little', EM.X86_64))!, P.amd64)).toEqual({ ok: false, found: 'x86-64 32-bit LSB' })
    expect(checkElf(parseElf(elf(64, 'big', EM.PPC64))!, P.ppc64le)).toEqual({ ok: false, found: 'PPC64 64-bit MSB' })
    expect(checkElf(parseElf(elf(32, 'little', EM.MIPS))!, P.mips64le).ok).toBe(false)
    expect(checkElf(parseElf(elf(64, 'little', 0x1234))!, P.amd64).found).toBe('machine 0x1234 64-bit LSB')
  })

  it('holds arm/v7 to EABI5 and no declared soft-float, and arm/v6 to ARMv6 code', () => {
    const check = (b: Buffer, p: Platform, attrs?: { cpuArch: number }) => checkElf(parseElf(b)!, p, attrs)
    expect(check(ARMHF, P.armv7)).toEqual({ ok: true, found: 'ARM 32-bit LSB EABI5 hard-float' })
    expect(check(ARMEL, P.armv7)).toEqual({ ok: false, found: 'ARM 32-bit LSB EABI5 soft-float' })
    expect(check(GO_ARM, P.armv7).ok).toBe(true)
    expect(check(armElf(0x04000400), P.armv7)).toEqual({ ok: false, found: 'ARM 32-bit LSB EABI4 hard-float' })
    expect(check(ARMEL, P.armv6).ok).toBe(true)
    expect(check(ARMHF, P.armv6).ok).toBe(true) // hard-float ARMv6 (Raspbian) passes when no attributes say v7
    expect(check(ARMHF, P.armv6, { cpuArch: 10 })).toEqual({ ok: false, found: 'ARM 32-bit LSB EABI5 hard-float ARMv7' })
    expect(check(ARMHF, P.armv6, { cpuArch: 6 }).ok).toBe(true)
    expect(check(ARMHF, P.armv7, { cpuArch: 14 })).toEqual({ ok: false, found: 'ARM 32-bit LSB EABI5 hard-float ARMv8-A' })
    expect(check(ARMHF, P.armv7, { cpuArch: 10 }).ok).toBe(true)
  })
})

describe('ARM build attributes (.ARM.attributes)', () => {
  it("reads Tag_CPU_name and Tag_CPU_arch past other tags, and after another vendor's subsection", () => {
    expect(readArmAttributes(ARMHF)).toEqual({ cpuName: '7-A', cpuArch: 10 })
    expect(readArmAttributes(ARMEL)).toEqual({ cpuName: '5TE', cpuArch: 4 })
    const aeabi = aeabiSection('6KZ', 7)
    const other = Buffer.concat([Buffer.alloc(4), Buffer.from('gnu\0junk', 'latin1')])
    other.writeUInt32LE(other.length, 0)
    expect(parseAeabiAttributes(Buffer.concat([Buffer.from('A'), other, aeabi.subarray(1)]))).toEqual({ cpuName: '6KZ', cpuArch: 7 })
  })

  it('says undefined, without throwing, for a file with no section or a broken one', () => {
    expect(readArmAttributes(GO_ARM)).toBeUndefined()
    expect(readArmAttributes(X86_64)).toBeUndefined()
    expect(readArmAttributes(ARMHF.subarray(0, ARMHF.length - 10))).toBeUndefined()
    expect(parseAeabiAttributes(Buffer.from('B\x05\x00\x00\x00', 'latin1'))).toBeUndefined()
    const lying = Buffer.from(aeabiSection('7-A', 10))
    lying.writeUInt32LE(9999, 1)
    expect(parseAeabiAttributes(lying)).toBeUndefined()
  })

  it('maps Tag_CPU_arch to the architecture level a CPU must have, and describes it', () => {
    expect([4, 5, 6, 9, 11, 10, 13, 14, 18, 22].map(armArchLevel)).toEqual([5, 5, 6, 6, 6, 7, 7, 8, 8, 9])
    expect(describeElf(parseElf(ARMEL)!, { cpuArch: 4 })).toBe('ARM 32-bit LSB EABI5 soft-float ARMv5TE')
    expect(describeElf(parseElf(GO_ARM)!)).toBe('ARM 32-bit LSB EABI5')
    expect(describeElf(parseElf(elf(64, 'big', EM.S390))!)).toBe('S390 64-bit MSB')
  })
})

describe("verifying an image's architecture from its OCI layout", () => {
  it('passes an arm64 image of AArch64 programs, counting files and ELF files', async () => {
    const dir = await image(P.arm64, [
      [
        { name: 'bin/', type: 'directory' },
        { name: 'bin/busybox', content: AARCH64 },
        { name: 'bin/sh', type: 'symlink', linkname: 'busybox' }
      ],
      [
        { name: 'etc/motd', content: 'hello' },
        { name: 'usr/bin/tool', content: SCRIPT },
        { name: 'usr/lib/libc.so.6', content: AARCH64 },
        { name: 'empty', content: '' }
      ]
    ])
    const report = await verifyArch(dir, P.arm64)
    expect(report).toEqual({
      platform: P.arm64,
      expected: 'AArch64 64-bit LSB',
      filesChecked: 5,
      elfChecked: 2,
      mismatches: [],
      accepted: { count: 0, byReason: {}, first: [] },
      config: { ok: true, found: 'linux/arm64' }
    })
    expect(archOk(report)).toBe(true)
    expect(archFailure(report)).toBeUndefined()
  })

  it('names the one x86-64 program in an arm64 image', async () => {
    const dir = await image(P.arm64, [
      [
        { name: 'bin/busybox', content: AARCH64 },
        { name: 'usr/local/bin/app', content: X86_64 },
        { name: 'usr/local/bin/run.sh', content: SCRIPT }
      ]
    ])
    const report = await verifyArch(dir, P.arm64)
    expect(report.mismatches).toEqual([{ path: '/usr/local/bin/app', found: 'x86-64 64-bit LSB', reason: 'a program on PATH' }])
    expect(report.elfChecked).toBe(2)
    expect(archFailure(report)).toBe(
      'linux/arm64: 1 of 2 ELF files is not AArch64 64-bit LSB: /usr/local/bin/app (x86-64 64-bit LSB, a program on PATH)'
    )
  })

  it('does not count an amd64 program that an upper layer deleted (whiteout)', async () => {
    const dir = await image(P.arm64, [
      [
        { name: 'usr/bin/host-tool', content: X86_64 },
        { name: 'usr/bin/keep', content: AARCH64 },
        { name: 'opt/x86/', type: 'directory' },
        { name: 'opt/x86/lib.so', content: X86_64 }
      ],
      [
        { name: 'usr/bin/.wh.host-tool', content: '' },
        { name: 'opt/.wh.x86', content: '' }
      ]
    ])
    const report = await verifyArch(dir, P.arm64)
    expect(report).toMatchObject({ filesChecked: 1, elfChecked: 1, mismatches: [] })
  })

  it('lets an opaque directory hide the files below it, but not the files its own layer adds', async () => {
    const dir = await image(P.arm64, [
      [
        { name: 'app/old-x86', content: X86_64 },
        { name: 'app/sub/also-x86', content: X86_64 },
        { name: 'other/x86', content: X86_64 }
      ],
      [
        { name: 'app/new', content: AARCH64 },
        { name: 'app/.wh..wh..opq', content: '' },
        { name: 'app/late-x86', content: X86_64 }
      ]
    ])
    const report = await verifyArch(dir, P.arm64)
    expect(report.mismatches.map(m => m.path)).toEqual(['/app/late-x86', '/other/x86'])
    expect(report.filesChecked).toBe(3)
  })

  it('follows files replaced by directories, symlinks and newer files, and hard links', async () => {
    const dir = await image(P.arm64, [
      [
        { name: 'a/x86', content: X86_64 },
        { name: 'b', content: X86_64 },
        { name: 'c', content: X86_64 },
        { name: 'd', content: AARCH64 }
      ],
      [
        { name: 'a', content: 'now a file' },
        { name: 'b/', type: 'directory' },
        { name: 'c', type: 'symlink', linkname: 'd' },
        { name: 'e', content: X86_64 },
        { name: 'f', type: 'link', linkname: 'e' },
        { name: 'g', type: 'link', linkname: 'd' }
      ],
      [{ name: 'e', content: AARCH64 }]
    ])
    const report = await verifyArch(dir, P.arm64)
    // a: a text file now; b: a directory; c: a symlink; d: arm64; e: replaced by arm64; f: the x86 e as it was when linked; g: d.
    expect(report.mismatches).toEqual([{ path: '/f', found: 'x86-64 64-bit LSB', reason: 'an executable file' }])
    expect(report).toMatchObject({ filesChecked: 5, elfChecked: 4 })
  })

  it("reports a config whose architecture is not the platform's", async () => {
    const dir = await image(P.arm64, [[{ name: 'bin/busybox', content: AARCH64 }]], { os: 'linux', architecture: 'amd64' })
    const report = await verifyArch(dir, P.arm64)
    expect(report.config).toEqual({ ok: false, found: 'linux/amd64' })
    expect(report.mismatches).toEqual([])
    expect(archFailure(report)).toBe('linux/arm64: the image config says linux/amd64')
    const v8 = await image(P.arm64, [[{ name: 'bin/busybox', content: AARCH64 }]], { os: 'linux', architecture: 'arm64', variant: 'v8' })
    expect((await verifyArch(v8, P.arm64)).config).toEqual({ ok: true, found: 'linux/arm64/v8' })
    const v6 = await image(P.armv7, [[{ name: 'bin/busybox', content: ARMHF }]], { os: 'linux', architecture: 'arm', variant: 'v6' })
    expect((await verifyArch(v6, P.armv7)).config).toEqual({ ok: false, found: 'linux/arm/v6' })
  })

  it('refuses soft-float and AArch64 programs in an arm/v7 image, reading their .ARM.attributes', async () => {
    const dir = await image(P.armv7, [
      [
        { name: 'bin/busybox', content: ARMHF },
        { name: 'bin/go-app', content: GO_ARM },
        { name: 'lib/libc.so.6', content: ARMEL },
        { name: 'lib/arm-linux-gnueabi/libc.so.6', content: ARMEL },
        { name: 'usr/bin/aarch64-tool', content: AARCH64 }
      ]
    ])
    const report = await verifyArch(dir, P.armv7)
    expect(report.mismatches).toEqual([
      { path: '/lib/libc.so.6', found: 'ARM 32-bit LSB EABI5 soft-float ARMv5TE', reason: 'an executable file' },
      { path: '/usr/bin/aarch64-tool', found: 'AArch64 64-bit LSB', reason: 'a program on PATH' }
    ])
    // Debian's armel multiarch directory is another architecture's home in an armhf image.
    expect(report.accepted.first).toEqual([
      {
        path: '/lib/arm-linux-gnueabi/libc.so.6',
        found: 'ARM 32-bit LSB EABI5 soft-float ARMv5TE',
        reason: "in another architecture's directory"
      }
    ])
    expect(archFailure(report)).toBe(
      'linux/arm/v7: 2 of 5 ELF files are not ARM 32-bit LSB EABI5 (not soft-float; ARMv7 or older): /lib/libc.so.6 (ARM 32-bit LSB EABI5 soft-float ARMv5TE, an executable file), /usr/bin/aarch64-tool (AArch64 64-bit LSB, a program on PATH)'
    )
  })

  it('refuses ARMv7 code in an arm/v6 image, and reads attributes only while the file fits maxArmFile', async () => {
    const dir = await image(P.armv6, [
      [
        { name: 'bin/busybox', content: ARMEL },
        { name: 'bin/armhf', content: armElf(0x05000400, { name: '7-A', arch: 10 }, 300_000) }
      ]
    ])
    expect((await verifyArch(dir, P.armv6)).mismatches).toEqual([
      { path: '/bin/armhf', found: 'ARM 32-bit LSB EABI5 hard-float ARMv7', reason: 'a program on PATH' }
    ])
    expect((await verifyArch(dir, P.armv6, { maxArmFile: 100_000 })).mismatches).toEqual([])
  })

  it('shows the first offending paths and how many more', () => {
    const report: ArchReport = {
      platform: P.s390x,
      expected: 'S390 64-bit MSB',
      filesChecked: 40,
      elfChecked: 10,
      mismatches: ['/a', '/b', '/c', '/d', '/e'].map(path => ({ path, found: 'x86-64 64-bit LSB', reason: 'an executable file' })),
      accepted: { count: 0, byReason: {}, first: [] },
      config: { ok: false, found: 'linux/amd64' }
    }
    expect(archFailure(report)).toBe(
      'linux/s390x: the image config says linux/amd64; 5 of 10 ELF files are not S390 64-bit MSB: /a (x86-64 64-bit LSB, an executable file), /b (x86-64 64-bit LSB, an executable file), /c (x86-64 64-bit LSB, an executable file) and 2 more'
    )
    expect(archFailure(report, 1)).toMatch(/: \/a \(x86-64 64-bit LSB, an executable file\) and 4 more$/)
  })

  it('counts an ELF magic with no room for a header as a mismatch', async () => {
    const dir = await image(P.amd64, [
      [
        { name: 'stub', content: Buffer.from('\x7fELF\x02\x01\x01', 'latin1') },
        { name: 'magic-only', content: Buffer.from('\x7fELF', 'latin1') }
      ]
    ])
    const report = await verifyArch(dir, P.amd64)
    expect(report.mismatches).toEqual([
      { path: '/magic-only', found: 'a malformed or truncated ELF header', reason: 'an executable file' },
      { path: '/stub', found: 'a malformed or truncated ELF header', reason: 'an executable file' }
    ])
  })
})

describe('reading layers', () => {
  it("reads uncompressed, gzip and zstd layers, and GNU tar's long names", async () => {
    const longName = `usr/lib/${'very-long-directory-name/'.repeat(8)}x86.so`
    const b = new LayoutBuilder()
    const img = b.image({
      platform: P.arm64,
      layers: [
        // GNU tar writes the files 0644: a shared object in /usr/lib is refused without an exec bit.
        { tar: gnuTarLayer({ [longName]: elf(64, 'little', EM.X86_64, 0, ET.DYN), 'bin/ok': AARCH64 }), compression: 'none' },
        { tar: await tarLayer([{ name: 'gz/x86', content: X86_64 }]), compression: 'gzip' },
        {
          tar: await tarLayer([
            { name: 'zst/x86', content: X86_64 },
            { name: 'zst/big', content: Buffer.alloc(3_000_000, 1) }
          ]),
          compression: 'zstd'
        }
      ]
    })
    const dir = b.finish([img])
    const report = await verifyArch(dir, P.arm64)
    expect(report.mismatches.map(m => m.path)).toEqual(['/gz/x86', `/${longName}`, '/zst/x86'])
    expect(report.filesChecked).toBe(5)
  })

  it('reads zstd with fzstd when Node has no zstd, and refuses corrupt zstd', async () => {
    const tar = await tarLayer([
      { name: 'bin/x86', content: X86_64 },
      { name: 'data', content: Buffer.alloc(300_000, 0) }
    ])
    const unzstd = async (input: Buffer) => {
      const out: Buffer[] = []
      const z = zstdDecompressor(null)
      const done = new Promise<Buffer>((resolve, reject) => {
        z.on('data', (c: Buffer) => out.push(c))
          .on('end', () => resolve(Buffer.concat(out)))
          .on('error', reject)
      })
      z.end(input)
      return done
    }
    expect((await unzstd(zstdFrames(tar))).equals(tar)).toBe(true)
    const broken = zstdFrames(tar).subarray(0, 1000)
    await expect(unzstd(broken)).rejects.toThrow('zstd data is corrupt')
  })

  it("refuses a tampered layer blob, and a layer whose contents are not the config's diff_id", async () => {
    const b = new LayoutBuilder()
    const tar = await tarLayer([{ name: 'bin/busybox', content: AARCH64 }])
    const dir = b.finish([b.image({ platform: P.arm64, layers: [{ tar, compression: 'none' }] })])
    const image = await findPlatformImage(dir, P.arm64)
    const layerPath = b.path(image.manifest.layers[0].digest)
    const original = readFileSync(layerPath)
    // Swap the AArch64 machine for x86-64, same size: the blob no longer matches its digest.
    const tampered = Buffer.from(original)
    tampered.writeUInt16LE(EM.X86_64, original.indexOf(AARCH64) + 18)
    writeFileSync(layerPath, tampered)
    await expect(verifyImageArch(image)).rejects.toThrow(VerificationError)
    await expect(verifyImageArch(image)).rejects.toThrow(`blob ${image.manifest.layers[0].digest} does not match its digest`)
    // Same bytes, but a manifest that names them and a config whose diff_id does not.
    writeFileSync(layerPath, original)
    const wrongDiff = { ...image, config: { ...image.config, rootfs: { type: 'layers', diff_ids: [`sha256:${'0'.repeat(64)}`] } } }
    await expect(verifyImageArch(wrongDiff)).rejects.toThrow(`uncompresses to sha256:`)
    await expect(verifyImageArch({ ...image, config: { ...image.config, rootfs: { type: 'layers', diff_ids: [] } } })).rejects.toThrow(
      'has 1 layers but its config lists 0 diff_ids'
    )
    await expect(verifyImageArch(image)).resolves.toMatchObject({ elfChecked: 1, mismatches: [] })
  })

  it('refuses a layer that is not a tar, or of a media type that is no filesystem layer', async () => {
    const b = new LayoutBuilder()
    const garbage = Buffer.from('this is not a tar archive at all, '.repeat(40))
    const dir = b.finish([b.image({ platform: P.arm64, layers: [{ tar: garbage, compression: 'gzip' }] })])
    await expect(verifyArch(dir, P.arm64)).rejects.toThrow(VerificationError)
    const image = await findPlatformImage(dir, P.arm64)
    const odd = {
      ...image,
      manifest: { ...image.manifest, layers: [{ ...image.manifest.layers[0], mediaType: 'application/vnd.in-toto+json' }] }
    }
    await expect(verifyImageArch(odd)).rejects.toThrow('media type application/vnd.in-toto+json, which is not a filesystem layer')
  })
})
