/**
 * docker/build-push-action's build settings on real builds, through the runner's entry points
 * (node dist/main.js, then node dist/post.js), on both image stores: each setting changes what
 * the build does in a way the test sees (a RUN step that fails without it, an image that holds
 * something else), so dropping it from the buildx command line fails its test. Nothing is
 * pulled from the internet: every image starts FROM scratch with the test environment's static
 * busybox, and base images and the SBOM generator are pushed to the loopback registry first.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { basename, join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { sha256, skopeoRaw, tagsOf } from '../helpers/registry-api.js'
import { newRunner, type Runner, runStep } from '../helpers/runner.js'
import type { StepResult } from '../helpers/runner-env.js'
import { sampleContext } from '../helpers/sample.js'
import { SPDX, sbomGeneratorContext } from '../helpers/sbom-generator.js'
import { docker, testEnv } from '../helpers/testenv.js'
import { tempDir } from '../helpers/tmp.js'

const env = testEnv()
const STORES = [
  ['containerd', env.dockerContainerd],
  ['classic', env.dockerClassic]
] as const
const unique = (what: string) => `e2e/${what}-${randomBytes(4).toString('hex')}`
const nonce = () => randomBytes(8).toString('hex')
/** This host's platform: what builds without emulation (the engines' build platform). */
const NATIVE = `linux/${process.arch === 'arm64' ? 'arm64' : 'amd64'}`
const NATIVE_BUSYBOX = join(env.busyboxDir, NATIVE.split('/')[1])

/** A Dockerfile over the sample context: the target platform's busybox and its applets, then `lines`. */
const dockerfile = (...lines: string[]) =>
  [
    'FROM scratch',
    'ARG TARGETARCH',
    'ARG TARGETVARIANT',
    'COPY .busybox/${TARGETARCH}${TARGETVARIANT} /bin/busybox',
    'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
    ...lines,
    ''
  ].join('\n')

/**
 * A test command that prints `<key>:<value of command>` on a line of its own: the step's log then
 * holds what the image said, and not as part of the command's own text (`key%s%s` there).
 */
const say = (key: string, command: string) => `printf '${key}%s%s\\n' : "$(${command})"`
/** The values a `say` printed in a step's log, in order. */
const said = (step: StepResult, key: string) => [...step.log.matchAll(new RegExp(`^${key}:(.*)$`, 'gm'))].map(m => m[1])

interface Job {
  readonly main: StepResult
  readonly post?: StepResult
}

/** One job: main, then post when main succeeded and pushed (post-if: success()), as the runner does. */
async function job(runner: Runner, dockerHost: string, inputs: Record<string, string>, stepEnv: Record<string, string> = {}): Promise<Job> {
  const extra = { DOCKER_HOST: dockerHost, ...stepEnv }
  const main = await runStep(runner, 'main', inputs, {}, extra)
  if (main.code !== 0 || inputs.push !== 'true') return { main }
  return { main, post: await runStep(runner, 'post', inputs, main.state, extra) }
}

/** What the action's scratch folders (`archway-*`) left in the job's RUNNER_TEMP: nothing, whatever the outcome. */
const scratchLeft = (runner: Runner) => readdirSync(runner.temp).filter(name => name.startsWith('archway-'))

/** Every file under a folder, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map(f => join(dir, f))
    .filter(f => statSync(f).isFile())
}

/** A blob of the open registry, checked against its digest. */
async function blob(repository: string, digest: string): Promise<Buffer> {
  const r = await fetch(`http://${env.registryOpen}/v2/${repository}/blobs/${digest}`)
  expect(r.status).toBe(200)
  const bytes = Buffer.from(await r.arrayBuffer())
  expect(sha256(bytes)).toBe(digest)
  return bytes
}

interface Descriptor {
  mediaType: string
  digest: string
  size: number
  artifactType?: string
  annotations?: Record<string, string>
  platform?: { os: string; architecture: string; variant?: string }
}

