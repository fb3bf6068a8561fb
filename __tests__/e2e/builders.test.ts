/**
 * The builders users bring, through the runner's entry points (node dist/main.js, then node
 * dist/post.js): a docker-container builder on the classic store, made current in the job's own
 * DOCKER_CONFIG as docker/setup-buildx-action does, and named by the `builder` input; a remote
 * builder; a builder of two remote nodes with different preferred platforms. Each runs BuildKit
 * v0.13.2 built from Debian's sources by scripts/test-env.sh. Each of the six platforms is built,
 * tested inside its image, checked, pushed by digest and published; a failed test or a wrong
 * architecture on one publishes nothing; what a builder cannot do is refused before anything is set up.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { binfmtSnapshot, removeQemuEntries } from '../helpers/binfmt.js'
import { context, runs, said, say } from '../helpers/build-cache.js'
import { deleteRepository, indexPlatforms, sha256, skopeoRaw, tagsOf } from '../helpers/registry-api.js'
import { newRunner, type Runner, runStep } from '../helpers/runner.js'
import type { StepResult } from '../helpers/runner-env.js'
import { SIX, sampleContext, UNAME } from '../helpers/sample.js'
import { SPDX, sbomGeneratorContext } from '../helpers/sbom-generator.js'
import { BUILDKIT_WAIT_MS, buildkitReady, docker as dockerAt, testEnv } from '../helpers/testenv.js'
import { tempDir } from '../helpers/tmp.js'

const env = testEnv()
// On a new machine BuildKit is built beside the other test files, which run first (__tests__/sequencer.js).
beforeAll(() => buildkitReady(env), BUILDKIT_WAIT_MS + 60_000)
const hex = () => randomBytes(4).toString('hex')
/** Repositories the tests pushed to, emptied when the file ends. */
const repositories = new Set<string>()
const unique = (what: string) => {
  const r = `e2e/${what}-${hex()}`
  repositories.add(r)
  return r
}

/** The job's own Docker client configuration, where its builders live, as setup-buildx-action keeps them. */
const dockerConfig = tempDir('docker-config')

/** `docker ARGS` with the job's DOCKER_CONFIG, against one engine. */
const docker = (host: string, args: string[]) => dockerAt(host, args, { env: { DOCKER_CONFIG: dockerConfig } })

/** The builders this file made, removed when it ends (a docker-container builder's container and state with it). */
const builders: { name: string; host: string }[] = []
function createBuilder(host: string, name: string, args: string[], more: string[][] = []): string {
  docker(host, ['buildx', 'create', '--name', name, ...args])
  builders.push({ name, host })
  for (const append of more) docker(host, ['buildx', 'create', '--append', '--name', name, ...append])
  return name
}

/** Removes the builders made so far; each describe's afterAll, so that it runs while the job's DOCKER_CONFIG is still there. */
function removeBuilders(): void {
  for (const { name, host } of builders.splice(0)) {
    // The remote daemons are the test environment's: their build cache goes, the daemons stay.
    try {
      docker(host, ['buildx', 'prune', '--builder', name, '--all', '--force'])
    } finally {
      docker(host, ['buildx', 'rm', name])
    }
  }
}

afterAll(async () => {
  for (const r of repositories) await deleteRepository(env.registryOpen, r)
})

/** A build cache test's context (helpers/build-cache.ts) whose image also holds the example's tests. */
function withTests(ctx: string): string {
  const dockerfile = join(ctx, 'Dockerfile')
  writeFileSync(dockerfile, readFileSync(dockerfile, 'utf8').replace('COPY app.txt', 'COPY hello.sh run-tests.sh /app/\nCOPY app.txt'))
  return ctx
}

interface Job {
  readonly main: StepResult
  readonly post?: StepResult
}

/** One job: main, then post when main succeeded (post-if: success()), as the runner does; on the classic engine. */
async function job(runner: Runner, inputs: Record<string, string>): Promise<Job> {
  const extra = { DOCKER_HOST: env.dockerClassic, DOCKER_CONFIG: dockerConfig }
  const main = await runStep(runner, 'main', inputs, {}, extra)
  if (main.code !== 0) return { main }
  return { main, post: await runStep(runner, 'post', inputs, main.state, extra) }
}

