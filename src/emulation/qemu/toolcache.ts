/**
 * The runner's tool cache: `<RUNNER_TOOL_CACHE>/qemu/<exact Debian version>/<host arch>/`
 * holds the static emulators (`qemu-<arch>`) and a manifest with each file's SHA-256,
 * so a binary altered after it was cached is noticed before it is used. An entry holds the
 * emulators the jobs that used it needed (unpacking one takes a fraction of unpacking all);
 * its manifest lists what else the package holds, which a later job adds to it. The colon of a
 * Debian epoch is written `%3a`, as apt names its cached .debs: binfmt_misc separates
 * its fields with colons, so the interpreter path must not contain one.
 */
import { access, lstat, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join, sep } from 'node:path'
import { sha256Hex as sha256 } from '../../shared/digest.js'
import type { QemuPackage } from './resolve.js'

export const MANIFEST = 'archway-qemu.json'

export interface Installed extends QemuPackage {
  readonly dir: string
  /** SHA-256 of the .deb the binaries came from. */
  readonly debSha256: string
  readonly url: string
  /** Emulator name (`aarch64`) -> SHA-256 of `qemu-<name>` in `dir`. */
  readonly binaries: Readonly<Record<string, string>>
  /**
   * The emulators Archway uses for this host that the package holds, installed or not (its
   * md5sums list them); absent when the entry holds all of them.
   */
  readonly holds?: readonly string[]
}

export function qemuRoot(toolCache: string): string {
  return join(toolCache, 'qemu')
}

export function versionDir(toolCache: string, debianVersion: string, runnerArch: string): string {
  return join(qemuRoot(toolCache), debianVersion.replace(/:/g, '%3a'), runnerArch)
}

export function binaryPath(installed: Pick<Installed, 'dir'>, emulator: string): string {
  return join(installed.dir, `qemu-${emulator}`)
}

export type Lookup =
  | { readonly state: 'missing' }
  | { readonly state: 'altered'; readonly path: string }
  | { readonly state: 'ok'; readonly installed: Installed }
  /** The package holds some of the emulators asked for that the entry does not yet: `missing`. */
  | { readonly state: 'partial'; readonly installed: Installed; readonly missing: readonly string[] }

/** The emulators of `wanted` the package holds that the entry has not installed. Pure. */
export function notInstalled(installed: Pick<Installed, 'binaries' | 'holds'>, wanted: readonly string[]): string[] {
  return wanted.filter(e => !(e in installed.binaries) && (installed.holds ?? []).includes(e))
}

/** Looks a version up; the binaries in `emulators` are hashed and checked against the manifest. */
export async function lookup(toolCache: string, debianVersion: string, runnerArch: string, emulators: readonly string[]): Promise<Lookup> {
  const dir = versionDir(toolCache, debianVersion, runnerArch)
  let installed: Installed
  try {
    await readFile(`${dir}.complete`)
    installed = { ...(JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as Installed), dir }
  } catch {
    return { state: 'missing' }
  }
  for (const e of emulators) {
    const want = installed.binaries[e]
    if (want === undefined) continue // the package has no such emulator; the caller says so
    const path = binaryPath(installed, e)
    let data: Buffer
    try {
      data = await readFile(path)
    } catch {
      return { state: 'altered', path }
    }
    if (sha256(data) !== want) return { state: 'altered', path }
  }
  const missing = notInstalled(installed, emulators)
  return missing.length > 0 ? { state: 'partial', installed, missing } : { state: 'ok', installed }
}

async function readManifest(dir: string): Promise<Omit<Installed, 'dir'>> {
  return JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as Omit<Installed, 'dir'>
}

/** Writes a manifest whole, by a rename, so that a reader sees the old one or the new one. */
async function writeManifest(dir: string, manifest: Omit<Installed, 'dir'>): Promise<void> {
  const part = join(dir, `.${MANIFEST}.${process.pid}-${Date.now()}`)
  await writeFile(part, `${JSON.stringify(manifest, null, 2)}\n`)
  await rename(part, join(dir, MANIFEST))
}

/**
 * Adds staged emulators (`qemu-<name>` in `staged`, their SHA-256 in `binaries`) to an entry of
 * the same .deb: each binary moved in by a rename, then the manifest rewritten to list it. Another
 * job may add others at the same moment: the manifest is read again until it lists ours too.
 */