/** Every byte the registry serves for a published index: the index, then each platform's manifest, config and layers (unpacked). */
async function publishedBytes(repository: string, tag: string): Promise<Buffer> {
  const index = skopeoRaw(`${env.registryOpen}/${repository}:${tag}`)
  const parts = [index]
  for (const m of (JSON.parse(index.toString()) as { manifests: Descriptor[] }).manifests) {
    const manifest = skopeoRaw(`${env.registryOpen}/${repository}@${m.digest}`)
    parts.push(manifest)
    const doc = JSON.parse(manifest.toString()) as { config: Descriptor; layers: Descriptor[] }
    for (const d of [doc.config, ...doc.layers]) {
      const bytes = await blob(repository, d.digest)
      parts.push(/gzip$/.test(d.mediaType) ? gunzipSync(bytes) : bytes)
    }
  }
  return Buffer.concat(parts)
}

/** The referrers of a platform manifest, as the referrers tag schema lists them (the distribution registry 2.8 has no referrers API). */
function referrersOf(image: string, digest: string): Descriptor[] {
  const list = JSON.parse(skopeoRaw(`${image}:sha256-${digest.slice('sha256:'.length)}`).toString()) as { manifests: Descriptor[] }
  return list.manifests
}

interface Statement {
  _type: string
  predicateType: string
  subject: { name: string; digest: { sha256: string } }[]
  predicate: Record<string, unknown>
}

/** `docker buildx build` of a context into an OCI layout on the containerd engine, copied by skopeo to the open registry. */
function pushOci(context: string, ref: string, buildArgs: string[] = []): void {
  const dest = join(tempDir('oci'), 'layout')
  docker(env.dockerContainerd, [
    'buildx',
    'build',
    '--platform',
    NATIVE,
    '--provenance=false',
    ...buildArgs.flatMap(a => ['--build-arg', a]),
    '--output',
    `type=oci,tar=false,dest=${dest}`,
    context
  ])
  execFileSync('skopeo', ['copy', '-q', '--dest-tls-verify=false', `oci:${dest}`, `docker://${ref}`], { stdio: 'pipe' })
}

/** Removes an image from an engine's store, if it is there. */
function removeImage(dockerHost: string, ref: string): void {
  if (docker(dockerHost, ['image', 'ls', '--quiet', ref]).trim()) docker(dockerHost, ['image', 'rm', '--force', ref])
}

/** A context of its own: this host's busybox as `busybox`, and `files`. */
function nativeContext(files: Record<string, string>): string {
  const ctx = tempDir('ctx')
  cpSync(NATIVE_BUSYBOX, join(ctx, 'busybox'))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(ctx, name), text)
  return ctx
}

/** An HTTP server on every address of this host, answering a word of its own: what a RUN step reaches, or not. */
const http = { marker: `reached-${nonce()}`, port: 0, server: undefined as Server | undefined }
beforeAll(async () => {
  const server = createServer((_, res) => res.end(`${http.marker}\n`))
  await new Promise<void>(resolve => server.listen(0, '0.0.0.0', resolve))
  http.server = server
  http.port = (server.address() as AddressInfo).port
})
afterAll(() => http.server?.close())

/** A RUN command that asks the HTTP server at `host` (a shell word) for its word, and fails (exit 3) without an answer. */
const reach = (host: string) =>
  `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 ${host} "$PORT" | grep -q "$MARKER" || { echo "no answer from ${host}:$PORT"; exit 3; }`

