/**
 * The shape of src/: stages import adapters and shared code, adapters import only adapters and
 * shared code, shared code imports only itself, and no module imports itself through others.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src')
const ADAPTERS = ['docker', 'oci', 'registry']
const GENERATED = /\.generated\.ts$|debian-keys\.ts$/
const MAX_LINES = 300

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []
  )
}

/** Each module's imports of other modules of src/, as paths relative to src/ (type-only imports included). */
function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, 'utf8')
    const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map(m => m[1])
    const deps = specs.map(s => relative(root, resolve(dirname(file), s)).replace(/\.js$/, '.ts'))
    graph.set(relative(root, file), [...new Set(deps)])
  }
  return graph
}

/** The import cycles of a graph: each as the path that closes it, empty when there is none. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (node: string): void => {
    state.set(node, 'open')
    path.push(node)
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...path.slice(path.indexOf(next)), next])
      else if (!state.has(next)) visit(next)
    }
    path.pop()
    state.set(node, 'done')
  }
  for (const node of graph.keys()) if (!state.has(node)) visit(node)
  return found
}

/** Which layer a module of src/ belongs to. */
function layer(path: string): 'shared' | 'adapter' | 'stage' {
  const top = path.split('/')[0]
  return top === 'shared' ? 'shared' : ADAPTERS.includes(top) ? 'adapter' : 'stage'
}

/** The imports that point the wrong way: shared to anything else, adapters to a stage. */
function wrongWay(graph: Map<string, string[]>): string[] {
  const rank = { shared: 0, adapter: 1, stage: 2 }
  return [...graph].flatMap(([from, deps]) => deps.filter(to => rank[layer(to)] > rank[layer(from)]).map(to => `${from} -> ${to}`))
}

describe('the import graph', () => {
  it('finds a cycle and a wrong-way import when there is one', () => {
    const graph = new Map([
      ['shared/a.ts', ['docker/b.ts']],
      ['docker/b.ts', ['build/c.ts']],
      ['build/c.ts', ['shared/a.ts']]
    ])
    expect(cycles(graph)).toEqual([['shared/a.ts', 'docker/b.ts', 'build/c.ts', 'shared/a.ts']])
    expect(wrongWay(graph)).toEqual(['shared/a.ts -> docker/b.ts', 'docker/b.ts -> build/c.ts'])
  })

  const graph = importGraph(SRC)

  it('reads every module of src/ and every import resolves to one', () => {
    expect(graph.size).toBeGreaterThan(50)
    const missing = [...graph].flatMap(([from, deps]) => deps.filter(d => !graph.has(d)).map(d => `${from} -> ${d}`))
    expect(missing).toEqual([])
  })

  it('has no cycle', () => {
    expect(cycles(graph)).toEqual([])
  })

  it('points one way: stages to adapters to shared', () => {
    expect(wrongWay(graph)).toEqual([])
  })
})

describe('the layout of src/', () => {
  const files = sourceFiles(SRC).map(f => relative(SRC, f))

  it('keeps at most a handful of modules at its root', () => {
    expect(files.filter(f => !f.includes('/'))).toEqual(['main.ts', 'pipeline.ts', 'post.ts'])
  })

  it(`has no module over ${MAX_LINES} lines, generated ones aside`, () => {
    const long = files
      .filter(f => !GENERATED.test(f))
      .map(f => ({ f, lines: readFileSync(join(SRC, f), 'utf8').trimEnd().split('\n').length }))
      .filter(({ lines }) => lines > MAX_LINES)
    expect(long).toEqual([])
  })

  it('keeps the entry points thin: main.ts and post.ts under 60 lines', () => {
    for (const f of ['main.ts', 'post.ts'])
      expect({ f, lines: readFileSync(join(SRC, f), 'utf8').trimEnd().split('\n').length < 60 }).toEqual({ f, lines: true })
  })
})
