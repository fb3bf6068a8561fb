import type { ImageConfig } from '../../../src/oci/types.js'
import { EM, ET } from '../../../src/shared/elf.js'
import { platformFacts } from '../../../src/shared/platform.js'
import type { Platform } from '../../../src/shared/platform-table.js'
import { entrypointPath, imageContext, pathOf, type Resolve } from '../../../src/verify/arch-context.js'
import { type ForeignElf, otherArchHome, ruleForeignElf } from '../../../src/verify/arch-rule.js'
import { P } from '../oci/fixtures.js'

/** The rule's context for a plain image of `platform`: default PATH, no links, the given entrypoint and ignore globs. */
function context(platform: Platform, o: { entrypoint?: string; ignore?: string[] } = {}) {
  const config: ImageConfig = { config: o.entrypoint ? { Entrypoint: [o.entrypoint] } : {} }
  const resolve: Resolve = p => ({ path: p, kind: p === o.entrypoint ? 'file' : 'dir' })
  return imageContext(config, platform, resolve, o.ignore)
}

const rule = (platform: Platform, f: Partial<ForeignElf> & { path: string }, o: { entrypoint?: string; ignore?: string[] } = {}) =>
  ruleForeignElf({ type: ET.EXEC, machine: EM.X86_64, mode: 0o755, ...f }, context(platform, o))

describe('the architecture rule accepts files of another architecture that the platform never runs', () => {
  it("accepts Go's test data in every golang image, for linux/amd64 and linux/riscv64", () => {
    const arm64Exec = { path: '/usr/local/go/src/debug/elf/testdata/gcc-arm64-exec', machine: EM.AARCH64, mode: 0o644 }
    const s390Obj = { path: '/usr/local/go/src/debug/elf/testdata/go-relocation-test-gcc930-s390x.obj', machine: EM.S390, type: ET.REL }
    for (const p of [P.amd64, P.riscv64]) {
      expect(rule(p, arm64Exec)).toEqual({ refused: false, reason: 'test data' })
      expect(rule(p, s390Obj)).toEqual({ refused: false, reason: 'a relocatable object' })
      // Even with an exec bit, test data is never run.
      expect(rule(p, { ...arm64Exec, mode: 0o755 })).toEqual({ refused: false, reason: 'test data' })
    }
  })

  it('accepts an aarch64 cross toolchain under /usr/aarch64-linux-gnu in an amd64 image, and gcc-cross', () => {
    for (const path of [
      '/usr/aarch64-linux-gnu/lib/libc.so.6',
      '/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1',
      '/usr/aarch64-linux-gnu/bin/ld',
      '/usr/lib/gcc-cross/aarch64-linux-gnu/12/libgcc_s.so.1'
    ])
      expect({ path, ...rule(P.amd64, { path, type: ET.DYN, machine: EM.AARCH64 }) }).toEqual({
        path,
        refused: false,
        reason: "in another architecture's directory"
      })
  })

  it('accepts i386 libraries in their multilib homes of an amd64 image, and refuses them where amd64 programs load from', () => {
    const i386 = { type: ET.DYN, machine: EM.I386, mode: 0o644 }
    for (const path of [
      '/usr/lib/i386-linux-gnu/libc.so.6',
      '/lib/i386-linux-gnu/libm.so.6',
      '/usr/lib32/libc.so.6',
      '/usr/libx32/libc.so.6'
    ])
      expect({ path, ...rule(P.amd64, { path, ...i386 }) }).toEqual({ path, refused: false, reason: "in another architecture's directory" })
    for (const path of ['/usr/lib/x86_64-linux-gnu/libfoo.so', '/usr/lib/libfoo.so', '/lib64/libfoo.so'])
      expect({ path, ...rule(P.amd64, { path, ...i386 }) }).toEqual({
        path,
        refused: true,
        reason: "a library in the platform's library directories"
      })
  })

  it('holds i386 in amd64 and AArch32 in arm64 to the same rule as any architecture (no multilib exception)', () => {
    const i386 = { machine: EM.I386 }
    expect(rule(P.amd64, { path: '/usr/bin/old-tool', ...i386 })).toEqual({ refused: true, reason: 'a program on PATH' })
    expect(rule(P.amd64, { path: '/app/tool32', ...i386 }, { entrypoint: '/app/tool32' })).toEqual({
      refused: true,
      reason: 'the entrypoint'
    })
    expect(rule(P.amd64, { path: '/opt/tool32', ...i386, mode: 0o644 })).toEqual({ refused: false, reason: 'not executable' })
    const armhf = { machine: EM.ARM, type: ET.DYN }
    expect(rule(P.arm64, { path: '/usr/lib/arm-linux-gnueabihf/libc.so.6', ...armhf })).toEqual({
      refused: false,
      reason: "in another architecture's directory"
    })
    expect(rule(P.arm64, { path: '/usr/lib/aarch64-linux-gnu/libc.so.6', ...armhf })).toEqual({
      refused: true,
      reason: "a library in the platform's library directories"
    })
    expect(rule(P.arm64, { path: '/bin/busybox', machine: EM.ARM })).toEqual({ refused: true, reason: 'a program on PATH' })
  })

  it('accepts eBPF objects, relocatable objects and core dumps wherever they are', () => {
    expect(rule(P.arm64, { path: '/usr/lib/bpf/probe.o', machine: EM.BPF, type: ET.REL })).toEqual({
      refused: false,
      reason: 'an eBPF object'
    })
    expect(rule(P.arm64, { path: '/usr/bin/probe.bpf', machine: EM.BPF, type: ET.EXEC })).toEqual({
      refused: false,
      reason: 'an eBPF object'
    })
    expect(rule(P.arm64, { path: '/usr/local/bin/main.o', type: ET.REL })).toEqual({
      refused: false,
      reason: 'a relocatable object'
    })
    expect(rule(P.arm64, { path: '/usr/lib/core', type: ET.CORE })).toEqual({ refused: false, reason: 'neither program nor library' })
  })

  it('accepts prebuilt Node modules for other platforms, and refuses a wrong one in the platform’s own', () => {
    const mod = { type: ET.DYN, machine: EM.AARCH64, mode: 0o644 }
    expect(rule(P.amd64, { path: '/app/node_modules/sharp/prebuilds/linux-arm64/sharp.node', ...mod })).toEqual({
      refused: false,
      reason: 'a prebuilt Node module for another platform'
    })
    expect(rule(P.amd64, { path: '/usr/lib/node_modules/x/prebuilds/linux-arm64-musl/x.node', ...mod, mode: 0o755 })).toEqual({
      refused: false,
      reason: 'a prebuilt Node module for another platform'
    })
    expect(rule(P.amd64, { path: '/app/node_modules/x/prebuilds/linux-x64/x.node', ...mod })).toEqual({
      refused: true,
      reason: "a prebuilt Node module in the platform's own prebuilds directory"
    })
  })

  it('accepts a file of another architecture without an exec bit outside the places the platform runs from', () => {
    expect(rule(P.arm64, { path: '/opt/firmware/blob.elf', mode: 0o644 })).toEqual({ refused: false, reason: 'not executable' })
    expect(rule(P.arm64, { path: '/usr/bin/notes.elf', mode: 0o644 })).toEqual({ refused: false, reason: 'not executable' })
  })
})

