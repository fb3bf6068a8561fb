import {
  ALL_PLATFORMS,
  emulatorsNeeded,
  formatPlatform,
  hostDebianArch,
  PlatformListError,
  parsePlatformList,
  SUPPORTED_PLATFORMS
} from '../../../src/shared/platform.js'

const list = (text: string) => parsePlatformList(text).map(formatPlatform)

describe('platform lists', () => {
  it.each([
    ['linux/arm64', ['linux/arm64']],
    ['linux/arm64/v8', ['linux/arm64']],
    ['arm64', ['linux/arm64']],
    ['linux/arm/v7, linux/arm/v6', ['linux/arm/v7', 'linux/arm/v6']],
    ['linux/riscv64\nlinux/s390x\n', ['linux/s390x', 'linux/riscv64']],
    ['s390x,ppc64le,loong64,mips64le,386', ['linux/386', 'linux/s390x', 'linux/ppc64le', 'linux/mips64le', 'linux/loong64']],
    ['LINUX/AMD64', ['linux/amd64']]
  ])('normalises %j to %j in a fixed order', (text, expected) => {
    expect(list(text)).toEqual(expected)
  })

  it('drops duplicates written in different forms', () => {
    expect(list('arm64,linux/arm64,linux/arm64/v8,aarch64')).toEqual(['linux/arm64'])
  })

  it('expands all to every supported platform', () => {
    expect(list('all')).toEqual(SUPPORTED_PLATFORMS)
    expect(SUPPORTED_PLATFORMS).toEqual([
      'linux/amd64',
      'linux/arm64',
      'linux/arm/v7',
      'linux/arm/v6',
      'linux/386',
      'linux/s390x',
      'linux/ppc64le',
      'linux/riscv64',
      'linux/mips64le',
      'linux/loong64'
    ])
  })

  it.each(['linux/sparc64', 'windows/amd64', 'linux/arm/v9', ',', ''])('refuses %j naming the bad item', text => {
    expect(() => parsePlatformList(text)).toThrow(PlatformListError)
  })

  it('names the first unsupported item', () => {
    expect(() => parsePlatformList('linux/arm64,linux/sparc64')).toThrow('unsupported platform "linux/sparc64"')
  })
})

describe('emulators a host needs', () => {
  it('skips the host architecture and 386 on amd64, and shares one arm emulator', () => {
    expect(emulatorsNeeded(ALL_PLATFORMS, 'amd64')).toEqual(['aarch64', 'arm', 's390x', 'ppc64le', 'riscv64', 'mips64el', 'loongarch64'])
  })

  it('needs x86 emulators on an arm64 host, but not aarch64', () => {
    expect(emulatorsNeeded(ALL_PLATFORMS, 'arm64')).toEqual([
      'x86_64',
      'arm',
      'i386',
      's390x',
      'ppc64le',
      'riscv64',
      'mips64el',
      'loongarch64'
    ])
  })

  it('maps Node architectures to Debian ones and refuses others', () => {
    expect(hostDebianArch('x64')).toBe('amd64')
    expect(hostDebianArch('arm64')).toBe('arm64')
    expect(() => hostDebianArch('s390x')).toThrow('amd64 and arm64 hosts')
  })
})
