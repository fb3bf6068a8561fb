/** A `docker` put first on a step's PATH that notes every command line it is given, then runs the real one. */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from './tmp.js'

export interface DockerLog {
  /** The PATH that finds the noting `docker` first. */
  readonly path: string
  /** Every command line given to docker so far, its arguments joined by spaces. */
  commands(): string[]
}

export function dockerLog(): DockerLog {
  const dir = tempDir('docker-log')
  const real = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim()
  const log = join(dir, 'commands')
  writeFileSync(log, '')
  writeFileSync(join(dir, 'docker'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 })
  return {
    path: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    commands: () => readFileSync(log, 'utf8').split('\n').filter(Boolean)
  }
}
