/** The local workflow runner the end-to-end tests run the project's workflows with. */

import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '../helpers/tmp.js'
import {
  condition,
  type Dict,
  elevated,
  expandMatrix,
  interpolate,
  permissionsOf,
  type WorkflowOptions,
  WorkflowRunner
} from '../helpers/workflow-runner.js'

describe('matrix expansion, as GitHub does it', () => {
  it('takes the product of the lists', () => {
    expect(expandMatrix({ os: ['a', 'b'], n: [1, 2] })).toEqual([
      { os: 'a', n: 1 },
      { os: 'a', n: 2 },
      { os: 'b', n: 1 },
      { os: 'b', n: 2 }
    ])
  })

  it('drops what exclude matches, extends what include fits and adds what it does not', () => {
    const matrix: Dict = {
      p: ['amd64', 'arm64'],
      q: [1, 2],
      exclude: [{ p: 'arm64', q: 2 }],
      include: [{ p: 'arm64', runner: 'arm' }, { p: 's390x' }]
    }
    expect(expandMatrix(matrix)).toEqual([{ p: 'amd64', q: 1 }, { p: 'amd64', q: 2 }, { p: 'arm64', q: 1, runner: 'arm' }, { p: 's390x' }])
  })

  it('makes one leg per include entry when there are no lists (a matrix from fromJSON)', () => {
    expect(expandMatrix({ include: [{ platform: 'linux/amd64' }, { platform: 'linux/arm64' }] })).toEqual([
      { platform: 'linux/amd64' },
      { platform: 'linux/arm64' }
    ])
  })
})

describe('expressions', () => {
  const ctx = {
    github: { event_name: 'push', sha: 'abc' },
    matrix: { platform: 'linux/arm64' },
    needs: { plan: { outputs: { m: '{"include":[{"a":1}]}' } } }
  }

  it('keep their type when a value is one expression, and join as text otherwise', () => {
    expect(interpolate("${{ github.event_name == 'push' }}", ctx)).toBe(true)
    expect(interpolate('${{ fromJSON(needs.plan.outputs.m) }}', ctx)).toEqual({ include: [{ a: 1 }] })
    expect(interpolate("${{ matrix.platform == 'linux/arm64' && 'ubuntu-24.04-arm' || 'ubuntu-latest' }}", ctx)).toBe('ubuntu-24.04-arm')
    expect(interpolate('tag-${{ github.sha }}-${{ github.event_name }}', ctx)).toBe('tag-abc-push')
    expect(interpolate({ list: ['${{ github.sha }}'] }, ctx)).toEqual({ list: ['abc'] })
  })

  it('give conditions an implicit success()', () => {
    expect(condition(undefined, ctx, 'success')).toBe(true)
    expect(condition(undefined, ctx, 'failure')).toBe(false)
    expect(condition("github.event_name == 'push'", ctx, 'failure')).toBe(false)
    expect(condition('${{ always() }}', ctx, 'failure')).toBe(true)
    expect(condition('failure()', ctx, 'failure')).toBe(true)
  })
})

describe('token permissions of a called workflow', () => {
  it("may not exceed the calling job's, scope by scope (an absent scope is none)", () => {
    expect(
      elevated(permissionsOf({ contents: 'read', packages: 'write' })!, permissionsOf({ contents: 'write', packages: 'read' })!)
    ).toEqual(['packages: write'])
    expect(elevated(permissionsOf({ 'id-token': 'write' })!, permissionsOf({ contents: 'read' })!)).toEqual(['id-token: write'])
    expect(elevated(permissionsOf('read-all')!, permissionsOf('write-all')!)).toEqual([])
    expect(permissionsOf(undefined)).toBeUndefined()
  })
})

