/**
 * Runs this project's workflow files on this machine, the way GitHub's runner would run them:
 * jobs in `needs` order (independent jobs and matrix legs at the same time), expressions
 * evaluated by GitHub's own expression library, matrices expanded with include/exclude,
 * reusable workflows called with typed inputs and secrets, `run` steps through bash with
 * GITHUB_OUTPUT/GITHUB_ENV, `uses: ./<dir>` actions through their action.yml (every declared
 * input passed as INPUT_*, defaults included; post steps in reverse order under `post-if`).
 *
 * Every job runs on this host with a runner folder of its own (workspace, temp, tool cache),
 * whatever `runs-on` says; the label is recorded so tests can check it. A workflow key,
 * action or service this runner does not model makes the run fail, never pass unnoticed.
 * Stand-ins: `actions/checkout` copies the repository under test (only at the run's own
 * commit); other repositories (`acme/archway` for a user's workflow) are local folders whose
 * working tree serves any ref, for checkouts, actions and reusable workflows alike; a
 * `registry:2` service is the test environment's registry on the same port;
 * `docker/metadata-action` is computed here by its own rules (./metadata-action.ts).
 */
import { execFileSync, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { data, Evaluator, Lexer, Parser } from '@actions/expressions'
import { parse as parseYaml } from 'yaml'
import { MetadataError, MetadataNotModelled, metadataAction, type RepoData } from './metadata-action.js'
import { parseCommandFile } from './runner-env.js'

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
export type Dict = Record<string, Json>
type Status = 'success' | 'failure'

export interface WorkflowOptions {
  /** The repository under test: what `actions/checkout` copies. */
  readonly repo: string
  /** owner/name of that repository, as `github.repository`. */
  readonly repository: string
  readonly event: 'push' | 'pull_request'
  /** The ref the run is for: a push's `refs/heads/<branch>` or `refs/tags/<tag>` (default `refs/heads/main`; `refs/pull/1/merge` on a pull request). */
  readonly ref?: string
  readonly runId: string
  readonly runAttempt?: string
  /**
   * "Re-run failed jobs": the earlier attempt of this run. Its successful jobs are not run
   * again; their results and outputs carry over, as on GitHub. Give a higher runAttempt.
   */
  readonly rerunOf?: WorkflowRun
  /** The commit the run is for; `actions/checkout` serves only this one. */
  readonly sha: string
  /** Where each job's runner folder is made. */
  readonly home: string
  /**
   * One tool cache every job uses, kept from job to job, as on a self-hosted runner; by default
   * each job has its own, empty, as on GitHub's hosted runners (QEMU then comes from the archive).
   */
  readonly toolCache?: string
  /** The environment every step starts from (PATH, HOME, DOCKER_HOST...). */
  readonly env: Record<string, string>
  readonly secrets?: Record<string, string>
  readonly vars?: Record<string, string>
  /** Services a job may declare, by `image@host-port`, each answered by something already listening. */
  readonly services?: Record<string, string>
  /**
   * Other repositories, by owner/name, as local folders: their actions (`uses: owner/name@ref`),
   * reusable workflows (`uses: owner/name/path@ref`) and checkouts, at any ref (the folder's
   * working tree stands in for every ref).
   */
  readonly repositories?: Record<string, string>
  /** What GitHub's API answers for `repository`, for the actions that ask it (docker/metadata-action). */
  readonly repositoryData?: RepoData
}

export interface StepRun {
  readonly name: string
  readonly outcome: 'success' | 'failure' | 'skipped'
  readonly log: string
  readonly outputs: Record<string, string>
}

export interface JobRun {
  /** The job's path: `reusable/image (linux/arm64)` for a matrix leg of a called workflow. */
  readonly path: string
  readonly runsOn: string
  readonly matrix: Dict
  readonly result: Status
  readonly outputs: Record<string, string>
  readonly steps: StepRun[]
  /** The run attempt this job ran in (an earlier one when a re-run carried it over). */
  readonly attempt: string
}

export interface WorkflowRun {
  readonly result: Status
  readonly jobs: JobRun[]
  /** A called workflow's outputs (on.workflow_call.outputs). */
  readonly outputs: Record<string, string>
}

const KNOWN = {
  workflow: ['name', 'on', 'permissions', 'env', 'jobs'],
  job: [
    'name',
    'runs-on',
    'needs',
    'strategy',
    'permissions',
    'steps',
    'outputs',
    'services',
    'timeout-minutes',
    'env',
    'uses',
    'with',
    'secrets'
  ],
  step: ['name', 'id', 'uses', 'with', 'run', 'env', 'if']
}

export class WorkflowError extends Error {}

function refuseUnknown(what: string, node: object, known: readonly string[]): void {
  const extra = Object.keys(node).filter(k => !known.includes(k))
  if (extra.length) throw new WorkflowError(`${what}: ${extra.join(', ')} not modelled by this runner`)
}

// --- expressions -----------------------------------------------------------------------------

const STATUS_FUNCS = ['success', 'failure', 'always', 'cancelled']

/** Evaluates one expression (the text inside `${{ }}`) against plain JSON contexts. */
export function evaluate(expression: string, contexts: Dict, status: Status = 'success'): Json {
  const lexed = new Lexer(expression).lex()
  const funcs = STATUS_FUNCS.map(name => ({ name, minArgs: 0, maxArgs: 0 }))
  const tree = new Parser(lexed.tokens, Object.keys(contexts), funcs).parse()
  const answers: Record<string, boolean> = { success: status === 'success', failure: status === 'failure', always: true, cancelled: false }
  const impl = new Map(STATUS_FUNCS.map(name => [name, { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(answers[name]) }]))
  const ctx = JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary
  const result = new Evaluator(tree, ctx, impl).evaluate()
  return JSON.parse(JSON.stringify(result, data.replacer)) as Json
}

const asString = (v: Json): string => (v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v))

