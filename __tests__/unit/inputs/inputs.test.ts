import { getInputs } from '../../../src/inputs/inputs.js'
import { InputError } from '../../../src/shared/errors.js'
import { formatPlatform } from '../../../src/shared/platform.js'
import { runnerInputs } from '../../helpers/runner-env.js'

const read = (values: Record<string, string>) => (name: string) => values[name] ?? ''
/** As GitHub's runner reads inputs: every one the workflow does not give has its action.yml default. */
const asRunner = (values: Record<string, string>) => (name: string) => runnerInputs(values)[name] ?? ''

describe('inputs', () => {
  it('gives the documented defaults when nothing is set', () => {
    const i = getInputs(read({}))
    expect({ ...i, platforms: i.platforms.map(formatPlatform) }).toEqual({
      platforms: [
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
      ],
      qemuVersion: { kind: 'stable', text: 'stable' },
      qemuVersionFor: new Map(),
      qemuMirror: 'http://deb.debian.org/debian',
      binfmtFlags: 'FP',
      cache: true
    })
  })

  it('set up emulation only when the runner passes nothing but platforms and the other defaults', () => {
    const i = getInputs(asRunner({ platforms: 'linux/arm64,linux/s390x' }))
    expect({ build: i.build, platforms: i.platforms.map(formatPlatform) }).toEqual({
      build: undefined,
      platforms: ['linux/arm64', 'linux/s390x']
    })
  })

  it.each([
    ['ghcr.io/Acme/App', { registry: 'ghcr.io', repository: 'acme/app' }],
    ['Acme/App', { registry: 'docker.io', repository: 'acme/app' }],
    ['127.0.0.1:5000/Team/App', { registry: '127.0.0.1:5000', repository: 'team/app' }]
  ])('lowercase the image %j (an owner from github.repository keeps its capitals)', (image, expected) => {
    const build = getInputs(read({ image })).build!
    expect(build.image).toEqual(expected)
    expect(build.tags.map(t => `${t.registry}/${t.repository}:${t.tag}`)).toEqual([`${expected.registry}/${expected.repository}:latest`])
  })

  it('reads every input when set', () => {
    const i = getInputs(
      read({
        platforms: 'arm64\ns390x',
        'qemu-version': '1:11.1.3+ds-1',
        'qemu-mirror': 'https://mirror.example/debian/',
        'binfmt-flags': 'pcf',
        cache: 'false'
      })
    )
    expect({ ...i, platforms: i.platforms.map(formatPlatform) }).toEqual({
      platforms: ['linux/arm64', 'linux/s390x'],
      qemuVersion: { kind: 'exact', text: '1:11.1.3+ds-1' },
      qemuVersionFor: new Map(),
      qemuMirror: 'https://mirror.example/debian',
      binfmtFlags: 'FPC',
      cache: false
    })
  })

  it.each([
    ['latest', { kind: 'latest', text: 'latest' }],
    ['11.1', { kind: 'range', text: '11.1', range: '>=11.1.0 <11.2.0-0' }],
    ['7.2', { kind: 'range', text: '7.2', range: '>=7.2.0 <7.3.0-0' }],
    ['>=10', { kind: 'range', text: '>=10', range: '>=10.0.0' }],
    ['10.0.13', { kind: 'range', text: '10.0.13', range: '10.0.13' }],
    ['1:7.2+dfsg-7+deb12u18+b3', { kind: 'exact', text: '1:7.2+dfsg-7+deb12u18+b3' }],
    ['10.0.13+ds-0+deb13u1', { kind: 'exact', text: '10.0.13+ds-0+deb13u1' }]
  ])('reads qemu-version %j', (text, expected) => {
    expect(getInputs(read({ 'qemu-version': text })).qemuVersion).toEqual(expected)
  })

  it.each([
    ['platforms', 'linux/sparc64', 'linux/sparc64'],
    ['platforms', 'arm64,windows/amd64', 'windows/amd64'],
    ['qemu-version', 'banana', 'stable, latest'],
    ['qemu-version', '*', 'semver range'],
    ['qemu-mirror', 'ftp://deb.debian.org/debian', 'http://'],
    ['qemu-mirror', 'not a url', 'http://'],
    ['qemu-mirror', 'https://user:secret@mirror.example/debian', 'without credentials'],
    ['binfmt-flags', 'FX', 'F, P, C, O'],
    ['binfmt-flags', 'FF', 'each at most once'],
    ['cache', 'yes', 'true or false']
  ])('refuses %s=%j in one line naming the input, the value and what is accepted', (input, value, accepted) => {
    let error: unknown
    try {
      getInputs(read({ [input]: value }))
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(InputError)
    const message = (error as Error).message
    expect(message).toContain(`"${input}"`)
    expect(message).toContain(value.split(',').pop())
    expect(message).toContain(accepted)
    expect(message).not.toContain('\n')
  })
})

describe('build inputs', () => {
  const base = { image: 'ghcr.io/acme/app' }

  it('are absent without an image, so the step only sets up emulation', () => {
    expect(getInputs(read({})).build).toBeUndefined()
  })

  it('default to the latest tag, the current folder, no push and architecture checks on', () => {
    const b = getInputs(read(base)).build!
    expect(b.image).toEqual({ registry: 'ghcr.io', repository: 'acme/app' })
    expect(b.tags).toEqual([{ registry: 'ghcr.io', repository: 'acme/app', tag: 'latest' }])
    expect([b.context, b.push, b.verifyArch, b.test, b.credentials, b.builder, b.provenance]).toEqual([
      '.',
      false,
      true,
      undefined,
      undefined,
      undefined,
      false
    ])
  })

  it('read verify-arch-ignore as absolute path globs, newline- or comma-separated, a comma in braces kept', () => {
    expect(getInputs(read(base)).build!.verifyArchIgnore).toEqual([])
    const value = '/opt/sdk/**, /usr/share/fw/*.bin\n/srv/{a,b}/**\n'
    expect(getInputs(read({ ...base, 'verify-arch-ignore': value })).build!.verifyArchIgnore).toEqual([
      '/opt/sdk/**',
      '/usr/share/fw/*.bin',
      '/srv/{a,b}/**'
    ])
  })

  it.each([
    ['false', false],
    ['true', 'min'],
    ['True', 'min'],
    ['mode=min', 'min'],
    ['mode=max', 'max']
  ])('read provenance %j', (text, mode) => {
    expect(getInputs(read({ ...base, provenance: text })).build!.provenance).toBe(mode)
  })

  it('read tags as bare tags or full references, commas or lines, without duplicates', () => {
    const b = getInputs(read({ ...base, tags: 'latest,1.4.2\nghcr.io/acme/app:1.4\n127.0.0.1:5000/mirror/app:1.4.2\nlatest' })).build!
    expect(b.tags.map(t => `${t.registry}/${t.repository}:${t.tag}`)).toEqual([
      'ghcr.io/acme/app:latest',
      'ghcr.io/acme/app:1.4.2',
      'ghcr.io/acme/app:1.4',
      '127.0.0.1:5000/mirror/app:1.4.2'
    ])
  })

  it('read build-args, labels and annotations as KEY=VALUE lines whose values keep commas and equals signs', () => {
    const b = getInputs(
      read({ ...base, 'build-args': 'A=1\nB=x=y,z\n', labels: 'l=v', annotations: 'index:org.opencontainers.image.title=App\nk=v' })
    ).build!
    expect(b.buildArgs).toEqual([
      ['A', '1'],
      ['B', 'x=y,z']
    ])
    expect(b.labels).toEqual([['l', 'v']])
    expect(b.annotations).toEqual({
      index: [
        ['org.opencontainers.image.title', 'App'],
        ['k', 'v']
      ],
      manifest: {},
      manifestDescriptor: {}
    })
  })

  it('read annotations for the platforms of the step: a manifest: line for each, manifest[PLATFORM]: for one of them', () => {
    const b = getInputs(
      read({ ...base, platforms: 'linux/amd64,linux/arm64', annotations: 'manifest:a=1\nmanifest[arm64]:b=2\nmanifest-descriptor:c=3' })
    ).build!
    expect(b.annotations.manifest).toEqual({ 'linux/amd64': { a: '1' }, 'linux/arm64': { a: '1', b: '2' } })
    expect(b.annotations.manifestDescriptor).toEqual({ 'linux/amd64': { c: '3' }, 'linux/arm64': { c: '3' } })
  })

  it('take username and password together', () => {
    expect(getInputs(read({ ...base, username: 'u', password: 'p' })).build!.credentials).toEqual({ username: 'u', password: 'p' })
  })

  it.each([
    [{ image: 'ghcr.io/acme/app!' }, 'image', 'ghcr.io/acme/app!'],
    [{ image: 'ghcr.io/acme/app:1.0' }, 'image', 'without tag'],
    [{ ...base, tags: 'bad tag!' }, 'tags', 'bad tag!'],
    [{ ...base, tags: 'ghcr.io/acme/app' }, 'tags', 'ghcr.io/acme/app'],
    [{ ...base, context: '/does/not/exist' }, 'context', '/does/not/exist'],
    [{ ...base, file: 'no-such-Dockerfile' }, 'file', 'no-such-Dockerfile'],
    [{ ...base, 'build-args': 'NOEQUALS' }, 'build-args', 'NOEQUALS'],
    [{ ...base, annotations: 'index-descriptor:k=v' }, 'annotations', 'index-descriptor:k=v'],
    [{ ...base, annotations: 'foo:k=v' }, 'annotations', 'foo:k=v'],
    [
      { ...base, platforms: 'linux/amd64', annotations: 'manifest[linux/arm64]:k=v' },
      'annotations',
      'a platform of "platforms" (linux/amd64)'
    ],
    [{ ...base, push: 'yes' }, 'push', 'yes'],
    [{ ...base, 'verify-arch': 'nope' }, 'verify-arch', 'nope'],
    [
      { ...base, 'verify-arch-ignore': '/opt/sdk/**\nopt/other/**' },
      'verify-arch-ignore',
      'bad value "opt/other/**": accepted: absolute path globs'
    ],
    [{ 'verify-arch-ignore': '/opt/**' }, 'image', 'required when "verify-arch-ignore"'],
    [{ ...base, username: 'u' }, 'password', 'together'],
    [{ ...base, builder: 'my builder' }, 'builder', 'my builder'],
    [{ tags: 'latest,1.4.2' }, 'image', 'required when "tags"'],
    [{ mode: 'merge' }, 'image', 'required when "mode"'],
    [{ ...base, provenance: 'yes' }, 'provenance', 'mode=max'],
    [{ ...base, provenance: 'mode=full' }, 'provenance', 'mode=full'],
    [{ provenance: 'true' }, 'image', 'required when "provenance"'],
    [{ push: 'true' }, 'image', 'required when "push"']
  ])('refuse %j in one line naming %s', (values, input, fragment) => {
    let error: unknown
    try {
      getInputs(read(values as Record<string, string>))
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).toContain(`"${input}"`)
    expect((error as Error).message).toContain(fragment)
    expect((error as Error).message).not.toContain('\n')
  })
})