async function addTo(dir: string, staged: string, debSha256: string, binaries: Readonly<Record<string, string>>): Promise<Installed> {
  for (let attempt = 0; ; attempt++) {
    const current = await readManifest(dir)
    if (current.debSha256 !== debSha256)
      throw new Error(
        `another job put another build of QEMU ${current.debianVersion} in the tool cache at the same moment; run the job again`
      )
    const adding = Object.keys(binaries).filter(e => current.binaries[e] === undefined)
    if (adding.length === 0) return { ...current, dir }
    if (attempt === 10) throw new Error(`the manifest in ${dir} kept changing while emulators were added to it`)
    for (const e of adding) {
      const to = join(dir, `qemu-${e}`)
      // Moved already by an earlier attempt, whose manifest another job's then replaced.
      await rename(join(staged, `qemu-${e}`), to).catch(async (err: unknown) => {
        if (attempt === 0 || !(await exists(to))) throw err
      })
    }
    const added = Object.fromEntries(adding.map(e => [e, binaries[e]]))
    await writeManifest(dir, { ...current, binaries: { ...current.binaries, ...added } })
  }
}

/** Removes a version's entry, so it is fetched again. */
export async function evict(toolCache: string, debianVersion: string, runnerArch: string): Promise<void> {
  const dir = versionDir(toolCache, debianVersion, runnerArch)
  await rm(`${dir}.complete`, { force: true })
  await rm(dir, { recursive: true, force: true })
}

/**
 * Moves a staged directory of binaries into place and writes the manifest, then the
 * `.complete` marker last. Into an entry of the same .deb already there (`into`, or another job's
 * that got there first), the staged binaries are added instead.
 */
export async function commit(
  staged: string,
  toolCache: string,
  installed: Omit<Installed, 'dir'>,
  runnerArch: string,
  into?: Installed
): Promise<Installed> {
  const dir = versionDir(toolCache, installed.debianVersion, runnerArch)
  if (into) return addTo(dir, staged, installed.debSha256, installed.binaries)
  await writeFile(join(staged, MANIFEST), `${JSON.stringify(installed, null, 2)}\n`)
  await mkdir(join(dir, '..'), { recursive: true })
  try {
    await rename(staged, dir)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err
    // Another job on this machine is committing the same version: its marker follows its rename.
    if (await waitFor(`${dir}.complete`, COMMIT_WAIT_MS)) return addTo(dir, staged, installed.debSha256, installed.binaries)
    // No marker came: the leftover of an interrupted run. Set it aside and take its place.
    const aside = `${dir}.stale-${process.pid}-${Date.now()}`
    await rename(dir, aside)
    await rm(aside, { recursive: true, force: true })
    await rename(staged, dir)
  }
  await writeFile(`${dir}.complete`, '')
  return { ...installed, dir }
}

const COMMIT_WAIT_MS = 10_000

async function waitFor(path: string, ms: number): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; await new Promise(r => setTimeout(r, 100))) {
    if (await exists(path)) return true
  }
  return exists(path)
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false
  )
}

/** Every file and link under the tool cache's `qemu/` folder, by path relative to it, with its ctime: what a restore changes. */
export type Snapshot = ReadonlyMap<string, number>

export async function snapshot(toolCache: string): Promise<Snapshot> {
  const root = qemuRoot(toolCache)
  const files = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => [])
  const out = new Map<string, number>()
  for (const f of files) {
    // A link counts as written too: one planted where a version's folder would be leads the lookup elsewhere.
    if (f.isDirectory()) continue
    const path = join(f.parentPath, f.name)
    const s = await lstat(path).catch(() => undefined)
    if (s) out.set(path.slice(root.length + 1), s.ctimeMs)
  }
  return out
}

/**
 * Removes what was written under `qemu/` since `before` was taken (a file that is new or whose
 * ctime moved): each version entry such a file belongs to, whole, and each such memo or other file.
 * Returns the paths removed, relative to `qemu/`. For whatever a restore wrote there: a genuine entry writes
 * nothing under `qemu/`, and a failed one may have extracted files before it failed.
 */
export async function discardWrittenSince(toolCache: string, before: Snapshot): Promise<string[]> {
  const root = qemuRoot(toolCache)
  const doomed = new Set<string>()
  for (const [path, ctime] of await snapshot(toolCache)) {
    const [first, second] = path.split(sep)
    // Another job's install in progress (install.ts stages under .work-*) is not ours to remove.
    if (before.get(path) === ctime || first.startsWith('.work-')) continue
    // <version>/<host>/<file> and <version>/<host>.complete are one entry; resolved/<memo> and anything else stand alone.
    if (first !== 'resolved' && second !== undefined) {
      const runnerArch = second.replace(/\.complete$/, '')
      doomed.add(join(first, `${runnerArch}.complete`))
      doomed.add(join(first, runnerArch))
    } else doomed.add(path)
  }
  for (const path of doomed) await rm(join(root, path), { recursive: true, force: true })
  return [...doomed].sort()
}
