/** The real test environment that scripts/test-env.sh brings up. Missing pieces fail, never skip. */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'

export interface TestEnv {
  readonly dir: string
  readonly dockerContainerd: string
  readonly dockerClassic: string
  readonly registryOpen: string
  readonly registryAuth: string
  readonly registryUser: string
  readonly registryPassword: string
  readonly busyboxDir: string
  /** BuildKit built from Debian's sources: its version, and two daemons of it (the remote nodes) on their unix sockets. */
  readonly buildkit: { readonly version: string; readonly node0: string; readonly node1: string; readonly image: string }
  /**
   * The tool cache the end-to-end runners share: QEMU is downloaded into it once and kept from
   * one test run to the next, like the engines' images, in the test environment's own folder.
   */
  readonly toolCache: string
}

export function testEnv(): TestEnv {
  const dir = process.env.ARCHWAY_TEST_ENV_DIR ?? '/var/lib/archway-test-env'
  const file = `${dir}/env.sh`
  if (!existsSync(file)) throw new Error(`The test environment is not up (${file} is missing): run \`bash scripts/test-env.sh up\` first`)
  const vars: Record<string, string> = {}
  for (const m of readFileSync(file, 'utf8').matchAll(/^export (\w+)=(.*)$/gm)) vars[m[1]] = m[2].replace(/^["']|["']$/g, '')
  const get = (k: string) => {
    const v = process.env[k] ?? vars[k]
    if (!v) throw new Error(`The test environment does not define ${k}: run \`bash scripts/test-env.sh up\``)
    return v
  }
  const env: TestEnv = {
    dir,
    dockerContainerd: get('ARCHWAY_DOCKER_HOST_CONTAINERD'),
    dockerClassic: get('ARCHWAY_DOCKER_HOST_CLASSIC'),
    registryOpen: get('ARCHWAY_REGISTRY_OPEN'),
    registryAuth: get('ARCHWAY_REGISTRY_AUTH'),
    registryUser: get('ARCHWAY_REGISTRY_USER'),
    registryPassword: get('ARCHWAY_REGISTRY_PASSWORD'),
    busyboxDir: get('ARCHWAY_BUSYBOX_DIR'),
    buildkit: {
      version: get('ARCHWAY_BUILDKIT_VERSION'),
      node0: get('ARCHWAY_BUILDKIT_NODE0'),
      node1: get('ARCHWAY_BUILDKIT_NODE1'),
      image: get('ARCHWAY_BUILDKIT_IMAGE')
    },
    toolCache: `${dir}/tool-cache`
  }
  for (const host of [env.dockerContainerd, env.dockerClassic]) {
    try {
      execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { env: { ...process.env, DOCKER_HOST: host }, stdio: 'pipe' })
    } catch {
      throw new Error(`The Docker engine at ${host} does not answer: run \`bash scripts/test-env.sh up\``)
    }
  }
  return env
}

/** How long a test waits for BuildKit's pieces that test.sh brings up beside the tests: its build takes minutes on a new machine. */
export const BUILDKIT_WAIT_MS = 25 * 60_000

/**
 * Returns once BuildKit's daemons and image are up. On a new machine scripts/test.sh brings the
 * test environment up without them (`up --buildkit-later`) and builds BuildKit beside the tests
 * that do not need it (`test-env.sh buildkit`, which removes run/buildkit.pending when it ends):
 * a test that needs them waits for that, and fails with the reason when it failed.
 */
export async function buildkitReady(env: TestEnv, waitMs = BUILDKIT_WAIT_MS): Promise<void> {
  const pending = `${env.dir}/run/buildkit.pending`
  const failed = `${env.dir}/run/buildkit.failed`
  for (const until = Date.now() + waitMs; existsSync(pending); await new Promise(r => setTimeout(r, 2000))) {
    if (Date.now() > until)
      throw new Error(`BuildKit is still being built after ${waitMs / 60_000} min (${pending}): see ${env.dir}/logs/buildkit-later.log`)
  }
  if (existsSync(failed)) throw new Error(`BuildKit could not be brought up: ${readFileSync(failed, 'utf8').trim()}`)
}

/** What a runner host gives every step: a PATH, a HOME, and the containerd-store engine as its Docker. */
export function runnerHostEnv(env: TestEnv): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', DOCKER_HOST: env.dockerContainerd }
}

/**
 * Runs docker against one engine and returns its standard output; throws with stderr on failure.
 * The output may be large: a long-lived engine's `buildx du` lists thousands of build cache records.
 */
export function docker(host: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): string {
  return execFileSync('docker', args, {
    env: { ...process.env, ...options.env, DOCKER_HOST: host },
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024
  })
}

/** The images an engine still holds under Archway's local tags for a repository (`archway.local/NAME*`). */
export function localImages(host: string, repository: string): string[] {
  return docker(host, [
    'image',
    'ls',
    '--format',
    '{{.Repository}}:{{.Tag}}',
    '--filter',
    `reference=archway.local/${repository.split('/').pop()}*`
  ])
    .split('\n')
    .filter(Boolean)
}
