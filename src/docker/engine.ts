/** The Docker engine: which image store it runs, and the one way Archway calls the CLI. */
import { EnvironmentError, errorMessage } from '../errors.js'
import { type RunOptions, type RunResult, run } from '../exec.js'

export type ImageStore = 'containerd' | 'classic'

/** Runs `docker ARGS` against the runner's engine (DOCKER_HOST, DOCKER_CONFIG as the step's environment gives them). */
export function docker(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return run('docker', args, options)
}

/**
 * The containerd image store reports the snapshotter as its driver type; the classic store
 * (overlay2 and friends) does not. Pure.
 */
export function storeFromDriverStatus(driverStatus: unknown): ImageStore {
  const pairs = Array.isArray(driverStatus) ? (driverStatus as unknown[][]) : []
  return pairs.some(p => Array.isArray(p) && p[0] === 'driver-type' && String(p[1]).startsWith('io.containerd.snapshotter'))
    ? 'containerd'
    : 'classic'
}

export interface EngineInfo {
  readonly version: string
  readonly store: ImageStore
}

export async function engineInfo(): Promise<EngineInfo> {
  let out: RunResult
  try {
    out = await docker(['info', '--format', '{{json .ServerVersion}}\t{{json .DriverStatus}}'])
  } catch (err) {
    throw new EnvironmentError(`The Docker daemon does not answer (docker info failed): ${errorMessage(err)}`, { cause: err })
  }
  const [version, status] = out.stdout.trim().split('\t')
  return { version: JSON.parse(version) as string, store: storeFromDriverStatus(JSON.parse(status)) }
}
