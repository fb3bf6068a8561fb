import { jest } from '@jest/globals'
import { ghaScope, ghaTokens, hasGhaEntry, withGhaScope, withMatrixScope } from '../../../src/build/cache-entries.js'
import { getInputs } from '../../../src/inputs/inputs.js'
import { parsePlatformList } from '../../../src/shared/platform.js'

describe("a matrix job's cache entries", () => {
  it("export to a registry reference of their own, and read back from it, so that no job overwrites another's cache", () => {
    const cache = withMatrixScope(
      {
        from: ['type=registry,ref=ghcr.io/acme/app:buildcache', 'ghcr.io/acme/app:cache2', 'type=registry,ref=localhost:5000/app'],
        to: ['type=registry,ref=ghcr.io/acme/app:buildcache,mode=max', 'ghcr.io/acme/app:cache2', 'type=registry,ref=localhost:5000/app']
      },
      'linux-arm64'
    )
    expect(cache).toEqual({
      from: [
        'type=registry,ref=ghcr.io/acme/app:buildcache-linux-arm64',
        'ghcr.io/acme/app:cache2-linux-arm64',
        'type=registry,ref=localhost:5000/app:linux-arm64'
      ],
      to: [
        'type=registry,ref=ghcr.io/acme/app:buildcache-linux-arm64,mode=max',
        'ghcr.io/acme/app:cache2-linux-arm64',
        'type=registry,ref=localhost:5000/app:linux-arm64'
      ]
    })
  })

  it('keep a reference they only read (the published image of an inline cache), and every entry of another type but gha', () => {
    const from = ['type=registry,ref=ghcr.io/acme/app:latest', 'type=local,src=/tmp/c', `ghcr.io/acme/app@sha256:${'0'.repeat(64)}`]
    const to = ['type=inline', 'type=local,dest=/tmp/c', `type=registry,ref=ghcr.io/acme/app@sha256:${'0'.repeat(64)}`]
    expect(withMatrixScope({ from, to }, 'linux-arm64')).toEqual({ from, to })
  })

  it('give type=gha entries the scope as withGhaScope does', () => {
    expect(withMatrixScope({ from: ['type=gha'], to: ['type=gha,mode=max'] }, 'linux-amd64')).toEqual({
      from: ['type=gha,scope=linux-amd64'],
      to: ['type=gha,mode=max,scope=linux-amd64']
    })
  })
})

describe('type=gha cache entries', () => {
  it.each([
    ['linux/arm64', 'linux-arm64'],
    ['linux/arm/v7', 'linux-arm-v7'],
    ['amd64,386', 'linux-amd64_linux-386']
  ])('a matrix share of %s is scoped %s, as docker names a platform in a scope', (share, scope) => {
    expect(ghaScope(parsePlatformList(share))).toBe(scope)
  })

  it('get the scope when they have none; an entry with its own scope, or of another type, is kept as given', () => {
    expect(
      withGhaScope(
        [
          'type=gha',
          'type=gha,mode=max',
          'type=gha,scope=mine',
          'type=gha,SCOPE=Mine',
          '"type=gha","mode=max"',
          'type=registry,ref=ghcr.io/acme/app:cache',
          'ghcr.io/acme/app:cache',
          'type=local,src=/tmp/gha'
        ],
        'linux-arm64'
      )
    ).toEqual([
      'type=gha,scope=linux-arm64',
      'type=gha,mode=max,scope=linux-arm64',
      'type=gha,scope=mine',
      'type=gha,SCOPE=Mine',
      '"type=gha","mode=max",scope=linux-arm64',
      'type=registry,ref=ghcr.io/acme/app:cache',
      'ghcr.io/acme/app:cache',
      'type=local,src=/tmp/gha'
    ])
  })

  it('give up the tokens a user wrote into them, to be masked, and only theirs', () => {
    expect(
      ghaTokens(['type=gha,token=abc,url_v2=http://x/', 'type=gha,ghtoken=ghp_1,mode=max', 'type=registry,token=not-gha', 'type=gha'])
    ).toEqual(['abc', 'ghp_1'])
    expect(hasGhaEntry(['type=registry,ref=x', 'type=gha,scope=a'])).toBe(true)
    expect(hasGhaEntry(['type=registry,ref=x', 'ghcr.io/acme/gha:cache'])).toBe(false)
  })
})

describe('type=gha in the inputs', () => {
  const inputs = (values: Record<string, string>) => (name: string) =>
    ({ platforms: 'linux/amd64,linux/arm64,linux/arm/v7', image: 'ghcr.io/acme/app', ...values })[name] ?? ''

  it("in a matrix job, each type=gha entry without a scope gets the share's, so the jobs' exports do not overwrite one another", () => {
    const settings = getInputs(
      inputs({ build: 'linux/arm/v7', 'cache-from': 'type=gha\ntype=registry,ref=ghcr.io/acme/app:cache', 'cache-to': 'type=gha,mode=max' })
    ).build!.settings
    expect(settings.cacheFrom).toEqual(['type=gha,scope=linux-arm-v7', 'type=registry,ref=ghcr.io/acme/app:cache'])
    expect(settings.cacheTo).toEqual(['type=gha,mode=max,scope=linux-arm-v7'])
  })

  it("one job building every platform keeps BuildKit's default scope, and a user's scope is kept in a matrix too", () => {
    expect(getInputs(inputs({ 'cache-from': 'type=gha', 'cache-to': 'type=gha,mode=max' })).build!.settings).toMatchObject({
      cacheFrom: ['type=gha'],
      cacheTo: ['type=gha,mode=max']
    })
    expect(getInputs(inputs({ build: 'linux/arm64', 'cache-to': 'type=gha,scope=app' })).build!.settings.cacheTo).toEqual([
      'type=gha,scope=app'
    ])
  })

  it('mask the runtime token buildx hands BuildKit when a type=gha entry is given, and a token written into an entry', () => {
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
    const before = process.env.ACTIONS_RUNTIME_TOKEN
    process.env.ACTIONS_RUNTIME_TOKEN = 'eyJ.runtime.token'
    try {
      getInputs(inputs({ 'cache-from': 'type=gha,token=written-in', 'cache-to': 'type=registry,ref=x' }))
      getInputs(inputs({ 'cache-from': 'type=registry,ref=x' }))
      const masks = out.mock.calls.map(c => String(c[0]).trim()).filter(l => l.startsWith('::add-mask::'))
      expect(masks).toEqual(['::add-mask::written-in', '::add-mask::eyJ.runtime.token'])
    } finally {
      out.mockRestore()
      if (before === undefined) delete process.env.ACTIONS_RUNTIME_TOKEN
      else process.env.ACTIONS_RUNTIME_TOKEN = before
    }
  })
})
