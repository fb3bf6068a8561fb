// Bundles src/entrypoints/{main,post,plan}.ts into dist/main.js, dist/post.js and dist/plan.js (ESM, Node 20+),
// after writing src/inputs/action-defaults.generated.ts from action.yml again.

import { rm } from 'node:fs/promises'
import { build } from 'esbuild'
import { writeActionDefaults } from './action-defaults.mjs'

writeActionDefaults()

const outdir = process.argv[2] ?? 'dist'
await rm(outdir, { recursive: true, force: true })
await build({
  entryPoints: { main: 'src/entrypoints/main.ts', post: 'src/entrypoints/post.ts', plan: 'src/entrypoints/plan.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
  // Some bundled CommonJS dependencies call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);"
  }
})
