import { cacheType } from '../../../src/build/cache-entries.js'
import {
  type BuildHost,
  builderPushTarget,
  checkBuildHost,
  missingEmulatorsWarning,
  nodesMissingEmulators
} from '../../../src/build/host.js'
import type { BuilderNode } from '../../../src/docker/builder.js'
import { NO_SETTINGS } from '../../../src/docker/buildx.js'
import { parseImage, parseTags } from '../../../src/inputs/values.js'
import { EnvironmentError, InputError } from '../../../src/shared/errors.js'
import { errorOf } from '../../helpers/error-of.js'

const host = (store: 'classic' | 'containerd', driver = 'docker'): BuildHost => ({
  engine: { version: '28.5.2', store },
  builder: { name: driver === 'docker' ? 'default' : 'builder', driver, nodes: [] }
})
const asks = (cacheFrom: string[], cacheTo: string[] = []) => ({
  provenance: false as const,
  settings: { ...NO_SETTINGS, cacheFrom, cacheTo }
})

describe('cache entries, typed as buildx types them', () => {
  it.each([
    ['type=gha,mode=max', 'gha'],
    ['TYPE=local,dest=/tmp/c', 'local'],
    ['ghcr.io/acme/app:cache', 'registry'],
    ['type=local,"dest=/tmp/a,b"', 'local'],
    ['ref=ghcr.io/acme/app:cache', undefined]
  ])('%s is %s', (entry, type) => {
    expect(cacheType(entry)).toBe(type)
  })
})

describe('what the classic image store with the docker driver cannot do, refused before anything is set up', () => {
  it.each([
    ['cache-to', asks([], ['type=gha,mode=max']), 'type=gha,mode=max'],
    ['cache-to', asks([], ['type=registry,ref=ghcr.io/acme/app:cache,mode=max']), 'type=registry,ref=ghcr.io/acme/app:cache,mode=max'],
    ['cache-to', asks([], ['type=local,dest=/tmp/c']), 'type=local,dest=/tmp/c'],
    ['cache-from', asks(['type=gha,scope=linux-arm64']), 'type=gha,scope=linux-arm64'],
    ['cache-from', asks(['type=s3,region=eu-west-1,bucket=b']), 'type=s3,region=eu-west-1,bucket=b']
  ])('%s %s: one line naming the input, the entry, what this engine accepts and the switch that makes it work', (input, b, entry) => {
    const error = errorOf(() => checkBuildHost(b, host('classic')))
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toContain(
      `Input "${input}" has a bad value "${entry}": accepted on this engine (classic image store, docker driver)`
    )
    expect(error?.message).toContain('containerd-snapshotter')
    expect(error?.message).toContain('docker-container driver')
    expect(error?.message).not.toContain('\n')
  })

  it('the inline export and the registry and local imports go through', () => {
    const b = asks(['type=registry,ref=ghcr.io/acme/app:latest', 'ghcr.io/acme/app:1.0', 'type=local,src=/tmp/c'], ['type=inline'])
    expect(errorOf(() => checkBuildHost(b, host('classic')))).toBeUndefined()
  })

  it('the containerd store, or a builder with a BuildKit of its own on either store, takes every cache type', () => {
    const b = asks(['type=gha', 'type=local,src=/tmp/c'], ['type=gha,mode=max', 'type=registry,ref=ghcr.io/acme/app:cache'])
    expect(errorOf(() => checkBuildHost(b, host('containerd')))).toBeUndefined()
    expect(errorOf(() => checkBuildHost(b, host('classic', 'docker-container')))).toBeUndefined()
    expect(errorOf(() => checkBuildHost(b, host('classic', 'remote')))).toBeUndefined()
  })

  it('attestations are refused there too (and only there)', () => {
    const b = { provenance: 'min' as const, settings: NO_SETTINGS }
    expect(errorOf(() => checkBuildHost(b, host('classic')))?.message).toMatch(/^Input "provenance" has a bad value "true"/)
    expect(errorOf(() => checkBuildHost(b, host('classic', 'docker-container')))).toBeUndefined()
    expect(errorOf(() => checkBuildHost(b, host('containerd')))).toBeUndefined()
  })
})