/** Each platform's image digest, as its "Test and verify" group names what was tested and checked. */
function testedDigests(main: StepResult): Record<string, string> {
  return Object.fromEntries(
    [...main.log.matchAll(/^::group::Test and verify (\S+)\nImage (sha256:[0-9a-f]{64}) /gm)].map(m => [m[1], m[2]])
  )
}

/** The node each platform was built on, from the summary's table. */
function nodesOf(summary: string): Record<string, string> {
  return Object.fromEntries([...summary.matchAll(/^\| (linux\/\S+) \| `([^`]+)` \|/gm)].map(m => [m[1], m[2]]))
}

/**
 * The release published under `tag`: the index the outputs name, its six platforms in order, each
 * the very manifest that was tested (the same digest), every platform tested inside its image.
 */
function expectPublished(job: Job, image: string, tag: string): { index: { manifests: { digest: string }[] } } {
  expect(job.main.errors).toEqual([])
  expect(job.main.code).toBe(0)
  expect(job.post?.errors).toEqual([])
  expect(job.post?.code).toBe(0)
  const raw = skopeoRaw(`${image}:${tag}`)
  expect(sha256(raw)).toBe(job.main.outputs.digest)
  expect(indexPlatforms(raw)).toEqual(SIX)
  const index = JSON.parse(raw.toString()) as { manifests: { digest: string }[] }
  const tested = testedDigests(job.main)
  expect(index.manifests.map(m => m.digest)).toEqual(SIX.map(p => tested[p]))
  for (const p of SIX) expect(job.main.log).toContain(`ok: hello from ${UNAME[p]}: `)
  return { index }
}

/** A release that failed: one error line, no post step (post-if: success()), and no tag in the repository. */
async function expectNothingPublished(job: Job, repository: string, error: RegExp): Promise<void> {
  expect(job.main.code).toBe(1)
  expect(job.main.errors).toEqual([expect.stringMatching(error)])
  expect(job.post).toBeUndefined()
  expect(await tagsOf(env.registryOpen, repository)).toEqual([])
}

/** A refusal before anything is set up: that one error line, no QEMU, no build, binfmt_misc as it was, the runner's tool cache never made. */
function expectRefusedBeforeSetUp(main: StepResult, runner: Runner, binfmtBefore: Record<string, string>, error: string): void {
  expect(main.code).toBe(1)
  expect(main.errors).toEqual([error])
  expect(main.log).not.toMatch(/QEMU|Build plan|buildx build/)
  expect(binfmtSnapshot()).toEqual(binfmtBefore)
  expect(existsSync(runner.toolCache)).toBe(false)
}

/** How many platforms ran each labelled RUN step of the build cache context (install, deps, build). */
const ranSteps = (step: StepResult, nonce: string) => ['install', 'deps', 'build'].map(label => runs(step, nonce, label))

/**
 * A warm run: the builder's own build cache emptied and app.txt changed, the release (tag `v2`)
 * built again importing the cache `inputs` names and exporting none. It publishes, and runs only
 * the RUN step after `COPY app.txt`: the others come from the imported cache.
 */
async function warmRun(runner: Runner, builder: string, ctx: string, inputs: Record<string, string>, nonce: string): Promise<Job> {
  docker(env.dockerClassic, ['buildx', 'prune', '--builder', builder, '--all', '--force'])
  writeFileSync(join(ctx, 'app.txt'), 'two')
  const warm = await job(runner, { ...inputs, tags: 'v2', 'cache-to': '' })
  expectPublished(warm, inputs.image, 'v2')
  expect(ranSteps(warm.main, nonce)).toEqual([0, 0, 6])
  return warm
}

describe('a docker-container builder, as docker/setup-buildx-action makes it, on the classic store', () => {
  afterAll(removeBuilders)
  let name: string
  beforeAll(() => {
    // setup-buildx-action: `docker buildx create --driver docker-container --use`, then `inspect --bootstrap`, before the job's other steps.
    name = createBuilder(env.dockerClassic, `archway-dc-${hex()}`, [
      '--driver',
      'docker-container',
      '--driver-opt',
      `image=${env.buildkit.image}`,
      '--driver-opt',
      'network=host',
      '--use'
    ])
    docker(env.dockerClassic, ['buildx', 'inspect', '--bootstrap', name])
  })

  it('made current: six platforms built, tested, checked, pushed by digest and published, with provenance, a build secret and a registry cache a second run takes every RUN step from', async () => {
    const nonce = randomBytes(8).toString('hex')
    const repository = unique('dc')
    const image = `${env.registryOpen}/${repository}`
    const cache = `${env.registryOpen}/${unique('dc-cache')}:buildcache`
    const ctx = context(nonce, 'one')
    const dockerfile = join(ctx, 'Dockerfile')
    writeFileSync(
      dockerfile,
      readFileSync(dockerfile, 'utf8').replace(
        'COPY app.txt',
        'RUN --mount=type=secret,id=token sha256sum /run/secrets/token | cut -c1-16 > /token.sha\nCOPY hello.sh run-tests.sh /app/\nCOPY app.txt'
      )
    )
    const inputs = {
      platforms: SIX.join(','),
      image,
      tags: 'v1',
      context: ctx,
      test: `sh /app/run-tests.sh && ${say('token', 'echo $(uname -m) $(cat /token.sha)')}`,
      secrets: 'token=s3cret-of-the-job',
      provenance: 'true',
      'cache-to': `type=registry,ref=${cache},mode=max`,
      push: 'true'
    }
    const runner = await newRunner(env.toolCache)
    const first = await job(runner, inputs)
    expect(first.main.log).toMatch(
      new RegExp(
        `^Build plan: builder ${name} \\(docker-container driver, BuildKit ${env.buildkit.version}\\), one build of 6 platforms pushed by digest to ${image} by the builder \\(untagged until every platform passes\\), each platform pulled back by its digest into the classic image store for its tests, the image fetched back as an OCI layout meanwhile$`,
        'm'
      )
    )
    // The layers went once from the builder to the registry; what was tested came back from there.
    expect(first.main.log).toMatch(
      new RegExp(
        `^Pushed by the builder as ${image}@sha256:[0-9a-f]{64}; this platform's \\d+ blobs \\([\\d.]+ MB\\) fetched back into the OCI layout [\\d.]+ s after the fetch began, each checked against its digest$`,
        'm'
      )
    )
    const { index } = expectPublished(first, image, 'v1')
    // Each platform's tests ran on the manifest pulled by its digest: the one published.
    for (const m of index.manifests) expect(first.main.log).toContain(`Pulled into the engine by its digest ${m.digest} in `)
    // Nothing pulled stays in the engine, under its name by digest or any other.
    expect(docker(env.dockerClassic, ['image', 'ls', '--all', '--quiet', image])).toBe('')
    expect(ranSteps(first.main, nonce)).toEqual([6, 6, 6])
    // The secret reached every platform's RUN step, and only as a file: its hash is in the image, the secret nowhere in the log.
    const token = sha256(Buffer.from('s3cret-of-the-job')).slice('sha256:'.length, 'sha256:'.length + 16)
    expect(said(first.main, 'token').sort()).toEqual(SIX.map(p => `${UNAME[p]} ${token}`).sort())
    expect(first.main.log.split('\n').filter(l => l.includes('s3cret-of-the-job'))).toEqual(['::add-mask::s3cret-of-the-job'])
    // Provenance: one attestation per platform, attached as an OCI referrer (the tag schema on this registry).
    expect(first.main.log.match(/^Attestations sha256:[0-9a-f]{64} attached to sha256:[0-9a-f]{64} as an OCI referrer/gm)).toHaveLength(6)
    const tags = await tagsOf(env.registryOpen, repository)
    for (const m of index.manifests) expect(tags).toContain(m.digest.replace(':', '-'))
    // The summary names the builder and its one node for every platform.
    expect(first.main.summary).toContain(`Built on builder ${name} (docker-container driver, BuildKit ${env.buildkit.version}).`)
    expect(Object.values(nodesOf(first.main.summary))).toEqual(SIX.map(() => `${name}0`))

    // The second run: the builder's own cache emptied, the registry's taken.
    const second = await warmRun(runner, name, ctx, { ...inputs, 'cache-from': `type=registry,ref=${cache}` }, nonce)
    expect(said(second.main, 'token').sort()).toEqual(said(first.main, 'token').sort())
  })

  it('named by the builder input: a test that fails on one platform publishes nothing', async () => {
    docker(env.dockerClassic, ['buildx', 'use', 'default'])
    const repository = unique('dc-failed')
    const { main, post } = await job(await newRunner(env.toolCache), {
      platforms: 'linux/amd64,linux/s390x',
      image: `${env.registryOpen}/${repository}`,
      builder: name,
      context: sampleContext(env.busyboxDir),
      test: '[ "$(uname -m)" != s390x ] || { echo "s390x: 1 test failed" >&2; exit 3; }',
      push: 'true'
    })
    expect(main.log).toContain(`Build plan: builder ${name} (docker-container driver`)
    await expectNothingPublished(
      { main, post },
      repository,
      new RegExp(
        `^::error::Tests failed on linux/s390x with exit code 3; last lines: .*s390x: 1 test failed.*\\. Nothing was tagged: what the builder pushed to ${env.registryOpen}/${repository} stays by digest only, untagged, for the registry's garbage collection\\.$`
      )
    )
  })
})

