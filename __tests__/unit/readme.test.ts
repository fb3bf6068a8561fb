import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'

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
    for (const [name, spec] of Object.entries(action.inputs)) expect({ name, default: documented.get(name) }).toEqual({ name, default: spec.default ?? '' })
  })

  it('lists exactly the outputs of action.yml, in its order', () => {
    expect([...table('Outputs').keys()]).toEqual(Object.keys(action.outputs))
  })
})

describe('action.yml', () => {
  it('runs the committed bundles on node24, the post step only after success', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/main.js', post: 'dist/post.js', 'post-if': 'success()' })
  })

  it('describes every input and output', () => {
    for (const [name, spec] of [...Object.entries(action.inputs), ...Object.entries(action.outputs)]) {
      expect({ name, described: typeof (spec as { description?: string }).description === 'string' && (spec as { description: string }).description.length > 10 }).toEqual({ name, described: true })
    }
  })
})