describe.each(STORES)('on the %s image store', (store, dockerHost) => {
  let runner: Runner
  beforeAll(async () => {
    runner = await newRunner(env.toolCache)
  })
  // A setting buildx passes alike to either store's one build of the native platform is run on one store.
  const onOneStore = (name: string, test: () => Promise<void>) => {
    if (store === 'containerd') it(name, test)
  }

  it('secrets, secret-envs and secret-files reach RUN --mount=type=secret on every platform, and no value is left in the log, the state, the image or RUNNER_TEMP', async () => {
    const repository = unique(`secrets-${store}`)
    const values = { byValue: `v-${nonce()}`, byEnv: `e-${nonce()}`, byFile: `f-${nonce()}` }
    const sum = (v: string) => createHash('sha256').update(v).digest('hex')
    const secretFile = join(tempDir('secret-file'), 'token')
    writeFileSync(secretFile, values.byFile)
    // Each RUN checks its secret's file against the hash of the value: a secret that is missing or
    // wrong fails the build. The hashes are build arguments (kept in the image's history); the values are not.
    const context = sampleContext(
      env.busyboxDir,
      dockerfile(
        'ARG SUM_VALUE SUM_ENV SUM_FILE',
        'RUN --mount=type=secret,id=by-value echo "$SUM_VALUE  /run/secrets/by-value" | sha256sum -c -s',
        'RUN --mount=type=secret,id=by-env echo "$SUM_ENV  /run/secrets/by-env" | sha256sum -c -s',
        'RUN --mount=type=secret,id=by-file echo "$SUM_FILE  /run/secrets/by-file" | sha256sum -c -s && echo secrets-checked > /secrets-ok',
        'COPY hello.sh run-tests.sh /app/'
      )
    )
    const inputs = {
      platforms: `linux/amd64,linux/arm64`,
      image: `${env.registryOpen}/${repository}`,
      tags: 'v1',
      context,
      'build-args': [`SUM_VALUE=${sum(values.byValue)}`, `SUM_ENV=${sum(values.byEnv)}`, `SUM_FILE=${sum(values.byFile)}`].join('\n'),
      secrets: `by-value=${values.byValue}`,
      'secret-envs': 'by-env=ARCHWAY_E2E_BUILD_SECRET',
      'secret-files': `by-file=${secretFile}`,
      test: say('checked', 'cat /secrets-ok'),
      push: 'true'
    }
    const { main, post } = await job(runner, dockerHost, inputs, { ARCHWAY_E2E_BUILD_SECRET: values.byEnv })
    expect(main.errors).toEqual([])
    expect(main.code).toBe(0)
    expect(post?.errors).toEqual([])
    expect(post?.code).toBe(0)
    expect(said(main, 'checked')).toEqual(['secrets-checked', 'secrets-checked'])

    // The value given in the inputs is masked: the runner hides it wherever it is printed.
    expect(main.log.split('\n')).toContain(`::add-mask::${values.byValue}`)
    const image = await publishedBytes(repository, 'v1')
    // What is read back is the whole image: the history's build arguments, and the layer the last RUN wrote.
    expect(image.includes(sum(values.byFile))).toBe(true)
    expect(image.includes('secrets-checked')).toBe(true)
    const temp = filesUnder(runner.temp).map(f => readFileSync(f))
    for (const value of Object.values(values)) {
      for (const step of [main, post!]) {
        expect(step.log.split('\n').filter(l => l.includes(value) && !l.startsWith('::add-mask::'))).toEqual([])
        expect(JSON.stringify([step.state, step.outputs, step.summary])).not.toContain(value)
      }
      expect(image.includes(value)).toBe(false)
      expect(temp.filter(bytes => bytes.includes(value))).toEqual([])
    }
    expect(scratchLeft(runner)).toEqual([])
  })

  onOneStore(
    "ssh: default gives RUN --mount=type=ssh the step's SSH agent: ssh-add -L inside the build lists the agent's key",
    async () => {
      const agent = await sshAgent()
      try {
        const context = sampleContext(
          env.busyboxDir,
          dockerfile(
            'ARG PUBKEY LOADER',
            // The host's ssh-add and its libraries, bind-mounted for this step only (busybox speaks no SSH agent protocol).
            'RUN --mount=type=ssh --mount=type=bind,source=ssh-tool,target=/ssh-tool test -S "$SSH_AUTH_SOCK" && /ssh-tool/$LOADER --library-path /ssh-tool /ssh-tool/ssh-add -L | grep -qxF "$PUBKEY"'
          )
        )
        const loader = sshAddTool(join(context, 'ssh-tool'))
        const { main } = await job(
          runner,
          dockerHost,
          {
            platforms: NATIVE,
            image: `${env.registryOpen}/${unique(`ssh-${store}`)}`,
            context,
            'build-args': `PUBKEY=${agent.publicKey}\nLOADER=${loader}`,
            ssh: 'default'
          },
          { SSH_AUTH_SOCK: agent.socket }
        )
        expect(main.errors).toEqual([])
        expect(main.code).toBe(0)
        expect(main.log).toContain('--ssh default')
      } finally {
        agent.stop()
      }
    }
  )

  onOneStore(
    'build-contexts: a named context is there for COPY --from, and its file is in the image that was tested and pushed',
    async () => {
      const extra = tempDir('extra-context')
      const content = `extra-${nonce()}`
      writeFileSync(join(extra, 'extra.txt'), `${content}\n`)
      const repository = unique(`contexts-${store}`)
      const { main } = await job(runner, dockerHost, {
        platforms: NATIVE,
        image: `${env.registryOpen}/${repository}`,
        context: sampleContext(env.busyboxDir, dockerfile('COPY --from=extra extra.txt /extra.txt')),
        'build-contexts': `extra=${extra}`,
        test: say('extra', 'cat /extra.txt'),
        push: 'true'
      })
      expect(main.errors).toEqual([])
      expect(main.code).toBe(0)
      expect(said(main, 'extra')).toEqual([content])
      // The pushed platform image holds it too: its last layer is the named context's file.
      const digest = (JSON.parse(main.outputs['platform-digests']) as Record<string, string>)[NATIVE]
      const manifest = JSON.parse(skopeoRaw(`${env.registryOpen}/${repository}@${digest}`).toString()) as { layers: Descriptor[] }
      const last = manifest.layers[manifest.layers.length - 1]
      expect(gunzipSync(await blob(repository, last.digest)).includes(content)).toBe(true)
    }
  )

  it('no-cache: a second build takes the RUN step from the cache (same platform digest), no-cache: true runs it again (another digest)', async () => {
    const repository = unique(`no-cache-${store}`)
    const inputs = {
      platforms: NATIVE,
      image: `${env.registryOpen}/${repository}`,
      context: sampleContext(
        env.busyboxDir,
        dockerfile('ARG NONCE', 'RUN echo "$NONCE" > /nonce && head -c 16 /dev/urandom | od -An -tx1 > /stamp')
      ),
      'build-args': `NONCE=${nonce()}`,
      test: say('stamp', "tr -d ' \\n' < /stamp"),
      push: 'true'
    }
    const runs: { digest: string; stamp: string }[] = []
    for (const noCache of ['false', 'false', 'true']) {
      const { main } = await job(runner, dockerHost, { ...inputs, 'no-cache': noCache })
      expect(main.errors).toEqual([])
      expect(main.code).toBe(0)
      expect(said(main, 'stamp')).toHaveLength(1)
      runs.push({ digest: (JSON.parse(main.outputs['platform-digests']) as Record<string, string>)[NATIVE], stamp: said(main, 'stamp')[0] })
    }
    expect(runs[0].stamp).toMatch(/^[0-9a-f]{32}$/)
    expect(runs[1]).toEqual(runs[0])
    expect(runs[2].stamp).not.toBe(runs[0].stamp)
    expect(runs[2].digest).not.toBe(runs[0].digest)
  })

  it("pull: the engine's own copy of a base image wins over a moved tag; pull: true takes the registry's, and without a local copy the registry's is used anyway", async () => {
    const base = `${env.registryOpen}/${unique(`base-${store}`)}:1`
    const baseContext = nativeContext({
      Dockerfile:
        'FROM scratch\nCOPY busybox /bin/busybox\nARG ID\nRUN ["/bin/busybox", "sh", "-c", "/bin/busybox --install -s /bin && echo $ID > /base-id"]\n'
    })
    const inputs = {
      platforms: NATIVE,
      image: `${env.registryOpen}/${unique(`pull-${store}`)}`,
      context: sampleContext(env.busyboxDir, `FROM ${base}\nCOPY hello.sh /app/\n`),
      test: say('base', 'cat /base-id')
    }
    const seen = async (pull: string) => {
      const { main } = await job(runner, dockerHost, { ...inputs, pull })
      expect(main.errors).toEqual([])
      expect(main.code).toBe(0)
      expect(main.log.includes('--pull')).toBe(pull === 'true')
      return said(main, 'base')
    }
    const [a, b] = [`a-${nonce()}`, `b-${nonce()}`]
    pushOci(baseContext, base, [`ID=${a}`])
    // The engine holds the base as A (a `docker pull` or `docker run` of an earlier step, a long-lived runner), then the tag moves to B.
    docker(dockerHost, ['pull', '-q', base])
    try {
      pushOci(baseContext, base, [`ID=${b}`])
      expect(await seen('false')).toEqual([a])
      expect(await seen('true')).toEqual([b])
      // pull: true does not change the engine's copy: a build without it still sees A.
      expect(await seen('false')).toEqual([a])
      docker(dockerHost, ['image', 'rm', base])
      expect(await seen('false')).toEqual([b])
    } finally {
      removeImage(dockerHost, base)
    }
  })

  onOneStore(
    'network: none cuts RUN steps off (the build fails in one line naming the step), the default network reaches the host, host its loopback; add-hosts, shm-size and ulimit apply',
    async () => {
      const inputs = {
        platforms: NATIVE,
        image: `${env.registryOpen}/${unique(`network-${store}`)}`,
        context: sampleContext(
          env.busyboxDir,
          dockerfile(
            'ARG CASE PORT MARKER TO',
            // TO, or the default route's gateway: the host, seen from a bridge network.
            `RUN to="\${TO:-$(ip route | awk '/^default/ { print $3 }')}"; ${reach('"$to"')}`,
            `RUN grep -q '^10.11.12.13[[:space:]]*myhost$' /etc/hosts && [ "$(ulimit -n)" = 1234 ] && [ "$(ulimit -Hn)" = 2345 ] && df -k /dev/shm | awk 'NR == 2 { exit ($2 == 98304 ? 0 : 1) }'`
          )
        ),
        'add-hosts': 'myhost:10.11.12.13',
        'shm-size': '96m',
        ulimit: 'nofile=1234:2345'
      }
      // CASE makes each build's RUN steps its own: none is taken from the cache of another.
      const args = (c: string, to = '') => `CASE=${c}\nPORT=${http.port}\nMARKER=${http.marker}${to ? `\nTO=${to}` : ''}`

      const none = await job(runner, dockerHost, { ...inputs, network: 'none', 'build-args': args('none') })
      expect(none.main.code).toBe(1)
      // No route out at all: the gateway is empty.
      expect(none.main.log).toContain(`no answer from :${http.port}`)
      expect(none.main.errors).toHaveLength(1)
      // The one line says why: buildx's own last line, naming the step and its exit code.
      expect(none.main.errors[0]).toMatch(/^::error::docker buildx build .* exited with 1: /)
      expect(none.main.errors[0]).toMatch(
        /ERROR: failed to build: failed to solve: process "\/bin\/sh -c to=.*" did not complete successfully: exit code: 3$/
      )
      expect(scratchLeft(runner)).toEqual([])

      const bridge = await job(runner, dockerHost, { ...inputs, 'build-args': args('default') })
      expect(bridge.main.errors).toEqual([])
      expect(bridge.main.code).toBe(0)

      // buildx grants the network.host entitlement itself for --network host: no allow needed.
      const host = await job(runner, dockerHost, { ...inputs, network: 'host', 'build-args': args('host', '127.0.0.1') })
      expect(host.main.errors).toEqual([])
      expect(host.main.code).toBe(0)
    }
  )

  onOneStore(
    "allow: network.host lets a RUN --network=host step reach the host's loopback; without it the build fails in one line, buildx's `network.host is not allowed`",
    async () => {
      const inputs = {
        platforms: NATIVE,
        image: `${env.registryOpen}/${unique(`allow-${store}`)}`,
        context: sampleContext(env.busyboxDir, dockerfile('ARG CASE PORT MARKER', `RUN --network=host ${reach('127.0.0.1')}`))
      }
      const args = (c: string) => `CASE=${c}\nPORT=${http.port}\nMARKER=${http.marker}`
      const allowed = await job(runner, dockerHost, { ...inputs, allow: 'network.host', 'build-args': args('allowed') })
      expect(allowed.main.errors).toEqual([])
      expect(allowed.main.code).toBe(0)

      const refused = await job(runner, dockerHost, { ...inputs, 'build-args': args('refused') })
      expect(refused.main.code).toBe(1)
      expect(refused.main.errors).toHaveLength(1)
      expect(refused.main.errors[0]).toMatch(
        /^::error::docker buildx build .* exited with 1: .*ERROR: failed to build: failed to solve: failed to load LLB: network\.host is not allowed$/
      )
    }
  )

  onOneStore(
    "allow: security.insecure is refused by the engine as dockerd configures it by default: the build fails in one line with buildx's message",
    async () => {
      const { main } = await job(runner, dockerHost, {
        platforms: NATIVE,
        image: `${env.registryOpen}/${unique(`insecure-${store}`)}`,
        context: sampleContext(env.busyboxDir, dockerfile('RUN --security=insecure grep CapEff /proc/self/status')),
        allow: 'security.insecure'
      })
      expect(main.code).toBe(1)
      expect(main.errors).toHaveLength(1)
      expect(main.errors[0]).toMatch(
        /^::error::docker buildx build .* --allow security\.insecure .* exited with 1: .*ERROR: failed to build: failed to solve: granting entitlement security\.insecure is not allowed by build daemon configuration$/
      )
      expect(scratchLeft(runner)).toEqual([])
    }
  )
})

