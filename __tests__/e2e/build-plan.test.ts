/**
 * The build plan for each engine, through the runner's entry point: the plan's log line, builds
 * side by side on the classic store, layouts streamed from `docker save` with no archive written;
 * and the OCI layout plan of builders with BuildKit of their own, carried out on the containerd
 * engine's BuildKit (no docker-container or remote builder can run here) and loaded into both stores.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { type FSWatcher, watch } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { buildEach } from '../../src/build/build.js'
import type { BuildPlan } from '../../src/build/plan.js'
import { type PlatformBuilt, requireSameImage } from '../../src/build/run.js'
import { engineInfo } from '../../src/docker/engine.js'
import { expectedImageId, imageId } from '../../src/docker/image-io.js'
import { runTest, testArgv } from '../../src/docker/test-run.js'
import { getInputs } from '../../src/inputs/inputs.js'
import { platformArchive } from '../../src/oci/platform-archive.js'
import { parsePlatformList } from '../../src/shared/platform.js'
import { dockerLog } from '../helpers/docker-log.js'
import { deleteRepository, sha256, skopeoRaw, tagsOf } from '../helpers/registry-api.js'
import { COMMIT_TIME, newRunner, type Runner, runStep } from '../helpers/runner.js'
import { SIX, sampleContext } from '../helpers/sample.js'
import { docker, localImages, testEnv } from '../helpers/testenv.js'
import { tempDir } from '../helpers/tmp.js'

const env = testEnv()
const unique = (what: string) => `e2e/${what}-${randomBytes(4).toString('hex')}`

/** The sample with an emulated step of some length in each platform's build, so that builds side by side overlap for a while. */
const EMULATED_STEP = [
  'FROM scratch',
  'ARG TARGETARCH',
  'ARG TARGETVARIANT',
  'COPY .busybox/${TARGETARCH}${TARGETVARIANT} /bin/busybox',
  'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
  'RUN dd if=/dev/zero bs=1048576 count=16 2>/dev/null | sha256sum > /zeros.sha256',
  'COPY hello.sh run-tests.sh /app/',
  ''
].join('\n')

/**
 * Every file name that appears anywhere under `dir` while watched (a folder removed before the
 * watcher could look into it is no error: what it held was seen as it was written).
 */
function watchNames(dir: string): { stop(): string[] } {
  const seen = new Set<string>()
  const errors: Error[] = []
  const watcher: FSWatcher = watch(dir, { recursive: true }, (_event, name) => {
    if (name) seen.add(name.toString())
  })
  watcher.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') errors.push(err)
  })
  return {
    stop() {
      watcher.close()
      expect(errors).toEqual([])
      return [...seen]
    }
  }
}

/** Each side-by-side build's span, in seconds since the builds started, from its log group. */
function buildSpans(log: string): { platform: string; from: number; to: number }[] {
  return [...log.matchAll(/^Built (\S+) in [\d.]+ s \(from \+([\d.]+) s to \+([\d.]+) s of the builds\)$/gm)].map(m => ({
    platform: m[1],
    from: Number(m[2]),
    to: Number(m[3])
  }))
}

/** The most spans that cover one instant. */
const mostAtOnce = (spans: readonly { from: number; to: number }[]) =>
  Math.max(...spans.map(s => spans.filter(o => o.from <= s.from && s.from < o.to).length))

/** An index entry's platform, as the index writes it. */
const PLATFORM_OBJECT = (p: string) => {
  const [os, architecture, variant] = p.split('/')
  return { architecture, os, ...(variant ? { variant } : {}) }
}

/**
 * A release of six platforms (main, then post) through a docker that notes its command lines,
 * watching RUNNER_TEMP; checks what holds on either store: every layout written by the build or
 * streamed from docker save, no archive written, the engine's image the layout's; and the release:
 * each platform tested in its image, pushed by digest, one OCI index under every tag.
 */
