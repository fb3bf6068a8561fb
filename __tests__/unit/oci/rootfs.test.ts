import { addEntry, emptyChanges, Rootfs } from '../../../src/oci/rootfs.js'

/** A one-layer filesystem from [name, change] pairs. */
function rootfs(entries: Array<[string, Parameters<typeof addEntry<string>>[2]]>): Rootfs<string> {
  const changes = emptyChanges<string>()
  for (const [name, change] of entries) addEntry(changes, name, change)
  const fs = new Rootfs<string>()
  fs.applyLayer(changes)
  return fs
}

describe("following the image's symbolic links", () => {
  const fs = rootfs([
    ['usr/bin/busybox', { kind: 'file', data: 'busybox' }],
    ['usr/bin/sh', { kind: 'symlink', target: 'busybox' }],
    ['bin', { kind: 'symlink', target: 'usr/bin' }],
    ['opt/app/bin', { kind: 'symlink', target: '../../usr/bin/' }],
    ['opt/abs', { kind: 'symlink', target: '/bin/sh' }],
    ['loop/a', { kind: 'symlink', target: 'b' }],
    ['loop/b', { kind: 'symlink', target: 'a' }],
    ['etc/', { kind: 'dir' }]
  ])

  it('resolves links in every component, relative and absolute, to the real path', () => {
    expect(fs.resolve('/bin/sh')).toEqual({ path: '/usr/bin/busybox', kind: 'file', data: 'busybox' })
    expect(fs.resolve('/opt/app/bin/sh')).toEqual({ path: '/usr/bin/busybox', kind: 'file', data: 'busybox' })
    expect(fs.resolve('/opt/abs')).toEqual({ path: '/usr/bin/busybox', kind: 'file', data: 'busybox' })
    expect(fs.resolve('/bin')).toEqual({ path: '/usr/bin', kind: 'dir' })
    expect(fs.resolve('/etc/../bin/./sh')?.path).toBe('/usr/bin/busybox')
    expect(fs.resolve('/')).toEqual({ path: '/', kind: 'dir' })
  })

  it('says undefined for a missing path, a file used as a directory, and a loop', () => {
    expect(fs.resolve('/bin/nope')).toBeUndefined()
    expect(fs.resolve('/bin/sh/x')).toBeUndefined()
    expect(fs.resolve('/loop/a')).toBeUndefined()
  })

  it('keeps links out of the files it lists', () => {
    expect([...fs.files()].map(([p]) => p)).toEqual(['/usr/bin/busybox'])
  })
})
