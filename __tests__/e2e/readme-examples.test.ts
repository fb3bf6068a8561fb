/**
 * The copy-paste examples of the README and of docs/, run as a user's workflows by the local workflow runner, in
 * a user's repository (the bundled example project), with `acme/archway` served from this
 * working tree. Only what cannot exist here is swapped: ghcr.io becomes the test registry and
 * the project's test command becomes the example's. The repository's secrets hold NPM_TOKEN,
 * and GitHub's API answers for acme/app what `repositoryData` says (docker/metadata-action asks).
 */
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { localBusyboxImage } from '../helpers/busybox-image.js'
import { indexPlatforms, sha256, skopeoRaw, tagsOf } from '../helpers/registry-api.js'
import { newRunId, ROOT } from '../helpers/runner.js'
import { runnerHostEnv, testEnv } from '../helpers/testenv.js'
import { tempDir } from '../helpers/tmp.js'
import { failures, job, logOf, overview, type WorkflowOptions, type WorkflowRun, WorkflowRunner } from '../helpers/workflow-runner.js'

const env = testEnv()
/** The documentation's pages: the README, then every page under docs/. */
const pages = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter(f => f.endsWith('.md'))
    .sort()
    .map(f => join('docs', f))
]
/** Every YAML block of those pages, in order. */
const blocks = pages.flatMap(page => [...readFileSync(join(ROOT, page), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map(m => m[1]))
const USER_SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
const NPM_TOKEN = `npm_${randomBytes(12).toString('hex')}`

/** A user's repository: the example project, its Dockerfile the one FROM busybox:1.37. */
function userRepository(): string {
  const repo = tempDir('user-repo')
  copyFileSync(join(ROOT, 'example', 'Dockerfile.hub'), join(repo, 'Dockerfile'))
  for (const f of ['hello.sh', 'run-tests.sh']) copyFileSync(join(ROOT, 'example', f), join(repo, f))
  execFileSync('git', ['init', '-q', repo])
  return repo
}

/** Runs one example, given as a whole workflow's `jobs:`, in a fresh user repository. */
async function runExample(jobs: string, image: string, options: Partial<WorkflowOptions> = {}): Promise<WorkflowRun> {
  const repo = userRepository()
  const text = jobs
    .replaceAll('ghcr.io/acme/app', image)
    .replaceAll('make check', 'sh /app/run-tests.sh')
    .replaceAll('./run-tests.sh', 'sh /app/run-tests.sh')
  mkdirSync(join(repo, '.github', 'workflows'), { recursive: true })
  writeFileSync(join(repo, '.github', 'workflows', 'example.yml'), `name: README example\non: push\n${text}`)
  const runner = new WorkflowRunner({
    repo,
    repository: 'acme/app',
    event: 'push',
    runId: newRunId(),
    sha: USER_SHA,
    home: tempDir('readme-run'),
    env: runnerHostEnv(env),
    // QEMU from the test environment's tool cache: these tests are about the workflows, not its download.
    toolCache: env.toolCache,
    secrets: { NPM_TOKEN },
    repositories: { 'acme/archway': ROOT },
    repositoryData: { name: 'app', description: 'The app', html_url: 'https://github.com/acme/app', license: { spdx_id: 'MIT' } },
    ...options
  })
  return runner.run('.github/workflows/example.yml')
}

/** A block that is a list of steps, as the steps of one job after a checkout. */
const asJob = (steps: string, after = '') =>
  `jobs:\n  example:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${(steps + after).replace(/^(?=.)/gm, '      ')}`

const block = (pattern: RegExp) => {
  const found = blocks.filter(b => pattern.test(b))
  if (found.length !== 1) throw new Error(`${found.length} examples of the README and docs/ match ${pattern}`)
  return found[0]
}
const newImage = (what: string) => `${env.registryOpen}/readme/${what}-${randomBytes(4).toString('hex')}`
/** The distinct log lines of a run that hold the build secret: only the action's mask command, where it reached the action. */
const tokenLines = (run: WorkflowRun) => [...new Set(run.jobs.flatMap(j => logOf(j).split('\n')).filter(l => l.includes(NPM_TOKEN)))]
/** `KEY=VALUE` lines as an object. */
const pairs = (lines: string, prefix = '') =>
  Object.fromEntries(lines.split('\n').map(l => [l.slice(prefix.length, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))
/** Each image manifest an index lists. */
const manifestsOf = (image: string, raw: Buffer) =>
  (JSON.parse(raw.toString()) as { manifests: { digest: string }[] }).manifests.map(
    m =>
      JSON.parse(
        execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${image}@${m.digest}`], { encoding: 'utf8' })
      ) as { annotations?: Record<string, string> }
  )
/** The image config of each manifest an index lists. */
const configsOf = (image: string, raw: Buffer) =>
  (JSON.parse(raw.toString()) as { manifests: { digest: string }[] }).manifests.map(
    m =>
      JSON.parse(
        execFileSync('skopeo', ['inspect', '--config', '--raw', '--tls-verify=false', `docker://${image}@${m.digest}`], {
          encoding: 'utf8'
        })
      ) as {
        config: { Labels?: Record<string, string> }
      }
  )

beforeAll(() => localBusyboxImage(env))

describe("the examples of the README and docs/, run as a user's workflows", () => {
  it('one job: six platforms built, tested and published under both tags', async () => {
    const image = newImage('one-job')
    const run = await runExample(asJob(block(/^- uses: acme\/archway@v1\n(?:.*\n)*\s+image:/)), image)
    expect(failures(run)).toEqual([])
    const raw = skopeoRaw(`${image}:1.4.2`)
    expect(indexPlatforms(raw)).toEqual(['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/s390x', 'linux/ppc64le', 'linux/riscv64'])
    expect(sha256(skopeoRaw(`${image}:latest`))).toBe(sha256(raw))
  })

  it('emulation only: the next steps run arm64 and s390x programs', async () => {
    const check =
      '- name: arm64 and s390x programs run\n  run: |\n    test "$(docker run --rm --platform linux/arm64 busybox:1.37 uname -m)" = aarch64\n    test "$(docker run --rm --platform linux/s390x busybox:1.37 uname -m)" = s390x\n'
    const run = await runExample(asJob(block(/^- uses: acme\/archway@v1\n {2}with:\n {4}platforms: [^\n]*\n$/), check), newImage('unused'))
    expect(failures(run)).toEqual([])
    expect(job(run, 'example').steps.map(s => `${s.name}: ${s.outcome}`)).toEqual([
      'actions/checkout@v4: success',
      'acme/archway@v1: success',
      'arm64 and s390x programs run: success',
      'Post acme/archway@v1: success'
    ])
  })

  it('a matrix of jobs, no merge job: one index of the three platforms', async () => {
    const image = newImage('matrix')
    const run = await runExample(
      block(/^jobs:\n {2}image:\n {4}strategy:(?:.*\n)*.*build: \$\{\{ matrix.platform \}\}\n(?![\s\S]*mode: stage)/),
      image
    )
    expect(failures(run)).toEqual([])
    expect(overview(run).map(j => `${j.path} on ${j.runsOn}`)).toEqual([
      'image (linux/amd64) on ubuntu-latest',
      'image (linux/arm64) on ubuntu-24.04-arm',
      'image (linux/s390x) on ubuntu-latest'
    ])
    expect(indexPlatforms(skopeoRaw(`${image}:latest`))).toEqual(['linux/amd64', 'linux/arm64', 'linux/s390x'])
    expect(run.jobs.filter(j => logOf(j).includes('Every platform is staged: published'))).toHaveLength(1)
  })

  it('stage, then a merge job: the merge job publishes and gives the digest', async () => {
    const image = newImage('stage-merge')
    const run = await runExample(block(/mode: merge/), image)
    expect(failures(run)).toEqual([])
    const publish = job(run, 'publish')
    expect(publish.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    const raw = skopeoRaw(`${image}:latest`)
    expect(sha256(raw)).toBe(publish.outputs.digest)
    expect(indexPlatforms(raw)).toEqual(['linux/amd64', 'linux/arm64', 'linux/s390x'])
    // The staging jobs left the publishing to the merge job, which removed their staging tags.
    for (const p of ['linux/amd64', 'linux/arm64', 'linux/s390x']) expect(logOf(job(run, `image (${p})`))).not.toContain('published')
    expect(await tagsOf(env.registryOpen, image.slice(env.registryOpen.length + 1))).toEqual(['latest'])
  })

  it('the reusable workflow: one job per platform, arm64 and arm/v7 on the arm64 runner label', async () => {
    const image = newImage('reusable')
    const run = await runExample(block(/uses: acme\/archway\/\.github\/workflows\/multiarch\.yml@v1/), image)
    expect(failures(run)).toEqual([])
    expect(overview(run).map(j => `${j.path} on ${j.runsOn}`)).toEqual([
      'image/image (linux/amd64, ubuntu-latest) on ubuntu-latest',
      'image/image (linux/arm/v7, ubuntu-24.04-arm) on ubuntu-24.04-arm',
      'image/image (linux/arm64, ubuntu-24.04-arm) on ubuntu-24.04-arm',
      'image/plan on ubuntu-latest'
    ])
    const raw = skopeoRaw(`${image}:1.4.2`)
    expect(indexPlatforms(raw)).toEqual(['linux/amd64', 'linux/arm64', 'linux/arm/v7'])
    expect(sha256(skopeoRaw(`${image}:latest`))).toBe(sha256(raw))
    // build-secrets, a secret of the workflow, reached the action in each platform's job and no log line but its mask command.
    expect(tokenLines(run)).toEqual([`::add-mask::${NPM_TOKEN}`])
  })

  it('a release: tags, labels and annotations from docker/metadata-action, a build secret, the gha cache lines', async () => {
    const image = newImage('release')
    // A push of the tag v1.4.2; the whole job of docs/release.md (the README's switching snippets are steps).
    const run = await runExample(block(/^jobs:[\s\S]*uses: docker\/metadata-action@v5/), image, { ref: 'refs/tags/v1.4.2' })
    expect(failures(run)).toEqual([])
    const meta = job(run, 'release').steps.find(s => s.name === 'docker/metadata-action@v5')!.outputs
    expect(meta.tags.split('\n')).toEqual([`${image}:1.4.2`, `${image}:1.4`, `${image}:sha-a1b2c3d`, `${image}:latest`])
    const raw = skopeoRaw(`${image}:1.4.2`)
    expect(indexPlatforms(raw)).toEqual(['linux/amd64', 'linux/arm64'])
    for (const tag of ['1.4', 'sha-a1b2c3d', 'latest']) expect(sha256(skopeoRaw(`${image}:${tag}`))).toBe(sha256(raw))
    // Every label metadata-action gave is on every platform's image; every annotation on the index.
    const labels = pairs(meta.labels)
    expect(labels).toMatchObject({
      'org.opencontainers.image.version': '1.4.2',
      'org.opencontainers.image.revision': USER_SHA,
      'org.opencontainers.image.source': 'https://github.com/acme/app',
      'org.opencontainers.image.licenses': 'MIT'
    })
    for (const config of configsOf(image, raw)) expect(config.config.Labels).toMatchObject(labels)
    // metadata-action's annotations at both levels asked for: each platform's manifest, and the index.
    const levels = (level: string) =>
      meta.annotations
        .split('\n')
        .filter(a => a.startsWith(`${level}:`))
        .join('\n')
    expect(Object.keys(pairs(levels('manifest'), 'manifest:'))).toEqual(Object.keys(pairs(levels('index'), 'index:')))
    expect(Object.keys(pairs(levels('index'), 'index:'))).toContain('org.opencontainers.image.version')
    expect(JSON.parse(raw.toString()).annotations).toMatchObject(pairs(levels('index'), 'index:'))
    for (const m of manifestsOf(image, raw)) expect(m.annotations).toEqual(pairs(levels('manifest'), 'manifest:'))
    // The build secret reached the action and no log line but its mask command.
    expect(tokenLines(run)).toEqual([`::add-mask::${NPM_TOKEN}`])
    // The cache lines reach buildx as written. This workflow runner gives the step none of the cache
    // service's variables (ACTIONS_RUNTIME_TOKEN, ACTIONS_RESULTS_URL), and buildx then drops type=gha
    // cache entries without a word, as outside Actions: this run shows the lines are taken and passed
    // on; gha-cache.test.ts runs the cache itself through the stand-in of the cache service.
    const log = logOf(job(run, 'release'))
    expect(log).toContain('--cache-from type=gha --cache-to type=gha,mode=max')
    expect(log).not.toContain('GitHub Actions Cache')
  })
})
