import { type BuildHost, checkBuildHost } from '../../src/build-host.js'
import { cacheType } from '../../src/cache-entries.js'
import { NO_SETTINGS } from '../../src/docker/buildx.js'
import { InputError } from '../../src/errors.js'
import { errorOf } from '../helpers/error-of.js'

const host = (store: 'classic' | 'containerd', driver = 'docker'): BuildHost => ({
  engine: { version: '28.5.2', store },
  builder: { name: driver === 'docker' ? 'default' : 'builder', driver }
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
