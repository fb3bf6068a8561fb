/**
 * What emulation cost, read from BuildKit's records of two real builds of
 * fixtures/build-record/Dockerfile (a `builder` stage of the target platform, a `tools` stage
 * FROM --platform=$BUILDPLATFORM, a final stage): one of linux/amd64 and linux/arm64 together,
 * one of linux/arm64 alone, on an amd64 host. The records were taken with `docker buildx
 * history logs --progress=rawjson` and `docker buildx history inspect attachment`.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { emulationCost, opsOfProvenance, parseStatusStream, runSteps, type StepCost } from '../../../src/build/cost.js'
import { costLines, costlyStages } from '../../../src/build/cost-report.js'
import { needsEmulation } from '../../../src/shared/platform.js'

const dir = join(import.meta.dirname, '../../fixtures/build-record')
const read = (name: string) => readFileSync(join(dir, name), 'utf8')
const json = (name: string) => JSON.parse(read(name)) as unknown
const onAmd64 = (p: string) => needsEmulation(p, 'amd64')

const multi = runSteps(
  parseStatusStream(read('multi-platform.logs.json')),
  opsOfProvenance([json('multi-platform.provenance-amd64.json'), json('multi-platform.provenance-arm64.json')])
)
const single = runSteps(parseStatusStream(read('one-platform.logs.json')), opsOfProvenance([json('one-platform.provenance.json')]))

const summary = (steps: readonly StepCost[]) =>
  steps.map(s => `${s.platform} ${s.stage} ${s.step.replace(/ RUN .*/, ' RUN')} ${s.seconds >= 0.9 ? Math.round(s.seconds) : 0}`).sort()

describe('the RUN steps of a recorded build', () => {
  it('are every RUN step of both platforms, each with the platform it ran as and its seconds', () => {
    expect(summary(multi)).toEqual([
      'linux/amd64 builder [builder 2/3] RUN 1',
      'linux/amd64 builder [builder 3/3] RUN 2',
      'linux/amd64 stage-2 [stage-2 4/4] RUN 0',
      // The $BUILDPLATFORM stage ran once, as the build machine's platform, for both targets.
      'linux/amd64 tools [tools 2/2] RUN 1',
      'linux/arm64 builder [builder 2/3] RUN 1',
      'linux/arm64 builder [builder 3/3] RUN 2',
      'linux/arm64 stage-2 [stage-2 4/4] RUN 0'
    ])
  })

  it('take the platform from the record, not the name: a one-platform build names no platform', () => {
    expect(single.every(s => !s.name.startsWith('[linux/'))).toBe(true)
    expect(summary(single)).toEqual([
      'linux/amd64 tools [tools 2/2] RUN 1',
      'linux/arm64 builder [builder 2/3] RUN 1',
      'linux/arm64 builder [builder 3/3] RUN 2',
      'linux/arm64 stage-2 [stage-2 4/4] RUN 0'
    ])
  })

  it('leave out steps taken from the cache and steps that run no program', () => {
    const stream = [
      {
        vertexes: [
          {
            digest: 'sha256:a',
            name: '[b 2/3] RUN make',
            started: '2026-01-01T00:00:00Z',
            completed: '2026-01-01T00:00:00.1Z',
            cached: true
          },
          { digest: 'sha256:c', name: '[b 3/3] COPY x y', started: '2026-01-01T00:00:00Z', completed: '2026-01-01T00:00:05Z' },
          { digest: 'sha256:d', name: '[b 3/3] RUN true', started: '2026-01-01T00:00:00Z', completed: '2026-01-01T00:00:03Z' }
        ]
      }
    ]
    const ops = new Map([
      ['sha256:a', { exec: true, platform: 'linux/arm64' }],
      ['sha256:c', { exec: false, platform: 'linux/arm64' }],
      ['sha256:d', { exec: true, platform: 'linux/arm64' }]
    ])
    expect(runSteps(stream, ops).map(s => [s.name, s.seconds])).toEqual([['[b 3/3] RUN true', 3]])
  })

  it('read SLSA v1 provenance in its statement too', () => {
    const v1 = {
      predicate: {
        buildDefinition: {
          internalParameters: {
            buildConfig: {
              llbDefinition: [{ id: 'step0', op: { Op: { exec: {} }, platform: { Architecture: 'arm', OS: 'linux', Variant: 'v7' } } }],
              digestMapping: { 'sha256:e': 'step0' }
            }
          }
        }
      }
    }
    expect(opsOfProvenance([v1]).get('sha256:e')).toEqual({ exec: true, platform: 'linux/arm/v7' })
  })

  it('come from a status stream of one JSON value per line or of values one after another', () => {
    expect(parseStatusStream('{"a":"}{"}\n{"b":[1]}{"c":{"d":"\\""}}')).toEqual([{ a: '}{' }, { b: [1] }, { c: { d: '"' } }])
  })
})

describe('what emulation cost', () => {
  const cost = emulationCost(multi, onAmd64)

  it('sums RUN seconds per platform, the emulated against the same steps of the native one', () => {
    const arm = cost.platforms.find(p => p.platform === 'linux/arm64')!
    const amd = cost.platforms.find(p => p.platform === 'linux/amd64')!
    expect(arm.emulated).toBe(true)
    expect(amd.emulated).toBe(false)
    // amd64 also ran the tools stage, which arm64 did not run as itself.
    expect(amd.runSeconds).toBeGreaterThan(arm.runSeconds)
    expect(arm.against?.platform).toBe('linux/amd64')
    expect(arm.against?.seconds).toBeCloseTo(arm.runSeconds, 5)
    expect(arm.against!.nativeSeconds).toBeLessThan(amd.runSeconds)
    expect(amd.against).toBeUndefined()
  })

  /** Steps of a build on amd64: `compile` 5x slower under QEMU, `fetch` (a download) as long, `gen` run only as arm64. */
  const step = (platform: string, stage: string, seconds: number): StepCost => ({
    name: `[${platform} ${stage} 2/2] RUN ${stage}`,
    stage,
    step: `[${stage} 2/2] RUN ${stage}`,
    platform,
    seconds
  })
  const made = emulationCost(
    [
      step('linux/amd64', 'compile', 2),
      step('linux/arm64', 'compile', 10),
      step('linux/amd64', 'fetch', 6),
      step('linux/arm64', 'fetch', 6.2),
      step('linux/arm64', 'gen', 3)
    ],
    onAmd64
  )

  it('ranks the emulated stages by what emulation added to them, never a stage that ran natively', () => {
    expect(made.stages.map(s => [s.stage, s.seconds, Number(s.added.toFixed(1)), s.compared])).toEqual([
      ['compile', 10, 8, true],
      ['gen', 3, 3, false],
      ['fetch', 6.2, 0.2, true]
    ])
    expect(costlyStages(made).map(s => s.stage)).toEqual(['compile', 'gen'])
  })

  it('is a table per platform and the hint naming the stages emulation added most to', () => {
    const lines = costLines(cost, [
      { platform: 'linux/amd64', seconds: 0.5 },
      { platform: 'linux/arm64', seconds: 2 }
    ])
    expect(lines[2]).toBe('| Platform | Ran | RUN steps | Tests |')
    expect(lines[4]).toMatch(/^\| linux\/amd64 \| native \| \d+\.\d s \| 0\.5 s \|$/)
    expect(lines[5]).toMatch(
      /^\| linux\/arm64 \| QEMU \| \d+\.\d s \(\d+\.\dx the same steps as linux\/amd64\) \| 2\.0 s \(4\.0x linux\/amd64's\) \|$/
    )
    expect(costLines(made, []).at(-1)).toMatch(
      /^Costliest emulated stages: `compile` 10\.0 s under QEMU, 8\.0 s more than natively \(linux\/arm64 10\.0 s\); `gen` 3\.0 s under QEMU \(linux\/arm64 3\.0 s\)\. .*FROM --platform=\$BUILDPLATFORM/
    )
  })

  it('stays quiet about stages whose steps took as long under QEMU as natively (the recorded build sleeps)', () => {
    expect(cost.stages.map(s => s.stage)).toEqual(['builder', 'stage-2'])
    expect(cost.stages[0].byPlatform.map(([p]) => p)).toEqual(['linux/arm64'])
    expect(cost.stages[0].added).toBeLessThan(0.5)
    expect(costlyStages(cost)).toEqual([])
    expect(costLines(cost, []).join('\n')).not.toMatch(/Costliest/)
  })

  it('adds a row for a platform that only a stage ran as, and says none for a target without tests', () => {
    const lines = costLines(emulationCost(single, onAmd64), [{ platform: 'linux/arm64' }])
    expect(lines.slice(4)).toEqual([
      expect.stringMatching(/^\| linux\/arm64 \| QEMU \| 3\.\d s \| none \|$/),
      expect.stringMatching(/^\| linux\/amd64 \| native \| 1\.\d s \| {2}\|$/),
      '',
      expect.stringMatching(/^Costliest emulated stages: `builder`/)
    ])
  })

  it('is nothing when no step and no test ran under emulation', () => {
    const native = multi.filter(s => s.platform === 'linux/amd64')
    expect(costLines(emulationCost(native, onAmd64), [{ platform: 'linux/amd64', seconds: 1 }])).toEqual([])
  })

  it('names no stage below a second of emulated RUN steps', () => {
    const quick = multi.filter(s => s.stage !== 'builder')
    expect(costlyStages(emulationCost(quick, onAmd64))).toEqual([])
    expect(costLines(emulationCost(quick, onAmd64), []).join('\n')).not.toMatch(/Costliest/)
  })
})
