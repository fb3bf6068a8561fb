/**
 * The project's workflow files themselves, run on this machine by the local workflow runner
 * (expressions, matrices, the reusable workflow's inputs and secrets, the action's entry
 * points): the self-test as on a pull request, and a user's workflow calling the reusable
 * workflow, with build settings and a build secret, against the test environment's registry
 * that needs credentials.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { localBusyboxImage } from '../helpers/busybox-image.js'
import { indexPlatforms, sha256, skopeoRaw, tagsOf } from '../helpers/registry-api.js'
import { newRunId, ROOT } from '../helpers/runner.js'
import { docker, runnerHostEnv, testEnv } from '../helpers/testenv.js'
import { tempDir } from '../helpers/tmp.js'
import { failures, job, logOf, overview, type WorkflowOptions, type WorkflowRun, WorkflowRunner } from '../helpers/workflow-runner.js'

const env = testEnv()
const SHA = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim()

function newWorkflowRunner(event: 'push' | 'pull_request', extra: Partial<WorkflowOptions> = {}): WorkflowRunner {
  return new WorkflowRunner({
    repo: ROOT,
    repository: 'Octo-Fork/archway', // not the default archway-repository (the self-test must pass its own), and with the capitals an owner may have
    event,
    runId: newRunId(),
    sha: SHA,
    home: tempDir('workflow'),
    env: runnerHostEnv(env),
    // QEMU from the test environment's tool cache: these tests are about the workflows, not its download.
    toolCache: env.toolCache,
    services: { 'registry:2@5000': env.registryOpen },
    ...extra
  })
}

beforeAll(() => {
  localBusyboxImage(env)
  expect(docker(env.dockerContainerd, ['image', 'inspect', '--format', '{{.Id}}', 'busybox:1.37']).trim()).toMatch(/^sha256:/)
})

describe('the self-test workflow, run as on a pull request', () => {
  it('passes in all three ways: one job, a matrix of jobs, the reusable workflow', async () => {
    const run = await newWorkflowRunner('pull_request').run('.github/workflows/self-test.yml')
    expect(failures(run)).toEqual([])
    expect(overview(run)).toEqual([
      { path: 'matrix (linux/amd64)', runsOn: 'ubuntu-latest', result: 'success' },
      { path: 'matrix (linux/arm64)', runsOn: 'ubuntu-24.04-arm', result: 'success' },
      { path: 'matrix (linux/s390x)', runsOn: 'ubuntu-latest', result: 'success' },
      { path: 'one-job', runsOn: 'ubuntu-latest', result: 'success' },
      { path: 'reusable/image (linux/amd64, ubuntu-latest)', runsOn: 'ubuntu-latest', result: 'success' },
      { path: 'reusable/image (linux/arm64, ubuntu-24.04-arm)', runsOn: 'ubuntu-24.04-arm', result: 'success' },
      { path: 'reusable/plan', runsOn: 'ubuntu-latest', result: 'success' }
    ])

    // One job: the six platforms published under both tags, the digest announced by main.
    const oneJob = job(run, 'one-job')
    const announced = oneJob.steps
      .find(s => s.name.startsWith('The index digest'))!
      .log.trim()
      .split(' ')[0]
    const raw = skopeoRaw(`${env.registryOpen}/archway/example:${SHA}`)
    expect(sha256(raw)).toBe(announced)
    expect(indexPlatforms(raw)).toEqual(['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/s390x', 'linux/ppc64le', 'linux/riscv64'])
    expect(sha256(skopeoRaw(`${env.registryOpen}/archway/example:latest`))).toBe(announced)

    // The matrix and the reusable workflow do not push on a pull request: each job built and
    // tested its own platform only.
    for (const p of ['linux/amd64', 'linux/arm64', 'linux/s390x']) {
      const log = logOf(job(run, `matrix (${p})`))
      expect(log.match(/Test and verify linux\/\S+/g)).toEqual([`Test and verify ${p}`])
      expect(log).toContain('Test passed in')
    }
    expect(job(run, 'reusable/plan').outputs).toEqual({
      matrix: JSON.stringify({
        include: [
          { platform: 'linux/amd64', runner: 'ubuntu-latest' },
          { platform: 'linux/arm64', runner: 'ubuntu-24.04-arm' }
        ]
      }),
      platforms: 'linux/amd64,linux/arm64'
    })
  })
})

describe("the reusable workflow's build context", () => {
  // What actions/checkout keeps in .git/config with its default persist-credentials: the job's token, base64-encoded.
  const kept = Buffer.from('x-access-token:ghs_local-runner-token').toString('base64')
  const check = `test -f /context/action.yml && test ! -e /context/.archway && test ! -e /context/.git/config && ! grep -rqF ${kept} /context`

  it("is the user's repository alone: neither Archway's checkout nor the job's token is in it", async () => {
    const run = await newWorkflowRunner('push', {
      vars: { REGISTRY: env.registryOpen, REPOSITORY: `e2e/context-${randomBytes(4).toString('hex')}`, TEST: check }
    }).run('__tests__/fixtures/workflows/context.yml')
    expect(failures(run)).toEqual([])
    expect(overview(run).map(j => `${j.path}: ${j.result}`)).toEqual([
      'image/image (linux/amd64, ubuntu-latest): success',
      'image/plan: success'
    ])
    const log = logOf(job(run, 'image/image (linux/amd64, ubuntu-latest)'))
    expect(log).toContain('Test passed in')
    expect(log).not.toContain('the token in .git/config')
  })

  it('would have the token in it had a checkout kept it: the same look inside an image finds it', () => {
    const ctx = tempDir('leaky-context')
    mkdirSync(join(ctx, '.git'))
    writeFileSync(join(ctx, '.git', 'config'), `[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic ${kept}\n`)
    const look = (what: string) =>
      spawnSync('docker', ['run', '--rm', '-v', `${ctx}:/context:ro`, 'busybox:1.37', 'sh', '-c', `! grep -rqF ${what} /context`], {
        env: { ...process.env, DOCKER_HOST: env.dockerContainerd }
      }).status
    expect(look(kept)).toBe(1)
    expect(look('not-the-token')).toBe(0)
  })
})

describe("a user's workflow calling the reusable workflow", () => {
  // The build secret release.yml passes as build-secrets; the Dockerfile's RUN step checks it against its hash, a build argument.
  const buildToken = `tok-${randomBytes(12).toString('hex')}`
  const tokenSha256 = createHash('sha256').update(buildToken).digest('hex')
  const release = (test: string, repository = `e2e/reusable-${randomBytes(4).toString('hex')}`, attempt: Partial<WorkflowOptions> = {}) => {
    const runner = newWorkflowRunner('push', {
      vars: { REGISTRY: env.registryAuth, REPOSITORY: repository, TEST: test, TOKEN_SHA256: tokenSha256 },
      secrets: { REGISTRY_USERNAME: env.registryUser, REGISTRY_PASSWORD: env.registryPassword, BUILD_TOKEN: buildToken },
      ...attempt
    })
    return { repository, run: runner.run('__tests__/fixtures/workflows/release.yml') }
  }
  const auth = { username: env.registryUser, password: env.registryPassword }
  const creds = `${env.registryUser}:${env.registryPassword}`
  /** The image config (skopeo's raw config blob) of each manifest an index lists, by platform. */
  const configs = (raw: Buffer, repository: string) =>
    Object.fromEntries(
      (
        JSON.parse(raw.toString()) as { manifests: { digest: string; platform: { architecture: string; variant?: string } }[] }
      ).manifests.map(m => [
        [m.platform.architecture, m.platform.variant].filter(Boolean).join('/'),
        execFileSync(
          'skopeo',
          [
            'inspect',
            '--config',
            '--raw',
            '--tls-verify=false',
            '--creds',
            creds,
            `docker://${env.registryAuth}/${repository}@${m.digest}`
          ],
          { encoding: 'utf8' }
        )
      ])
    )
  /** Every distinct log line of the run that holds `value`. */
  const linesWith = (run: WorkflowRun, value: string) => [
    ...new Set(run.jobs.flatMap(j => logOf(j).split('\n')).filter(line => line.includes(value)))
  ]

  it("the fixture's build needs the secret: without it, or with another value, its RUN step fails", () => {
    const build = (secret?: string) =>
      spawnSync(
        'docker',
        [
          'buildx',
          'build',
          '--platform',
          'linux/amd64',
          '--build-arg',
          `TOKEN_SHA256=${tokenSha256}`,
          ...(secret === undefined ? [] : ['--secret', 'id=token,env=FIXTURE_TOKEN']),
          '-f',
          join(ROOT, '__tests__/fixtures/workflows/Dockerfile.release'),
          join(ROOT, 'example')
        ],
        { env: { ...process.env, DOCKER_HOST: env.dockerContainerd, FIXTURE_TOKEN: secret ?? '' }, encoding: 'utf8' }
      )
    const missing = build()
    expect([missing.status, missing.stderr]).toEqual([1, expect.stringContaining('secret token: not found')])
    const other = build(`${buildToken}x`)
    expect([other.status, other.stderr]).toEqual([
      1,
      expect.stringContaining('sha256sum -c -s -" did not complete successfully: exit code: 1')
    ])
  })

  it('publishes one index of its three platforms, with its build settings, the build secret and the registry credentials from its secrets', async () => {
    const { repository, run: pending } = release('sh /app/run-tests.sh')
    const run = await pending
    expect(failures(run)).toEqual([])
    expect(overview(run)).toEqual([
      { path: 'release/image (linux/amd64, ubuntu-latest)', runsOn: 'ubuntu-latest', result: 'success' },
      { path: 'release/image (linux/arm/v7, ubuntu-24.04-arm)', runsOn: 'ubuntu-24.04-arm', result: 'success' },
      { path: 'release/image (linux/arm64, ubuntu-24.04-arm)', runsOn: 'ubuntu-24.04-arm', result: 'success' },
      { path: 'release/plan', runsOn: 'ubuntu-latest', result: 'success' }
    ])
    expect(run.outputs).toEqual({})
    const raw = skopeoRaw(`${env.registryAuth}/${repository}:latest`, creds)
    expect(indexPlatforms(raw)).toEqual(['linux/amd64', 'linux/arm64', 'linux/arm/v7'])
    expect(sha256(skopeoRaw(`${env.registryAuth}/${repository}:${SHA}`, creds))).toBe(sha256(raw))
    // Exactly one job published; the staging tags are gone.
    const publishers = run.jobs.filter(j => logOf(j).includes('Every platform is staged: published'))
    expect(publishers).toHaveLength(1)
    expect((await tagsOf(env.registryAuth, repository, auth)).sort()).toEqual([SHA, 'latest'].sort())
    // The build settings: every image has the labels (and the build argument, which the RUN step
    // needed with the secret); the index has the annotation.
    const platformConfigs = configs(raw, repository)
    expect(Object.keys(platformConfigs)).toEqual(['amd64', 'arm64', 'arm/v7'])
    for (const config of Object.values(platformConfigs)) {
      expect(JSON.parse(config).config.Labels).toMatchObject({
        'org.opencontainers.image.title': 'Archway release fixture',
        'org.opencontainers.image.revision': SHA
      })
      expect(config).not.toContain(buildToken)
    }
    expect(JSON.parse(raw.toString()).annotations).toMatchObject({ 'org.opencontainers.image.vendor': 'Acme' })
    // The password and the build secret reached the action but no log line, except the runner's mask command.
    expect(linesWith(run, env.registryPassword)).toEqual([`::add-mask::${env.registryPassword}`])
    expect(linesWith(run, buildToken)).toEqual([`::add-mask::${buildToken}`])
  })

  it('publishes nothing when one platform fails its tests, and says which; "Re-run failed jobs" then completes the release', async () => {
    const runId = newRunId()
    const { repository, run: pending } = release('[ "$(uname -m)" != armv7l ] || { echo "armv7l: 1 test failed"; exit 3; }', undefined, {
      runId
    })
    const run = await pending
    expect(run.result).toBe('failure')
    expect(overview(run).map(j => `${j.path}: ${j.result}`)).toEqual([
      'release/image (linux/amd64, ubuntu-latest): success',
      'release/image (linux/arm/v7, ubuntu-24.04-arm): failure',
      'release/image (linux/arm64, ubuntu-24.04-arm): success',
      'release/plan: success'
    ])
    const failed = job(run, 'release/image (linux/arm/v7, ubuntu-24.04-arm)')
    expect(failed.steps.map(s => `${s.name}: ${s.outcome}`).slice(-2)).toEqual(['./.archway: failure', 'Post ./.archway: skipped'])
    expect(logOf(failed)).toContain('::error::Tests failed on linux/arm/v7 with exit code 3; last lines: armv7l: 1 test failed')
    expect((await tagsOf(env.registryAuth, repository, auth)).filter(t => !t.startsWith('archway-stage-'))).toEqual([])

    // The flaky test passes on attempt 2 (the variable it reads was mended), which runs only the failed job.
    const { run: rerun } = release('sh /app/run-tests.sh', repository, { runId, runAttempt: '2', rerunOf: run })
    const second = await rerun
    expect(failures(second)).toEqual([])
    expect(overview(second).map(j => `${j.path}: ${j.result} (attempt ${job(second, j.path).attempt})`)).toEqual([
      'release/image (linux/amd64, ubuntu-latest): success (attempt 1)',
      'release/image (linux/arm/v7, ubuntu-24.04-arm): success (attempt 2)',
      'release/image (linux/arm64, ubuntu-24.04-arm): success (attempt 1)',
      'release/plan: success (attempt 1)'
    ])
    expect(logOf(job(second, 'release/image (linux/arm/v7, ubuntu-24.04-arm)'))).toContain('Every platform is staged: published')
    expect(indexPlatforms(skopeoRaw(`${env.registryAuth}/${repository}:latest`, creds))).toEqual([
      'linux/amd64',
      'linux/arm64',
      'linux/arm/v7'
    ])
    expect((await tagsOf(env.registryAuth, repository, auth)).sort()).toEqual([SHA, 'latest'].sort())
  })
})
