/**
 * The whole pipeline through the runner's entry points, node dist/main.js then node
 * dist/post.js, on both image stores, against the loopback registries.
 */
import { randomBytes } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { deleteRepository, sha256, skopeoRaw, tagsOf } from '../helpers/registry-api.js'
import { newRunner, type Runner, runStep } from '../helpers/runner.js'
import type { StepResult } from '../helpers/runner-env.js'
import { sampleContext } from '../helpers/sample.js'
import { docker, localImages, testEnv } from '../helpers/testenv.js'

const env = testEnv()

interface Job {
  readonly main: StepResult
  readonly post?: StepResult
}

/** One job: main, then post only when main succeeded (post-if: success()), as the runner does. */
async function job(runner: Runner, dockerHost: string, inputs: Record<string, string>): Promise<Job> {
  const extra = { DOCKER_HOST: dockerHost }
  const main = await runStep(runner, 'main', inputs, {}, extra)
  if (main.code !== 0) return { main }
  const post = await runStep(runner, 'post', inputs, main.state, extra)
  return { main, post }
}

const unique = (what: string) => `e2e/${what}-${randomBytes(4).toString('hex')}`

/** What the action's scratch folders (`archway-*`) left in the job's RUNNER_TEMP: nothing, whatever the outcome. */
const scratchLeft = (runner: Runner) => readdirSync(runner.temp).filter(name => name.startsWith('archway-'))

