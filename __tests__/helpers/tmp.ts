/**
 * Temporary folders for the tests: each an `archway-<name>-XXXXXX` folder in the system's temp
 * folder (TMPDIR, else /tmp), remembered here and removed by removeTempDirs(). Every jest test
 * file runs that after its last test (__tests__/setup.ts); a script that uses these helpers
 * outside jest (bench/lib/faults.ts) runs it itself when it ends.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const made = new Set<string>()

/** Makes a new, empty `archway-<name>-*` folder, removed with everything in it by removeTempDirs(). */
export function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `archway-${name}-`))
  made.add(dir)
  return dir
}

/** Removes every folder tempDir() made (and whatever was put in them). */
export function removeTempDirs(): void {
  for (const dir of made) {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
    made.delete(dir)
  }
}
