import { buildArgv } from '../../../src/docker/buildx.js'
import { pluginPath, storeFromDriverStatus } from '../../../src/docker/engine.js'
import { lastLines, outcomeOf, testArgv } from '../../../src/docker/test-run.js'
import { parsePlatformList } from '../../../src/shared/platform.js'

describe('buildx command lines', () => {
  it('build every given platform with attestations off and load the result under one tag', () => {
    const spec = {
      context: 'app',
      file: 'app/Dockerfile.ci',
      buildArgs: [
        ['VERSION', '1.4.2'],
        ['FLAGS', 'a=b,c']
      ] as const,
      target: 'runtime',
      labels: [['org.example', 'x']] as const
    }
    expect(buildArgv(spec, parsePlatformList('linux/arm64,linux/arm/v7'), 'archway.local/app:1')).toEqual([
      'buildx',
      'build',
      '--platform',
      'linux/arm64,linux/arm/v7',
      '--file',
      'app/Dockerfile.ci',
      '--target',
      'runtime',
      '--build-arg',
      'VERSION=1.4.2',
      '--build-arg',
      'FLAGS=a=b,c',
      '--label',
      'org.example=x',
      '--provenance=false',
      '--sbom=false',
      '--load',
      '--tag',
      'archway.local/app:1',
      'app'
    ])
  })

  it('ask for a provenance attestation in the mode given, and keep SBOMs off', () => {
    const spec = { context: '.', buildArgs: [], labels: [] }
    const argv = (provenance: false | 'min' | 'max') =>
      buildArgv({ ...spec, provenance }, parsePlatformList('amd64,arm64'), 't').filter(a => /^--(provenance|sbom)/.test(a))
    expect(argv(false)).toEqual(['--provenance=false', '--sbom=false'])
    expect(argv('min')).toEqual(['--provenance=mode=min', '--sbom=false'])
    expect(argv('max')).toEqual(['--provenance=mode=max', '--sbom=false'])
  })

  it('use the builder a user names', () => {
    expect(
      buildArgv({ context: '.', buildArgs: [], labels: [], builder: 'native-arm' }, parsePlatformList('arm64'), 't').slice(0, 4)
    ).toEqual(['buildx', 'build', '--builder', 'native-arm'])
  })
})

describe('the image store', () => {
  it('is containerd when the driver type is a containerd snapshotter, classic otherwise', () => {
    expect(storeFromDriverStatus([['driver-type', 'io.containerd.snapshotter.v1']])).toBe('containerd')
    expect(
      storeFromDriverStatus([
        ['Backing Filesystem', 'extfs'],
        ['Supports d_type', 'true']
      ])
    ).toBe('classic')
    expect(storeFromDriverStatus(null)).toBe('classic')
  })
})

describe('test outcomes', () => {
  it('pass on exit 0 and fail with the exit code otherwise', () => {
    expect(outcomeOf(0, '')).toEqual({ kind: 'passed' })
    expect(outcomeOf(3, 'FAIL: 2 of 10')).toEqual({ kind: 'failed', exitCode: 3 })
  })

  it('tell a crash of the emulated program or of QEMU from a failing test', () => {
    expect(outcomeOf(139, '')).toEqual({ kind: 'crashed', exitCode: 139, signal: 'SIGSEGV' })
    expect(outcomeOf(132, '')).toEqual({ kind: 'crashed', exitCode: 132, signal: 'SIGILL' })
    expect(outcomeOf(1, 'qemu: uncaught target signal 11 (Segmentation fault) - core dumped\n')).toEqual({
      kind: 'crashed',
      exitCode: 1,
      signal: 'SIGSEGV'
    })
    expect(outcomeOf(1, 'qemu: uncaught target signal 4 (Illegal instruction) - core dumped')).toEqual({
      kind: 'crashed',
      exitCode: 1,
      signal: 'SIGILL'
    })
  })

  it('keep the last lines of output', () => {
    expect(lastLines('a\n\nb\nc\n', 2)).toEqual(['b', 'c'])
  })

  it('run the test with the image shell, no network, on the platform asked for', () => {
    expect(testArgv('img:1', parsePlatformList('s390x')[0], 'make check')).toEqual([
      'run',
      '--rm',
      '--init',
      '--network',
      'none',
      '--platform',
      'linux/s390x',
      '--entrypoint',
      'sh',
      'img:1',
      '-c',
      'make check'
    ])
  })
})

describe("the buildx plugin's path, from the docker CLI's list of its plugins", () => {
  const buildx = {
    SchemaVersion: '0.1.0',
    Vendor: 'Docker Inc.',
    Version: '0.29.1',
    Name: 'buildx',
    Path: '/usr/libexec/docker/cli-plugins/docker-buildx'
  }
  const compose = { ...buildx, Name: 'compose', Path: '/usr/libexec/docker/cli-plugins/docker-compose' }

  it('is the listed path of the plugin named buildx', () => {
    expect(pluginPath(JSON.stringify([compose, buildx]), 'buildx')).toBe('/usr/libexec/docker/cli-plugins/docker-buildx')
  })

  it.each([
    ['no buildx listed', JSON.stringify([compose])],
    ['a buildx the CLI reports broken', JSON.stringify([{ ...buildx, Err: 'plugin candidate "buildx" did not match' }])],
    ['a relative path', JSON.stringify([{ ...buildx, Path: 'docker-buildx' }])],
    ['no plugins at all', 'null'],
    ['not JSON', 'template: :1: function "json" not defined']
  ])('is none with %s: `docker buildx` is left to the CLI', (_what, json) => {
    expect(pluginPath(json, 'buildx')).toBeUndefined()
  })
})
