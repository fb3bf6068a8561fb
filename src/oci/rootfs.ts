/**
 * An image's final filesystem, built by applying its layers' changesets in order, as the OCI
 * image spec's "Applying changesets" says: a `.wh.<name>` entry deletes `<name>` (and what is
 * under it) from the layers below; a `.wh..wh..opq` entry in a directory hides everything the
 * layers below put there, but not what the same layer puts there; any other entry replaces what
 * was at its path (a directory over a directory merges). Holds one small value per file. Pure.
 */

/**
 * What a layer's tar says about one path. `link` is a hard link to `target`, elsewhere in the
 * image; `symlink` a symbolic link whose `target` is kept as written (absolute or relative).
 */
export type Change<T> =
  | { readonly kind: 'file'; readonly data: T }
  | { readonly kind: 'dir' }
  | { readonly kind: 'other' }
  | { readonly kind: 'link'; readonly target: string }
  | { readonly kind: 'symlink'; readonly target: string }

/** One layer's changeset: its entries in tar order (the last of the same path wins) and its whiteouts. */
export interface LayerChanges<T> {
  readonly entries: Map<string, Change<T>>
  readonly whiteouts: Set<string>
  readonly opaqueDirs: Set<string>
}

export function emptyChanges<T>(): LayerChanges<T> {
  return { entries: new Map(), whiteouts: new Set(), opaqueDirs: new Set() }
}

/**
 * A tar member's name as a path inside the image, without leading `./` or `/`, trailing `/` or
 * `.` segments: `./usr/bin/` is `usr/bin`. Undefined for the root itself and for any name with
 * a `..` segment (which no layer may hold).
 */
export function layerPath(name: string): string | undefined {
  const parts = name.split('/').filter(s => s !== '' && s !== '.')
  if (parts.length === 0 || parts.includes('..')) return undefined
  return parts.join('/')
}

export type EntryName =
  | { readonly type: 'whiteout'; readonly path: string }
  | { readonly type: 'opaque'; readonly dir: string }
  | { readonly type: 'ignore' }
  | { readonly type: 'path'; readonly path: string }

/** Tells a whiteout (`dir/.wh.name`), an opaque marker (`dir/.wh..wh..opq`) and other `.wh..wh.` metadata from a plain path. */
export function classifyEntryName(path: string): EntryName {
  const slash = path.lastIndexOf('/')
  const dir = slash < 0 ? '' : path.slice(0, slash)
  const base = path.slice(slash + 1)
  if (!base.startsWith('.wh.')) return { type: 'path', path }
  if (base === '.wh..wh..opq') return { type: 'opaque', dir }
  if (base.startsWith('.wh..wh.')) return { type: 'ignore' }
  const name = base.slice('.wh.'.length)
  return { type: 'whiteout', path: dir ? `${dir}/${name}` : name }
}

/** Adds one tar member (by its raw name) to a layer's changeset. */
export function addEntry<T>(changes: LayerChanges<T>, name: string, change: Change<T>): void {
  const path = layerPath(name)
  if (path === undefined) return
  const kind = classifyEntryName(path)
  if (kind.type === 'whiteout') changes.whiteouts.add(kind.path)
  else if (kind.type === 'opaque') changes.opaqueDirs.add(kind.dir)
  else if (kind.type === 'path') {
    changes.entries.delete(path)
    changes.entries.set(path, change.kind === 'link' ? { kind: 'link', target: layerPath(change.target) ?? '' } : change)
  }
}

type Node<T> =
  | { readonly kind: 'dir'; readonly children: Map<string, Node<T>> }
  | { readonly kind: 'file'; readonly data: T }
  | { readonly kind: 'symlink'; readonly target: string }
  | { readonly kind: 'other' }

/** How many symbolic links one lookup follows before it gives up (Linux's MAXSYMLINKS). */
const MAX_SYMLINKS = 40

export class Rootfs<T> {
  private readonly root: Node<T> & { kind: 'dir' } = { kind: 'dir', children: new Map() }

