import { parseAnnotations } from '../../../src/inputs/annotations.js'
import { buildIndex, indexAnnotations, indexNotes } from '../../../src/publish/index-manifest.js'
import { parsePlatform, parsePlatformList } from '../../../src/shared/platform.js'

const d = (n: number) => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${String(n).repeat(64).slice(0, 64)}`,
  size: 500 + n
})
const image = (p: string, n: number) => ({ platform: parsePlatform(p)!, manifest: d(n) })

describe('the multi-platform index', () => {
  it('lists every platform with its exact platform object, in the fixed platform order', () => {
    const idx = buildIndex([image('linux/riscv64', 5), image('linux/arm/v7', 3), image('linux/amd64', 1), image('linux/arm64', 2)], [])
    const doc = JSON.parse(idx.bytes.toString())
    expect(doc.mediaType).toBe('application/vnd.oci.image.index.v1+json')
    expect(doc.schemaVersion).toBe(2)
    expect(doc.manifests.map((m: { platform: unknown }) => m.platform)).toEqual([
      { architecture: 'amd64', os: 'linux' },
      { architecture: 'arm64', os: 'linux' },
      { architecture: 'arm', os: 'linux', variant: 'v7' },
      { architecture: 'riscv64', os: 'linux' }
    ])
    expect(doc.manifests[2]).toEqual({ ...d(3), platform: { architecture: 'arm', os: 'linux', variant: 'v7' } })
    expect(doc).not.toHaveProperty('annotations')
  })

  it('gives the same bytes and digest whatever order the facts come in', () => {
    const a = buildIndex(
      [image('linux/s390x', 4), image('linux/amd64', 1)],
      [
        ['b', '2'],
        ['a', '1']
      ]
    )
    const b = buildIndex(
      [image('linux/amd64', 1), image('linux/s390x', 4)],
      [
        ['a', '1'],
        ['b', '2']
      ]
    )
    expect(a.bytes.equals(b.bytes)).toBe(true)
    expect(a.digest).toBe(b.digest)
    expect(a.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(JSON.parse(a.bytes.toString()).annotations).toEqual({ a: '1', b: '2' })
  })

  it('changes digest when anything listed changes', () => {
    const base = buildIndex([image('linux/amd64', 1)], [])
    expect(buildIndex([image('linux/amd64', 2)], []).digest).not.toBe(base.digest)
    expect(buildIndex([image('linux/amd64', 1)], [['k', 'v']]).digest).not.toBe(base.digest)
  })

  it("annotates each platform's entry with its manifest-descriptor annotations, keys sorted, and the digest changes exactly then", () => {
    const images = [image('linux/arm64', 2), image('linux/amd64', 1)]
    const base = buildIndex(images, [['t', '1']])
    const noted = buildIndex(images, [['t', '1']], {
      'linux/arm64': { 'org.opencontainers.image.version': '1.4.2', 'org.opencontainers.image.created': '2026-11-30T00:00:00.000Z' },
      'linux/amd64': { z: 'last', a: 'first' }
    })
    const doc = JSON.parse(noted.bytes.toString())
    expect(doc.manifests).toEqual([
      { ...d(1), platform: { architecture: 'amd64', os: 'linux' }, annotations: { a: 'first', z: 'last' } },
      {
        ...d(2),
        platform: { architecture: 'arm64', os: 'linux' },
        annotations: { 'org.opencontainers.image.created': '2026-11-30T00:00:00.000Z', 'org.opencontainers.image.version': '1.4.2' }
      }
    ])
    expect(Object.keys(doc.manifests[1].annotations)).toEqual(['org.opencontainers.image.created', 'org.opencontainers.image.version'])
    expect(noted.digest).not.toBe(base.digest)
    // None given, or empty ones, change nothing; the same facts in another order give the same bytes.
    expect(buildIndex(images, [['t', '1']], {}).bytes.equals(base.bytes)).toBe(true)
    expect(buildIndex(images, [['t', '1']], { 'linux/amd64': {} }).bytes.equals(base.bytes)).toBe(true)
    const again = buildIndex([...images].reverse(), [['t', '1']], {
      'linux/amd64': { a: 'first', z: 'last' },
      'linux/arm64': { 'org.opencontainers.image.created': '2026-11-30T00:00:00.000Z', 'org.opencontainers.image.version': '1.4.2' }
    })
    expect(again.bytes.equals(noted.bytes)).toBe(true)
  })

  it("builds the same bytes from docker/metadata-action's annotations in every job that holds them", () => {
    const text = ['index', 'manifest-descriptor', 'manifest']
      .flatMap(level => [`${level}:org.opencontainers.image.title=app`, `${level}:org.opencontainers.image.version=1.4.2`])
      .join('\n')
    const facts = { serverUrl: 'https://github.com', repository: 'acme/app', sha: 'abc123', created: '2026-11-01T10:00:00.000Z' }
    const build = () => {
      const notes = indexNotes(parseAnnotations(text, parsePlatformList('linux/amd64,linux/arm64')), facts)
      return buildIndex([image('linux/amd64', 1), image('linux/arm64', 2)], notes.annotations, notes.descriptorAnnotations)
    }
    const doc = JSON.parse(build().bytes.toString())
    expect(doc.annotations).toEqual({
      'org.opencontainers.image.created': '2026-11-01T10:00:00.000Z',
      'org.opencontainers.image.revision': 'abc123',
      'org.opencontainers.image.source': 'https://github.com/acme/app',
      'org.opencontainers.image.title': 'app',
      'org.opencontainers.image.version': '1.4.2'
    })
    for (const m of doc.manifests)
      expect(m.annotations).toEqual({ 'org.opencontainers.image.title': 'app', 'org.opencontainers.image.version': '1.4.2' })
    expect(build().bytes.equals(build().bytes)).toBe(true)
  })

  it('refuses two images for one platform', () => {
    expect(() => buildIndex([image('linux/arm64', 1), image('linux/arm64/v8', 2)], [])).toThrow('two images for linux/arm64')
  })
})

describe('index annotations', () => {
  it('carry the source, revision and created facts of the run, under what the user gives', () => {
    const facts = { serverUrl: 'https://github.com', repository: 'acme/app', sha: 'abc123', created: '2026-11-01T10:00:00.000Z' }
    expect(new Map(indexAnnotations([['org.opencontainers.image.title', 'App']], facts))).toEqual(
      new Map([
        ['org.opencontainers.image.source', 'https://github.com/acme/app'],
        ['org.opencontainers.image.revision', 'abc123'],
        ['org.opencontainers.image.created', '2026-11-01T10:00:00.000Z'],
        ['org.opencontainers.image.title', 'App']
      ])
    )
    expect(new Map(indexAnnotations([['org.opencontainers.image.revision', 'mine']], facts)).get('org.opencontainers.image.revision')).toBe(
      'mine'
    )
  })

  it('leave out what the run does not know, and never use the wall clock', () => {
    expect(indexAnnotations([], {})).toEqual([])
  })
})
