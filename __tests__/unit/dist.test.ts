import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { tempDir } from '../helpers/tmp.js'

const root = join(import.meta.dirname, '..', '..')

function files(dir: string): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      if (e.isDirectory()) walk(p)
      else out.set(relative(dir, p), readFileSync(p, 'utf8'))
    }
  }
  walk(dir)
  return out
}

describe('dist/', () => {
  it('is exactly what a fresh build of src/ gives', () => {
    const fresh = tempDir('dist')
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), fresh], { cwd: root })
    const built = files(fresh)
    const committed = files(join(root, 'dist'))
    expect([...committed.keys()].sort()).toEqual([...built.keys()].sort())
    for (const [name, text] of built) expect({ name, same: committed.get(name) === text }).toEqual({ name, same: true })
  }, 60000)
})
