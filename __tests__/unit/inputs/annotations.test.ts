import { parseAnnotations } from '../../../src/inputs/annotations.js'
import { InputError } from '../../../src/shared/errors.js'
import { parsePlatformList } from '../../../src/shared/platform.js'
import { KEY_VALUES, KEYS, metadataAction } from '../../fixtures/metadata-action.js'

const TWO = parsePlatformList('linux/amd64,linux/arm64')
/** Its `annotations` output with DOCKER_METADATA_ANNOTATIONS_LEVELS=manifest,index,manifest-descriptor: one block per level. */
const METADATA_ACTION = metadataAction(['manifest', 'index', 'manifest-descriptor'])
const EXPECTED = KEY_VALUES

describe('the annotations input', () => {
  it("reads docker/metadata-action's output at three levels, every platform getting the manifest and descriptor ones", () => {
    const a = parseAnnotations(METADATA_ACTION, TWO)
    expect(Object.fromEntries(a.index)).toEqual(EXPECTED)
    expect(a.index.map(([k]) => k)).toEqual(Object.keys(EXPECTED))
    expect(a.manifest).toEqual({ 'linux/amd64': EXPECTED, 'linux/arm64': EXPECTED })
    expect(a.manifestDescriptor).toEqual({ 'linux/amd64': EXPECTED, 'linux/arm64': EXPECTED })
    // Values keep their colons and equals signs; keys are sorted for the same bytes every time.
    expect(a.manifest['linux/amd64']['org.opencontainers.image.source']).toBe('https://github.com/acme/app')
    expect(Object.keys(a.manifest['linux/arm64'])).toEqual([...Object.keys(EXPECTED)].sort())
  })

  it("reads metadata-action's default output (manifest level only) as manifest annotations, none on the index", () => {
    const a = parseAnnotations(KEYS.map(k => `manifest:${k}`).join('\n'), TWO)
    expect(a.index).toEqual([])
    expect(a.manifest['linux/amd64']).toEqual(EXPECTED)
    expect(a.manifestDescriptor).toEqual({})
  })

  it.each<[string, string, Partial<ReturnType<typeof parseAnnotations>>]>([
    ['no level: the index, as before', 'k=v', { index: [['k', 'v']], manifest: {}, manifestDescriptor: {} }],
    ['index:', 'index:k=v', { index: [['k', 'v']] }],
    ['an empty value', 'index:org.opencontainers.image.description=', { index: [['org.opencontainers.image.description', '']] }],
    ['a value with colons and equals signs', 'index:src=https://x:8443/a?b=c', { index: [['src', 'https://x:8443/a?b=c']] }],
    ['a key with a colon after a level', 'index:a:b=c', { index: [['a:b', 'c']] }],
    ['manifest:', 'manifest:k=v', { manifest: { 'linux/amd64': { k: 'v' }, 'linux/arm64': { k: 'v' } } }],
    ['manifest-descriptor:', 'manifest-descriptor:k=v', { manifestDescriptor: { 'linux/amd64': { k: 'v' }, 'linux/arm64': { k: 'v' } } }],
    [
      'several levels, as buildx takes them',
      'manifest,index:k=v',
      { index: [['k', 'v']], manifest: { 'linux/amd64': { k: 'v' }, 'linux/arm64': { k: 'v' } } }
    ],
    ['one platform', 'manifest[linux/arm64]:k=v', { manifest: { 'linux/arm64': { k: 'v' } } }],
    ['one platform by an alias', 'manifest-descriptor[arm64/v8]:k=v', { manifestDescriptor: { 'linux/arm64': { k: 'v' } } }],
    [
      'one platform over every platform, whatever the order',
      'manifest[linux/arm64]:k=arm\nmanifest:k=all\nmanifest:j=1',
      { manifest: { 'linux/amd64': { j: '1', k: 'all' }, 'linux/arm64': { j: '1', k: 'arm' } } }
    ],
    [
      'the later of two lines with one key',
      'manifest:k=1\nmanifest:k=2',
      { manifest: { 'linux/amd64': { k: '2' }, 'linux/arm64': { k: '2' } } }
    ],
    ['blank lines and spaces around lines', '\n  index:k=v  \n\n', { index: [['k', 'v']] }],
    ['nothing', '', { index: [], manifest: {}, manifestDescriptor: {} }]
  ])('reads %s', (_what, text, expected) => {
    expect(parseAnnotations(text, TWO)).toMatchObject(expected)
  })

  it.each([
    ['index-descriptor:org.opencontainers.image.title=app', 'not index-descriptor: (buildx writes it only into an OCI layout'],
    ['manifest,index-descriptor:k=v', 'not index-descriptor:'],
    ['foo:key=value', 'accepted: KEY=VALUE lines as docker/metadata-action writes them'],
    ['Manifest:k=v', 'accepted: KEY=VALUE lines as docker/metadata-action writes them'],
    ['com.example:k=v', 'accepted: KEY=VALUE lines as docker/metadata-action writes them'],
    ['https://x=1', 'accepted: KEY=VALUE lines as docker/metadata-action writes them'],
    [':k=v', 'accepted: KEY=VALUE lines as docker/metadata-action writes them'],
    ['manifest,:k=v', 'accepted: KEY=VALUE lines as docker/metadata-action writes them'],
    ['index:=v', 'accepted: KEY=VALUE lines as docker/metadata-action writes them'],
    ['manifest[linux/s390x]:k=v', 'a platform of "platforms" (linux/amd64, linux/arm64)'],
    ['manifest-descriptor[plan9/amd64]:k=v', 'a platform of "platforms" (linux/amd64, linux/arm64)'],
    ['manifest[]:k=v', 'a platform of "platforms"'],
    ['index[linux/amd64]:k=v', 'a platform only on manifest[PLATFORM]:'],
    ['manifest:no-equals-sign', 'accepted: KEY=VALUE lines'],
    ['manifest: k=v', 'accepted: KEY=VALUE lines']
  ])('refuses %j in one line naming the input, the line and what is accepted', (line, accepted) => {
    const text = `manifest:com.example.before=1\n${line}\nindex:com.example.after=2`
    let error: unknown
    try {
      parseAnnotations(text, TWO)
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(InputError)
    const message = (error as Error).message
    expect(message).toContain('Input "annotations"')
    expect(message).toContain(`"${line.trim()}"`)
    expect(message).toContain(accepted)
    expect(message).not.toContain('\n')
    expect(message).not.toMatch(/com\.example\.(before|after)/)
  })
})