describe('the architecture rule refuses files of another architecture that the platform would run', () => {
  it('refuses the amd64 busybox as /bin/busybox of an arm64 image: the trap', () => {
    expect(rule(P.arm64, { path: '/bin/busybox' })).toEqual({ refused: true, reason: 'a program on PATH' })
  })

  it('refuses the entrypoint of another architecture outside PATH, even without an exec bit, even in a home of other architectures', () => {
    expect(rule(P.arm64, { path: '/app/server' }, { entrypoint: '/app/server' })).toEqual({ refused: true, reason: 'the entrypoint' })
    expect(rule(P.arm64, { path: '/app/server', mode: 0o644 }, { entrypoint: '/app/server' })).toEqual({
      refused: true,
      reason: 'the entrypoint'
    })
    expect(rule(P.arm64, { path: '/app/testdata/server' }, { entrypoint: '/app/testdata/server' })).toEqual({
      refused: true,
      reason: 'the entrypoint'
    })
  })

  it("refuses a library of another architecture in the platform's own library directories, exec bit or not", () => {
    const lib = { type: ET.DYN, machine: EM.X86_64, mode: 0o644 }
    for (const path of [
      '/usr/lib/aarch64-linux-gnu/libfoo.so',
      '/usr/lib/libfoo.so',
      '/lib/ld-musl-aarch64.so.1',
      '/usr/local/lib/libbar.so.1'
    ])
      expect({ path, ...rule(P.arm64, { path, ...lib }) }).toEqual({
        path,
        refused: true,
        reason: "a library in the platform's library directories"
      })
    // /usr/lib64 is a 64-bit platform's; on arm/v7 it is only another directory.
    expect(rule(P.arm64, { path: '/usr/lib64/libfoo.so', ...lib }).refused).toBe(true)
    expect(rule(P.armv7, { path: '/usr/lib64/libfoo.so', ...lib })).toEqual({ refused: false, reason: 'not executable' })
  })

  it('refuses a Node native module of another architecture under build/Release', () => {
    expect(rule(P.arm64, { path: '/app/node_modules/bcrypt/build/Release/bcrypt_lib.node', type: ET.DYN, mode: 0o644 })).toEqual({
      refused: true,
      reason: 'a Node native module in build/Release'
    })
  })

  it('refuses any other program with an exec bit, and a malformed header as a program', () => {
    expect(rule(P.arm64, { path: '/opt/tool/run' })).toEqual({ refused: true, reason: 'an executable file' })
    expect(rule(P.arm64, { path: '/opt/tool/broken', type: undefined, machine: undefined })).toEqual({
      refused: true,
      reason: 'an executable file'
    })
  })
})