describe('a docker-container builder in a network of its own (no network=host)', () => {
  afterAll(removeBuilders)
  it("refuses a registry cache on this machine's loopback in one line naming the way out, before anything is set up", async () => {
    const name = createBuilder(env.dockerClassic, `archway-dc-bridge-${hex()}`, [
      '--driver',
      'docker-container',
      '--driver-opt',
      `image=${env.buildkit.image}`
    ])
    const before = binfmtSnapshot()
    const runner = await newRunner()
    const ref = `${env.registryOpen}/e2e/unreachable-cache:buildcache`
    const { main } = await job(runner, {
      platforms: SIX.join(','),
      image: `${env.registryOpen}/${unique('dc-bridge')}`,
      builder: name,
      context: sampleContext(env.busyboxDir),
      'cache-from': `type=registry,ref=${ref}`,
      push: 'true'
    })
    expectRefusedBeforeSetUp(
      main,
      runner,
      before,
      `::error::Input "cache-from" has a bad value "type=registry,ref=${ref}": the builder ${name} (docker-container driver, BuildKit ${env.buildkit.version}) runs BuildKit in a network of its own and cannot reach a registry on this machine's loopback; create it with --driver-opt network=host (docker/setup-buildx-action: driver-opts: network=host)`
    )
  })
})

