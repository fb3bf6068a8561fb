/** action.yml is the one source of the inputs' defaults: the generated module matches it, and an unset input reads as its default. */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { ACTION_DEFAULTS } from '../../../src/inputs/action-defaults.generated.js'
import { getInputs, withDefaults } from '../../../src/inputs/inputs.js'
import { tempDir } from '../../helpers/tmp.js'

const root = join(import.meta.dirname, '..', '..', '..')
const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: unknown }> }

describe('src/inputs/action-defaults.generated.ts', () => {
  it('is what scripts/action-defaults.mjs writes from action.yml now (npm run build writes it again)', () => {
    const fresh = join(tempDir('action-defaults'), 'action-defaults.generated.ts')
    execFileSync(process.execPath, [join(root, 'scripts', 'action-defaults.mjs'), fresh], { cwd: root })
    const committed = readFileSync(join(root, 'src', 'inputs', 'action-defaults.generated.ts'), 'utf8')
    expect(committed).toBe(readFileSync(fresh, 'utf8'))
  })

  it("holds every input of action.yml, with its default as a string ('' when it has none)", () => {
    const expected = Object.fromEntries(Object.entries(action.inputs).map(([name, spec]) => [name, String(spec.default ?? '')]))
    expect(ACTION_DEFAULTS).toEqual(expected)
  })
})

describe('an input left unset', () => {
  it("reads as action.yml's default", () => {
    const unset = withDefaults(() => '')
    for (const [name, spec] of Object.entries(action.inputs))
      expect({ name, value: unset(name) }).toEqual({ name, value: String(spec.default ?? '') })
  })

  it("gives the build the values of action.yml's defaults", () => {
    const build = getInputs(name => (name === 'image' ? 'ghcr.io/acme/app' : '')).build!
    expect({
      tags: build.tags.map(t => t.tag),
      context: build.context,
      mode: build.mode,
      push: build.push,
      verifyArch: build.verifyArch,
      provenance: build.provenance
    }).toEqual({ tags: ['latest'], context: '.', mode: 'auto', push: false, verifyArch: true, provenance: false })
  })
})
