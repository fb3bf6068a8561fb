/** The Docker engine: which image store it runs, and the one way Archway calls the CLI. */
import { EnvironmentError, errorMessage } from '../shared/errors.js'
import { CommandError, type RunOptions, type RunResult, run } from '../shared/exec.js'

export type ImageStore = 'containerd' | 'classic'

/**
 * Runs `docker ARGS` against the runner's engine (DOCKER_HOST, DOCKER_CONFIG as the step's
 * environment gives them). A `docker buildx ...` command runs the buildx plugin the docker CLI
 * would run, standalone (as a `buildx` binary runs), where the CLI starts it twice, first to read
 * its metadata: about 0.15 s and 0.17 s of CPU less per command, of which a release makes dozens.
 * Its failure still names `docker buildx ...`.
 */
export async function docker(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const plugin = args[0] === 'buildx' ? await buildxPlugin() : undefined
  if (!plugin) return run('docker', args, options)
  try {
    return await run(plugin, args.slice(1), options)
  } catch (err) {
    if (err instanceof CommandError) throw new CommandError(['docker', ...args].join(' '), err.result)
    throw err
  }
}

/**
 * `docker info`, asked once per process: the engine's version and image store (engineInfo), and
 * the CLI's plugins (buildxPlugin), in one call.
 */
let info: Promise<RunResult> | undefined
const dockerInfo = () =>
  (info ??= run('docker', ['info', '--format', '{{json .ServerVersion}}\t{{json .DriverStatus}}\t{{json .ClientInfo.Plugins}}'], {
    allowFailure: true
  }))

/**
 * The buildx plugin's path, as the docker CLI finds it (its config's and the system's plugin
 * folders, in its order): undefined when it lists none, when `docker info` fails (the engine's
 * check says why), or when Archway runs inside a plugin of the CLI itself
 * (DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND set), where `docker buildx` is left to the CLI.
 */
async function buildxPlugin(): Promise<string | undefined> {
  if (process.env.DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND) return undefined
  const out = await dockerInfo().catch(() => undefined)
  return out?.exitCode === 0 ? pluginPath(out.stdout.trim().split('\t')[2] ?? '', 'buildx') : undefined
}

/** A plugin's path in the list `docker info` gives of the CLI's plugins (`ClientInfo.Plugins`); undefined when absent or broken. Pure. */
export function pluginPath(json: string, name: string): string | undefined {
  let plugins: unknown
  try {
    plugins = JSON.parse(json)
  } catch {
    return undefined
  }
  const found = Array.isArray(plugins)
    ? (plugins as { Name?: unknown; Path?: unknown; Err?: unknown }[]).find(p => p?.Name === name && !p.Err)
    : undefined
  return typeof found?.Path === 'string' && found.Path.startsWith('/') ? found.Path : undefined
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
    out = await dockerInfo()
    if (out.exitCode !== 0) throw new CommandError('docker info', out)
  } catch (err) {
    throw new EnvironmentError(`The Docker daemon does not answer (docker info failed): ${errorMessage(err)}`, { cause: err })
  }
  const [version, status] = out.stdout.trim().split('\t')
  return { version: JSON.parse(version) as string, store: storeFromDriverStatus(JSON.parse(status)) }
}