describe('a docker-container builder started before the emulators were registered', () => {
  afterAll(removeBuilders)

  // BuildKit v0.13 reads binfmt_misc again whenever it is asked for its platforms (from v0.14 at
  // most every 20 s): asked again after the emulators are registered, this node lists them, so
  // no warning is due, and its RUN steps run under the QEMU registered here. The warning for a
  // node that does not list them is unit-tested (unit/build/host.test.ts).
  it('is asked again once the emulators are registered, and lists them: no warning, and its RUN steps ran under that QEMU', async () => {
    // setup-buildx-action before Archway: the builder's BuildKit looks at binfmt_misc when it starts, and finds no emulator.
    removeQemuEntries()
    const name = createBuilder(env.dockerClassic, `archway-dc-early-${hex()}`, [
      '--driver',
      'docker-container',
      '--driver-opt',
      `image=${env.buildkit.image}`,
      '--driver-opt',
      'network=host'
    ])
    const before = docker(env.dockerClassic, ['buildx', 'inspect', '--bootstrap', name])
    expect(/^Platforms:\s*(.*)$/m.exec(before)?.[1]).not.toMatch(/arm64|s390x/)
    const { main } = await job(await newRunner(env.toolCache), {
      platforms: 'linux/amd64,linux/arm64,linux/s390x',
      image: `${env.registryOpen}/${unique('dc-early')}`,
      builder: name,
      context: withTests(context(randomBytes(8).toString('hex'), 'one')),
      test: 'sh /app/run-tests.sh'
    })
    expect(main.errors).toEqual([])
    expect(main.code).toBe(0)
    expect(main.log).toMatch(/^binfmt_misc \(flags [A-Z]*\): registered qemu-aarch64, qemu-s390x$/m)
    expect(main.log.split('\n').filter(l => l.startsWith('::warning::'))).toEqual([])
    const after = docker(env.dockerClassic, ['buildx', 'inspect', name])
    expect(/^Platforms:\s*(.*)$/m.exec(after)?.[1]).toMatch(/linux\/arm64.*linux\/s390x|linux\/s390x.*linux\/arm64/)
    for (const p of ['linux/amd64', 'linux/arm64', 'linux/s390x']) expect(main.log).toContain(`ok: hello from ${UNAME[p]}: `)
  })
})

