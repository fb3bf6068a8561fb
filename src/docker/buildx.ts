/** `docker buildx build` command lines. Pure. */
import type { Platform } from '../platform.js'
import { formatPlatform } from '../platform.js'

export interface BuildSpec {
  readonly context: string
  readonly file?: string
  readonly buildArgs: readonly (readonly [string, string])[]
  readonly target?: string
  readonly labels: readonly (readonly [string, string])[]
  readonly builder?: string
  /** A SLSA provenance attestation per platform (`min` or `max` mode); none when false or absent. */
  readonly provenance?: false | 'min' | 'max'
}

/**
 * One build, loaded into the engine under `tag`. With the containerd store and buildx's
 * `docker` driver one call builds every platform; otherwise it is called per platform.
 */
export function buildArgv(spec: BuildSpec, platforms: readonly Platform[], tag: string): string[] {
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
    // Off unless asked for. When on (containerd store only), buildx stores one attestation
    // manifest per platform (unknown/unknown); it is published as an OCI referrer, never in the index.
    spec.provenance ? `--provenance=mode=${spec.provenance}` : '--provenance=false',
    '--sbom=false',
    '--load',
    '--tag',
    tag,
    spec.context
  ]
}
