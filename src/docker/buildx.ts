/** `docker buildx build` command lines. Pure. */
import { formatPlatform } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'

/** docker/build-push-action's build settings, with its meanings (each list as it reads it). */
export interface BuildSettings {
  readonly addHosts: readonly string[]
  readonly allow: readonly string[]
  readonly buildContexts: readonly string[]
  readonly cacheFrom: readonly string[]
  readonly cacheTo: readonly string[]
  readonly network?: string
  readonly noCache: boolean
  readonly noCacheFilters: readonly string[]
  readonly pull: boolean
  /** `--sbom=<value>`: `true`, or buildx's SBOM attributes (`generator=IMAGE`); false for none. */
  readonly sbom: false | string
  /** Build secrets given by value: written to a file of the run's own before the build, never on a command line. */
  readonly secrets: readonly { readonly id: string; readonly value: string }[]
  readonly secretEnvs: readonly { readonly id: string; readonly env: string }[]
  readonly secretFiles: readonly { readonly id: string; readonly path: string }[]
  readonly shmSize?: string
  readonly ssh: readonly string[]
  readonly ulimit: readonly string[]
}

export const NO_SETTINGS: BuildSettings = {
  addHosts: [],
  allow: [],
  buildContexts: [],
  cacheFrom: [],
  cacheTo: [],
  noCache: false,
  noCacheFilters: [],
  pull: false,
  sbom: false,
  secrets: [],
  secretEnvs: [],
  secretFiles: [],
  ssh: [],
  ulimit: []
}

export interface BuildSpec {
  readonly context: string
  readonly file?: string
  readonly buildArgs: readonly (readonly [string, string])[]
  readonly target?: string
  readonly labels: readonly (readonly [string, string])[]
  readonly builder?: string
  /** A SLSA provenance attestation per platform (`min` or `max` mode); none when false or absent. */
  readonly provenance?: false | 'min' | 'max'
  readonly settings?: BuildSettings
}

const each = (flag: string, values: readonly string[]) => values.flatMap(v => [flag, v])

/**
 * One build, loaded into the engine under `tag`. With the containerd store and buildx's
 * `docker` driver one call builds every platform; otherwise it is called per platform.
 * `secretFiles` maps the id of each secret given by value to the file it was written to.
 */
export function buildArgv(
  spec: BuildSpec,
  platforms: readonly Platform[],
  tag: string,
  secretFiles: ReadonlyMap<string, string> = new Map()
): string[] {
  const s = spec.settings ?? NO_SETTINGS
  const missing = s.secrets.find(x => !secretFiles.has(x.id))
  if (missing) throw new Error(`build secret ${missing.id} has no file`)
  return [
    'buildx',
    'build',
    ...(spec.builder ? ['--builder', spec.builder] : []),
    '--platform',
    platforms.map(formatPlatform).join(','),
    ...(spec.file ? ['--file', spec.file] : []),
    ...(spec.target ? ['--target', spec.target] : []),
    ...spec.buildArgs.flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]),
    ...spec.labels.flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    ...each('--add-host', s.addHosts),
    ...each('--allow', s.allow),
    ...each('--build-context', s.buildContexts),
    ...each('--cache-from', s.cacheFrom),
    ...each('--cache-to', s.cacheTo),
    ...(s.network ? ['--network', s.network] : []),
    ...(s.noCache ? ['--no-cache'] : []),
    ...each('--no-cache-filter', s.noCacheFilters),
    ...(s.pull ? ['--pull'] : []),
    ...s.secrets.flatMap(x => ['--secret', `id=${x.id},src=${secretFiles.get(x.id)}`]),
    ...s.secretEnvs.flatMap(x => ['--secret', `id=${x.id},env=${x.env}`]),
    ...s.secretFiles.flatMap(x => ['--secret', `id=${x.id},src=${x.path}`]),
    ...(s.shmSize ? ['--shm-size', s.shmSize] : []),
    ...each('--ssh', s.ssh),
    ...each('--ulimit', s.ulimit),
    // Off unless asked for. When on (containerd store only), buildx stores one attestation
    // manifest per platform (unknown/unknown); it is published as an OCI referrer, never in the index.
    spec.provenance ? `--provenance=mode=${spec.provenance}` : '--provenance=false',
    `--sbom=${s.sbom === false ? 'false' : s.sbom}`,
    '--load',
    '--tag',
    tag,
    spec.context
  ]
}
