import {
  ATTEMPTS_PER_LOOKUP,
  attemptOf,
  KEY_MAX_LENGTH,
  lookupPlan,
  type MatrixRecord,
  parseRecordKey,
  recordKey,
  releaseKey,
  verdictOf
} from '../../../src/coordination/records.js'
import { parsePlatform } from '../../../src/shared/platform.js'

const p = (t: string) => parsePlatform(t)!
const arm64 = p('linux/arm64')
const armv7 = p('linux/arm/v7')
const HEX = 'ab'.repeat(32)
const OCI = 'application/vnd.oci.image.manifest.v1+json'
const image = (hex = HEX, size = 1234) => ({ mediaType: OCI, digest: `sha256:${hex}`, size })
const R = '1234567-0123456789ab'
const started = (attempt: number, platform = arm64): MatrixRecord => ({ state: 'started', platform, attempt })
const done = (attempt: number, img = image(), platform = arm64): MatrixRecord => ({ state: 'done', platform, attempt, image: img })

describe('record keys', () => {
  it.each([
    [started(1), `archway-matrix-${R}-linux-arm64-a1-started`],
    [done(2), `archway-matrix-${R}-linux-arm64-a2-done-oci-${HEX}-1234`],
    [started(12, armv7), `archway-matrix-${R}-linux-arm-v7-a12-started`],
    [
      done(3, { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: `sha256:${HEX}`, size: 0 }),
      `archway-matrix-${R}-linux-arm64-a3-done-docker-${HEX}-0`
    ]
  ])('%o is written as %s, and read back as the same record', (record, key) => {
    expect(recordKey(R, record)).toBe(key)
    expect(parseRecordKey(key, R, record.platform)).toEqual(record)
  })

  it('stay far below the service limit, with no comma', () => {
    const key = recordKey(`${'9'.repeat(20)}-0123456789ab`, done(999999, image(HEX, Number.MAX_SAFE_INTEGER), armv7))
    expect(key.length).toBeLessThan(KEY_MAX_LENGTH / 2)
    expect(key).not.toContain(',')
  })

  it.each([
    ['an image list', { mediaType: 'application/vnd.oci.image.index.v1+json', digest: `sha256:${HEX}`, size: 1 }],
    ['a sha512 digest', { mediaType: OCI, digest: `sha512:${'ab'.repeat(64)}`, size: 1 }],
    ['a negative size', { mediaType: OCI, digest: `sha256:${HEX}`, size: -1 }]
  ])('refuse to record %s', (_, img) => {
    expect(() => recordKey(R, done(1, img))).toThrow(/cannot record linux\/arm64's image/)
  })

  it.each([
    ['another release', `archway-matrix-1234567-ffffffffffff-linux-arm64-a1-started`],
    ['another platform', `archway-matrix-${R}-linux-arm-v7-a1-started`],
    ['a platform whose name extends this one', `archway-matrix-${R}-linux-arm64-v8-a1-started`],
    ['attempt 0', `archway-matrix-${R}-linux-arm64-a0-started`],
    ['a leading zero', `archway-matrix-${R}-linux-arm64-a01-started`],
    ['an unknown media code', `archway-matrix-${R}-linux-arm64-a1-done-zip-${HEX}-1`],
    ['a short digest', `archway-matrix-${R}-linux-arm64-a1-done-oci-${HEX.slice(2)}-1`],
    ['an upper-case digest', `archway-matrix-${R}-linux-arm64-a1-done-oci-${HEX.toUpperCase()}-1`],
    ['no size', `archway-matrix-${R}-linux-arm64-a1-done-oci-${HEX}-`],
    ['a trailing word', `archway-matrix-${R}-linux-arm64-a1-started-x`],
    ['a lookup key', `archway-matrix-${R}-linux-arm64-a1-lookup`]
  ])('are not read from %s', (_, key) => {
    expect(parseRecordKey(key, R, arm64)).toBeUndefined()
  })
})

describe('the release key', () => {
  it('is the run id and a hash of the tags and platforms, whatever their order', () => {
    const a = releaseKey('77', ['r/x:1', 'r/x:latest'], [arm64, armv7])
    expect(a).toMatch(/^77-[0-9a-f]{12}$/)
    expect(releaseKey('77', ['r/x:latest', 'r/x:1'], [armv7, arm64])).toBe(a)
    expect(releaseKey('77', ['r/x:latest'], [arm64, armv7])).not.toBe(a)
    expect(releaseKey('78', ['r/x:1', 'r/x:latest'], [arm64, armv7])).not.toBe(a)
  })
})

describe('the lookup plan', () => {
  const pre = (a: number) => `archway-matrix-${R}-linux-arm64-a${a}-`
  it('asks, latest attempt first, for each attempt done then started, in lookups of at most 10 keys', () => {
    expect(lookupPlan(R, arm64, 1)).toEqual([{ key: `${pre(1)}lookup`, restoreKeys: [`${pre(1)}done-`, `${pre(1)}started`] }])
    const plan = lookupPlan(R, arm64, 6)
    expect(plan).toEqual([
      {
        key: `${pre(6)}lookup`,
        restoreKeys: [6, 5, 4, 3].flatMap(a => [`${pre(a)}done-`, `${pre(a)}started`])
      },
      { key: `${pre(2)}lookup`, restoreKeys: [2, 1].flatMap(a => [`${pre(a)}done-`, `${pre(a)}started`]) }
    ])
    for (const l of lookupPlan(R, arm64, 40)) expect(1 + l.restoreKeys.length).toBeLessThanOrEqual(10)
    expect(lookupPlan(R, arm64, 40)).toHaveLength(40 / ATTEMPTS_PER_LOOKUP)
  })

  it('never has a lookup key that a record could match, and no restore key of attempt 1 that matches attempt 10', () => {
    const keys = [started(10), done(10), started(1), done(1)].map(r => recordKey(R, r))
    for (const l of lookupPlan(R, arm64, 10)) expect(keys.filter(k => k.startsWith(l.key))).toEqual([])
    const a1 = lookupPlan(R, arm64, 10)[2].restoreKeys
    expect(keys.filter(k => a1.some(r => k.startsWith(r)))).toEqual([recordKey(R, started(1)), recordKey(R, done(1))])
  })

  it('refuses an attempt that is not a positive whole number', () => {
    expect(() => lookupPlan(R, arm64, 0)).toThrow('bad run attempt 0')
  })
})

/** What the cache service answers a lookup (the first restore key with a match, its newest entry), over `keys` in creation order. */
function serviceAnswer(keys: readonly string[], restoreKeys: readonly string[]): string | undefined {
  for (const r of restoreKeys) {
    const found = [...keys].reverse().find(k => k.startsWith(r))
    if (found) return found
  }
  return undefined
}

describe('which image a release takes of a platform', () => {
  const other = image('cd'.repeat(32))
  it.each<[string, MatrixRecord[], { image?: ReturnType<typeof image>; attempt?: number; waiting?: string }]>([
    ['nothing recorded', [], { waiting: 'not staged' }],
    ['started, still building', [started(1)], { attempt: 1, waiting: 'started, not done' }],
    ['done in attempt 1', [started(1), done(1)], { image: image(), attempt: 1 }],
    [
      'done in attempt 1, re-run as attempt 2 and failed after starting',
      [started(1), done(1), started(2)],
      { attempt: 2, waiting: 'started, not done' }
    ],
    ['failed in attempt 1, done in attempt 2', [started(1), started(2), done(2, other)], { image: other, attempt: 2 }],
    ['done in attempts 1 and 2: the latest', [started(1), done(1), started(2), done(2, other)], { image: other, attempt: 2 }],
    ['done in attempt 1, not re-run in attempts 2 and 3', [started(1), done(1)], { image: image(), attempt: 1 }],
    ['done without a started record (a step that cannot say when it started)', [done(3)], { image: image(), attempt: 3 }],
    ['a failed attempt 3 after a done attempt 2', [done(2), started(3)], { attempt: 3, waiting: 'started, not done' }],
    ['records of another platform only', [done(1, image(), armv7)], { waiting: 'not staged' }]
  ])('%s', (_, records, want) => {
    expect(verdictOf(arm64, records)).toEqual({ platform: arm64, ...want })
    // The same verdict from the cache service's answers to the lookup plan, whatever the attempt asking.
    const keys = records.map(r => recordKey(R, r))
    for (const asking of [Math.max(1, ...records.map(r => r.attempt)), 5]) {
      const found = lookupPlan(R, arm64, asking)
        .map(l => serviceAnswer(keys, l.restoreKeys))
        .find(k => k !== undefined)
      const seen = found === undefined ? [] : [parseRecordKey(found, R, arm64)!]
      expect(verdictOf(arm64, seen)).toEqual(verdictOf(arm64, records))
    }
  })
})

describe('the run attempt', () => {
  it.each([
    [undefined, 1],
    ['', 1],
    ['1', 1],
    ['17', 17]
  ])('%p is %p', (text, n) => expect(attemptOf(text)).toBe(n))
  it.each(['0', '-1', '1.5', 'two', '01'])('%p is refused in one line', text => {
    expect(() => attemptOf(text)).toThrow(`GITHUB_RUN_ATTEMPT is ${text}, not a run attempt number`)
  })
})
