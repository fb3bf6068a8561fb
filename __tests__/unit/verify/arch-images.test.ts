/** The architecture rule on whole images read from OCI layouts: modes, links and the config's entrypoint and PATH as the scan sees them. */
import { EM, ET } from '../../../src/shared/elf.js'
import type { Platform } from '../../../src/shared/platform-table.js'
import { archAccepted, archFailure, archLogLine, archOk, verifyArch } from '../../../src/verify/arch.js'
import { elf, LayoutBuilder, P, type TarEntry, tarLayer } from '../oci/fixtures.js'

const X86_64 = elf(64, 'little', EM.X86_64)
const X86_64_SO = elf(64, 'little', EM.X86_64, 0, ET.DYN)
const AARCH64 = elf(64, 'little', EM.AARCH64)
const AARCH64_SO = elf(64, 'little', EM.AARCH64, 0, ET.DYN)
const AARCH64_EXEC = elf(64, 'little', EM.AARCH64)
const S390_OBJ = elf(64, 'big', EM.S390, 0, ET.REL)
const I386_SO = elf(32, 'little', EM.I386, 0, ET.DYN)
const BPF = elf(64, 'little', EM.BPF, 0, ET.REL)

async function image(platform: Platform, files: TarEntry[], runtime?: Record<string, unknown>): Promise<string> {
  const b = new LayoutBuilder()
  return b.finish([b.index([b.image({ platform, runtime, layers: [await tarLayer(files)] })])])
}

