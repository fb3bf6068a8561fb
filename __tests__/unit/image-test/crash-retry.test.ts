import { renderSummary } from '../../../src/action/summary.js'
import type { TestResult } from '../../../src/docker/test-run.js'
import { crashedBuildPlatform } from '../../../src/emulation/emulator-crash.js'
import { failureLines } from '../../../src/image-test/failures.js'
import { ArchwayError } from '../../../src/shared/errors.js'
import { CommandError } from '../../../src/shared/exec.js'
import { formatPlatform, parsePlatform } from '../../../src/shared/platform.js'

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
    const retry = { signal: 'SIGILL' as const, from: '1:10.0.13+ds-0+deb13u1', to: '1:11.1.3+ds-1' }
    expect(failureLines({ platform: arm64, test: crashed('SIGSEGV', ['boom']), retry }, o)).toEqual([
      'Tests crashed on linux/arm64 with SIGILL under QEMU 1:10.0.13+ds-0+deb13u1, and again with SIGSEGV (exit code 139) under QEMU 1:11.1.3+ds-1: not an emulator bug of one version; last lines: boom'
    ])
  })

  it('passing there, is no failure', () => {
    const retry = { signal: 'SIGILL' as const, from: '1:10.0.13+ds-0+deb13u1', to: '1:11.1.3+ds-1' }
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
      retry: { signal: 'SIGILL' as const, from: '1:10.0.13+ds-0+deb13u1', to: '1:11.1.3+ds-1' }
    }
    const pipeline = {
      engine: { version: '28', store: 'classic' as const },
      plan: { builder: { name: 'default', driver: 'docker', nodes: [] } } as never,
      platforms: [platform]
    }
    expect(renderSummary({ platforms: ['linux/arm64'], runnerArch: 'amd64', pipeline })).toContain(
      '| linux/arm64 | 2.0 s | passed (1.5 s, under QEMU `1:11.1.3+ds-1` after a crash under `1:10.0.13+ds-0+deb13u1`) |'
    )
  })
})

describe('a build step that crashed under emulation', () => {
  const emulated = new Set(['linux/arm64', 'linux/riscv64'])
  const failed = (platforms: string, output: string) =>
    new CommandError(`docker buildx build --platform ${platforms} --load --tag t .`, { exitCode: 1, stdout: '', stderr: output })
  const sigill = '#9 0.210 qemu: uncaught target signal 4 (Illegal instruction) - core dumped\nERROR: failed to build: ...'

  it.each([
    ['linux/arm64', sigill, 'linux/arm64'],
    ['linux/amd64,linux/arm64', 'ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 139', 'linux/arm64'],
    ['linux/riscv64', 'did not complete successfully: exit code: 135', 'linux/riscv64']
  ])('in a build of %s is that emulated platform', (platforms, output, expected) => {
    expect(formatPlatform(crashedBuildPlatform(failed(platforms, output), emulated)!)).toBe(expected)
  })

  it.each([
    ['two emulated platforms in one build: which one buildx does not say', 'linux/arm64,linux/riscv64', sigill],
    ['a native platform', 'linux/amd64', 'did not complete successfully: exit code: 132'],
    ['an ordinary failure', 'linux/arm64', 'did not complete successfully: exit code: 2']
  ])('is not told when it is %s', (_why, platforms, output) => {
    expect(crashedBuildPlatform(failed(platforms, output), emulated)).toBeUndefined()
  })

  it('is found behind the error that names every failed build', () => {
    const err = new ArchwayError('The builds of linux/arm64, linux/riscv64 failed', { cause: failed('linux/arm64', sigill) })
    expect(formatPlatform(crashedBuildPlatform(err, emulated)!)).toBe('linux/arm64')
  })
})
