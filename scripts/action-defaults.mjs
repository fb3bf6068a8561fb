// Writes src/inputs/action-defaults.generated.ts from action.yml: every input and its default, as the runner passes it.
// Usage: node scripts/action-defaults.mjs [OUT]   (OUT default src/inputs/action-defaults.generated.ts; npm run build runs it)
//        node scripts/action-defaults.mjs --env [TOKEN]   prints INPUT_<NAME>=<default> lines, as the runner sets them
//        for a step given no input (`${{ github.token }}` as TOKEN): the shell benches' step environment

import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parse } from 'yaml'

const ROOT = join(import.meta.dirname, '..')
export const GENERATED = join(ROOT, 'src', 'inputs', 'action-defaults.generated.ts')

/** A TypeScript string literal in the project's style: single quotes, unless the text holds one and no double quote. */
function literal(text) {
  const json = JSON.stringify(text)
  if (text.includes("'") && !text.includes('"')) return json
  return `'${json.slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`
}

/** A property name as Biome prints it: bare when it is an identifier, else quoted. */
const key = name => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : literal(name))

/** The module's text for an action.yml: each input's default as a string ('' when it has none; an expression as written). */
export function actionDefaultsModule(actionYml) {
  const inputs = parse(actionYml).inputs ?? {}
  const lines = Object.entries(inputs).map(
    ([name, spec]) => `  ${key(name)}: ${literal(spec?.default == null ? '' : String(spec.default))}`
  )
  return [
    '/** Generated from action.yml by scripts/action-defaults.mjs (npm run build): do not edit; change action.yml and run it. */',
    '',
    "/** Every input of action.yml and its default as the runner passes it ('' when it has none; an expression as written). */",
    'export const ACTION_DEFAULTS: Readonly<Record<string, string>> = {',
    lines.join(',\n'),
    '}',
    ''
  ].join('\n')
}

/** Writes the module for the project's action.yml to `out`, unless `out` already holds it (a build leaves src/ as it is). */
export function writeActionDefaults(out = GENERATED) {
  const text = actionDefaultsModule(readFileSync(join(ROOT, 'action.yml'), 'utf8'))
  if (!existsSync(out) || readFileSync(out, 'utf8') !== text) writeFileSync(out, text)
}

/** Each input's environment variable as the runner sets it for a step given no input: INPUT_<NAME>=<default>. */
export function defaultInputEnv(actionYml, token = '') {
  const inputs = parse(actionYml).inputs ?? {}
  return Object.entries(inputs).map(([name, spec]) => {
    const value = spec?.default == null ? '' : String(spec.default).replace('${{ github.token }}', token)
    return `INPUT_${name.replace(/ /g, '_').toUpperCase()}=${value}`
  })
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === '--env') {
    for (const line of defaultInputEnv(readFileSync(join(ROOT, 'action.yml'), 'utf8'), process.argv[3])) {
      if (line.includes('\n')) throw new Error(`an input's default spans lines, which a shell array line cannot hold: ${line}`)
      console.log(line)
    }
  } else writeActionDefaults(process.argv[2])
}
