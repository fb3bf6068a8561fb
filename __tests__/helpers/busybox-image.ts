/**
 * `busybox:1.37` in the engine's image store, for the six platforms, made from the test
 * environment's static busybox binaries: example/Dockerfile.hub starts FROM it, and Docker Hub
 * is out of this machine's reach. The applet links are made here, so no emulator is needed to
 * build it.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import type { TestEnv } from './testenv.js'
import { tempDir } from './tmp.js'

const KEYS: Record<string, string> = {
  amd64: 'amd64',
  arm64: 'arm64',
  'arm/v7': 'armv7',
  s390x: 's390x',
  ppc64le: 'ppc64le',
  riscv64: 'riscv64'
}

export function localBusyboxImage(env: TestEnv): void {
  const ctx = tempDir('busybox-image')
  const applets = spawnSync(join(env.busyboxDir, 'amd64'), ['--list'], { encoding: 'utf8', argv0: 'busybox' })
    .stdout.split('\n')
    .filter(a => a && a !== 'busybox')
  if (applets.length < 100) throw new Error(`busybox --list gave ${applets.length} applets`)
  for (const key of Object.values(KEYS)) {
    const bin = join(ctx, key, 'bin')
    mkdirSync(bin, { recursive: true })
    cpSync(join(env.busyboxDir, key), join(bin, 'busybox'))
    for (const applet of applets) symlinkSync('busybox', join(bin, applet))
  }
  const dockerfile = 'FROM scratch\nARG TARGETARCH\nARG TARGETVARIANT\nCOPY ${TARGETARCH}${TARGETVARIANT}/ /\n'
  execFileSync(
    'docker',
    [
      'buildx',
      'build',
      '--quiet',
      '--platform',
      Object.keys(KEYS)
        .map(a => `linux/${a}`)
        .join(','),
      '--load',
      '-t',
      'busybox:1.37',
      '-f',
      '-',
      ctx
    ],
    {
      input: dockerfile,
      env: { ...process.env, DOCKER_HOST: env.dockerContainerd },
      stdio: ['pipe', 'pipe', 'pipe']
    }
  )
}
