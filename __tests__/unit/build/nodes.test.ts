import { buildsPerNode, nodesOfBuild } from '../../../src/build/nodes.js'
import { parseBuilderInspect } from '../../../src/docker/builder.js'
import { formatPlatform, parsePlatformList } from '../../../src/shared/platform.js'

const SIX = parsePlatformList('linux/amd64,linux/arm64,linux/arm/v7,linux/s390x,linux/ppc64le,linux/riscv64')
const EMULATED = 'linux/amd64/v2, linux/arm64, linux/riscv64, linux/ppc64le, linux/s390x, linux/arm/v7, linux/arm/v6'

/** `docker buildx inspect` of a remote builder, its nodes given as `name: Platforms line`. */
const fleet = (...nodes: string[]) =>
  parseBuilderInspect(
    [
      'Name:   fleet',
      'Driver: remote',
      '',
      'Nodes:',
      ...nodes.flatMap(n => {
        const [name, listed] = n.split(': ')
        return [
          `Name:             ${name}`,
          `Endpoint:         unix:///run/${name}.sock`,
          'Status:           running',
          `Platforms:        ${listed}`,
          ''
        ]
      })
    ].join('\n')
  )!.nodes

const names = (ps: readonly { platforms: readonly { architecture: string }[]; node?: string }[]) =>
  ps.map(b => `${b.node ?? '?'}: ${b.platforms.map(p => formatPlatform(p as never)).join(' ')}`)

describe('the node buildx sends each platform of a build to', () => {
  // As the test environment's two daemons list themselves: both emulate every platform.
  const two = fleet(`fleet0: linux/amd64*, ${EMULATED}`, `fleet1: linux/arm64*, linux/amd64, ${EMULATED.replace('linux/arm64, ', '')}`)

  it('is the node created for the platform, when every platform of the build has one', () => {
    expect(nodesOfBuild(two, parsePlatformList('linux/amd64,linux/arm64'))).toEqual([0, 1])
    expect(nodesOfBuild(two, parsePlatformList('linux/arm64'))).toEqual([1])
  })

  it('is the first node listing the platform for every platform of a build where one has no node created for it', () => {
    expect(nodesOfBuild(two, parsePlatformList('linux/s390x'))).toEqual([0])
    // arm64 moves to fleet0, which lists it (emulated), once s390x sends the build to the second pass.
    expect(nodesOfBuild(two, parsePlatformList('linux/arm64,linux/s390x'))).toEqual([0, 0])
    expect(nodesOfBuild(two, SIX)).toEqual([0, 0, 0, 0, 0, 0])
  })

  it('compares platforms in their canonical form', () => {
    const spelled = fleet('a: linux/amd64*', 'b: linux/arm64/v8*, linux/arm')
    expect(nodesOfBuild(spelled, parsePlatformList('linux/amd64,linux/arm64'))).toEqual([0, 1])
    expect(nodesOfBuild(spelled, parsePlatformList('linux/arm/v7'))).toEqual([1])
  })

  it('is not told where no node lists the platform exactly, or a node cannot be reached', () => {
    expect(nodesOfBuild(fleet('a: linux/amd64*', 'b: linux/arm64*'), parsePlatformList('linux/riscv64'))).toBeUndefined()
    const broken = [...two.slice(0, 1), { ...two[1], error: 'connection refused' }]
    expect(nodesOfBuild(broken, parsePlatformList('linux/amd64'))).toBeUndefined()
  })
})

describe('the builds of a builder of several nodes', () => {
  it('is one build per node, of the platforms buildx sends there alone', () => {
    const two = fleet(`fleet0: linux/amd64*, ${EMULATED}`, `fleet1: linux/arm64*, linux/amd64, ${EMULATED.replace('linux/arm64, ', '')}`)
    expect(names(buildsPerNode(two, SIX))).toEqual([
      'fleet0: linux/amd64 linux/arm/v7 linux/s390x linux/ppc64le linux/riscv64',
      'fleet1: linux/arm64'
    ])
  })

  it('builds on a native node the platforms it alone lists', () => {
    const native = fleet('x86: linux/amd64*, linux/amd64/v2, linux/386', 'arm: linux/arm64*, linux/arm/v7, linux/arm/v6')
    expect(names(buildsPerNode(native, parsePlatformList('linux/amd64,linux/arm64,linux/arm/v7')))).toEqual([
      'x86: linux/amd64',
      'arm: linux/arm64 linux/arm/v7'
    ])
  })

  it('builds one by one the platforms that buildx would move to another node once built together', () => {
    // arm/v7 alone goes to arm (the only node listing it); with it, arm64 would go to x86, which emulates it.
    const moved = fleet('x86: linux/amd64*, linux/arm64', 'arm: linux/arm64*, linux/arm/v7')
    expect(names(buildsPerNode(moved, parsePlatformList('linux/amd64,linux/arm64,linux/arm/v7')))).toEqual([
      'x86: linux/amd64',
      'arm: linux/arm64',
      'arm: linux/arm/v7'
    ])
  })

  it('builds one by one, each where buildx sends it, the platforms whose node cannot be told', () => {
    const unlisted = fleet('a: linux/amd64*', 'b: linux/arm64*')
    expect(names(buildsPerNode(unlisted, parsePlatformList('linux/amd64,linux/s390x,linux/riscv64')))).toEqual([
      'a: linux/amd64',
      '?: linux/s390x',
      '?: linux/riscv64'
    ])
  })
})