describe.each([
  ['containerd', env.dockerContainerd],
  ['classic', env.dockerClassic]
])('on the %s image store', (store, dockerHost) => {
  let runner: Runner
  beforeAll(async () => {
    runner = await newRunner(env.toolCache)
  })

  // A release of six platforms on each store, published: build-plan.test.ts (the plan and what it publishes).

  it('moves no tag when the tests fail on one platform, and names it, its exit code and its last lines', async () => {
    const repository = unique(`failing-${store}`)
    const { main, post } = await job(runner, dockerHost, {
      platforms: 'linux/amd64,linux/arm64,linux/s390x',
      image: `${env.registryOpen}/${repository}`,
      context: sampleContext(env.busyboxDir),
      test: 'echo "checking $(uname -m)"; [ "$(uname -m)" != s390x ] || { echo "s390x is not supported yet"; exit 3; }',
      push: 'true'
    })
    expect(main.code).toBe(1)
    expect(post).toBeUndefined()
    expect(main.errors).toHaveLength(1)
    expect(main.errors[0]).toContain('Tests failed on linux/s390x with exit code 3')
    expect(main.errors[0]).toContain('s390x is not supported yet')
    expect(main.errors[0]).not.toContain('linux/arm64')
    expect(main.outputs.digest).toBeUndefined()
    expect(await tagsOf(env.registryOpen, repository)).toEqual([])
    // Even a post step run by hand has nothing to publish.
    const manual = await runStep(runner, 'post', {}, main.state, { DOCKER_HOST: dockerHost })
    expect(manual.code).toBe(0)
    expect(await tagsOf(env.registryOpen, repository)).toEqual([])
    expect(scratchLeft(runner)).toEqual([])
  })

  it("fails a failed build in one line carrying buildx's own ERROR: line; its whole output stays in the build's log group", async () => {
    const repository = unique(`build-fails-${store}`)
    const dockerfile = [
      'FROM scratch',
      'COPY .busybox/amd64 /bin/busybox',
      'RUN ["/bin/busybox", "sh", "-c", "echo checking the build; exit 3"]',
      ''
    ].join('\n')
    const { main, post } = await job(runner, dockerHost, {
      platforms: 'linux/amd64',
      image: `${env.registryOpen}/${repository}`,
      context: sampleContext(env.busyboxDir, dockerfile),
      push: 'true'
    })
    expect(main.code).toBe(1)
    expect(post).toBeUndefined()
    expect(main.errors).toHaveLength(1)
    expect(main.errors[0]).toMatch(
      /^::error::docker buildx build .* exited with 1: ERROR: failed to build: failed to solve: process "\/bin\/busybox sh -c echo checking the build; exit 3" did not complete successfully: exit code: 3$/
    )
    // The progress, the step's own output and the Dockerfile excerpt are in the build's group, not in the error line.
    expect(main.errors[0]).not.toContain('Dockerfile:')
    expect(main.log).toMatch(
      /::group::Build linux\/amd64[^\n]*\n(?:(?!::endgroup::)[^\n]*\n)*?[^\n]*checking the build\n(?:(?!::endgroup::)[^\n]*\n)*?Dockerfile:3\n/
    )
    expect(await tagsOf(env.registryOpen, repository)).toEqual([])
    expect(localImages(dockerHost, repository)).toEqual([])
    expect(scratchLeft(runner)).toEqual([])
  })

  it('refuses an image that holds amd64 programs on every platform, naming the file, and pushes nothing', async () => {
    const repository = unique(`trap-${store}`)
    const dockerfile = ['FROM scratch', 'COPY .busybox/amd64 /bin/busybox', 'COPY hello.sh run-tests.sh /app/', ''].join('\n')
    const { main } = await job(runner, dockerHost, {
      platforms: 'linux/amd64,linux/arm64,linux/riscv64',
      image: `${env.registryOpen}/${repository}`,
      context: sampleContext(env.busyboxDir, dockerfile),
      push: 'true'
    })
    expect(main.code).toBe(1)
    expect(main.errors).toHaveLength(1)
    expect(main.errors[0]).toMatch(
      /Architecture check failed: linux\/arm64: 1 of 1 ELF files? is not AArch64 64-bit LSB: \/bin\/busybox \(x86-64/
    )
    expect(main.errors[0]).toMatch(/linux\/riscv64: .*\/bin\/busybox/)
    expect(main.errors[0]).not.toContain('linux/amd64:')
    expect(await tagsOf(env.registryOpen, repository)).toEqual([])
    // A failed pipeline leaves no local image behind either, nor a scratch folder.
    expect(localImages(dockerHost, repository)).toEqual([])
    expect(scratchLeft(runner)).toEqual([])
  })
})

describe('a crash under emulation', () => {
  it('runs again under another QEMU and, crashing there too, is reported as a crash under both versions', async () => {
    const runner = await newRunner(env.toolCache)
    const { main } = await job(runner, env.dockerContainerd, {
      platforms: 'linux/amd64,linux/arm64',
      image: `${env.registryOpen}/${unique('crash')}`,
      context: sampleContext(env.busyboxDir),
      // The arm64 program dies of SIGSEGV, as a program does when the emulator mistranslates it.
      test: '[ "$(uname -m)" != aarch64 ] || kill -SEGV $$'
    })
    expect(main.code).toBe(1)
    expect(main.errors).toHaveLength(1)
    // A crash of the program itself, not of one QEMU: it crashes again under the other QEMU, and the error names both.
    const versions = JSON.parse(main.outputs['qemu-versions']) as Record<string, string>
    expect(versions['linux/arm64']).not.toBe(main.outputs['qemu-version'])
    expect(main.errors[0]).toContain(
      `Tests crashed on linux/arm64 with SIGSEGV under QEMU ${main.outputs['qemu-version']}, and again with SIGSEGV (exit code 139) under QEMU ${versions['linux/arm64']}: not an emulator bug of one version`
    )
    expect(main.errors[0]).not.toContain('linux/amd64')
  })
})

describe('a layer gzip would not shrink, on the classic store', () => {
  it('is published as it is, an uncompressed OCI layer, which another engine pulls and runs', async () => {
    const repository = unique('random-layer')
    const image = `${env.registryOpen}/${repository}`
    const dockerfile = [
      'FROM scratch',
      'ARG TARGETARCH',
      'ARG TARGETVARIANT',
      'COPY .busybox/${TARGETARCH}${TARGETVARIANT} /bin/busybox',
      'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
      'RUN head -c 1048576 /dev/urandom > /random && sha256sum /random > /random.sum',
      'COPY hello.sh run-tests.sh /app/'
    ].join('\n')
    const { main, post } = await job(await newRunner(env.toolCache), env.dockerClassic, {
      platforms: 'linux/amd64,linux/arm64',
      image,
      tags: 'v1',
      context: sampleContext(env.busyboxDir, dockerfile),
      test: 'sh /app/run-tests.sh',
      push: 'true'
    })
    try {
      expect([main.code, post?.code]).toEqual([0, 0])
      const index = JSON.parse(skopeoRaw(`${image}:v1`).toString()) as { manifests: { digest: string }[] }
      for (const { digest } of index.manifests) {
        const manifest = JSON.parse(skopeoRaw(`${image}@${digest}`).toString()) as { layers: { mediaType: string }[] }
        // busybox, its links and the app gzipped; the random megabyte as it is.
        expect(manifest.layers.map(l => l.mediaType)).toEqual([
          'application/vnd.oci.image.layer.v1.tar+gzip',
          'application/vnd.oci.image.layer.v1.tar+gzip',
          'application/vnd.oci.image.layer.v1.tar',
          'application/vnd.oci.image.layer.v1.tar+gzip'
        ])
      }
      for (const p of ['linux/amd64', 'linux/arm64'])
        expect(docker(env.dockerContainerd, ['run', '--rm', '--platform', p, `${image}:v1`, 'sha256sum', '-c', '/random.sum'])).toBe(
          '/random: OK\n'
        )
    } finally {
      docker(env.dockerContainerd, ['image', 'rm', '--force', `${image}:v1`])
      await deleteRepository(env.registryOpen, repository)
    }
  })
})

describe('a registry with htpasswd basic auth', () => {
  it('takes username and password, publishes, and never prints the password', async () => {
    const runner = await newRunner(env.toolCache)
    const repository = unique('auth')
    const inputs = {
      platforms: 'linux/amd64,linux/arm64',
      image: `${env.registryAuth}/${repository}`,
      tags: 'v1',
      context: sampleContext(env.busyboxDir),
      test: 'sh /app/run-tests.sh',
      push: 'true',
      username: env.registryUser,
      password: env.registryPassword
    }
    const { main, post } = await job(runner, env.dockerContainerd, inputs)
    expect([main.code, post?.code]).toEqual([0, 0])
    const creds = { username: env.registryUser, password: env.registryPassword }
    expect(await tagsOf(env.registryAuth, repository, creds)).toEqual(['v1'])
    expect(sha256(skopeoRaw(`${env.registryAuth}/${repository}:v1`, `${creds.username}:${creds.password}`))).toBe(main.outputs.digest)
    for (const step of [main, post!]) {
      expect(step.log).toContain(`::add-mask::${env.registryPassword}`)
      const lines = step.log.split('\n').filter(l => !l.startsWith('::add-mask::'))
      expect(lines.filter(l => l.includes(env.registryPassword))).toEqual([])
      expect(JSON.stringify(step.state)).not.toContain(env.registryPassword)
    }
  })

  it('fails in one line naming the registry and 401 on a wrong password, which it does not print', async () => {
    const runner = await newRunner(env.toolCache)
    const wrong = `wrong-${randomBytes(6).toString('hex')}`
    const { main } = await job(runner, env.dockerContainerd, {
      platforms: 'linux/amd64',
      image: `${env.registryAuth}/${unique('denied')}`,
      context: sampleContext(env.busyboxDir),
      push: 'true',
      username: env.registryUser,
      password: wrong
    })
    expect(main.code).toBe(1)
    expect(main.errors).toHaveLength(1)
    expect(main.errors[0]).toMatch(/401/)
    expect(main.log.split('\n').filter(l => !l.startsWith('::add-mask::') && l.includes(wrong))).toEqual([])
  })
})
