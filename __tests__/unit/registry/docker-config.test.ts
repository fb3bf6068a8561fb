import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { jest } from '@jest/globals'
import { tempDir } from '../../helpers/tmp.js'

type ExecOutput = { exitCode: number; stdout: string; stderr: string }
const getExecOutput = jest.fn<(cmd: string, args?: string[], opts?: { input?: Buffer; silent?: boolean }) => Promise<ExecOutput>>()
jest.unstable_mockModule('@actions/exec', () => ({ getExecOutput }))
const { EnvironmentError } = await import('../../../src/shared/errors.js')
const { configKeyRegistry, dockerConfigPath, dockerCredentials, dockerServerAddress } = await import(
  '../../../src/registry/docker-config.js'
)

const b64 = (s: string) => Buffer.from(s).toString('base64')

/** Writes `config` as $DOCKER_CONFIG/config.json and returns the env that points at it. */
async function configDir(config: unknown): Promise<NodeJS.ProcessEnv> {
  const dir = tempDir('docker-config')
  await writeFile(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config))
  return { DOCKER_CONFIG: dir }
}

beforeEach(() => getExecOutput.mockReset())

describe('docker config.json', () => {
  it('is read from $DOCKER_CONFIG, else from ~/.docker', () => {
    expect(dockerConfigPath({ env: { DOCKER_CONFIG: '/run/dc' } })).toBe('/run/dc/config.json')
    expect(dockerConfigPath({ env: {}, home: '/home/runner' })).toBe('/home/runner/.docker/config.json')
  })

  it('gives the user and password of auths[host].auth', async () => {
    const env = await configDir({ auths: { '127.0.0.1:5001': { auth: b64('archway:pa:ss') }, 'ghcr.io': { auth: b64('other:x') } } })
    expect(await dockerCredentials('127.0.0.1:5001', { env })).toEqual({ username: 'archway', password: 'pa:ss' })
    expect(getExecOutput).not.toHaveBeenCalled()
  })

  it("finds Docker Hub's credentials under https://index.docker.io/v1/, whatever the Hub is called", async () => {
    const env = await configDir({ auths: { 'https://index.docker.io/v1/': { auth: b64('hubuser:hubpass') } } })
    for (const name of ['docker.io', 'index.docker.io', 'registry-1.docker.io']) {
      expect(await dockerCredentials(name, { env })).toEqual({ username: 'hubuser', password: 'hubpass' })
    }
  })

  it('matches keys written with a scheme or a path, as the docker CLI does', async () => {
    const env = await configDir({
      auths: { 'https://ghcr.io': { auth: b64('a:b') }, 'http://127.0.0.1:5001/v2/': { username: 'c', password: 'd' } }
    })
    expect(await dockerCredentials('ghcr.io', { env })).toEqual({ username: 'a', password: 'b' })
    expect(await dockerCredentials('127.0.0.1:5001', { env })).toEqual({ username: 'c', password: 'd' })
    expect(await dockerCredentials('127.0.0.1:5000', { env })).toBeUndefined()
  })

  it('gives nothing when there is no config file, or only an identity token', async () => {
    expect(await dockerCredentials('ghcr.io', { env: { DOCKER_CONFIG: join(tempDir('docker-config'), 'no-such-dir') } })).toBeUndefined()
    const env = await configDir({ auths: { 'acr.example.io': { identitytoken: 'refresh-token' } } })
    expect(await dockerCredentials('acr.example.io', { env })).toBeUndefined()
  })

  it('refuses a file that is not JSON without quoting it', async () => {
    const env = await configDir(`{"auths": {"ghcr.io": {"auth": "${b64('u:Leaky-Secret-99')}"`)
    const err = await dockerCredentials('ghcr.io', { env }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(EnvironmentError)
    expect((err as Error).message).toMatch(/config\.json is not valid JSON$/)
    expect((err as Error).message).not.toContain(b64('u:Leaky-Secret-99'))
  })

  it('names registries and helper addresses as docker does', () => {
    expect(['https://index.docker.io/v1/', 'docker.io', 'GHCR.io', 'https://ghcr.io/', '127.0.0.1:5000'].map(configKeyRegistry)).toEqual([
      'docker.io',
      'docker.io',
      'ghcr.io',
      'ghcr.io',
      '127.0.0.1:5000'
    ])
    expect(dockerServerAddress('docker.io')).toBe('https://index.docker.io/v1/')
    expect(dockerServerAddress('ghcr.io')).toBe('ghcr.io')
  })
})

describe('docker credential helpers', () => {
  it("run credHelpers[host]'s helper with the host on stdin, quietly", async () => {
    getExecOutput.mockResolvedValue({ exitCode: 0, stdout: '{"ServerURL":"ghcr.io","Username":"gh-user","Secret":"gh-token"}', stderr: '' })
    const env = await configDir({ credHelpers: { 'ghcr.io': 'gh' }, auths: { 'ghcr.io': { auth: b64('file:user') } } })
    expect(await dockerCredentials('ghcr.io', { env })).toEqual({ username: 'gh-user', password: 'gh-token' })
    expect(getExecOutput).toHaveBeenCalledTimes(1)
    const [cmd, args, opts] = getExecOutput.mock.calls[0]
    expect([cmd, args, opts?.input?.toString(), opts?.silent]).toEqual(['docker-credential-gh', ['get'], 'ghcr.io', true])
  })

  it("give Docker Hub's address to the credsStore", async () => {
    getExecOutput.mockResolvedValue({ exitCode: 0, stdout: '{"Username":"hub","Secret":"s"}', stderr: '' })
    const env = await configDir({ credsStore: 'desktop' })
    expect(await dockerCredentials('docker.io', { env })).toEqual({ username: 'hub', password: 's' })
    expect(getExecOutput.mock.calls[0][0]).toBe('docker-credential-desktop')
    expect(getExecOutput.mock.calls[0][2]?.input?.toString()).toBe('https://index.docker.io/v1/')
  })

  it('fall back to auths when the helper has nothing for the registry', async () => {
    getExecOutput.mockResolvedValue({ exitCode: 1, stdout: 'credentials not found in native keychain\n', stderr: '' })
    const env = await configDir({ credsStore: 'pass', auths: { '127.0.0.1:5001': { auth: b64('archway:x') } } })
    expect(await dockerCredentials('127.0.0.1:5001', { env })).toEqual({ username: 'archway', password: 'x' })
    expect(await dockerCredentials('127.0.0.1:5000', { env })).toBeUndefined()
  })

  it('stop with an environment error when the helper fails or cannot be run', async () => {
    const env = await configDir({ credsStore: 'secretservice' })
    getExecOutput.mockResolvedValueOnce({ exitCode: 3, stdout: '', stderr: 'dbus: no session bus\n' })
    await expect(dockerCredentials('ghcr.io', { env })).rejects.toThrow(
      'docker-credential-secretservice get for ghcr.io exited with 3: dbus: no session bus'
    )
    getExecOutput.mockRejectedValueOnce(new Error('Unable to locate executable file: docker-credential-secretservice'))
    await expect(dockerCredentials('ghcr.io', { env })).rejects.toThrow(EnvironmentError)
  })

  it('ignore an identity token from a helper, and refuse a helper name that is a path', async () => {
    getExecOutput.mockResolvedValue({ exitCode: 0, stdout: '{"Username":"<token>","Secret":"refresh"}', stderr: '' })
    expect(await dockerCredentials('acr.example.io', { env: await configDir({ credsStore: 'acr' }) })).toBeUndefined()
    await expect(dockerCredentials('ghcr.io', { env: await configDir({ credsStore: '../../bin/sh' }) })).rejects.toThrow('not a plain name')
  })
})