async function planRun(store: string, dockerHost: string) {
  const runner: Runner = await newRunner(env.toolCache)
  const commands = dockerLog()
  const watched = watchNames(runner.temp)
  const repository = unique(`plan-${store}`)
  const image = `${env.registryOpen}/${repository}`
  const inputs = {
    platforms: SIX.join(','),
    image,
    tags: 'latest,1.4.2',
    context: sampleContext(env.busyboxDir, EMULATED_STEP),
    test: 'sh /app/run-tests.sh',
    'no-cache': 'true',
    push: 'true',
    annotations: 'org.opencontainers.image.title=Archway sample'
  }
  const main = await runStep(runner, 'main', inputs, {}, { DOCKER_HOST: dockerHost, ...commands.env })
  const names = watched.stop()
  expect(main.errors).toEqual([])
  expect(main.code).toBe(0)
  const post = await runStep(runner, 'post', inputs, main.state, { DOCKER_HOST: dockerHost })
  expect(post.errors).toEqual([])
  expect(post.code).toBe(0)

  const saves = commands.commands().filter(c => c.startsWith('save '))
  const builds = commands.commands().filter(c => c.startsWith('buildx build '))
  // docker save writes to its standard output only, streamed into the layout folder.
  for (const save of saves) expect(save).toMatch(/^save archway\.local\/plan-[a-z]+-[0-9a-f]+:\S+$/)
  expect(commands.commands().filter(c => / -o[ =]|--output[ =]type=(tar|docker,dest|oci,dest=[^,]*,tar=true)|tar=true/.test(c))).toEqual([])
  // What was watched: the scratch folder and its layouts came and went; no .tar among them.
  expect(names.some(n => n.startsWith('archway-'))).toBe(true)
  expect(names.some(n => /\/layout[^/]*\/index\.json$/.test(n))).toBe(true)
  expect(names.filter(n => /\.tar$/.test(n))).toEqual([])
  expect((await readdir(runner.temp)).filter(n => n.startsWith('archway-'))).toEqual([])
  expect(main.log.split('\n').filter(l => /^The engine's image sha256:[0-9a-f]{64} is the layout's/.test(l))).toHaveLength(6)
  // The tests really ran inside each platform's image, under emulation where foreign.
  for (const uname of ['x86_64', 'aarch64', 'armv7l', 's390x', 'ppc64le', 'riscv64'])
    expect(main.log).toContain(`ok: hello from ${uname}: `)

  // The release: one OCI index of the six, under both tags, the digest main announced.
  const raw = skopeoRaw(`${image}:1.4.2`)
  expect(sha256(raw)).toBe(main.outputs.digest)
  expect(sha256(skopeoRaw(`${image}:latest`))).toBe(main.outputs.digest)
  const index = JSON.parse(raw.toString())
  expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json')
  expect(index.manifests.map((m: { platform: unknown }) => m.platform)).toEqual(SIX.map(PLATFORM_OBJECT))
  expect(JSON.stringify(index)).not.toContain('unknown')
  expect(index.annotations).toEqual({
    'org.opencontainers.image.created': new Date(COMMIT_TIME).toISOString(),
    'org.opencontainers.image.revision': runner.env.GITHUB_SHA,
    'org.opencontainers.image.source': `https://github.com/${runner.env.GITHUB_REPOSITORY}`,
    'org.opencontainers.image.title': 'Archway sample'
  })
  const platformDigests = JSON.parse(main.outputs['platform-digests'])
  for (const m of index.manifests) {
    const p = SIX.find(s => JSON.stringify(PLATFORM_OBJECT(s)) === JSON.stringify(m.platform))!
    expect(platformDigests[p]).toBe(m.digest)
    const manifest = skopeoRaw(`${image}@${m.digest}`)
    expect(sha256(manifest)).toBe(m.digest)
    expect(JSON.parse(manifest.toString()).config.mediaType).toBe('application/vnd.oci.image.config.v1+json')
  }
  expect((await tagsOf(env.registryOpen, repository)).sort()).toEqual(['1.4.2', 'latest'])
  expect(main.summary).toContain('| linux/riscv64 |')
  expect(post.summary).toContain(main.outputs.digest)
  // The build's local tags are gone once the pipeline has pushed.
  expect(localImages(dockerHost, repository)).toEqual([])
  await deleteRepository(env.registryOpen, repository)
  return { log: main.log, saves, builds }
}