describe('a remote builder (buildkitd on its own socket)', () => {
  afterAll(removeBuilders)
  let name: string
  beforeAll(() => {
    name = createBuilder(env.dockerClassic, `archway-remote-${hex()}`, ['--driver', 'remote', env.buildkit.node0])
  })

  it('six platforms published, with a local cache a second run takes every RUN step from', async () => {
    const nonce = randomBytes(8).toString('hex')
    const repository = unique('remote')
    const image = `${env.registryOpen}/${repository}`
    const cacheDir = tempDir('remote-cache')
    const ctx = withTests(context(nonce, 'one'))
    const inputs = {
      platforms: SIX.join(','),
      image,
      tags: 'v1',
      builder: name,
      context: ctx,
      test: 'sh /app/run-tests.sh',
      'cache-to': `type=local,dest=${cacheDir},mode=max`,
      push: 'true'
    }
    const runner = await newRunner(env.toolCache)
    const first = await job(runner, inputs)
    expect(first.main.log).toContain(
      `Build plan: builder ${name} (remote driver, BuildKit ${env.buildkit.version}), one build of 6 platforms`
    )
    expectPublished(first, image, 'v1')
    expect(ranSteps(first.main, nonce)).toEqual([6, 6, 6])
    expect(Object.values(nodesOf(first.main.summary))).toEqual(SIX.map(() => `${name}0`))

    await warmRun(runner, name, ctx, { ...inputs, 'cache-from': `type=local,src=${cacheDir}` }, nonce)
  })

  it('an image whose arm64 holds an amd64 program fails the architecture check and publishes nothing', async () => {
    const repository = unique('remote-wrong-arch')
    const { main, post } = await job(await newRunner(env.toolCache), {
      platforms: 'linux/amd64,linux/arm64,linux/riscv64',
      image: `${env.registryOpen}/${repository}`,
      builder: name,
      context: sampleContext(env.busyboxDir, 'FROM scratch\nCOPY .busybox/amd64 /bin/busybox\n'),
      push: 'true'
    })
    await expectNothingPublished(
      { main, post },
      repository,
      /^::error::Architecture check failed: linux\/arm64: .*\/bin\/busybox.*Nothing was tagged: what the builder pushed to .* stays by digest only, untagged, for the registry's garbage collection\.$/
    )
  })

  it('type=gha on its BuildKit v0.13 is refused in one line before anything is set up', async () => {
    const before = binfmtSnapshot()
    const runner = await newRunner()
    const { main } = await job(runner, {
      platforms: SIX.join(','),
      image: `${env.registryOpen}/${unique('remote-gha')}`,
      builder: name,
      context: sampleContext(env.busyboxDir),
      'cache-to': 'type=gha,mode=max',
      push: 'true'
    })
    expectRefusedBeforeSetUp(
      main,
      runner,
      before,
      `::error::Input "cache-to" has a bad value "type=gha,mode=max": builder ${name} (remote driver, BuildKit ${env.buildkit.version}) cannot use type=gha: BuildKit before v0.20 speaks only the version 1 API of GitHub's cache service, which GitHub retired in April 2025; use a builder of BuildKit v0.20 or later (docker/setup-buildx-action's default image is), or type=registry`
    )
  })
})