/**
 * A value from the workflow file with its `${{ }}` parts evaluated. A string that is exactly one
 * expression keeps the expression's type (a matrix from fromJSON, a boolean); otherwise the parts
 * are joined as text, as GitHub does.
 */
export function interpolate(value: Json, contexts: Dict, status: Status = 'success'): Json {
  if (Array.isArray(value)) return value.map(v => interpolate(v, contexts, status))
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, contexts, status)]))
  if (typeof value !== 'string' || !value.includes('${{')) return value
  const whole = /^\s*\$\{\{([\s\S]*?)\}\}\s*$/.exec(value)
  if (whole && !whole[1].includes('}}')) return evaluate(whole[1], contexts, status)
  return value.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expr: string) => asString(evaluate(expr, contexts, status)))
}

/** The contexts without `secrets`, for the places where GitHub does not offer it (a step's `if:`, a workflow call's `with:`). */
export function withoutSecrets(contexts: Dict): Dict {
  const { secrets: _, ...rest } = contexts
  return rest
}

/**
 * An `if:` condition: an expression with or without `${{ }}`, success() unless it names a status
 * function. `secrets` is not among its contexts (GitHub refuses such a workflow: give the secret
 * to the step's `env` and test that).
 */
export function condition(text: Json | undefined, contexts: Dict, status: Status): boolean {
  if (text === undefined) return status === 'success'
  const expr = String(text).replace(/^\s*\$\{\{([\s\S]*)\}\}\s*$/, '$1')
  const named = STATUS_FUNCS.some(f => new RegExp(`\\b${f}\\(`).test(expr))
  let value: Json
  try {
    value = evaluate(named ? expr : `success() && (${expr})`, withoutSecrets(contexts), status)
  } catch (e) {
    throw new WorkflowError(`if: ${String(text)}: ${(e as Error).message}`)
  }
  return value !== null && value !== false && value !== 0 && value !== ''
}

// --- matrix ----------------------------------------------------------------------------------

