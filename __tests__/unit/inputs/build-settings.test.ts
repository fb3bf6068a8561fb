import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { jest } from '@jest/globals'
import { buildArgv, NO_SETTINGS } from '../../../src/docker/buildx.js'
import { readBuildSettings } from '../../../src/inputs/build-settings.js'
import { getInputs, withDefaults } from '../../../src/inputs/inputs.js'
import { parseList } from '../../../src/inputs/values.js'
import { InputError } from '../../../src/shared/errors.js'
import { parsePlatformList } from '../../../src/shared/platform.js'
import { errorOf } from '../../helpers/error-of.js'
import { tempDir } from '../../helpers/tmp.js'

const settings = (values: Record<string, string>, context = '.', env: NodeJS.ProcessEnv = {}) => {
  const read = (name: string) => values[name] ?? ''
  return readBuildSettings(withDefaults(read), read, context, env)
}

describe('list inputs, read as docker/build-push-action reads them', () => {
  it.each([
    ['a,b\nc', {}, ['a', 'b', 'c']],
    ['  a , b  \n\n c ', {}, ['a', 'b', 'c']],
    ['"type=registry,ref=x",type=inline', {}, ['type=registry,ref=x', 'type=inline']],
    ['type=registry,ref=x,mode=max\ntype=gha', { ignoreComma: true }, ['type=registry,ref=x,mode=max', 'type=gha']],
    ['GIT_AUTH_TOKEN=abc,def==', { ignoreComma: true }, ['GIT_AUTH_TOKEN=abc,def==']],
    ['', {}, []]
  ])('%j with %j gives %j', (text, o, expected) => {
    expect(parseList('x', text, o)).toEqual(expected)
  })
})

describe('build settings', () => {
  it('are all empty or off when no input gives them', () => {
    expect(settings({})).toEqual(NO_SETTINGS)
  })

  it('take every docker/build-push-action setting, with its list rules', () => {
    const dir = tempDir('settings')
    const file = join(dir, 'npmrc')
    writeFileSync(file, 'token')
    expect(
      settings(
        {
          'add-hosts': 'db:10.0.0.5,cache:10.0.0.6',
          allow: 'network.host',
          'build-contexts': 'base=docker-image://127.0.0.1:5000/base:1\nsrc=../src',
          'cache-from': 'type=registry,ref=ghcr.io/acme/app:cache\ntype=gha',
          'cache-to': 'type=gha,mode=max',
          network: 'none',
          'no-cache': 'true',
          'no-cache-filters': 'build,test',
          pull: 'true',
          sbom: 'generator=127.0.0.1:5000/scanner',
          secrets: 'npm=abc,def\nGIT_AUTH_TOKEN=t0k',
          'secret-envs': 'aws=AWS_KEY',
          'secret-files': `npmrc=${file}`,
          'shm-size': '2g',
          ssh: 'default',
          ulimit: 'nofile=1024:2048'
        },
        '.',
        { AWS_KEY: 'k' }
      )
    ).toEqual({
      addHosts: ['db:10.0.0.5', 'cache:10.0.0.6'],
      allow: ['network.host'],
      buildContexts: ['base=docker-image://127.0.0.1:5000/base:1', 'src=../src'],
      cacheFrom: ['type=registry,ref=ghcr.io/acme/app:cache', 'type=gha'],
      cacheTo: ['type=gha,mode=max'],
      network: 'none',
      noCache: true,
      noCacheFilters: ['build', 'test'],
      pull: true,
      sbom: 'generator=127.0.0.1:5000/scanner',
      secrets: [
        { id: 'npm', value: 'abc,def' },
        { id: 'GIT_AUTH_TOKEN', value: 't0k' }
      ],
      secretEnvs: [{ id: 'aws', env: 'AWS_KEY' }],
      secretFiles: [{ id: 'npmrc', path: file }],
      shmSize: '2g',
      ssh: ['default'],
      ulimit: ['nofile=1024:2048']
    })
  })

  it('give github-token as GIT_AUTH_TOKEN.<host> for a Git URL context on the server, and only then', () => {
    const url = 'https://github.com/acme/private.git#main'
    expect(settings({ 'github-token': 'ghs_x' }, url).secrets).toEqual([{ id: 'GIT_AUTH_TOKEN.github.com', value: 'ghs_x' }])
    expect(settings({ 'github-token': 'ghs_x' }, '.').secrets).toEqual([])
    expect(settings({ 'github-token': 'ghs_x' }, 'https://gitlab.com/acme/app.git').secrets).toEqual([])
    expect(settings({ 'github-token': 'ghs_x', secrets: 'GIT_AUTH_TOKEN=mine' }, url).secrets).toEqual([
      { id: 'GIT_AUTH_TOKEN', value: 'mine' }
    ])
    expect(
      settings({ 'github-token': 'ghs_x' }, 'https://ghe.example/acme/app.git', { GITHUB_SERVER_URL: 'https://ghe.example' }).secrets
    ).toEqual([{ id: 'GIT_AUTH_TOKEN.ghe.example', value: 'ghs_x' }])
  })

  it.each([
    [{ secrets: 'no-equals-sign-here' }, 'secrets', '***=***'],
    [{ secrets: 'id=' }, 'secrets', 'id=***'],
    [{ 'secret-envs': 'aws=NOT_SET' }, 'secret-envs', 'aws=NOT_SET'],
    [{ 'secret-files': 'npmrc=/nowhere/npmrc' }, 'secret-files', 'npmrc=/nowhere/npmrc'],
    [{ 'no-cache': 'yes' }, 'no-cache', 'yes'],
    [{ pull: 'maybe' }, 'pull', 'maybe'],
    [{ sbom: 'yes please' }, 'sbom', 'yes please'],
    [{ allow: 'root' }, 'allow', 'root'],
    [{ ulimit: 'nofile' }, 'ulimit', 'nofile'],
    [{ 'add-hosts': 'db' }, 'add-hosts', 'db'],
    [{ 'shm-size': 'big' }, 'shm-size', 'big'],
    [{ network: 'a b' }, 'network', 'a b'],
    [{ 'build-contexts': 'base' }, 'build-contexts', 'base'],
    [{ 'cache-from': 'type=gha\nref=ghcr.io/acme/app:cache' }, 'cache-from', 'ref=ghcr.io/acme/app:cache'],
    [{ 'cache-to': 'mode=max,token=ghs_secret,access_key_id=AK' }, 'cache-to', 'mode=max,token=***,access_key_id=***']
  ])('refuse %j in one line naming %s and %s', (values, input, shown) => {
    const error = errorOf(() => settings(values))
    expect(error).toBeInstanceOf(InputError)
    expect(error?.message).toMatch(new RegExp(`^Input "${input}" has a bad value "${shown.replace(/[*]/g, '\\*')}": accepted: `))
    expect(error?.message).not.toContain('\n')
  })

  it('never show a secret value in an error', () => {
    const error = errorOf(() => settings({ secrets: 'good=hunter2\nbad line with hunter3' }))
    expect(error?.message).not.toContain('hunter')
  })
})