describe('the runner refuses what it does not model', () => {
  function repoWith(workflow: string, action?: string): string {
    const repo = tempDir('wf-unit')
    mkdirSync(join(repo, '.github', 'workflows'), { recursive: true })
    writeFileSync(join(repo, '.github', 'workflows', 'w.yml'), workflow)
    if (action) writeFileSync(join(repo, 'action.yml'), action)
    execFileSync('git', ['init', '-q', repo])
    return repo
  }
  const runner = (repo: string, extra: Partial<WorkflowOptions> = {}) =>
    new WorkflowRunner({
      repo,
      repository: 'acme/x',
      event: 'push',
      runId: '1',
      sha: 'f'.repeat(40),
      home: tempDir('wf-home'),
      env: { PATH: process.env.PATH ?? '' },
      ...extra
    })
  const called = (repo: string, text: string) => writeFileSync(join(repo, '.github', 'workflows', 'called.yml'), text)
  const CALLED = [
    'on:',
    '  workflow_call:',
    '    inputs:',
    '      x:',
    '        type: string',
    '    secrets:',
    '      token:',
    '        required: true',
    '      other:',
    '        required: false',
    'jobs:',
    '  j:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - env:',
    '          TOKEN: ${{ secrets.token }}',
    "          HAS_GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN != '' }}",
    '        run: test "$TOKEN" = s3cret && test "$HAS_GITHUB_TOKEN" = true',
    ''
  ].join('\n')

  it('fails a step whose action is given an input its action.yml does not declare', async () => {
    const repo = repoWith(
      'on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ./\n        with:\n          plaforms: linux/arm64\n',
      'name: x\ninputs:\n  platforms:\n    default: all\nruns:\n  using: node24\n  main: main.js\n'
    )
    const run = await runner(repo).run('.github/workflows/w.yml')
    expect(run.result).toBe('failure')
    expect(run.jobs[0].steps.map(s => [s.name, s.outcome, s.log])).toEqual([
      ['actions/checkout@v4', 'success', expect.stringContaining('checked out acme/x')],
      ['./', 'failure', 'runner: ./: unexpected inputs plaforms\n']
    ])
  })

  it('throws on a workflow key it does not implement', async () => {
    const repo = repoWith(
      'on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    continue-on-error: true\n    steps:\n      - run: "true"\n'
    )
    await expect(runner(repo).run('.github/workflows/w.yml')).rejects.toThrow('continue-on-error not modelled by this runner')
  })

  it('refuses to call a workflow that asks for more permissions than the calling job has, as GitHub does', async () => {
    const repo = repoWith('on: push\njobs:\n  call:\n    uses: ./.github/workflows/called.yml\n')
    writeFileSync(
      join(repo, '.github', 'workflows', 'called.yml'),
      'on: workflow_call\npermissions:\n  packages: write\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: "true"\n'
    )
    await expect(runner(repo).run('.github/workflows/w.yml')).rejects.toThrow(
      '.github/workflows/called.yml asks for packages: write, more than the calling job call has'
    )
  })

  it('passes outputs from a run step to the next through GITHUB_OUTPUT and the steps context', async () => {
    const repo = repoWith(
      'on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    outputs:\n      v: ${{ steps.a.outputs.v }}\n    steps:\n      - id: a\n        run: echo "v=from-a" >> "$GITHUB_OUTPUT"\n      - run: test "${{ steps.a.outputs.v }}" = from-a\n'
    )
    const run = await runner(repo).run('.github/workflows/w.yml')
    expect({ result: run.result, outputs: run.jobs[0].outputs }).toEqual({ result: 'success', outputs: { v: 'from-a' } })
  })
  it("keeps the job's token in .git/config as actions/checkout does, unless persist-credentials is false", async () => {
    const basic = Buffer.from('x-access-token:ghs_local-runner-token').toString('base64')
    const repo = repoWith(
      [
        'on: push',
        'jobs:',
        '  j:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - uses: actions/checkout@v4',
        '        with:',
        '          path: kept',
        '      - uses: actions/checkout@v4',
        '        with:',
        '          path: dropped',
        '          persist-credentials: false',
        `      - run: grep -qF "basic ${basic}" kept/.git/config && test ! -e dropped/.git/config`,
        ''
      ].join('\n')
    )
    const run = await runner(repo).run('.github/workflows/w.yml')
    expect(run.jobs[0].steps.map(s => [s.outcome, s.log])).toEqual([
      ['success', expect.stringContaining(', the token in .git/config)')],
      ['success', expect.not.stringContaining('token')],
      ['success', '']
    ])
  })

  it('passes a called workflow the secrets it declares, and GITHUB_TOKEN', async () => {
    const repo = repoWith(
      'on: push\njobs:\n  call:\n    uses: ./.github/workflows/called.yml\n    secrets:\n      token: ${{ secrets.T }}\n'
    )
    called(repo, CALLED)
    const run = await runner(repo, { secrets: { T: 's3cret' } }).run('.github/workflows/w.yml')
    expect(run.result).toBe('success')
  })

  it('refuses, as GitHub does, a secret the called workflow does not declare, and a missing required one', async () => {
    const repo = repoWith(
      'on: push\njobs:\n  call:\n    uses: ./.github/workflows/called.yml\n    secrets:\n      token: x\n      tokn: ${{ secrets.T }}\n'
    )
    called(repo, CALLED)
    await expect(runner(repo).run('.github/workflows/w.yml')).rejects.toThrow(
      '.github/workflows/called.yml: secret tokn is not defined in the called workflow'
    )
    const none = repoWith('on: push\njobs:\n  call:\n    uses: ./.github/workflows/called.yml\n')
    called(none, CALLED)
    await expect(runner(none).run('.github/workflows/w.yml')).rejects.toThrow(
      '.github/workflows/called.yml: secret token is required, but not provided while calling'
    )
  })

  it("offers no secrets context to a workflow call's with: or a step's if:, as GitHub does not", async () => {
    const repo = repoWith(
      'on: push\njobs:\n  call:\n    uses: ./.github/workflows/called.yml\n    with:\n      x: ${{ secrets.T }}\n    secrets:\n      token: s3cret\n'
    )
    called(repo, CALLED)
    await expect(runner(repo).run('.github/workflows/w.yml')).rejects.toThrow("call: with: Unrecognized named-value: 'secrets'")
    const step = repoWith(
      'on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - if: secrets.T != \'\'\n        run: "true"\n'
    )
    await expect(runner(step).run('.github/workflows/w.yml')).rejects.toThrow("if: secrets.T != '': Unrecognized named-value: 'secrets'")
  })

  it('runs a push of a tag: github.ref and GITHUB_REF, GITHUB_REF_NAME, GITHUB_REF_TYPE', async () => {
    const repo = repoWith(
      'on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: test "${{ github.ref }} $GITHUB_REF $GITHUB_REF_NAME $GITHUB_REF_TYPE" = "refs/tags/v1.2.3 refs/tags/v1.2.3 v1.2.3 tag"\n'
    )
    const run = await runner(repo, { ref: 'refs/tags/v1.2.3' }).run('.github/workflows/w.yml')
    expect(run.result).toBe('success')
  })

  it('runs docker/metadata-action by its rules: outputs for the next steps, DOCKER_METADATA_OUTPUT_* in the environment', async () => {
    const workflow = [
      'on: push',
      'jobs:',
      '  j:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - id: meta',
      '        uses: docker/metadata-action@v5',
      '        with:',
      '          images: ghcr.io/acme/x',
      '          tags: |',
      '            type=semver,pattern={{version}}',
      '            type=sha',
      '      - run: |',
      '          test "${{ steps.meta.outputs.version }}" = 1.2.3',
      '          test "$DOCKER_METADATA_OUTPUT_TAGS" = "${{ steps.meta.outputs.tags }}"',
      '          printf "%s\\n" "${{ steps.meta.outputs.tags }}" > tags.txt',
      '          test "$(cat tags.txt)" = "$(printf "ghcr.io/acme/x:1.2.3\\nghcr.io/acme/x:sha-fffffff\\nghcr.io/acme/x:latest")"',
      ''
    ].join('\n')
    const repo = repoWith(workflow)
    const repositoryData = { name: 'x', description: null, html_url: 'https://github.com/acme/x', license: null }
    const run = await runner(repo, { ref: 'refs/tags/v1.2.3', repositoryData }).run('.github/workflows/w.yml')
    expect(run.jobs[0].steps.map(s => `${s.name}: ${s.outcome}`)).toEqual([
      'docker/metadata-action@v5: success',
      expect.stringMatching(/: success$/)
    ])
    expect(run.jobs[0].steps[0].outputs.labels.split('\n')).toEqual([
      expect.stringMatching(/^org\.opencontainers\.image\.created=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      'org.opencontainers.image.description=',
      'org.opencontainers.image.licenses=',
      `org.opencontainers.image.revision=${'f'.repeat(40)}`,
      'org.opencontainers.image.source=https://github.com/acme/x',
      'org.opencontainers.image.title=x',
      'org.opencontainers.image.url=https://github.com/acme/x',
      'org.opencontainers.image.version=1.2.3'
    ])
    // Without GitHub's answer for the repository, the step is refused rather than guessed.
    const bare = await runner(repoWith(workflow), { ref: 'refs/tags/v1.2.3' }).run('.github/workflows/w.yml')
    expect(bare.jobs[0].steps[0]).toMatchObject({
      outcome: 'failure',
      log: "runner: docker/metadata-action reads the repository from GitHub's API: no repositoryData here\n"
    })
  })
})