/** GitHub's matrix expansion: the product of the lists, minus exclude, then include. */
export function expandMatrix(matrix: Dict): Dict[] {
  const { include = [], exclude = [], ...lists } = matrix as Dict & { include?: Dict[]; exclude?: Dict[] }
  let combos: Dict[] = Object.keys(lists).length ? [{}] : []
  for (const [key, values] of Object.entries(lists)) {
    if (!Array.isArray(values)) throw new WorkflowError(`matrix.${key} is not a list`)
    combos = combos.flatMap(c => values.map(v => ({ ...c, [key]: v })))
  }
  const same = (a: Json, b: Json) => JSON.stringify(a) === JSON.stringify(b)
  combos = combos.filter(c => !(exclude as Dict[]).some(e => Object.entries(e).every(([k, v]) => same(c[k], v))))
  const original = Object.keys(lists)
  const base = combos.map(c => ({ ...c }))
  for (const inc of include as Dict[]) {
    let matched = false
    combos.forEach((c, i) => {
      const fits = Object.entries(inc).every(([k, v]) => !original.includes(k) || same(base[i][k], v))
      if (fits && original.length) {
        Object.assign(c, inc)
        matched = true
      }
    })
    if (!matched) combos.push({ ...inc })
  }
  return combos
}

// --- processes -------------------------------------------------------------------------------

function runProcess(command: string, args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number; log: string }> {
  return new Promise(done => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let log = ''
    child.stdout.on('data', d => (log += d))
    child.stderr.on('data', d => (log += d))
    child.on('close', code => done({ code: code ?? -1, log }))
  })
}

interface Files {
  readonly GITHUB_OUTPUT: string
  readonly GITHUB_ENV: string
  readonly GITHUB_STATE: string
  readonly GITHUB_STEP_SUMMARY: string
}

let fileCounter = 0
function stepFiles(temp: string): Files {
  const dir = join(temp, '_runner_file_commands', String(++fileCounter))
  mkdirSync(dir, { recursive: true })
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary')
  }
  for (const f of Object.values(files)) writeFileSync(f, '')
  return files
}

const readCommands = (file: string) => parseCommandFile(readFileSync(file, 'utf8'))

// --- the runner ------------------------------------------------------------------------------

interface Caller {
  readonly path: string
  readonly inputs: Dict
  readonly secrets: Record<string, string>
  /** `secrets: inherit`: every secret of the caller, declared or not. */
  readonly inherit: boolean
  /** The GITHUB_TOKEN permissions the calling job has: a called workflow may only ask for less. */
  readonly permissions: Record<string, Level>
}

// --- token permissions -----------------------------------------------------------------------

type Level = 'none' | 'read' | 'write'
const RANK: Record<Level, number> = { none: 0, read: 1, write: 2 }
const SCOPES = [
  'actions',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'discussions',
  'id-token',
  'issues',
  'models',
  'packages',
  'pages',
  'pull-requests',
  'security-events',
  'statuses'
]
/**
 * What a job gets when neither it nor its workflow says: the restricted default that new
 * repositories and organisations have (contents and packages read), not the permissive one.
 */
const RESTRICTED_DEFAULT: Record<string, Level> = { contents: 'read', packages: 'read' }

/** A `permissions:` value as scope -> level; undefined when the key is absent. */
export function permissionsOf(value: Json | undefined): Record<string, Level> | undefined {
  if (value === undefined) return undefined
  if (value === 'read-all' || value === 'write-all')
    return Object.fromEntries(SCOPES.map(k => [k, value === 'read-all' ? 'read' : 'write']))
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new WorkflowError(`permissions ${JSON.stringify(value)} not modelled`)
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asString(v) as Level]))
}

/** The scopes where `asked` is more than `granted`. Pure. */
export function elevated(asked: Record<string, Level>, granted: Record<string, Level>): string[] {
  return Object.entries(asked)
    .filter(([k, v]) => RANK[v] > RANK[granted[k] ?? 'none'])
    .map(([k, v]) => `${k}: ${v}`)
}

export class WorkflowRunner {
  readonly jobs: JobRun[] = []
  private counter = 0

  constructor(private readonly o: WorkflowOptions) {}

