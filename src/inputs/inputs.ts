/** Inputs: read once, validated once. Nothing else reads `INPUT_*`. */
import * as core from '@actions/core'
import type { BuildSettings } from '../docker/buildx.js'
import type { QemuQuery } from '../emulation/qemu/query.js'
import type { ImageReference } from '../registry/reference.js'
import { InputError } from '../shared/errors.js'
import { formatPlatform, parsePlatformList } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'
import { ACTION_DEFAULTS } from './action-defaults.generated.js'
import { type Annotations, parseAnnotations } from './annotations.js'
import { maskBuildSecrets, readBuildSettings } from './build-settings.js'
import {
  type KeyValue,
  optional,
  type ProvenanceMode,
  parseArchIgnore,
  parseBinfmtFlags,
  parseBoolean,
  parseContext,
  parseFile,
  parseImage,
  parseKeyValues,
  parseMirror,
  parseName,
  parsePlatforms,
  parseProvenance,
  parseQemuVersions,
  parseTags
} from './values.js'

export interface Inputs {
  readonly platforms: readonly Platform[]
  /** The QEMU for every platform without its own. */
  readonly qemuVersion: QemuQuery
  /** The QEMU of each platform given its own (`linux/riscv64=7.2`), by canonical platform. */
  readonly qemuVersionFor: ReadonlyMap<string, QemuQuery>
  readonly qemuMirror: string
  readonly binfmtFlags: string
  readonly cache: boolean
  /** Present when `image` is given: build, test, verify and (with `push`) publish. */
  readonly build?: BuildInputs
}

export interface BuildInputs {
  /** The image's name, without tag or digest. */
  readonly image: ImageReference
  /** Where the index goes: one reference with a tag for each entry of `tags`. */
  readonly tags: readonly ImageReference[]
  readonly context: string
  readonly file?: string
  readonly buildArgs: readonly KeyValue[]
  readonly target?: string
  readonly labels: readonly KeyValue[]
  readonly annotations: Annotations
  readonly test?: string
  readonly push: boolean
  readonly credentials?: { readonly username: string; readonly password: string }
  readonly verifyArch: boolean
  /** `verify-arch-ignore`: absolute path globs the architecture check leaves out. */
  readonly verifyArchIgnore: readonly string[]
  /** `provenance`: buildx's SLSA provenance mode, or false for none (the default). */
  readonly provenance: ProvenanceMode
  readonly builder?: string
  /** `build`: this job's share of `platforms`, in a matrix of jobs; absent when it builds them all. */
  readonly share?: readonly Platform[]
  /**
   * `auto`: publish the index once every platform is there; `stage`: a matrix job that only
   * stages its share, for a separate `merge` job, which builds nothing and publishes what the
   * run's jobs staged.
   */
  readonly mode: 'auto' | 'stage' | 'merge'
  /** docker/build-push-action's build settings (cache, secrets, ssh, contexts, network, SBOM ...). */
  readonly settings: BuildSettings
}

export type InputReader = (name: string) => string

const readInput: InputReader = name => core.getInput(name)

/** An input's value, trimmed; its action.yml default when it is empty. */
export function withDefaults(read: InputReader): InputReader {
  return name => read(name).trim() || (ACTION_DEFAULTS[name] ?? '')
}

/** Reads and validates every input; throws InputError on the first bad one. */
export function getInputs(read: InputReader = readInput): Inputs {
  const get = withDefaults(read)
  // The password is masked before anything else can print it.
  const password = read('password')
  if (password) core.setSecret(password)
  maskBuildSecrets(read)
  const platforms = parsePlatforms(get('platforms'))
  const qemu = parseQemuVersions(get('qemu-version'), platforms, ACTION_DEFAULTS['qemu-version'])
  return {
    platforms,
    qemuVersion: qemu.all,
    qemuVersionFor: qemu.byPlatform,
    qemuMirror: parseMirror(get('qemu-mirror')),
    binfmtFlags: parseBinfmtFlags(get('binfmt-flags')),
    cache: parseBoolean('cache', get('cache')),
    ...buildInputs(get, read, password, platforms)
  }
}