describe('cache-to and cache-from', () => {
  const cacheRepository = unique('cache')
  const cacheRef = `${env.registryOpen}/${cacheRepository}:buildcache`
  const inputs = {
    platforms: NATIVE,
    image: `${env.registryOpen}/${unique('cached')}`,
    context: sampleContext(
      env.busyboxDir,
      dockerfile('ARG NONCE', 'RUN echo "$NONCE" > /nonce && head -c 16 /dev/urandom | od -An -tx1 > /stamp')
    ),
    'build-args': `NONCE=${nonce()}`,
    test: say('stamp', "tr -d ' \\n' < /stamp")
  }
  let runner: Runner
  beforeAll(async () => {
    runner = await newRunner(env.toolCache)
  })

  it("type=registry: the containerd store exports the cache to the registry, and the classic store's build takes its RUN step from there", async () => {
    const exported = await job(runner, env.dockerContainerd, { ...inputs, 'cache-to': `type=registry,ref=${cacheRef},mode=max` })
    expect(exported.main.errors).toEqual([])
    expect(exported.main.code).toBe(0)
    const [stamp] = said(exported.main, 'stamp')
    expect(stamp).toMatch(/^[0-9a-f]{32}$/)
    expect(skopeoRaw(cacheRef).length).toBeGreaterThan(0)

    const imported = await job(runner, env.dockerClassic, { ...inputs, 'cache-from': `type=registry,ref=${cacheRef}` })
    expect(imported.main.errors).toEqual([])
    expect(imported.main.code).toBe(0)
    expect(said(imported.main, 'stamp')).toEqual([stamp])
  })

  it("cache exports other than type=inline are refused on the classic store's docker driver in one line naming the fix, before anything is set up", async () => {
    const fresh = await newRunner()
    // An emulated platform: QEMU would be downloaded into the fresh runner's tool cache first, were the refusal not up front.
    const emulated = { ...inputs, platforms: 'linux/s390x' }
    const refused = (entry: string) =>
      new RegExp(
        `^::error::Input "cache-to" has a bad value "${entry.replace(/[.]/g, '\\.')}": accepted on this engine \\(classic image store, docker driver\\): type=inline, .*containerd-snapshotter.*docker-container driver`
      )
    const registry = await job(fresh, env.dockerClassic, { ...emulated, 'cache-to': `type=registry,ref=${cacheRef}-classic` })
    // type=gha with the cache service a runner gives its actions, and without: refused either way (without, buildx would drop it without a word).
    const runnerCache = { ACTIONS_RUNTIME_TOKEN: 'e2e-token', ACTIONS_CACHE_URL: 'http://127.0.0.1:9/' }
    const gha = await job(fresh, env.dockerClassic, { ...emulated, 'cache-to': 'type=gha,mode=max' }, runnerCache)
    const outsideActions = await job(fresh, env.dockerClassic, { ...emulated, 'cache-to': 'type=gha,mode=max' })
    for (const [{ main }, entry] of [
      [registry, `type=registry,ref=${cacheRef}-classic`],
      [gha, 'type=gha,mode=max'],
      [outsideActions, 'type=gha,mode=max']
    ] as const) {
      expect(main.code).toBe(1)
      expect(main.errors).toEqual([expect.stringMatching(refused(entry))])
      expect(main.log).not.toMatch(/QEMU|Build plan|buildx build/)
      expect(main.outputs.digest).toBeUndefined()
    }
    expect(existsSync(fresh.toolCache)).toBe(false)
    expect(await tagsOf(env.registryOpen, cacheRepository)).not.toContain('buildcache-classic')
    expect(scratchLeft(fresh)).toEqual([])
  })
})