  /** Runs a workflow file (relative to the repository); `caller` when another workflow calls it. */
  async run(file: string, caller?: Caller, from = this.o.repo): Promise<WorkflowRun> {
    const wf = parseYaml(readFileSync(join(from, file), 'utf8')) as Dict
    refuseUnknown(file, wf, KNOWN.workflow)
    const on: Dict =
      typeof wf.on === 'string'
        ? { [wf.on]: null }
        : Array.isArray(wf.on)
          ? Object.fromEntries(wf.on.map(e => [asString(e), null]))
          : (wf.on as Dict)
    const trigger = caller ? 'workflow_call' : this.o.event
    if (!on || !(trigger in on)) throw new WorkflowError(`${file} does not run on ${trigger}`)
    const inputs = caller ? this.callInputs(file, (on.workflow_call ?? {}) as Dict, caller.inputs) : {}
    const secrets = caller
      ? this.callSecrets(file, (on.workflow_call ?? {}) as Dict, caller)
      : { GITHUB_TOKEN: 'ghs_local-runner-token', ...(this.o.secrets ?? {}) }
    const jobs = wf.jobs as Record<string, Dict>
    if (caller) {
      // GitHub refuses to start a called workflow that asks for more than its caller has.
      for (const [where, asked] of [['', wf.permissions], ...Object.entries(jobs).map(([k, j]) => [` job ${k}`, j.permissions])] as [
        string,
        Json | undefined
      ][]) {
        const more = elevated(permissionsOf(asked) ?? {}, caller.permissions)
        if (more.length)
          throw new WorkflowError(`${file}${where} asks for ${more.join(', ')}, more than the calling job ${caller.path} has`)
      }
    }
    const workflowPermissions = permissionsOf(wf.permissions) ?? (caller ? caller.permissions : RESTRICTED_DEFAULT)
    const results: Record<string, { result: Status; outputs: Record<string, string> }> = {}
    const pending = new Set(Object.keys(jobs))
    while (pending.size) {
      const needsOf = (k: string) => [jobs[k].needs ?? []].flat() as string[]
      const ready = [...pending].filter(k => needsOf(k).every(n => n in results))
      if (!ready.length) throw new WorkflowError(`${file}: jobs ${[...pending].join(', ')} wait on each other`)
      await Promise.all(
        ready.map(async key => {
          pending.delete(key)
          const needs = Object.fromEntries(needsOf(key).map(n => [n, results[n] as unknown as Json]))
          const base = { github: this.github(), env: (wf.env ?? {}) as Json, inputs, secrets, vars: this.o.vars ?? {}, needs }
          const path = caller ? `${caller.path}/${key}` : key
          results[key] = needsOf(key).some(n => results[n].result !== 'success')
            ? { result: 'failure', outputs: {} }
            : await this.job(file, path, key, jobs[key], base, workflowPermissions)
        })
      )
    }
    const result: Status = Object.values(results).every(r => r.result === 'success') ? 'success' : 'failure'
    const declared = ((on.workflow_call as Dict | null)?.outputs ?? {}) as Record<string, Dict>
    const outputs = Object.fromEntries(
      Object.entries(declared).map(([k, d]) => [k, asString(interpolate(d.value, { jobs: results as unknown as Json, inputs }))])
    )
    return { result, jobs: this.jobs, outputs }
  }

  private ref(): string {
    return this.o.ref ?? (this.o.event === 'push' ? 'refs/heads/main' : 'refs/pull/1/merge')
  }