describe('the build secrets and the token', () => {
  it('are masked before any input is parsed', () => {
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
    try {
      const error = errorOf(() =>
        getInputs(name => ({ platforms: 'sparc', secrets: 'npm=abc\nGH=x=y', 'github-token': 'ghs_job' })[name] ?? '')
      )
      expect(error?.message).toMatch(/^Input "platforms"/)
      const masks = out.mock.calls.map(c => String(c[0])).filter(l => l.startsWith('::add-mask::'))
      expect(masks.map(l => l.trim())).toEqual(['::add-mask::abc', '::add-mask::x=y', '::add-mask::ghs_job'])
    } finally {
      out.mockRestore()
    }
  })
})

describe('buildx command lines with build settings', () => {
  const spec = {
    context: '.',
    buildArgs: [],
    labels: [],
    settings: {
      ...NO_SETTINGS,
      addHosts: ['db:10.0.0.5'],
      cacheFrom: ['type=gha'],
      cacheTo: ['type=gha,mode=max'],
      network: 'none',
      noCache: true,
      pull: true,
      sbom: 'true',
      secrets: [{ id: 'npm', value: 'abc' }],
      secretEnvs: [{ id: 'aws', env: 'AWS_KEY' }],
      secretFiles: [{ id: 'rc', path: '/run/rc' }],
      ssh: ['default'],
      ulimit: ['nofile=1024']
    }
  }

  it('pass each setting as its buildx flag, and a secret given by value only as its file', () => {
    const argv = buildArgv(spec, parsePlatformList('arm64'), 't', new Map([['npm', '/tmp/x/secret-0']]))
    expect(argv.join(' ')).toBe(
      'buildx build --platform linux/arm64 --add-host db:10.0.0.5 --cache-from type=gha --cache-to type=gha,mode=max --network none --no-cache --pull' +
        ' --secret id=npm,src=/tmp/x/secret-0 --secret id=aws,env=AWS_KEY --secret id=rc,src=/run/rc --ssh default --ulimit nofile=1024' +
        ' --provenance=false --sbom=true --load --tag t .'
    )
    expect(argv.join(' ')).not.toContain('abc')
  })

  it('refuse to build a secret given by value that has no file', () => {
    expect(() => buildArgv(spec, parsePlatformList('arm64'), 't')).toThrow('build secret npm has no file')
  })
})
