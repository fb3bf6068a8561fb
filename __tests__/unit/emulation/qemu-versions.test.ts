import { planEmulation } from '../../../src/emulation/emulation.js'
import { parseQemuQuery } from '../../../src/emulation/qemu/query.js'
import { getInputs } from '../../../src/inputs/inputs.js'
import { parsePlatformList, type RunnerArch } from '../../../src/shared/platform.js'
import { errorOf } from '../../helpers/error-of.js'

const inputs = (qemuVersion: string, platforms = 'linux/amd64,linux/arm64,linux/riscv64') =>
  getInputs(name => ({ platforms, 'qemu-version': qemuVersion })[name] ?? '')
const q = (text: string) => parseQemuQuery(text)!

describe('qemu-version, for every platform and per platform', () => {
  it('takes one query for all, and platform=query lines in any spelling of the platform', () => {
    const i = inputs('7.2\nriscv64=latest, linux/arm64/v8=1:11.1.3+ds-1')
    expect(i.qemuVersion).toEqual(q('7.2'))
    expect(i.qemuVersionFor).toEqual(
      new Map([
        ['linux/riscv64', q('latest')],
        ['linux/arm64', q('1:11.1.3+ds-1')]
      ])
    )
  })

  it('gives stable to every platform without a query of its own, and reads a range with = as a query', () => {
    expect(inputs('linux/riscv64=7.2').qemuVersion).toEqual(q('stable'))
    expect(inputs('>=10').qemuVersion).toEqual(q('>=10'))
  })

  it.each([
    ['stable\nlatest', 'latest', 'one query for every platform (stable is given already)'],
    ['linux/s390x=7.2', 'linux/s390x=7.2', 'for a platform to build (linux/amd64, linux/arm64, linux/riscv64)'],
    ['arm64=7.2\nlinux/arm64=latest', 'linux/arm64=latest', 'one query per platform (linux/arm64 has one already)'],
    ['riscv64=banana', 'riscv64=banana', 'platform=query, the query one of stable, latest']
  ])('refuses %j in one line naming %s', (value, shown, accepted) => {
    const error = errorOf(() => inputs(value))
    expect(error?.message).toBe(`Input "qemu-version" has a bad value "${shown}": accepted: ${error?.message.split(': accepted: ')[1]}`)
    expect(error?.message).toContain(accepted)
    expect(error?.message).not.toContain('\n')
  })
})

describe('the QEMU versions to set up', () => {
  const plan = (value: string, platforms: string, host: RunnerArch = 'amd64') => {
    const i = inputs(value, platforms)
    return planEmulation(i.qemuVersion, i.qemuVersionFor, parsePlatformList(platforms), host)
  }

  it('groups the emulated platforms by version, the one for all first', () => {
    expect(plan('linux/arm64=latest', 'linux/amd64,linux/arm64,linux/riscv64,linux/s390x')).toEqual([
      { query: q('stable'), emulators: ['s390x', 'riscv64'], platforms: ['linux/s390x', 'linux/riscv64'] },
      { query: q('latest'), emulators: ['aarch64'], platforms: ['linux/arm64'] }
    ])
  })

  it('is one group when no platform has its own, and none when every platform runs natively', () => {
    expect(plan('10.0', 'linux/arm64,linux/arm/v7')).toEqual([
      { query: q('10.0'), emulators: ['aarch64', 'arm'], platforms: ['linux/arm64', 'linux/arm/v7'] }
    ])
    expect(plan('stable', 'linux/amd64,linux/386')).toEqual([])
  })

  it('leaves the version of a platform this job does not build to the job that builds it', () => {
    const i = inputs('linux/riscv64=7.2', 'linux/amd64,linux/arm64,linux/riscv64')
    expect(planEmulation(i.qemuVersion, i.qemuVersionFor, parsePlatformList('linux/arm64'), 'amd64')).toEqual([
      { query: q('stable'), emulators: ['aarch64'], platforms: ['linux/arm64'] }
    ])
  })

  it.each([
    ['linux/amd64=7.2', 'linux/amd64,linux/arm64', 'amd64', 'linux/amd64=7.2', 'emulated on this amd64 host; linux/amd64 runs natively'],
    [
      'linux/arm64=latest',
      'linux/amd64,linux/arm64',
      'arm64',
      'linux/arm64=latest',
      'emulated on this arm64 host; linux/arm64 runs natively'
    ],
    ['linux/arm/v6=7.2', 'linux/arm/v6,linux/arm/v7', 'amd64', 'linux/arm/v6=7.2', 'share qemu-arm (linux/arm/v7 runs under stable)']
  ])('refuses %s for %s on an %s host before anything is set up', (value, platforms, host, shown, why) => {
    const error = errorOf(() => plan(value, platforms, host as RunnerArch))
    expect(error?.message).toMatch(new RegExp(`^Input "qemu-version" has a bad value "${shown.replace(/[./]/g, '\\$&')}": accepted: `))
    expect(error?.message).toContain(why)
  })
})
