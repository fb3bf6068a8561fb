/**
 * What an image's config and filesystem say runs on it: the entrypoint's real path, the PATH
 * directories and the platform's library directories, with the image's symbolic links followed;
 * and the `verify-arch-ignore` globs, matched with minimatch. Pure.
 */
import { posix } from 'node:path'
import { Minimatch } from 'minimatch'
import type { ImageConfig } from '../oci/types.js'
import { platformFacts } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'
import { type ImageContext, ownLibraryDirs } from './arch-rule.js'

/** The PATH a container gets when its config sets none (runc's and containerd's default). */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

/** Follows a path through the image's symbolic links: its real path and whether a regular file is there. */
export type Resolve = (path: string) => { readonly path: string; readonly kind: 'dir' | 'file' | 'other' } | undefined

interface RuntimeConfig {
  readonly Entrypoint?: readonly string[] | null
  readonly Cmd?: readonly string[] | null
  readonly Env?: readonly string[] | null
  readonly WorkingDir?: string
}

function runtime(config: ImageConfig): RuntimeConfig {
  return (config.config ?? {}) as RuntimeConfig
}

/** The config's PATH directories (from `Env`, else the default), as written. */
export function pathOf(config: ImageConfig): string[] {
  const env = runtime(config).Env ?? []
  const entry = [...env].reverse().find(e => e.startsWith('PATH='))
  const path = entry === undefined ? DEFAULT_PATH : entry.slice('PATH='.length)
  return path.split(':').filter(d => d.startsWith('/'))
}

/** The program the container starts, as written: the first word of Entrypoint, else of Cmd. */
export function entrypointWord(config: ImageConfig): string | undefined {
  const c = runtime(config)
  const words = c.Entrypoint?.length ? c.Entrypoint : c.Cmd
  return words?.[0] || undefined
}

/**
 * The real path of the file the container starts: an absolute name followed through the
 * image's links; a name with a slash taken from the working directory; a bare name looked up
 * in the config's PATH, as the runtime does. Undefined when no file of the image is there.
 */
export function entrypointPath(config: ImageConfig, resolve: Resolve): string | undefined {
  const word = entrypointWord(config)
  if (!word) return undefined
  const file = (p: string) => {
    const r = resolve(p)
    return r?.kind === 'file' ? r.path : undefined
  }
  if (word.startsWith('/')) return file(word)
  if (word.includes('/')) return file(posix.join('/', runtime(config).WorkingDir || '/', word))
  for (const dir of pathOf(config)) {
    const found = file(`${dir}/${word}`)
    if (found) return found
  }
  return undefined
}

/** The real path of a directory, or the path as written when it is not one in the image. */
function realDir(dir: string, resolve: Resolve): string {
  const r = resolve(dir)
  return r?.kind === 'dir' ? r.path : dir
}

/** Compiled `verify-arch-ignore` globs: `*` and `?` within a name, `**` across names, dot files matched too. */
export function ignoreMatcher(globs: readonly string[]): (path: string) => boolean {
  const compiled = globs.map(g => new Minimatch(g, { dot: true }))
  return path => compiled.some(m => m.match(path))
}

/** Whether a `verify-arch-ignore` item is a glob minimatch compiles, of an absolute path. */
export function validIgnoreGlob(glob: string): boolean {
  if (!glob.startsWith('/') || glob.length > 4096) return false
  try {
    return new Minimatch(glob, { dot: true }).makeRe() !== false
  } catch {
    return false
  }
}

/** Everything the rule needs to know of the image (see ImageContext). */
export function imageContext(config: ImageConfig, platform: Platform, resolve: Resolve, ignore: readonly string[] = []): ImageContext {
  const facts = platformFacts(platform)
  const libs = ownLibraryDirs(facts.gnu, facts.elf.bits)
  return {
    entrypoint: entrypointPath(config, resolve),
    pathDirs: new Set(pathOf(config).flatMap(d => [d.replace(/\/+$/, '') || '/', realDir(d, resolve)])),
    libraryDirs: [...new Set([...libs, ...libs.map(d => realDir(d, resolve))])],
    triplet: facts.gnu,
    nodeArch: facts.node,
    ignored: ignoreMatcher(ignore)
  }
}