describe('a builder of two remote nodes, one preferring linux/amd64 and one linux/arm64', () => {
  afterAll(removeBuilders)
  it('builds each platform on the node buildx sends it to, tests each, and publishes the six as one index, with provenance and an SBOM', async () => {
    const name = createBuilder(
      env.dockerClassic,
      `archway-fleet-${hex()}`,
      ['--driver', 'remote', '--platform', 'linux/amd64', env.buildkit.node0, '--use'],
      [['--platform', 'linux/arm64', env.buildkit.node1]]
    )
    // The SBOM generator, pushed to the loopback registry by the builder itself; each node pulls it.
    const mark = randomBytes(8).toString('hex')
    const generator = `${env.registryOpen}/${unique('fleet-sbom-generator')}:1`
    const native = `linux/${process.arch === 'arm64' ? 'arm64' : 'amd64'}`
    docker(env.dockerClassic, [
      'buildx',
      'build',
      '--platform',
      native,
      '--provenance=false',
      '--output',
      `type=image,name=${generator},push=true`,
      sbomGeneratorContext(join(env.busyboxDir, native.split('/')[1]), mark)
    ])
    const repository = unique('fleet')
    const image = `${env.registryOpen}/${repository}`
    const done = await job(await newRunner(env.toolCache), {
      platforms: SIX.join(','),
      image,
      tags: 'v1',
      context: sampleContext(env.busyboxDir),
      test: 'sh /app/run-tests.sh',
      provenance: 'true',
      sbom: `generator=${generator}`,
      push: 'true'
    })
    expect(done.main.log).toContain(
      `Build plan: builder ${name} (remote driver, 2 nodes, BuildKit ${env.buildkit.version}), 2 builds at once, one per node (${name}0: linux/amd64, linux/arm/v7, linux/s390x, linux/ppc64le, linux/riscv64; ${name}1: linux/arm64), each sent by buildx to its node`
    )
    const { index } = expectPublished(done, image, 'v1')
    // Each platform's referrer holds the statements its node made: the SBOM by our generator, and SLSA provenance.
    for (const m of index.manifests) {
      const [referrer] = (
        JSON.parse(skopeoRaw(`${image}:sha256-${m.digest.slice('sha256:'.length)}`).toString()) as { manifests: { digest: string }[] }
      ).manifests
      const attestation = JSON.parse(skopeoRaw(`${image}@${referrer.digest}`).toString()) as {
        subject: { digest: string }
        layers: { digest: string }[]
      }
      expect(attestation.subject.digest).toBe(m.digest)
      const statements = await Promise.all(
        attestation.layers.map(
          async l =>
            (await (await fetch(`http://${env.registryOpen}/v2/${repository}/blobs/${l.digest}`)).json()) as {
              predicateType: string
              predicate: { documentNamespace?: string }
            }
        )
      )
      const types = statements.map(st => st.predicateType)
      expect(types).toHaveLength(2)
      expect(types.filter(t => t !== SPDX)).toEqual([expect.stringMatching(/^https:\/\/slsa\.dev\/provenance\//)])
      expect(statements.find(st => st.predicateType === SPDX)?.predicate.documentNamespace).toBe(`https://archway.invalid/e2e/${mark}`)
    }
    const nodes = nodesOf(done.main.summary)
    expect(Object.keys(nodes).sort()).toEqual([...SIX].sort())
    // Each node got the platforms buildx sends it alone: node 1 arm64, which it was created for; node 0 the rest.
    expect(nodes).toEqual(Object.fromEntries(SIX.map(p => [p, p === 'linux/arm64' ? `${name}1` : `${name}0`])))
    expect(done.main.summary).toContain(`Built on builder ${name} (remote driver, 2 nodes, BuildKit ${env.buildkit.version}).`)
  })

  it("without a push, exports each node's platforms as an OCI layout of their own and tests each from there; nothing reaches a registry", async () => {
    const name = createBuilder(
      env.dockerClassic,
      `archway-fleet-layouts-${hex()}`,
      ['--driver', 'remote', '--platform', 'linux/amd64', env.buildkit.node0],
      [['--platform', 'linux/arm64', env.buildkit.node1]]
    )
    const repository = unique('fleet-layouts')
    const { main, post } = await job(await newRunner(env.toolCache), {
      platforms: 'linux/amd64,linux/arm64,linux/riscv64',
      image: `${env.registryOpen}/${repository}`,
      builder: name,
      context: sampleContext(env.busyboxDir),
      test: 'sh /app/run-tests.sh'
    })
    expect(main.errors).toEqual([])
    expect(main.log).toContain(
      `Build plan: builder ${name} (remote driver, 2 nodes, BuildKit ${env.buildkit.version}), 2 builds at once, one per node (${name}0: linux/amd64, linux/riscv64; ${name}1: linux/arm64), each sent by buildx to its node and exported as an OCI layout of its own, each platform loaded into the classic image store for its tests`
    )
    expect(main.log).toContain('::group::Build linux/amd64, linux/riscv64\n')
    for (const p of ['linux/amd64', 'linux/arm64', 'linux/riscv64']) expect(main.log).toContain(`ok: hello from ${UNAME[p]}: `)
    expect(nodesOf(main.summary)).toEqual({ 'linux/amd64': `${name}0`, 'linux/arm64': `${name}1`, 'linux/riscv64': `${name}0` })
    expect(post?.code).toBe(0)
    expect(await tagsOf(env.registryOpen, repository)).toEqual([])
  })
})
