/** What the build stage hands on for each platform, and the helpers its ways of building share. */
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { buildRecordRef } from '../docker/build-record.js'
import { withSecretFiles } from '../docker/secret-files.js'
import type { BuildInputs } from '../inputs/inputs.js'
import { LayoutError, type PlatformImage, readLayoutIndex } from '../oci/layout.js'
import type { Descriptor } from '../oci/types.js'
import { VerificationError } from '../shared/errors.js'
import type { Platform } from '../shared/platform-table.js'
import type { BuildPlan } from './plan.js'

export interface PlatformBuilt {
  readonly platform: Platform
  /** The engine's ID of the platform's image: what the tests run, as soon as it is built. */
  readonly imageId: string
  /**
   * The same image in its OCI layout, checked to be the engine's: what the architecture check
   * reads and the push sends. Written while the tests run where the build left it only in the
   * engine (the containerd store's layout from the build cache).
   */
  readonly layout: Promise<InLayout>
  readonly buildSeconds: number
  /** True when one build served every platform (its time is shared). */
  readonly sharedBuild: boolean
  /** BuildKit's record of the build that made it (`builder/node/ref`), when buildx gave one. */
  readonly recordRef?: string
}

export interface InLayout {
  readonly image: PlatformImage
  /** How the image got from the build into its layout and the engine, for the platform's log group. */
  readonly notes: readonly string[]
}

export interface BuildRun {
  readonly plan: BuildPlan
  readonly b: BuildInputs
  /** The run's local tag (see localRef). */
  readonly tag: string
  /** The run's scratch folder: the layouts and the secret files go in it. */
  readonly scratch: string
  /** How many platforms are saved or loaded, then handed on, at once. */
  readonly parallel: number
  /** Names the run gave images in the engine besides its local tags (the names by digest of pulled platforms): removed with them when the run ends. */
  readonly engineNames: Set<string>
}

/** The secrets given by value exist as files for the builds only. */
export const withSecrets = <T>(run: BuildRun, work: (files: ReadonlyMap<string, string>) => Promise<T>) =>
  withSecretFiles(run.b.settings.secrets, join(run.scratch, 'secrets'), work)

/** The build's record reference from its metadata file, if buildx wrote one. */
export async function recordOf(metadata: string): Promise<string | undefined> {
  return buildRecordRef(metadata).catch(() => undefined)
}

/** The one image a layout written by a build or saved from the engine holds: the descriptor its index.json names. */
export async function savedImage(dir: string): Promise<Descriptor> {
  const { manifests } = await readLayoutIndex(dir)
  if (manifests.length !== 1) throw new LayoutError(`the OCI layout ${dir} names ${manifests.length} images, not one`)
  return manifests[0]
}

export async function layoutDir(run: BuildRun, name: string): Promise<string> {
  const dir = join(run.scratch, name)
  await mkdir(dir, { recursive: true })
  return dir
}

/** A build's time in seconds, and whether it made more than one platform (the time is theirs together). */
export interface BuildTime {
  readonly seconds: number
  readonly shared: boolean
}

const lines = (text: string) => (text ? text.replace(/\n$/, '').split('\n') : [])

/**
 * Refuses an engine image `id` (of `ref`, which the tests run) that is not `want`, the image its
 * OCI layout holds (expectedImageId): what the tests run is then exactly what the architecture
 * check reads and the push sends. Pure.
 */
export function requireSameImage(ref: string, id: string, want: string): void {
  if (id !== want)
    throw new VerificationError(
      `the engine's image ${ref} is ${id}, but its OCI layout holds ${want}: the image tested would not be the one pushed`
    )
}

/** A docker command held back for its log group: its command line, then what it printed. */
export const commandLines = (argv: readonly string[], out: { stdout: string; stderr: string }) => [
  `[command]docker ${argv.join(' ')}`,
  ...lines(out.stdout),
  ...lines(out.stderr)
]
