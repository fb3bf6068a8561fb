import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { discardWrittenSince, snapshot } from '../../../../src/emulation/qemu/toolcache.js'
import { tempDir } from '../../../helpers/tmp.js'

/** Writes `files` (paths relative to the tool cache's qemu/ folder). */
function write(toolCache: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(toolCache, 'qemu', path, '..'), { recursive: true })
    writeFileSync(join(toolCache, 'qemu', path), content)
  }
}

/** The files under qemu/, relative. */
const files = (toolCache: string) =>
  readdirSync(join(toolCache, 'qemu'), { recursive: true, withFileTypes: true })
    .filter(f => f.isFile())
    .map(f => relative(join(toolCache, 'qemu'), join(f.parentPath, f.name)))
    .sort()

describe('what a failed restore wrote into the tool cache', () => {
  it('is removed: each version entry it wrote into, whole, and each memo it wrote; what was there before stays', async () => {
    const toolCache = tempDir('toolcache')
    write(toolCache, {
      '1%3a7.2+dfsg-7/amd64/qemu-aarch64': 'kept',
      '1%3a7.2+dfsg-7/amd64/archway-qemu.json': '{}',
      '1%3a7.2+dfsg-7/amd64.complete': '',
      'resolved/aaaa.json': 'kept',
      '.work-123/staged/qemu-s390x': 'another job installing'
    })
    const before = await snapshot(toolCache)
    // The restore: a new version (binaries and manifest, one of them not even finished), a memo, and one file of the old version overwritten.
    write(toolCache, {
      '1%3a10.0.13+ds-0/amd64/qemu-aarch64': 'half',
      '1%3a10.0.13+ds-0/amd64.complete': '',
      'resolved/bbbb.json': 'from the restore',
      '1%3a9.2+ds-1/amd64/qemu-arm': 'overwritten version: marker untouched',
      '1%3a9.2+ds-1/amd64/archway-qemu.json': '{}'
    })
    const removed = await discardWrittenSince(toolCache, before)
    expect(removed).toEqual([
      '1%3a10.0.13+ds-0/amd64',
      '1%3a10.0.13+ds-0/amd64.complete',
      '1%3a9.2+ds-1/amd64',
      '1%3a9.2+ds-1/amd64.complete',
      'resolved/bbbb.json'
    ])
    expect(files(toolCache)).toEqual([
      '.work-123/staged/qemu-s390x',
      '1%3a7.2+dfsg-7/amd64.complete',
      '1%3a7.2+dfsg-7/amd64/archway-qemu.json',
      '1%3a7.2+dfsg-7/amd64/qemu-aarch64',
      'resolved/aaaa.json'
    ])
    expect(readFileSync(join(toolCache, 'qemu', '1%3a7.2+dfsg-7/amd64/qemu-aarch64'), 'utf8')).toBe('kept')
  })

  it('counts a file rewritten in place as written (its ctime moves, whatever mtime tar gives it)', async () => {
    const toolCache = tempDir('toolcache')
    write(toolCache, { 'v/amd64/qemu-aarch64': 'a', 'v/amd64.complete': '' })
    const before = await snapshot(toolCache)
    await new Promise(r => setTimeout(r, 20))
    write(toolCache, { 'v/amd64/qemu-aarch64': 'b' })
    expect(await discardWrittenSince(toolCache, before)).toEqual(['v/amd64', 'v/amd64.complete'])
  })

  it('removes nothing when nothing was written, or when the tool cache has no qemu folder', async () => {
    const toolCache = tempDir('toolcache')
    expect(await snapshot(toolCache)).toEqual(new Map())
    expect(await discardWrittenSince(toolCache, new Map())).toEqual([])
    write(toolCache, { 'v/amd64/qemu-aarch64': 'a' })
    expect(await discardWrittenSince(toolCache, await snapshot(toolCache))).toEqual([])
  })
})