  private github(): Dict {
    const ref = this.ref()
    return {
      event_name: this.o.event,
      ref,
      ref_name: ref.replace(/^refs\/(heads|tags)\//, ''),
      ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
      sha: this.o.sha,
      run_id: this.o.runId,
      run_attempt: this.o.runAttempt ?? '1',
      repository: this.o.repository,
      repository_owner: this.o.repository.split('/')[0],
      actor: this.o.repository.split('/')[0],
      server_url: 'https://github.com',
      token: 'ghs_local-runner-token'
    }
  }

  /** A called workflow's inputs: required ones present, defaults filled in, types checked. */
  private callInputs(file: string, call: Dict, given: Dict): Dict {
    const declared = (call.inputs ?? {}) as Record<string, Dict>
    const unknown = Object.keys(given).filter(k => !(k in declared))
    if (unknown.length) throw new WorkflowError(`${file}: unexpected inputs ${unknown.join(', ')}`)
    const out: Dict = {}
    for (const [name, d] of Object.entries(declared)) {
      let v = name in given ? given[name] : (d.default ?? (d.type === 'boolean' ? false : d.type === 'number' ? 0 : ''))
      if (d.required && !(name in given)) throw new WorkflowError(`${file}: input ${name} is required`)
      if (d.type === 'boolean' && typeof v === 'string' && /^(true|false)$/.test(v)) v = v === 'true'
      const type = d.type === 'boolean' ? 'boolean' : d.type === 'number' ? 'number' : 'string'
      if (typeof v !== type) throw new WorkflowError(`${file}: input ${name} is ${typeof v}, declared ${type}`)
      out[name] = v
    }
    return out
  }

  /**
   * A called workflow's secrets: with `inherit` all of the caller's; otherwise only those the
   * called workflow declares (passing another, or leaving out a required one, is an error on
   * GitHub before the run starts), beside GITHUB_TOKEN, which every workflow's secrets hold.
   */
  private callSecrets(file: string, call: Dict, caller: Caller): Record<string, string> {
    if (caller.inherit) return caller.secrets
    const declared = (call.secrets ?? {}) as Record<string, Dict | null>
    const undeclared = Object.keys(caller.secrets).filter(k => !(k in declared))
    if (undeclared.length) throw new WorkflowError(`${file}: secret ${undeclared.join(', ')} is not defined in the called workflow`)
    const missing = Object.keys(declared).filter(k => declared[k]?.required === true && !(k in caller.secrets))
    if (missing.length) throw new WorkflowError(`${file}: secret ${missing.join(', ')} is required, but not provided while calling`)
    return { GITHUB_TOKEN: 'ghs_local-runner-token', ...caller.secrets }
  }

  private async job(
    file: string,
    path: string,
    key: string,
    job: Dict,
    base: Dict,
    workflowPermissions: Record<string, Level>
  ): Promise<{ result: Status; outputs: Record<string, string> }> {
    refuseUnknown(`${file} job ${key}`, job, KNOWN.job)
    if (job.uses) return this.callWorkflow(path, job, base, permissionsOf(job.permissions) ?? workflowPermissions)
    const strategy = (job.strategy ?? {}) as Dict
    if (!job.strategy) return this.leg(file, path, key, job, base, {})
    if (strategy['fail-fast'] !== false) throw new WorkflowError(`${file} job ${key}: only fail-fast: false is modelled`)
    const matrix = interpolate(strategy.matrix, base) as Dict
    const legs = expandMatrix(matrix)
    const runs = await Promise.all(
      legs.map(m => this.leg(file, `${path} (${Object.values(m).map(asString).join(', ')})`, key, job, base, m))
    )
    // A matrix job's outputs are those of its legs, the last written winning, as on GitHub.
    return {
      result: runs.every(r => r.result === 'success') ? 'success' : 'failure',
      outputs: Object.assign({}, ...runs.map(r => r.outputs))
    }
  }

  private async callWorkflow(
    path: string,
    job: Dict,
    base: Dict,
    permissions: Record<string, Level>
  ): Promise<{ result: Status; outputs: Record<string, string> }> {
    const uses = String(job.uses)
    const remote = /^([\w.-]+\/[\w.-]+)\/(.+)@.+$/.exec(uses)
    const from = remote ? this.o.repositories?.[remote[1]] : this.o.repo
    if (!from || !(uses.startsWith('./') || remote)) throw new WorkflowError(`${path}: the reusable workflow ${uses} is not here`)
    // Secrets travel only through `secrets:`; GitHub offers no `secrets` context to `with:`.
    let inputs: Dict
    try {
      inputs = interpolate((job.with ?? {}) as Json, withoutSecrets(base)) as Dict
    } catch (e) {
      throw new WorkflowError(`${path}: with: ${(e as Error).message}`)
    }
    const inherit = job.secrets === 'inherit'
    const secrets = inherit
      ? (base.secrets as Record<string, string>)
      : (Object.fromEntries(
          Object.entries(interpolate((job.secrets ?? {}) as Json, base) as Dict).map(([k, v]) => [k, asString(v)])
        ) as Record<string, string>)
    const called = await this.run(remote ? remote[2] : uses.slice(2), { path, inputs, secrets, inherit, permissions }, from)
    return { result: called.result, outputs: called.outputs }
  }

  /** One job (or one matrix leg) on a fresh runner of its own. */
  private async leg(
    file: string,
    path: string,
    key: string,
    job: Dict,
    base: Dict,
    matrix: Dict
  ): Promise<{ result: Status; outputs: Record<string, string> }> {
    const done = this.o.rerunOf?.jobs.find(j => j.path === path && j.result === 'success')
    if (done) {
      this.jobs.push(done)
      return { result: done.result, outputs: done.outputs }
    }
    const ctx: Dict = {
      ...base,
      matrix,
      strategy: { 'fail-fast': false },
      steps: {},
      job: { status: 'success' },
      runner: { os: 'Linux', arch: 'X64' }
    }
    const runsOn = asString(interpolate(job['runs-on'], ctx))
    this.checkServices(path, (job.services ?? {}) as Record<string, Dict>)
    const home = join(this.o.home, `job-${++this.counter}`)
    const dirs = { workspace: join(home, 'work'), temp: join(home, 'temp'), toolCache: this.o.toolCache ?? join(home, 'tool-cache') }
    for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true })
    const event = join(home, 'event.json')
    writeFileSync(
      event,
      JSON.stringify(
        this.o.event === 'push'
          ? { head_commit: { id: this.o.sha, timestamp: new Date().toISOString() } }
          : { pull_request: { number: 1, head: { sha: this.o.sha } } }
      )
    )
    const github = base.github as Dict
    const runnerEnv: Record<string, string> = {
      ...this.o.env,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_JOB: key,
      GITHUB_RUN_ID: asString(github.run_id),
      GITHUB_RUN_ATTEMPT: asString(github.run_attempt),
      GITHUB_REPOSITORY: asString(github.repository),
      GITHUB_SHA: this.o.sha,
      GITHUB_REF: asString(github.ref),
      GITHUB_REF_NAME: asString(github.ref_name),
      GITHUB_REF_TYPE: asString(github.ref_type),
      GITHUB_EVENT_NAME: this.o.event,
      GITHUB_EVENT_PATH: event,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_WORKSPACE: dirs.workspace,
      RUNNER_TEMP: dirs.temp,
      RUNNER_TOOL_CACHE: dirs.toolCache,
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64'
    }
    ctx.github = { ...github, job: key, workspace: dirs.workspace }
    ctx.runner = { os: 'Linux', arch: 'X64', temp: dirs.temp, tool_cache: dirs.toolCache }
    let jobEnv = { ...(base.env as Record<string, string>) }
    jobEnv = { ...jobEnv, ...(interpolate((job.env ?? {}) as Json, ctx) as Record<string, string>) }
    ctx.env = jobEnv
    const steps: StepRun[] = []
    const posts: { name: string; run: () => Promise<StepRun>; postIf: string }[] = []
    let status: Status = 'success'
    for (const [i, step] of ((job.steps ?? []) as Dict[]).entries()) {
      refuseUnknown(`${file} job ${key} step ${i + 1}`, step, KNOWN.step)
      const name = asString(step.name ?? step.uses ?? step.run)
      if (!condition(step.if, ctx, status)) {
        steps.push({ name, outcome: 'skipped', log: '', outputs: {} })
        continue
      }
      const stepEnv = {
        ...runnerEnv,
        ...(ctx.env as Record<string, string>),
        ...(interpolate((step.env ?? {}) as Json, ctx) as Record<string, string>)
      }
      const files = stepFiles(dirs.temp)
      let outcome: { code: number; log: string }
      try {
        if (step.run !== undefined) {
          const script = join(files.GITHUB_OUTPUT, '..', 'script.sh')
          writeFileSync(script, asString(interpolate(step.run, ctx)))
          outcome = await runProcess('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { ...stepEnv, ...files }, dirs.workspace)
        } else {
          const uses = asString(step.uses)
          const inputs = interpolate((step.with ?? {}) as Json, ctx) as Dict
          if (uses.startsWith('actions/checkout@')) outcome = this.checkout(dirs.workspace, inputs, ctx)
          else if (/^docker\/metadata-action@v[56]$/.test(uses)) outcome = this.metadata(inputs, ctx, stepEnv, files)
          else if (uses.startsWith('./') || this.o.repositories?.[uses.split('@')[0]]) {
            const dir = uses.startsWith('./') ? resolve(dirs.workspace, uses) : this.o.repositories![uses.split('@')[0]]
            const action = this.action(dir, uses, inputs, ctx)
            outcome = await runProcess(process.execPath, [action.main], { ...stepEnv, ...files, ...action.env }, dirs.workspace)
            const state = Object.fromEntries(Object.entries(readCommands(files.GITHUB_STATE)).map(([k, v]) => [`STATE_${k}`, v]))
            if (action.post) {
              posts.unshift({
                name: `Post ${name}`,
                postIf: action.postIf,
                run: async () => {
                  const postFiles = stepFiles(dirs.temp)
                  const r = await runProcess(
                    process.execPath,
                    [action.post!],
                    { ...stepEnv, ...postFiles, ...action.env, ...state },
                    dirs.workspace
                  )
                  return { name: `Post ${name}`, outcome: r.code === 0 ? 'success' : 'failure', log: r.log, outputs: {} }
                }
              })
            }
          } else throw new WorkflowError(`${uses} is not modelled by this runner`)
        }
      } catch (e) {
        if (!(e instanceof WorkflowError)) throw e
        outcome = { code: 1, log: `runner: ${e.message}\n` }
      }
      const outputs = readCommands(files.GITHUB_OUTPUT)
      Object.assign(ctx.env as Record<string, string>, readCommands(files.GITHUB_ENV))
      const ok = outcome.code === 0
      if (!ok) status = 'failure'
      if (step.id)
        (ctx.steps as Dict)[asString(step.id)] = { outputs, outcome: ok ? 'success' : 'failure', conclusion: ok ? 'success' : 'failure' }
      steps.push({ name, outcome: ok ? 'success' : 'failure', log: outcome.log, outputs })
    }
    for (const post of posts) {
      if (!condition(post.postIf, ctx, status)) {
        steps.push({ name: post.name, outcome: 'skipped', log: '', outputs: {} })
        continue
      }
      const r = await post.run()
      if (r.outcome === 'failure') status = 'failure'
      steps.push(r)
    }
    const outputs = Object.fromEntries(
      Object.entries((job.outputs ?? {}) as Dict).map(([k, v]) => [k, asString(interpolate(v, ctx, status))])
    )
    this.jobs.push({ path, runsOn, matrix, result: status, outputs, steps, attempt: this.o.runAttempt ?? '1' })
    return { result: status, outputs }
  }