/** A node of a builder of BuildKit of its own, as docker buildx inspect describes it, with `over` changed. */
const ownNode = (over: Partial<BuilderNode> = {}): BuilderNode => ({
  name: 'ci0',
  endpoint: 'unix:///var/run/docker.sock',
  status: 'running',
  buildkit: 'v0.13.2',
  platforms: ['linux/amd64'],
  preferred: [],
  driverOptions: {},
  ...over
})

describe('what a builder of BuildKit of its own cannot do, refused before anything is set up', () => {
  const node = ownNode
  const on = (driver: string, ...nodes: BuilderNode[]): BuildHost => ({
    engine: { version: '28.5.2', store: 'classic' },
    builder: { name: 'ci', driver, nodes: nodes.length ? nodes : [node()] }
  })

  it('type=gha on BuildKit before v0.20: one line naming the builder, its driver and version, the retired API and the way out', () => {
    for (const [input, b] of [
      ['cache-to', asks([], ['type=gha,mode=max,token=ghs_secret'])],
      ['cache-from', asks(['type=gha,scope=linux-arm64'])]
    ] as const) {
      const error = errorOf(() => checkBuildHost(b, on('remote')))
      expect(error).toBeInstanceOf(InputError)
      expect(error?.message).toMatch(
        new RegExp(
          `^Input "${input}" has a bad value "type=gha,[^"]*": builder ci \\(remote driver, BuildKit v0\\.13\\.2\\) cannot use type=gha: BuildKit before v0\\.20 speaks only the version 1 API of GitHub's cache service, which GitHub retired in April 2025; use a builder of BuildKit v0\\.20 or later`
        )
      )
      expect(error?.message).not.toContain('ghs_secret')
    }
    // v0.20 and later, and the engine's own BuildKit from Docker 28 on, speak the cache service of today.
    const gha = asks(['type=gha'], ['type=gha,mode=max'])
    expect(errorOf(() => checkBuildHost(gha, on('docker-container', node({ buildkit: 'v0.20.0' }))))).toBeUndefined()
    expect(errorOf(() => checkBuildHost(gha, on('docker-container', node({ buildkit: 'v0.26.2' }))))).toBeUndefined()
    expect(errorOf(() => checkBuildHost(gha, host('containerd')))).toBeUndefined()
    const docker27 = {
      engine: { version: '27.5.1', store: 'containerd' as const },
      builder: { name: 'default', driver: 'docker', nodes: [] }
    }
    expect(errorOf(() => checkBuildHost(gha, docker27))?.message).toContain("the engine's BuildKit (Docker 27.5.1) cannot use type=gha")
    // One old node of two is enough to refuse.
    const mixed = on('remote', node({ buildkit: 'v0.26.2' }), node({ name: 'ci1', buildkit: 'v0.13.2' }))
    expect(errorOf(() => checkBuildHost(gha, mixed))?.message).toContain('builder ci (remote driver, 2 nodes, BuildKit v0.26.2, v0.13.2)')
  })

  it('attestations on BuildKit before v0.11', () => {
    const b = { provenance: 'min' as const, settings: NO_SETTINGS }
    expect(errorOf(() => checkBuildHost(b, on('remote', node({ buildkit: 'v0.10.6' }))))?.message).toBe(
      'Input "provenance" has a bad value "true": accepted: false here: builder ci (remote driver, BuildKit v0.10.6) cannot make attestations (BuildKit v0.11 or later can); use a builder of a newer BuildKit'
    )
    expect(errorOf(() => checkBuildHost(b, on('remote')))).toBeUndefined()
  })

  it("a registry cache on this machine's loopback, from a builder in a network of its own: the way out named", () => {
    const b = asks(['type=registry,ref=127.0.0.1:5000/app:cache'], [])
    expect(errorOf(() => checkBuildHost(b, on('docker-container')))?.message).toBe(
      'Input "cache-from" has a bad value "type=registry,ref=127.0.0.1:5000/app:cache": the builder ci (docker-container driver, BuildKit v0.13.2) runs BuildKit in a network of its own and cannot reach a registry on this machine\'s loopback; create it with --driver-opt network=host (docker/setup-buildx-action: driver-opts: network=host)'
    )
    expect(errorOf(() => checkBuildHost(asks([], ['localhost:5000/app:cache']), on('kubernetes')))?.message).toMatch(
      /^Input "cache-to" has a bad value "localhost:5000\/app:cache": the builder ci \(kubernetes driver, BuildKit v0\.13\.2\) runs BuildKit in a network of its own .*; use a registry it can reach by name$/
    )
    const far = node({ endpoint: 'tcp://10.0.0.7:1234' })
    expect(errorOf(() => checkBuildHost(b, on('remote', far)))).toBeInstanceOf(InputError)
    // The host's network: the docker driver, network=host, a daemon on this machine; or a registry reached by name.
    expect(errorOf(() => checkBuildHost(b, on('docker-container', node({ driverOptions: { network: 'host' } }))))).toBeUndefined()
    expect(errorOf(() => checkBuildHost(b, on('remote')))).toBeUndefined()
    expect(errorOf(() => checkBuildHost(b, on('remote', node({ endpoint: 'tcp://127.0.0.1:1234' }))))).toBeUndefined()
    expect(errorOf(() => checkBuildHost(b, host('containerd')))).toBeUndefined()
    expect(errorOf(() => checkBuildHost(asks(['type=registry,ref=ghcr.io/acme/app:cache']), on('docker-container')))).toBeUndefined()
    expect(errorOf(() => checkBuildHost(asks(['type=local,src=/tmp/c']), on('kubernetes')))).toBeUndefined()
  })

  it('a node buildx cannot reach: its name, endpoint and buildx reason, before anything is set up', () => {
    const down = node({ name: 'ci1', endpoint: 'tcp://10.0.0.7:1234', status: undefined, error: 'connection refused' })
    const error = errorOf(() => checkBuildHost(asks([]), on('remote', node(), down)))
    expect(error).toBeInstanceOf(EnvironmentError)
    expect(error?.message).toBe(
      'The builder ci (remote driver, 2 nodes, BuildKit v0.13.2) cannot be used: its node ci1 (tcp://10.0.0.7:1234) says: connection refused; see docker buildx inspect --bootstrap ci'
    )
  })
})