describe('sbom', () => {
  const PLATFORMS = ['linux/amd64', 'linux/arm64']
  const mark = nonce()
  const generator = `${env.registryOpen}/${unique('sbom-generator')}:1`
  let runner: Runner
  beforeAll(async () => {
    runner = await newRunner(env.toolCache)
    pushOci(sbomGeneratorContext(NATIVE_BUSYBOX, mark), generator)
  })
  afterAll(() => {
    // BuildKit may keep the generator it pulled in the engine's image store.
    for (const [, host] of STORES) removeImage(host, generator)
  })

  /** Builds and publishes the sample with `extra`; returns each platform's referrer's in-toto statements. */
  async function publish(extra: Record<string, string>): Promise<{ digest: string; statements: Statement[] }[]> {
    const repository = unique('sbom')
    const image = `${env.registryOpen}/${repository}`
    const inputs = {
      platforms: PLATFORMS.join(','),
      image,
      tags: 'v1',
      context: sampleContext(env.busyboxDir),
      test: 'sh /app/run-tests.sh',
      push: 'true',
      sbom: `generator=${generator}`,
      ...extra
    }
    const { main, post } = await job(runner, env.dockerContainerd, inputs)
    expect(main.errors).toEqual([])
    expect(main.code).toBe(0)
    expect(main.log).toContain(`--sbom=generator=${generator}`)
    expect(post?.errors).toEqual([])
    expect(post?.code).toBe(0)

    const raw = skopeoRaw(`${image}:v1`)
    expect(sha256(raw)).toBe(main.outputs.digest)
    const index = JSON.parse(raw.toString()) as { manifests: Descriptor[] }
    expect(index.manifests.map(m => `${m.platform?.os}/${m.platform?.architecture}`)).toEqual(PLATFORMS)
    expect(JSON.stringify(index)).not.toContain('unknown')
    const out = []
    for (const m of index.manifests) {
      const referrers = referrersOf(image, m.digest)
      expect(referrers).toHaveLength(1)
      expect(referrers[0].artifactType).toBe('application/vnd.docker.attestation.manifest.v1+json')
      const manifest = JSON.parse(skopeoRaw(`${image}@${referrers[0].digest}`).toString()) as { subject: Descriptor; layers: Descriptor[] }
      expect(manifest.subject.digest).toBe(m.digest)
      const statements: Statement[] = []
      for (const layer of manifest.layers) {
        expect(layer.mediaType).toBe('application/vnd.in-toto+json')
        const s = JSON.parse((await blob(repository, layer.digest)).toString()) as Statement
        expect(layer.annotations?.['in-toto.io/predicate-type']).toBe(s.predicateType)
        expect(s.subject.map(x => `sha256:${x.digest.sha256}`)).toEqual([m.digest])
        statements.push(s)
      }
      out.push({ digest: m.digest, statements })
    }
    return out
  }

  /** The fake generator's SPDX document, as BuildKit attached it: ours (the mark), listing the image's files. */
  function expectOurSpdx(statement: Statement | undefined): void {
    expect(statement?._type).toMatch(/^https:\/\/in-toto\.io\/Statement\//)
    const doc = statement?.predicate as { documentNamespace: string; creationInfo: { creators: string[] }; files: { fileName: string }[] }
    expect(doc.documentNamespace).toBe(`https://archway.invalid/e2e/${mark}`)
    expect(doc.creationInfo.creators).toContain('Tool: archway-e2e-fake-sbom')
    expect(doc.files.map(f => f.fileName).sort()).toEqual(['/app/hello.sh', '/app/run-tests.sh', '/bin/busybox'])
  }

  it("sbom: generator=IMAGE on the containerd store: each platform's SBOM, made by that generator, is its manifest's OCI referrer", async () => {
    for (const p of await publish({})) {
      expect(p.statements.map(s => s.predicateType)).toEqual([SPDX])
      expectOurSpdx(p.statements[0])
    }
  })

  it('sbom with provenance: true: the referrer holds both statements, SPDX and SLSA provenance', async () => {
    for (const p of await publish({ provenance: 'true' })) {
      const types = p.statements.map(s => s.predicateType)
      expect(types).toHaveLength(2)
      expect(types).toContain(SPDX)
      expect(types.filter(t => t !== SPDX)).toEqual([expect.stringMatching(/^https:\/\/slsa\.dev\/provenance\//)])
      expectOurSpdx(p.statements.find(s => s.predicateType === SPDX))
    }
  })

  it('stops on the classic image store in one line naming sbom and the classic store, before building, and pushes nothing', async () => {
    const repository = unique('sbom-classic')
    const { main } = await job(runner, env.dockerClassic, {
      platforms: PLATFORMS.join(','),
      image: `${env.registryOpen}/${repository}`,
      context: sampleContext(env.busyboxDir),
      push: 'true',
      sbom: 'true'
    })
    expect(main.code).toBe(1)
    expect(main.errors).toHaveLength(1)
    expect(main.errors[0]).toContain('"sbom"')
    expect(main.errors[0]).toContain('classic image store')
    expect(main.log).not.toContain('buildx')
    expect(main.log).not.toContain('::group::QEMU')
    expect(await tagsOf(env.registryOpen, repository)).toEqual([])
    expect((await fetch(`http://${env.registryOpen}/v2/${repository}/tags/list`)).status).toBe(404)
  })
})

interface Agent {
  readonly socket: string
  readonly publicKey: string
  stop(): void
}

/** An ssh-agent of this test's own on a temporary socket, holding a new ed25519 key. */
async function sshAgent(): Promise<Agent> {
  const dir = tempDir('ssh')
  const socket = join(dir, 'agent.sock')
  const child: ChildProcess = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' })
  const stop = () => {
    child.kill()
  }
  try {
    for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise(r => setTimeout(r, 50))
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'archway-e2e', '-f', join(dir, 'key')], { stdio: 'pipe' })
    execFileSync('ssh-add', ['-q', join(dir, 'key')], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'pipe' })
  } catch (err) {
    stop()
    throw err
  }
  return { socket, publicKey: readFileSync(join(dir, 'key.pub'), 'utf8').trim(), stop }
}

/** Copies this host's ssh-add and the libraries it loads into `dir`; returns the dynamic loader's file name. */
function sshAddTool(dir: string): string {
  mkdirSync(dir)
  const program = execFileSync('sh', ['-c', 'command -v ssh-add'], { encoding: 'utf8' }).trim()
  const libraries = [...execFileSync('ldd', [program], { encoding: 'utf8' }).matchAll(/(\/\S+) \(0x/g)].map(m => m[1])
  for (const file of [program, ...libraries]) cpSync(file, join(dir, basename(file)), { dereference: true })
  const loader = libraries.map(l => basename(l)).find(l => l.startsWith('ld-'))
  if (!loader) throw new Error(`no dynamic loader among the libraries of ${program}: ${libraries.join(', ')}`)
  return loader
}
