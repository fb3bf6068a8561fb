/**
 * Every input's bad values, through the runner's entry point: one ::error:: line naming the
 * input, the value and what is accepted; binfmt_misc, the registry and the tool cache untouched.
 */

import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { binfmtSnapshot } from '../helpers/binfmt.js'
import { tagsOf } from '../helpers/registry-api.js'
import { newRunner, runStep } from '../helpers/runner.js'
import { sampleContext } from '../helpers/sample.js'
import { testEnv } from '../helpers/testenv.js'

const env = testEnv()
const repository = `e2e/bad-input-${randomBytes(4).toString('hex')}`
const context = sampleContext(env.busyboxDir)
const good = { platforms: 'linux/amd64,linux/arm64', image: `${env.registryOpen}/${repository}`, context, test: 'true', push: 'true' }

const BAD: [string, string, string][] = [
  ['platforms', 'linux/sparc64', 'accepted: linux/amd64'],
  ['platforms', 'arm64,plan9/amd64', 'accepted: linux/amd64'],
  ['qemu-version', 'banana', 'accepted: stable, latest'],
  ['qemu-version', '*', 'accepted: stable, latest'],
  ['qemu-mirror', 'ftp://deb.debian.org/debian', 'accepted: an http:// or https://'],
  ['qemu-mirror', 'https://user:pw@mirror.example/debian', 'without credentials'],
  ['binfmt-flags', 'FX', 'accepted: any subset of the letters F, P, C, O'],
  ['binfmt-flags', 'FF', 'each at most once'],
  ['cache', 'yes', 'accepted: true or false'],
  ['image', 'ghcr.io/acme//app', 'accepted: an image name'],
  ['image', `${env.registryOpen}/app:1.0`, 'without tag or digest'],
  ['tags', 'not a tag!', 'accepted: tags such as latest'],
  ['tags', `${env.registryOpen}/other`, 'accepted: tags such as latest'],
  ['context', '/no/such/folder', 'accepted: a directory that exists'],
  ['file', 'no-such-Dockerfile', 'accepted: the path of a Dockerfile that exists'],
  ['build-args', 'NO_EQUALS_SIGN', 'accepted: KEY=VALUE lines'],
  ['labels', '=value', 'accepted: KEY=VALUE lines'],
  ['annotations', 'key with space=v', 'accepted: KEY=VALUE lines'],
  ['annotations', 'index-descriptor:org.opencontainers.image.title=app', 'not index-descriptor:'],
  ['annotations', 'foo:key=value', 'accepted: KEY=VALUE lines as docker/metadata-action writes them'],
  ['target', 'two words', 'accepted: a name of letters'],
  ['push', 'sure', 'accepted: true or false'],
  ['verify-arch', 'off', 'accepted: true or false'],
  ['builder', 'my builder', 'accepted: a name of letters'],
  ['build', 'linux/s390x', "accepted: this job's share of platforms"],
  ['mode', 'publish', 'accepted: auto'],
  ['provenance', 'maybe', 'provenance'],
  ['username', 'someone', 'accepted: username and password given together']
]

/** What the error line must name: the input and the value; a lone username is refused as a missing password. */
const named = (input: string, value: string): string[] =>
  input === 'username' ? ['"password"'] : [`"${input}"`, value.split(',').pop() ?? value]

describe('bad input', () => {
  it.each(BAD)('%s=%j: exit 1, one error line, nothing touched', async (input, value, accepted) => {
    const runner = await newRunner()
    const before = { binfmt: binfmtSnapshot(), tags: await tagsOf(env.registryOpen, repository) }
    const r = await runStep(runner, 'main', { ...good, [input]: value }, {}, { DOCKER_HOST: env.dockerContainerd })
    expect(r.code).toBe(1)
    expect(r.errors).toHaveLength(1)
    const line = r.errors[0]
    const missing = [...named(input, value), accepted].filter(text => !line.includes(text))
    expect({ line, missing }).toEqual({ line, missing: [] })
    expect({ binfmt: binfmtSnapshot(), tags: await tagsOf(env.registryOpen, repository) }).toEqual(before)
    expect(existsSync(runner.toolCache)).toBe(false)
    expect(r.log).not.toContain('::group::')
  })
})
