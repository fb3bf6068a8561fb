/** Build secrets given by value, as files only the runner's user reads, for as long as the build runs. */
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { BuildSettings } from './buildx.js'

/** Runs `build` with each secret written to a file of `dir` (id -> path); the folder is removed when it ends. */
export async function withSecretFiles<T>(
  secrets: BuildSettings['secrets'],
  dir: string,
  build: (files: ReadonlyMap<string, string>) => Promise<T>
): Promise<T> {
  if (secrets.length === 0) return build(new Map())
  await mkdir(dir, { recursive: true, mode: 0o700 })
  try {
    const files = new Map<string, string>()
    for (const [i, s] of secrets.entries()) {
      const path = join(dir, `secret-${i}`)
      await writeFile(path, s.value, { mode: 0o600 })
      files.set(s.id, path)
    }
    return await build(files)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
