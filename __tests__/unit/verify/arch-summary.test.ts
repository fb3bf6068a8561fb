import type { PlatformResult } from '../../../src/action/results.js'
import { renderSummary } from '../../../src/action/summary.js'
import type { ArchReport } from '../../../src/verify/arch.js'
import { P } from '../oci/fixtures.js'

function result(arch: ArchReport): PlatformResult {
  return { platform: arch.platform, buildSeconds: 1, sharedBuild: false, arch } as PlatformResult
}

describe('the job summary of the architecture check', () => {
  it('counts the files of another architecture accepted, by reason, and names the first ones and the refused', () => {
    const passed: ArchReport = {
      platform: P.amd64,
      expected: 'x86-64 64-bit LSB',
      filesChecked: 900,
      elfChecked: 40,
      mismatches: [],
      accepted: {
        count: 2,
        byReason: { 'test data': 1, "in another architecture's directory": 1 },
        first: [
          { path: '/usr/aarch64-linux-gnu/lib/libc.so.6', found: 'AArch64 64-bit LSB', reason: "in another architecture's directory" },
          { path: '/usr/local/go/src/debug/elf/testdata/gcc-arm64-exec', found: 'AArch64 64-bit LSB', reason: 'test data' }
        ]
      },
      config: { ok: true, found: 'linux/amd64' }
    }
    const failed: ArchReport = {
      ...passed,
      platform: P.arm64,
      expected: 'AArch64 64-bit LSB',
      mismatches: [{ path: '/bin/busybox', found: 'x86-64 64-bit LSB', reason: 'a program on PATH' }],
      accepted: { count: 0, byReason: {}, first: [] },
      config: { ok: true, found: 'linux/arm64' }
    }
    const md = renderSummary({
      platforms: ['linux/amd64', 'linux/arm64'],
      runnerArch: 'amd64',
      pipeline: {
        plan: { builder: { name: 'default', driver: 'docker', nodes: [] } },
        platforms: [result(passed), result(failed)]
      } as never
    })
    expect(md).toContain('| linux/amd64 | 1.0 s | none | ok (40 ELF, 2 of another architecture accepted) |')
    expect(md).toContain('| linux/arm64 | 1.0 s | none | **failed** (1 files) |')
    expect(md).toContain(
      "- linux/amd64: 2 ELF files of another architecture accepted (1 in another architecture's directory, 1 test data): /usr/aarch64-linux-gnu/lib/libc.so.6 (AArch64 64-bit LSB, in another architecture's directory), /usr/local/go/src/debug/elf/testdata/gcc-arm64-exec (AArch64 64-bit LSB, test data)"
    )
    expect(md).toContain(
      '- Architecture check failed: linux/arm64: 1 of 40 ELF files is not AArch64 64-bit LSB: /bin/busybox (x86-64 64-bit LSB, a program on PATH)'
    )
  })
})