  /** Applies one layer's changeset on top of the layers applied before it. */
  applyLayer(changes: LayerChanges<T>): void {
    for (const dir of changes.opaqueDirs) {
      const node = dir === '' ? this.root : this.get(dir)
      if (node?.kind === 'dir') node.children.clear()
    }
    for (const path of changes.whiteouts) this.remove(path)
    for (const [path, change] of changes.entries) {
      if (change.kind === 'dir') this.ensureDir(path)
      else if (change.kind === 'link') {
        const inLayer = changes.entries.get(change.target)
        const target = inLayer?.kind === 'file' ? inLayer : this.get(change.target)
        this.set(path, target?.kind === 'file' ? { kind: 'file', data: target.data } : { kind: 'other' })
      } else if (change.kind === 'symlink') this.set(path, { kind: 'symlink', target: change.target })
      else this.set(path, change.kind === 'file' ? { kind: 'file', data: change.data } : { kind: 'other' })
    }
  }

  /** Every regular file (hard links included), as `/absolute/path`, in name order. */
  *files(): Generator<[string, T]> {
    const walk = function* (dir: Map<string, Node<T>>, prefix: string): Generator<[string, T]> {
      for (const name of [...dir.keys()].sort()) {
        const node = dir.get(name) as Node<T>
        if (node.kind === 'file') yield [`${prefix}/${name}`, node.data]
        else if (node.kind === 'dir') yield* walk(node.children, `${prefix}/${name}`)
      }
    }
    yield* walk(this.root.children, '')
  }

  /**
   * Follows `path` (absolute, or relative to `/`) through the image's symbolic links, in every
   * component, as the kernel would inside the container: `/bin/sh` with `/bin -> usr/bin` and
   * `/usr/bin/sh -> busybox` is `/usr/bin/busybox`. Returns the real absolute path and what is
   * there, or undefined when a component is missing, not a directory, or the links loop.
   */
  resolve(path: string): { readonly path: string; readonly kind: 'dir' | 'file' | 'other'; readonly data?: T } | undefined {
    let todo = path.split('/').filter(s => s !== '' && s !== '.')
    const done: string[] = []
    const nodes: Node<T>[] = [this.root]
    let hops = 0
    while (todo.length > 0) {
      const [part, ...rest] = todo
      todo = rest
      if (part === '..') {
        if (done.length > 0) {
          done.pop()
          nodes.pop()
        }
        continue
      }
      const dir = nodes[nodes.length - 1]
      if (dir.kind !== 'dir') return undefined
      const node = dir.children.get(part)
      if (!node) return undefined
      if (node.kind === 'symlink') {
        if (++hops > MAX_SYMLINKS) return undefined
        const target = node.target.split('/').filter(s => s !== '' && s !== '.')
        if (node.target.startsWith('/')) {
          done.length = 0
          nodes.length = 1
        }
        todo = [...target, ...todo]
        continue
      }
      done.push(part)
      nodes.push(node)
    }
    const last = nodes[nodes.length - 1]
    const real = `/${done.join('/')}`
    if (last.kind === 'file') return { path: real, kind: 'file', data: last.data }
    return { path: real, kind: last.kind === 'dir' ? 'dir' : 'other' }
  }

  private get(path: string): Node<T> | undefined {
    let node: Node<T> | undefined = this.root
    for (const part of path.split('/')) {
      if (node?.kind !== 'dir') return undefined
      node = node.children.get(part)
    }
    return node
  }

  /** The directory that holds `path`, created (replacing any non-directory on the way) as needed. */
  private parentOf(path: string): [Map<string, Node<T>>, string] {
    const parts = path.split('/')
    const name = parts.pop() as string
    let dir = this.root.children
    for (const part of parts) {
      let next = dir.get(part)
      if (next?.kind !== 'dir') {
        next = { kind: 'dir', children: new Map() }
        dir.set(part, next)
      }
      dir = next.children
    }
    return [dir, name]
  }

  private set(path: string, node: Node<T>): void {
    const [dir, name] = this.parentOf(path)
    dir.set(name, node)
  }

  private ensureDir(path: string): void {
    const [dir, name] = this.parentOf(path)
    if (dir.get(name)?.kind !== 'dir') dir.set(name, { kind: 'dir', children: new Map() })
  }

  private remove(path: string): void {
    const slash = path.lastIndexOf('/')
    const parent = slash < 0 ? this.root : this.get(path.slice(0, slash))
    if (parent?.kind === 'dir') parent.children.delete(path.slice(slash + 1))
  }
}