describe('the nodes on this machine that did not see the emulators registered here', () => {
  const node = (name: string, endpoint: string, platforms: string[]): BuilderNode => ({
    name,
    endpoint,
    status: 'running',
    buildkit: 'v0.13.2',
    platforms,
    preferred: [],
    driverOptions: {}
  })
  const builder = (driver: string, ...nodes: BuilderNode[]) => ({ name: 'ci', driver, nodes })
  const EMULATED = ['linux/arm64', 'linux/s390x']

  it('are those of a docker-container or remote builder on this kernel whose platforms lack an emulated one', () => {
    const started = builder('docker-container', node('ci0', 'unix:///var/run/docker.sock', ['linux/amd64', 'linux/386']))
    expect(nodesMissingEmulators(started, EMULATED)).toEqual([{ node: 'ci0', missing: ['linux/arm64', 'linux/s390x'] }])
    expect(missingEmulatorsWarning(started, nodesMissingEmulators(started, EMULATED))).toBe(
      'The builder ci (docker-container driver, BuildKit v0.13.2) started before the emulators were registered and does not list them yet: ci0 (linux/arm64, linux/s390x). Its RUN steps for those platforms may run under an emulator of its own image rather than the QEMU registered here, which the tests use. Register them before the builder starts (this action with only platforms, before docker/setup-buildx-action), or restart it (docker buildx stop ci)'
    )
    const local = builder('remote', node('ci0', 'tcp://127.0.0.1:1234', ['linux/amd64', 'linux/arm64']))
    expect(nodesMissingEmulators(local, EMULATED)).toEqual([{ node: 'ci0', missing: ['linux/s390x'] }])
    // A docker-container node names its Docker context.
    expect(nodesMissingEmulators(builder('docker-container', node('ci0', 'default', ['linux/amd64'])), EMULATED)).toHaveLength(1)
  })

  it('leave out nodes elsewhere (their emulators are their host’s), nodes that list them, and nodes that list nothing yet', () => {
    const all = ['linux/amd64', 'linux/arm64', 'linux/s390x']
    expect(nodesMissingEmulators(builder('remote', node('ci0', 'unix:///run/bk.sock', all)), EMULATED)).toEqual([])
    expect(nodesMissingEmulators(builder('remote', node('ci0', 'tcp://10.0.0.7:1234', ['linux/amd64'])), EMULATED)).toEqual([])
    expect(nodesMissingEmulators(builder('docker-container', node('ci0', 'ssh://builder.example', ['linux/amd64'])), EMULATED)).toEqual([])
    expect(nodesMissingEmulators(builder('kubernetes', node('ci0', 'kubernetes:///ci?deployment=ci0', ['linux/amd64'])), EMULATED)).toEqual(
      []
    )
    expect(nodesMissingEmulators(builder('docker-container', node('ci0', 'unix:///var/run/docker.sock', [])), EMULATED)).toEqual([])
  })
})

