import type { TestResult } from '../../src/docker/test-run.js'
import { failureLines } from '../../src/pipeline.js'
import { parsePlatform } from '../../src/platform.js'
import { renderSummary } from '../../src/summary.js'

const arm64 = parsePlatform('linux/arm64')!
const crashed = (signal: 'SIGSEGV' | 'SIGILL', tail: string[] = []): TestResult => ({
  platform: arm64,
  outcome: { kind: 'crashed', exitCode: signal === 'SIGILL' ? 132 : 139, signal },
  seconds: 1,
  tail
})
const passed: TestResult = { platform: arm64, outcome: { kind: 'passed' }, seconds: 1.5, tail: [] }
const o = { qemuVersions: new Map([['linux/arm64', '1:10.0.13+ds-0+deb13u1']]), emulated: new Set(['linux/arm64']) }

describe('a crash under emulation, run again under another QEMU', () => {
  it('crashing there too, is one failure naming both versions and the last lines', () => {
    const retry = { first: crashed('SIGILL'), from: '1:10.0.13+ds-0+deb13u1', to: '1:11.1.3+ds-1' }
    expect(failureLines({ platform: arm64, test: crashed('SIGSEGV', ['boom']), retry }, o)).toEqual([
      'Tests crashed on linux/arm64 with SIGILL under QEMU 1:10.0.13+ds-0+deb13u1, and again with SIGSEGV (exit code 139) under QEMU 1:11.1.3+ds-1: not an emulator bug of one version; last lines: boom'
    ])
  })

  it('passing there, is no failure', () => {
    const retry = { first: crashed('SIGILL'), from: '1:10.0.13+ds-0+deb13u1', to: '1:11.1.3+ds-1' }
    expect(failureLines({ platform: arm64, test: passed, retry }, o)).toEqual([])
  })

  it('not run again (no other QEMU), names the one version and the per-platform pin to try', () => {
    expect(failureLines({ platform: arm64, test: crashed('SIGILL') }, o)).toEqual([
      'Tests crashed on linux/arm64 with SIGILL (exit code 132) under QEMU 1:10.0.13+ds-0+deb13u1; an emulator crash depends on the QEMU version: try another qemu-version for it (linux/arm64=latest, linux/arm64=7.2, or stable, 10.0, ... for every platform)'
    ])
  })

  it('shows in the summary which QEMU the test passed under, after which crash', () => {
    const platform = {
      platform: arm64,
      buildSeconds: 2,
      sharedBuild: false,
      test: passed,
      retry: { first: crashed('SIGILL'), from: '1:10.0.13+ds-0+deb13u1', to: '1:11.1.3+ds-1' }
    }
    const pipeline = { engine: { version: '28', store: 'classic' as const }, plan: {} as never, platforms: [platform] }
    expect(renderSummary({ platforms: ['linux/arm64'], host: 'amd64', pipeline })).toContain(
      '| linux/arm64 | 2.0 s | passed (1.5 s, under QEMU `1:11.1.3+ds-1` after a crash under `1:10.0.13+ds-0+deb13u1`) |'
    )
  })
})