describe('the build plan, and the release it publishes', () => {
  it('on the containerd store is one multi-platform build, loaded into the engine, then the same image written as the layout from the build cache: nothing saved', async () => {
    const run = await planRun('containerd', env.dockerContainerd)
    expect(run.log).toContain('Build plan: containerd image store, one build of 6 platforms, the OCI layout written from the build cache\n')
    // The build (with no-cache: true), then the export, which takes every step from what the build left in the build cache.
    expect(run.builds).toHaveLength(2)
    expect(run.builds[0]).toMatch(/ --no-cache .* --output type=docker,oci-mediatypes=true --tag /)
    expect(run.builds[1]).toMatch(/ --output type=oci,dest=\S+\/layout,tar=false --tag /)
    expect(run.builds[1]).not.toContain('--no-cache')
    expect(run.log).toMatch(/^Written as an OCI layout from the build cache in [\d.]+ s/m)
    expect(run.log.match(/^#\d+ \[[^\]]*\] RUN .*$/gm)?.length).toBeGreaterThan(0)
    for (const build of run.builds) expect(build).not.toContain('--load')
    expect(run.saves).toEqual([])
  })

  it('on the classic store is six builds side by side, each whole in its own log group, each saved as soon as it is built', async () => {
    const run = await planRun('classic', env.dockerClassic)
    const atOnce = Number(/^Build plan: classic image store, 6 builds side by side \(at most (\d+) at once\)$/m.exec(run.log)?.[1])
    expect(atOnce).toBeGreaterThanOrEqual(2)
    expect(run.builds).toHaveLength(6)
    expect(run.saves).toHaveLength(6)
    for (const build of run.builds) expect(build).not.toContain('--output')
    for (const build of run.builds) expect(build).toMatch(/ --platform linux\/[a-z0-9/]+ .* --load --tag archway\.local\/\S+-[a-z0-9]+ /)
    for (const p of SIX)
      expect(run.log).toMatch(
        new RegExp(`::group::Build ${p}\\n\\[command\\]docker buildx build [^\\n]*\\n(?:(?!::group::)[^\\n]*\\n)*?Built ${p} in `)
      )
    const spans = buildSpans(run.log)
    expect(spans.map(s => s.platform).sort()).toEqual([...SIX].sort())
    expect(mostAtOnce(spans)).toBeGreaterThanOrEqual(2)
    expect(mostAtOnce(spans)).toBeLessThanOrEqual(atOnce)
  })
})

describe('a failed build side by side', () => {
  it("fails the step with one line naming its command and carrying buildx's own ERROR: line; nothing is pushed", async () => {
    const runner = await newRunner(env.toolCache)
    const repository = unique('plan-failed')
    const dockerfile = EMULATED_STEP.replace(
      'COPY hello.sh',
      'RUN [ "$(uname -m)" != s390x ] || { echo "s390x is not supported yet" >&2; exit 7; }\nCOPY hello.sh'
    )
    const main = await runStep(
      runner,
      'main',
      {
        platforms: SIX.join(','),
        image: `${env.registryOpen}/${repository}`,
        context: sampleContext(env.busyboxDir, dockerfile),
        push: 'true'
      },
      {},
      { DOCKER_HOST: env.dockerClassic }
    )
    expect(main.code).toBe(1)
    expect(main.errors).toHaveLength(1)
    expect(main.errors[0]).toMatch(
      /^::error::docker buildx build --metadata-file \S+ --platform linux\/s390x .* exited with 1: ERROR: failed to build: failed to solve: process "\/bin\/sh -c \[ .*s390x is not supported yet.*" did not complete successfully: exit code: 7$/
    )
    expect(main.log).toMatch(
      /::group::Build linux\/s390x\n(?:(?!::group::)[^\n]*\n)*?[^\n]*s390x is not supported yet\n(?:(?!::group::)[^\n]*\n)*?Failed \(from \+/
    )
    expect(main.log).not.toContain('::group::Test and verify linux/s390x')
    expect(main.log).not.toContain('::group::Push')
    expect(main.outputs.digest).toBeUndefined()
  })
})

/** `docker load` of a stream on one engine, as the test's own child process. */
async function loadInto(dockerHost: string, archive: Readable): Promise<string> {
  const child = spawn('docker', ['load'], { env: { ...process.env, DOCKER_HOST: dockerHost }, stdio: ['pipe', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', d => (out += d))
  const [code] = await Promise.all([new Promise(resolve => child.on('close', resolve)), pipeline(archive, child.stdin)])
  expect(code).toBe(0)
  return out
}

describe('a build exported as an OCI layout (the plan of docker-container, remote and kubernetes builders)', () => {
  // The action's code here runs in this process, against the engine its environment names: the
  // containerd one, whose own BuildKit stands in for the builder (it too writes type=oci layouts).
  it('builds once into the layout, loads each platform alone into either store, and tests there the image the layout holds', async () => {
    const engine = await engineInfo()
    expect(engine.store).toBe('containerd')
    const platforms = parsePlatformList('linux/amd64,linux/arm64,linux/s390x')
    // Emulation for the platforms, as the action's main step sets it up.
    const setup = await runStep(await newRunner(env.toolCache), 'main', { platforms: 'linux/amd64,linux/arm64,linux/s390x' })
    expect(setup.code).toBe(0)

    const inputs: Record<string, string> = {
      platforms: 'linux/amd64,linux/arm64,linux/s390x',
      image: `${env.registryOpen}/${unique('layout')}`,
      context: sampleContext(env.busyboxDir, EMULATED_STEP),
      test: 'sh /app/run-tests.sh'
    }
    const b = getInputs(name => inputs[name] ?? '').build!
    const tag = `archway.local/e2e-layout:${randomBytes(4).toString('hex')}`
    const scratch = tempDir('layout-plan')
    const plan: BuildPlan = {
      kind: 'oci-layout',
      store: 'containerd',
      builder: { name: 'default', driver: 'docker', nodes: [] },
      platforms
    }
    const watched = watchNames(scratch)
    const built = await buildEach({ plan, b, tag, scratch, parallel: 3, engineNames: new Set() }, async (x: PlatformBuilt) => ({
      built: { ...x, ...(await x.layout) },
      test: await runTest(x.imageId, x.platform, b.test!, () => undefined)
    }))
    expect(watched.stop().filter(n => /\.tar$/.test(n))).toEqual([])

    const UNAME = ['x86_64', 'aarch64', 's390x']
    for (const [i, { built: x, test }] of built.entries()) {
      // One layout, written by the build; on the containerd store a loaded image is its manifest.
      expect(x.image.dir).toBe(join(scratch, 'layout'))
      expect(x.imageId).toBe(x.image.descriptor.digest)
      expect(x.sharedBuild).toBe(true)
      expect(x.notes[0]).toMatch(/^Loaded into the engine in [\d.]+ s \(this platform alone, streamed from the layout\)/)
      expect(test.outcome).toEqual({ kind: 'passed' })
      expect(test.tail.join('\n')).toContain(`ok: hello from ${UNAME[i]}: `)
      expect(docker(env.dockerContainerd, ['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', x.imageId]).trim()).toBe(
        `linux/${platforms[i].architecture}`
      )
    }
    docker(env.dockerContainerd, ['image', 'rm', ...platforms.map(p => `${tag}-${p.architecture}`)])

    // The same archives into the classic store, whose loader reads Docker's manifest.json: there an image is its config.
    for (const [i, { built: x }] of built.entries()) {
      const ref = `${tag}-classic-${platforms[i].architecture}`
      expect(await loadInto(env.dockerClassic, platformArchive(x.image, ref))).toContain(`Loaded image: ${ref}`)
      const id = docker(env.dockerClassic, ['image', 'inspect', '--format', '{{.Id}}', ref]).trim()
      expect(id).toBe(expectedImageId('classic', x.image.descriptor, x.image.manifest.config))
      expect(id).toBe(x.image.manifest.config.digest)
      expect(docker(env.dockerClassic, testArgv(id, x.platform, b.test!))).toContain(`ok: hello from ${UNAME[i]}: `)
      docker(env.dockerClassic, ['image', 'rm', ref])
    }
  })

  it('refuses an engine image that is not the layout image', async () => {
    const other = `archway.local/e2e-other:${randomBytes(4).toString('hex')}`
    docker(env.dockerContainerd, ['buildx', 'build', '--load', '--tag', other, sampleContext(env.busyboxDir)])
    const index = { mediaType: 'application/vnd.oci.image.index.v1+json', digest: `sha256:${'0'.repeat(64)}`, size: 2 }
    const id = await imageId(other)
    expect(() => requireSameImage(other, id, expectedImageId('containerd', index, index))).toThrow(
      new RegExp(
        `^the engine's image ${other} is sha256:[0-9a-f]{64}, but its OCI layout holds sha256:0{64}: the image tested would not be the one pushed$`
      )
    )
    docker(env.dockerContainerd, ['image', 'rm', other])
  })
})