describe('where the builder itself pushes by digest', () => {
  const node = ownNode
  const builder = (driver: string, ...nodes: BuilderNode[]) => ({ name: 'ci', driver, nodes: nodes.length ? nodes : [node()] })
  const release = (image: string, tags = 'latest', credentials?: { username: string; password: string }) => {
    const ref = parseImage(image)
    return { push: true, image: ref, tags: parseTags(tags, ref), credentials }
  }

  it("is the tags' first repository, on a builder of BuildKit of its own that reaches it", () => {
    const b = release('ghcr.io/acme/app', 'latest,1.2')
    expect(builderPushTarget(b, builder('docker-container'))).toEqual({ registry: 'ghcr.io', repository: 'acme/app' })
    expect(builderPushTarget(b, builder('remote', node(), node({ name: 'ci1' })))).toEqual({ registry: 'ghcr.io', repository: 'acme/app' })
    expect(builderPushTarget(release('127.0.0.1:5000/e2e/app'), builder('remote'))).toEqual({
      registry: '127.0.0.1:5000',
      repository: 'e2e/app'
    })
    expect(
      builderPushTarget(release('localhost:5000/app'), builder('docker-container', node({ driverOptions: { network: 'host' } })))
    ).toEqual({ registry: 'localhost:5000', repository: 'app' })
  })

  it('is none where the engine itself builds, nothing is pushed, the builder cannot reach the registry or lacks the credentials given as inputs', () => {
    expect(builderPushTarget(release('ghcr.io/acme/app'), { name: 'default', driver: 'docker', nodes: [] })).toBeUndefined()
    expect(builderPushTarget({ ...release('ghcr.io/acme/app'), push: false }, builder('docker-container'))).toBeUndefined()
    expect(builderPushTarget(release('127.0.0.1:5000/app'), builder('docker-container'))).toBeUndefined()
    expect(builderPushTarget(release('127.0.0.1:5000/app'), builder('remote', node({ endpoint: 'tcp://10.0.0.7:1234' })))).toBeUndefined()
    expect(builderPushTarget(release('ghcr.io/acme/app', 'latest', { username: 'u', password: 'p' }), builder('remote'))).toBeUndefined()
  })
})