/** The merged-/usr skeleton of a Debian image: /bin, /lib and /sbin are links into /usr. */
const MERGED_USR: TarEntry[] = [
  { name: 'bin', type: 'symlink', linkname: 'usr/bin' },
  { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
  { name: 'sbin', type: 'symlink', linkname: 'usr/sbin' }
]

describe('images holding files of another architecture that are never run pass', () => {
  it("passes a golang image with Go's test data, for linux/amd64 and linux/riscv64, and counts what it accepted", async () => {
    for (const [platform, own] of [
      [P.amd64, X86_64],
      [P.riscv64, elf(64, 'little', EM.RISCV)]
    ] as const) {
      const dir = await image(platform, [
        ...MERGED_USR,
        { name: 'usr/local/go/bin/go', content: own },
        { name: 'usr/local/go/src/debug/elf/testdata/gcc-arm64-exec', content: AARCH64_EXEC, mode: 0o644 },
        { name: 'usr/local/go/src/debug/elf/testdata/go-relocation-test-gcc930-s390x.obj', content: S390_OBJ, mode: 0o644 },
        {
          name: 'usr/local/go/src/runtime/race/internal/amd64v1/race_linux.syso',
          content: elf(64, 'little', EM.X86_64, 0, ET.REL),
          mode: 0o644
        }
      ])
      const report = await verifyArch(dir, platform)
      expect({ platform, failure: archFailure(report) }).toEqual({ platform, failure: undefined })
      expect(report.accepted.byReason).toEqual({ 'test data': 1, 'a relocatable object': platform === P.amd64 ? 1 : 2 })
    }
  })

  it('passes an amd64 image with an aarch64 cross toolchain, i386 multilib libraries, an eBPF object and arm64 prebuilds', async () => {
    const dir = await image(P.amd64, [
      ...MERGED_USR,
      { name: 'usr/bin/busybox', content: X86_64 },
      { name: 'usr/aarch64-linux-gnu/lib/libc.so.6', content: AARCH64_SO, mode: 0o644 },
      { name: 'usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1', content: AARCH64_SO },
      { name: 'usr/lib/i386-linux-gnu/libc.so.6', content: I386_SO },
      { name: 'usr/lib32/libstdc++.so.6', content: I386_SO, mode: 0o644 },
      { name: 'usr/lib/bpf/tc_prog.o', content: BPF, mode: 0o644 },
      { name: 'app/node_modules/sharp/prebuilds/linux-arm64/sharp.node', content: AARCH64_SO, mode: 0o644 },
      { name: 'app/main.o', content: elf(64, 'little', EM.AARCH64, 0, ET.REL) }
    ])
    const report = await verifyArch(dir, P.amd64)
    expect(archOk(report)).toBe(true)
    expect(report.accepted.count).toBe(7)
    expect(report.accepted.byReason).toEqual({
      "in another architecture's directory": 4,
      'an eBPF object': 1,
      'a prebuilt Node module for another platform': 1,
      'a relocatable object': 1
    })
    expect(archAccepted(report)).toBe(
      "7 ELF files of another architecture accepted (4 in another architecture's directory, 1 a prebuilt Node module for another platform, 1 a relocatable object, 1 an eBPF object): /app/main.o (AArch64 64-bit LSB, a relocatable object), /app/node_modules/sharp/prebuilds/linux-arm64/sharp.node (AArch64 64-bit LSB, a prebuilt Node module for another platform), /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 (AArch64 64-bit LSB, in another architecture's directory) and 4 more"
    )
    expect(archLogLine(report)).toMatch(
      /^Architecture: 1 of 8 ELF files \(of 8 files\) are x86-64 64-bit LSB; 7 ELF files of another architecture accepted \(/
    )
  })
})

describe('images holding files of another architecture where the platform runs them fail, naming them', () => {
  it('refuses the amd64 busybox as /bin/busybox of an arm64 image (the trap), through the /bin link', async () => {
    const dir = await image(
      P.arm64,
      [...MERGED_USR, { name: 'usr/bin/busybox', content: X86_64 }, { name: 'usr/bin/sh', type: 'symlink', linkname: 'busybox' }],
      {
        Cmd: ['sh']
      }
    )
    const report = await verifyArch(dir, P.arm64)
    expect(report.mismatches).toEqual([{ path: '/usr/bin/busybox', found: 'x86-64 64-bit LSB', reason: 'the entrypoint' }])
    const flat = await image(P.arm64, [{ name: 'bin/busybox', content: X86_64 }])
    expect(archFailure(await verifyArch(flat, P.arm64))).toBe(
      'linux/arm64: 1 of 1 ELF files is not AArch64 64-bit LSB: /bin/busybox (x86-64 64-bit LSB, a program on PATH)'
    )
  })

  it('refuses an ENTRYPOINT program of another architecture outside PATH, even without an exec bit', async () => {
    const dir = await image(
      P.arm64,
      [
        { name: 'bin/busybox', content: AARCH64 },
        { name: 'app/server', content: X86_64, mode: 0o644 }
      ],
      { Entrypoint: ['/app/server'], Cmd: ['--port', '80'] }
    )
    const report = await verifyArch(dir, P.arm64)
    expect(archFailure(report)).toBe(
      'linux/arm64: 1 of 2 ELF files is not AArch64 64-bit LSB: /app/server (x86-64 64-bit LSB, the entrypoint)'
    )
  })

  it('finds a bare-named entrypoint through the PATH of Env', async () => {
    const dir = await image(
      P.arm64,
      [
        { name: 'opt/app/libexec/server', content: X86_64, mode: 0o644 },
        { name: 'opt/app/bin', type: 'symlink', linkname: '../app/libexec' }
      ],
      { Entrypoint: ['server'], Env: ['PATH=/opt/app/bin:/usr/bin'] }
    )
    expect((await verifyArch(dir, P.arm64)).mismatches).toEqual([
      { path: '/opt/app/libexec/server', found: 'x86-64 64-bit LSB', reason: 'the entrypoint' }
    ])
  })

  it("refuses a library of another architecture in the platform's own library directories, exec bit or not", async () => {
    const dir = await image(P.arm64, [
      ...MERGED_USR,
      { name: 'usr/lib/aarch64-linux-gnu/libfoo.so', content: X86_64_SO, mode: 0o644 },
      { name: 'usr/lib/libbar.so', content: X86_64_SO, mode: 0o644 },
      { name: 'usr/lib/x86_64-linux-gnu/libfoo.so', content: X86_64_SO, mode: 0o644 }
    ])
    const report = await verifyArch(dir, P.arm64)
    expect(report.mismatches.map(m => [m.path, m.reason])).toEqual([
      ['/usr/lib/aarch64-linux-gnu/libfoo.so', "a library in the platform's library directories"],
      ['/usr/lib/libbar.so', "a library in the platform's library directories"]
    ])
    expect(report.accepted.first.map(m => [m.path, m.reason])).toEqual([
      ['/usr/lib/x86_64-linux-gnu/libfoo.so', "in another architecture's directory"]
    ])
  })

  it('refuses a Node native module of another architecture under build/Release', async () => {
    const dir = await image(P.arm64, [{ name: 'app/node_modules/bcrypt/build/Release/bcrypt_lib.node', content: X86_64_SO, mode: 0o644 }])
    expect(archFailure(await verifyArch(dir, P.arm64))).toBe(
      'linux/arm64: 1 of 1 ELF files is not AArch64 64-bit LSB: /app/node_modules/bcrypt/build/Release/bcrypt_lib.node (x86-64 64-bit LSB, a Node native module in build/Release)'
    )
  })

  it('refuses i386 programs on PATH of an amd64 image, and 32-bit ARM ones of an arm64 image: no multilib exception', async () => {
    const amd = await image(P.amd64, [{ name: 'usr/bin/tool32', content: elf(32, 'little', EM.I386) }])
    expect((await verifyArch(amd, P.amd64)).mismatches).toEqual([
      { path: '/usr/bin/tool32', found: 'i386 32-bit LSB', reason: 'a program on PATH' }
    ])
    const arm = await image(P.arm64, [
      { name: 'usr/bin/tool32', content: elf(32, 'little', EM.ARM, 0x05000400) },
      { name: 'usr/lib/arm-linux-gnueabihf/libc.so.6', content: elf(32, 'little', EM.ARM, 0x05000400, ET.DYN) }
    ])
    const report = await verifyArch(arm, P.arm64)
    expect(report.mismatches).toEqual([{ path: '/usr/bin/tool32', found: 'ARM 32-bit LSB EABI5 hard-float', reason: 'a program on PATH' }])
    expect(report.accepted.byReason).toEqual({ "in another architecture's directory": 1 })
  })
})

describe('verify-arch-ignore on a whole image', () => {
  it('takes the matched paths out of the check, and counts them', async () => {
    const dir = await image(P.arm64, [
      { name: 'bin/busybox', content: AARCH64 },
      { name: 'opt/sdk/bin/cc', content: X86_64 },
      { name: 'opt/sdk/lib/libcc.so', content: X86_64_SO }
    ])
    expect((await verifyArch(dir, P.arm64)).mismatches).toHaveLength(2)
    const report = await verifyArch(dir, P.arm64, { ignore: ['/opt/sdk/**'] })
    expect(archOk(report)).toBe(true)
    expect(report.accepted).toMatchObject({ count: 2, byReason: { 'in verify-arch-ignore': 2 } })
  })
})