/** What the post step needs again: the image and the credentials (never kept in state). */
export function getCredentials(read: InputReader = readInput): Pick<BuildInputs, 'image' | 'credentials'> {
  const password = read('password')
  if (password) core.setSecret(password)
  const username = read('username').trim()
  return { image: parseImage(read('image').trim()), credentials: username && password ? { username, password } : undefined }
}

/**
 * The inputs that only mean something with `image`. GitHub's runner passes every input, its
 * action.yml default when the workflow gives none, so an input counts as given only when it
 * differs from its default.
 */
const BUILD_ONLY: readonly string[] = [
  'tags',
  'file',
  'build-args',
  'target',
  'labels',
  'annotations',
  'test',
  'username',
  'password',
  'builder',
  'build',
  'mode',
  'add-hosts',
  'allow',
  'build-contexts',
  'cache-from',
  'cache-to',
  'network',
  'no-cache',
  'no-cache-filters',
  'pull',
  'sbom',
  'secrets',
  'secret-envs',
  'secret-files',
  'shm-size',
  'ssh',
  'ulimit',
  'verify-arch-ignore'
]

function buildInputs(get: InputReader, read: InputReader, password: string, platforms: readonly Platform[]): { build?: BuildInputs } {
  const imageText = get('image')
  const push = parseBoolean('push', get('push'))
  const verifyArch = parseBoolean('verify-arch', get('verify-arch'))
  const verifyArchIgnore = parseArchIgnore(get('verify-arch-ignore'))
  const provenance = parseProvenance(get('provenance'))
  if (imageText === '') {
    const stray = BUILD_ONLY.find(name => get(name) !== ACTION_DEFAULTS[name]) ?? (push ? 'push' : provenance ? 'provenance' : undefined)
    if (stray)
      throw new InputError('image', '', `accepted: an image name such as ghcr.io/acme/app; it is required when "${stray}" is given`)
    return {}
  }
  const image = parseImage(imageText)
  const username = get('username')
  if ((username === '') !== (password === '')) {
    throw new InputError(
      username ? 'password' : 'username',
      '',
      'accepted: username and password given together, or neither (then the docker config credentials are used)'
    )
  }
  const context = parseContext(get('context'))
  const shareMode = shareAndMode(get('build'), get('mode'), platforms)
  return {
    build: {
      image,
      tags: parseTags(get('tags'), image),
      context,
      file: optional(get('file'), parseFile),
      buildArgs: parseKeyValues('build-args', get('build-args')),
      target: optional(get('target'), v => parseName('target', v)),
      labels: parseKeyValues('labels', get('labels')),
      annotations: parseAnnotations(get('annotations'), platforms),
      test: optional(get('test'), v => v),
      push,
      credentials: username ? { username, password } : undefined,
      verifyArch,
      verifyArchIgnore,
      provenance,
      builder: optional(get('builder'), v => parseName('builder', v)),
      ...shareMode,
      settings: readBuildSettings(get, read, context, process.env, shareMode.share)
    }
  }
}

/** `build` must be a share of `platforms`; `mode: merge` builds nothing, so it takes no share. */
function shareAndMode(buildText: string, modeText: string, platforms: readonly Platform[]): Pick<BuildInputs, 'share' | 'mode'> {
  if (modeText !== 'auto' && modeText !== 'stage' && modeText !== 'merge') {
    throw new InputError(
      'mode',
      modeText,
      "accepted: auto (publish once every platform is there), stage (only stage this job's share, for a merge job) or merge (publish what the run staged)"
    )
  }
  const mode = modeText
  if (mode === 'stage' && buildText === '')
    throw new InputError('build', '', "accepted: this job's share of platforms; mode: stage needs it")
  if (buildText === '') return { mode }
  if (mode === 'merge') throw new InputError('build', buildText, 'accepted: nothing with mode: merge, which builds no platform')
  let share: Platform[]
  try {
    share = parsePlatformList(buildText)
  } catch {
    share = []
  }
  const all = new Set(platforms.map(formatPlatform))
  const outside = share.map(formatPlatform).filter(p => !all.has(p))
  if (share.length === 0 || outside.length > 0) {
    throw new InputError(
      'build',
      buildText,
      `accepted: this job's share of platforms (${[...all].join(', ')}), such as \${{ matrix.platform }}`
    )
  }
  return { share, mode }
}