describe('verify-arch-ignore', () => {
  it('takes the paths its globs match out of the check, whatever they are', () => {
    const ignore = ['/opt/sdk/**', '/app/*.bin', '/srv/{a,b}/tool?']
    const at = (path: string) => rule(P.arm64, { path }, { entrypoint: '/app/fw.bin', ignore })
    expect(at('/opt/sdk/bin/cc')).toEqual({ refused: false, reason: 'in verify-arch-ignore' })
    expect(at('/opt/sdk/.hidden/lib.so')).toEqual({ refused: false, reason: 'in verify-arch-ignore' })
    expect(at('/app/fw.bin')).toEqual({ refused: false, reason: 'in verify-arch-ignore' })
    expect(at('/srv/b/tool1')).toEqual({ refused: false, reason: 'in verify-arch-ignore' })
    expect(at('/app/sub/fw.bin')).toEqual({ refused: true, reason: 'an executable file' })
    expect(at('/srv/c/tool1')).toEqual({ refused: true, reason: 'an executable file' })
    expect(at('/opt/sdk2/cc')).toEqual({ refused: true, reason: 'an executable file' })
  })
})

describe("the image's context", () => {
  /** A filesystem of links and files, as Rootfs.resolve would answer for it. */
  function fs(files: string[], links: Record<string, string>): Resolve {
    return path => {
      let p = path
      for (let i = 0; i < 10; i++) {
        const hit = Object.keys(links).find(l => p === l || p.startsWith(`${l}/`))
        if (!hit) break
        p = links[hit] + p.slice(hit.length)
      }
      if (files.includes(p)) return { path: p, kind: 'file' }
      return files.some(f => f.startsWith(`${p}/`)) ? { path: p, kind: 'dir' } : undefined
    }
  }

  it('finds the entrypoint: the first word of Entrypoint, else Cmd; a bare name through PATH; links followed', () => {
    const resolve = fs(['/usr/bin/busybox', '/app/server', '/opt/x/bin/tool'], { '/bin': '/usr/bin', '/usr/bin/sh': '/usr/bin/busybox' })
    const at = (config: Record<string, unknown>) => entrypointPath({ config }, resolve)
    expect(at({ Entrypoint: ['/app/server', '--port', '80'], Cmd: ['sh'] })).toBe('/app/server')
    expect(at({ Cmd: ['/bin/sh', '-c', 'x'] })).toBe('/usr/bin/busybox')
    expect(at({ Cmd: ['sh'] })).toBe('/usr/bin/busybox')
    expect(at({ Entrypoint: ['tool'], Env: ['PATH=/opt/x/bin:/usr/bin'] })).toBe('/opt/x/bin/tool')
    expect(at({ Entrypoint: ['tool'] })).toBeUndefined()
    expect(at({ Entrypoint: ['./server'], WorkingDir: '/app' })).toBe('/app/server')
    expect(at({ Entrypoint: null, Cmd: null })).toBeUndefined()
  })

  it("reads PATH from Env, else the runtime's default, and the platform's own triplet and Node arch", () => {
    expect(pathOf({ config: { Env: ['A=1', 'PATH=/opt/bin:/usr/bin'] } })).toEqual(['/opt/bin', '/usr/bin'])
    expect(pathOf({})).toEqual(['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'])
    expect([P.amd64, P.arm64, P.armv7, P.armv6, P.mips64le].map(p => [platformFacts(p).gnu, platformFacts(p).node])).toEqual([
      ['x86_64-linux-gnu', 'x64'],
      ['aarch64-linux-gnu', 'arm64'],
      ['arm-linux-gnueabihf', 'arm'],
      ['arm-linux-gnueabi', 'arm'],
      ['mips64el-linux-gnuabi64', 'mips64el']
    ])
  })

  it("names another architecture's homes, but not the platform's own triplet", () => {
    expect(otherArchHome('/usr/lib/x86_64-linux-gnu/libc.so.6', 'x86_64-linux-gnu', 'x64')).toBeUndefined()
    expect(otherArchHome('/usr/lib/x86_64-linux-gnu/libc.so.6', 'aarch64-linux-gnu', 'arm64')).toBe("in another architecture's directory")
    expect(otherArchHome('/usr/i686-linux-gnu/lib/libc.so.6', 'x86_64-linux-gnu', 'x64')).toBe("in another architecture's directory")
    expect(otherArchHome('/usr/share/x86_64-linux-gnu/x', 'aarch64-linux-gnu', 'arm64')).toBeUndefined()
  })
})
