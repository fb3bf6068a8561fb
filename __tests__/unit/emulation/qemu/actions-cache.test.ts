import { cacheKey } from '../../../../src/emulation/qemu/actions-cache.js'
import { parseQemuQuery } from '../../../../src/emulation/qemu/query.js'

const key = (query: string, now = new Date('2026-11-22T10:00:00Z'), mirror = 'http://deb.debian.org/debian') =>
  cacheKey({ query: parseQemuQuery(query)!, mirror, runnerArch: 'amd64' }, now)

describe('Actions cache keys', () => {
  it('name the exact version and host architecture for a pinned version, whatever the day', () => {
    expect(key('1:11.1.3+ds-1')).toBe('archway-qemu-amd64-1:11.1.3+ds-1')
    expect(key('1:11.1.3+ds-1', new Date('2027-01-01T00:00:00Z'))).toBe('archway-qemu-amd64-1:11.1.3+ds-1')
  })

  it('last one UTC day for stable, latest and ranges', () => {
    expect(key('stable')).toMatch(/^archway-qemu-amd64-stable-[0-9a-f]{12}-20261122$/)
    expect(key('stable', new Date('2026-11-22T23:59:59Z'))).toBe(key('stable'))
    expect(key('stable', new Date('2026-11-23T00:00:00Z'))).not.toBe(key('stable'))
  })

  it('differ by query and by mirror', () => {
    expect(
      new Set([key('stable'), key('latest'), key('11.1'), key('>=10'), key('stable', undefined, 'http://mirror.example/debian')]).size
    ).toBe(5)
  })
})
