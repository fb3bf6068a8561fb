/**
 * A `docker` put first on a step's PATH that notes every command line it is given, then runs the
 * real one; and, in a Docker client configuration of its own (DOCKER_CONFIG), a `docker-buildx`
 * plugin that does the same, for the `buildx` commands the action runs through the plugin itself.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from './tmp.js'

export interface DockerLog {
  /** The step's PATH and DOCKER_CONFIG, which find the noting `docker` and `docker-buildx` first. */
  readonly env: { readonly PATH: string; readonly DOCKER_CONFIG: string }
  /** Every command line given to docker so far, its arguments joined by spaces (`buildx build ...` however buildx was run). */
  commands(): string[]
}

export function dockerLog(): DockerLog {
  const dir = tempDir('docker-log')
  const real = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim()
  const plugin = JSON.parse(execFileSync(real, ['info', '--format', '{{json .ClientInfo.Plugins}}'], { encoding: 'utf8' })).find(
    (p: { Name: string }) => p.Name === 'buildx'
  ).Path as string
  const log = join(dir, 'commands')
  writeFileSync(log, '')
  writeFileSync(join(dir, 'docker'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 })
  // Run by the docker CLI (its metadata, or `buildx ...`: noted by the docker above), or standalone (`build ...`).
  const config = join(dir, 'config')
  mkdirSync(join(config, 'cli-plugins'), { recursive: true })
  writeFileSync(
    join(config, 'cli-plugins', 'docker-buildx'),
    `#!/bin/sh\ncase "$1" in docker-cli-plugin-metadata|buildx) ;; *) printf 'buildx %s\\n' "$*" >> '${log}' ;; esac\nexec '${plugin}' "$@"\n`,
    { mode: 0o755 }
  )
  return {
    env: { PATH: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`, DOCKER_CONFIG: config },
    commands: () => readFileSync(log, 'utf8').split('\n').filter(Boolean)
  }
}