  private checkServices(path: string, services: Record<string, Dict>): void {
    for (const [name, s] of Object.entries(services)) {
      const ports = ((s.ports ?? []) as string[]).map(p => String(p).split(':')[0])
      const wanted = ports.map(p => `${asString(s.image)}@${p}`)
      const missing = wanted.filter(w => !this.o.services?.[w])
      if (!wanted.length || missing.length)
        throw new WorkflowError(`${path}: service ${name} (${wanted.join(', ') || asString(s.image)}) has no stand-in here`)
    }
  }

  /**
   * actions/checkout: the repository under test (only at the run's commit), or one of the other
   * repositories (at any ref), copied as its working tree; with `persist-credentials` (its
   * default), the token kept as actions/checkout keeps it, in `.git/config`'s extraheader.
   */
  private checkout(workspace: string, inputs: Dict, ctx: Dict): { code: number; log: string } {
    const repository = asString(inputs.repository ?? (ctx.github as Dict).repository)
    const ref = asString(inputs.ref ?? '')
    const other = this.o.repositories?.[repository]
    if (repository !== this.o.repository && !other)
      throw new WorkflowError(
        `actions/checkout of ${repository}: only ${[this.o.repository, ...Object.keys(this.o.repositories ?? {})].join(', ')} here`
      )
    if (!other && ref && ref !== this.o.sha) throw new WorkflowError(`actions/checkout of ${repository}@${ref}: only ${this.o.sha} is here`)
    const from = other ?? this.o.repo
    const into = resolve(workspace, asString(inputs.path ?? '.'))
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: from, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean)
    for (const f of files) {
      if (!existsSync(join(from, f))) continue
      mkdirSync(dirname(join(into, f)), { recursive: true })
      cpSync(join(from, f), join(into, f), { verbatimSymlinks: true })
    }
    const persisted = asString(inputs['persist-credentials'] ?? 'true') !== 'false'
    if (persisted) {
      const token = asString(inputs.token ?? (ctx.github as Dict).token)
      const basic = Buffer.from(`x-access-token:${token}`).toString('base64')
      mkdirSync(join(into, '.git'), { recursive: true })
      writeFileSync(join(into, '.git', 'config'), `[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic ${basic}\n`)
    }
    const kept = persisted ? ', the token in .git/config' : ''
    return { code: 0, log: `checked out ${repository}@${ref || this.o.sha} into ${into} (${files.length} files${kept})\n` }
  }

  /**
   * docker/metadata-action@v5 or @v6, by its own rules (./metadata-action.ts): its outputs and the
   * DOCKER_METADATA_OUTPUT_* variables it exports. The repository's data is GitHub's API answer,
   * given to the runner as `repositoryData`.
   */
  private metadata(given: Dict, ctx: Dict, env: Record<string, string>, files: Files): { code: number; log: string } {
    if (!this.o.repositoryData)
      throw new WorkflowError("docker/metadata-action reads the repository from GitHub's API: no repositoryData here")
    const github = ctx.github as Dict
    const inputs = Object.fromEntries(Object.entries(given).map(([k, v]) => [k, asString(v)]))
    try {
      const run = metadataAction(inputs, {
        eventName: asString(github.event_name),
        ref: asString(github.ref),
        sha: asString(github.sha),
        repo: this.o.repositoryData,
        date: new Date(),
        env
      })
      const entry = (name: string, value: string) => {
        const delimiter = `ghadelimiter_${randomUUID()}`
        return `${name}<<${delimiter}\n${value}\n${delimiter}\n`
      }
      for (const [k, v] of Object.entries(run.outputs)) appendFileSync(files.GITHUB_OUTPUT, entry(k, v))
      for (const [k, v] of Object.entries(run.env)) appendFileSync(files.GITHUB_ENV, entry(k, v))
      return { code: 0, log: run.log }
    } catch (e) {
      if (e instanceof MetadataNotModelled) throw new WorkflowError(e.message)
      if (e instanceof MetadataError) return { code: 1, log: `::error::${e.message}\n` }
      throw e
    }
  }

  /** A JavaScript action from its action.yml: every declared input as INPUT_*, defaults included. */
  private action(
    dir: string,
    uses: string,
    given: Dict,
    ctx: Dict
  ): { main: string; post?: string; postIf: string; env: Record<string, string> } {
    const file = ['action.yml', 'action.yaml'].map(f => join(dir, f)).find(existsSync)
    if (!file) throw new WorkflowError(`${uses}: no action.yml in ${dir}`)
    const meta = parseYaml(readFileSync(file, 'utf8')) as Dict
    const runs = meta.runs as Dict
    if (!/^node(20|24)$/.test(asString(runs.using))) throw new WorkflowError(`${uses}: runs.using ${asString(runs.using)} is not modelled`)
    const declared = (meta.inputs ?? {}) as Record<string, Dict>
    const unexpected = Object.keys(given).filter(k => !(k in declared))
    if (unexpected.length) throw new WorkflowError(`${uses}: unexpected inputs ${unexpected.join(', ')}`)
    const env: Record<string, string> = {}
    for (const [name, d] of Object.entries(declared)) {
      const value = name in given ? given[name] : interpolate(d.default ?? '', ctx)
      env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = asString(value)
    }
    return {
      main: join(dir, asString(runs.main)),
      post: runs.post ? join(dir, asString(runs.post)) : undefined,
      postIf: asString(runs['post-if'] ?? 'always()'),
      env
    }
  }
}

// --- reading a run ---------------------------------------------------------------------------

/** Each job's path, runner label and result, in path order. */
export function overview(run: WorkflowRun): { path: string; runsOn: string; result: Status }[] {
  return run.jobs.map(j => ({ path: j.path, runsOn: j.runsOn, result: j.result })).sort((a, b) => a.path.localeCompare(b.path))
}

/** Every failed step, with its job and log: [] when the run passed (and readable when not). */
export const failures = (run: WorkflowRun): string[] =>
  run.jobs.flatMap(j => j.steps.filter(s => s.outcome === 'failure').map(s => `${j.path} / ${s.name}:\n${s.log}`))

export function job(run: WorkflowRun, path: string): JobRun {
  const found = run.jobs.find(j => j.path === path)
  if (!found) throw new Error(`no job ${path} in the run (${run.jobs.map(j => j.path).join(', ')})`)
  return found
}

export const logOf = (j: JobRun): string => j.steps.map(s => s.log).join('\n')
