/** The build plan carried out, with the engine, the layouts and the log stubbed: order, bounds, log groups, failures. */
import { jest } from '@jest/globals'
import type { BuildPlan } from '../../../src/build/plan.js'
import type { RunResult } from '../../../src/shared/exec.js'
import type { Platform } from '../../../src/shared/platform-table.js'
import { tempDir } from '../../helpers/tmp.js'

const log: string[] = []
jest.unstable_mockModule('@actions/core', () => ({
  startGroup: (name: string) => log.push(`::group::${name}`),
  endGroup: () => log.push('::endgroup::'),
  info: (line: string) => log.push(line),
  group: async <T>(name: string, work: () => Promise<T>) => {
    log.push(`::group::${name}`)
    try {
      return await work()
    } finally {
      log.push('::endgroup::')
    }
  }
}))

/** What happened, in order: build starts and ends, saves, loads, hand-overs. */
const events: string[] = []
/** Every docker command line, in order. */
const argvs: string[][] = []
/** Each build's platform -> [milliseconds it takes, exit code]. */
let builds: Record<string, [number, number]> = {}
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))
const platformOf = (argv: readonly string[]) => argv[argv.indexOf('--platform') + 1]

jest.unstable_mockModule('../../../src/docker/engine.js', () => ({
  docker: async (argv: string[]): Promise<RunResult> => {
    const p = platformOf(argv)
    const [ms, exitCode] = builds[p] ?? [1, 0]
    events.push(`start ${p}`)
    argvs.push(argv)
    await sleep(ms)
    events.push(`end ${p}`)
    return { exitCode, stdout: '', stderr: `#1 building ${p}\n${exitCode ? `ERROR: failed to build ${p}: exit code: ${exitCode}\n` : ''}` }
  }
}))
jest.unstable_mockModule('../../../src/docker/image-io.js', () => ({
  saveLayout: async (ref: string) => {
    events.push(`save ${ref}`)
    layoutTop = savedImage ?? engineImage
  },
  loadPlatform: async (_image: unknown, ref: string) => void events.push(`load ${ref}`),
  pullPlatform: async (byDigest: string) => {
    events.push(`pull ${byDigest}`)
    return engineImage
  },
  imageId: async () => engineImage,
  expectedImageId: (_store: string, top: { digest: string }) => top.digest
}))
/** The engine's image ID that imageId gives; the layout's stub index names layoutTop, which a save sets to savedImage, else to the engine's. */
let engineImage = 'sha256:m'
let layoutTop = 'sha256:m'
let savedImage: string | undefined
const descriptor = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:m', size: 1 }
jest.unstable_mockModule('../../../src/oci/layout.js', () => ({
  LayoutError: class extends Error {},
  MAX_JSON_BLOB: 16 * 1024 * 1024,
  blobPath: (dir: string, digest: string) => `${dir}/blobs/${digest.replace(':', '/')}`,
  readLayoutIndex: async () => ({ schemaVersion: 2, manifests: [{ ...descriptor, digest: layoutTop }] }),
  findPlatformImage: async (dir: string, platform: Platform) => ({
    dir,
    platform,
    descriptor,
    manifest: { schemaVersion: 2, config: { ...descriptor, digest: 'sha256:c' }, layers: [] },
    config: {}
  })
}))

const { buildEach } = await import('../../../src/build/build.js')
const { planBuild } = await import('../../../src/build/plan.js')
const { formatPlatform, parsePlatformList } = await import('../../../src/shared/platform.js')
const { getInputs } = await import('../../../src/inputs/inputs.js')

const SIX = parsePlatformList('linux/amd64,linux/arm64,linux/arm/v7,linux/s390x,linux/ppc64le,linux/riscv64')
const EMULATED = new Set(SIX.slice(1).map(formatPlatform))
const b = getInputs(name => ({ image: 'registry.example/app', platforms: 'all' })[name] ?? '').build!
const GIB = 1024 ** 3

function run(plan: BuildPlan, inputs = b) {
  return buildEach(
    { plan, b: inputs, tag: 'archway.local/app:1', scratch: tempDir('build'), parallel: 2, engineNames: new Set() },
    async built => {
      events.push(`hand on ${formatPlatform(built.platform)}`)
      return { platform: formatPlatform(built.platform), imageId: built.imageId, notes: (await built.layout).notes }
    }
  )
}

/** The most builds running at one point of `events`. */
function mostAtOnce(): number {
  let running = 0
  let most = 0
  for (const e of events) {
    if (e.startsWith('start ')) most = Math.max(most, ++running)
    if (e.startsWith('end ')) running--
  }
  return most
}

beforeEach(() => {
  log.length = 0
  events.length = 0
  argvs.length = 0
  engineImage = 'sha256:m'
  layoutTop = 'sha256:m'
  savedImage = undefined
  builds = {}
})

describe('builds side by side', () => {
  const plan = planBuild({ store: 'classic' }, { name: 'default', driver: 'docker', nodes: [] }, SIX, 2, 16 * GIB, EMULATED)

  it('start slowest first, at most as many at once as the plan says, and hand each platform on as soon as it is built', async () => {
    builds = { 'linux/riscv64': [120, 0], 'linux/s390x': [60, 0], 'linux/arm64': [10, 0] }
    const results = await run(plan)
    expect(results.map(r => r.platform)).toEqual(SIX.map(formatPlatform))
    expect(events.filter(e => e.startsWith('start ')).map(e => e.slice(6))).toEqual(
      plan.kind === 'side-by-side' ? plan.startOrder.map(formatPlatform) : []
    )
    expect(mostAtOnce()).toBe(4)
    // arm64 is saved and handed on while riscv64 still builds.
    expect(events.indexOf('hand on linux/arm64')).toBeLessThan(events.indexOf('end linux/riscv64'))
    expect(events).toContain('save archway.local/app:1-arm64')
    expect(results[1].imageId).toBe(engineImage)
    expect(results[1].notes[0]).toMatch(/^Saved as an OCI layout in [\d.]+ s \(docker save archway\.local\/app:1-arm64, streamed/)
  })

  it('print each build whole in its own group when it ends, with its command, its output and its span', async () => {
    await run(plan)
    for (const p of SIX.map(formatPlatform)) {
      const at = log.indexOf(`::group::Build ${p}`)
      expect(log[at + 1]).toMatch(
        new RegExp(
          `^\\[command\\]docker buildx build --metadata-file \\S+metadata-\\w+\\.json --platform ${p} .* --load --tag archway\\.local/app:1-`
        )
      )
      expect(log[at + 2]).toBe(`#1 building ${p}`)
      expect(log[at + 3]).toMatch(new RegExp(`^Built ${p} in [\\d.]+ s \\(from \\+[\\d.]+ s to \\+[\\d.]+ s of the builds\\)$`))
      expect(log[at + 4]).toBe('::endgroup::')
    }
  })

  it('start no other build after one failed, let those running end, and throw the failed build', async () => {
    builds = { 'linux/riscv64': [80, 0], 'linux/s390x': [10, 7] }
    const tight = { ...plan, atOnce: 2 } as BuildPlan
    await expect(run(tight)).rejects.toThrow(
      /^docker buildx build --metadata-file \S+metadata-s390x\.json --platform linux\/s390x .* exited with 7: .*ERROR: failed to build linux\/s390x: exit code: 7$/
    )
    expect(events.filter(e => e.startsWith('start '))).toEqual(['start linux/riscv64', 'start linux/s390x'])
    // riscv64, already running, ended and was handed on before the error.
    expect(events.slice(-2)).toEqual(['save archway.local/app:1-riscv64', 'hand on linux/riscv64'])
    expect(log).toContain('::group::Build linux/s390x')
    expect(log.find(l => l.startsWith('Failed ('))).toMatch(/^Failed \(from \+[\d.]+ s to \+[\d.]+ s of the builds\)$/)
  })

  it('name every failed build when several fail, and end with the first one', async () => {
    builds = { 'linux/riscv64': [30, 1], 'linux/s390x': [10, 7] }
    await expect(run({ ...plan, atOnce: 2 } as BuildPlan)).rejects.toThrow(
      /^The builds of linux\/s390x, linux\/riscv64 failed; linux\/s390x: docker buildx build .* exit code: 7$/
    )
  })
})

describe('one build exported as an OCI layout', () => {
  it('builds every platform once into the layout, then loads each platform alone under its own tag', async () => {
    const plan = planBuild({ store: 'classic' }, { name: 'remote-1', driver: 'remote', nodes: [] }, SIX, 2, 16 * GIB, EMULATED)
    const results = await run(plan)
    expect(events.filter(e => e.startsWith('start '))).toEqual([`start ${SIX.map(formatPlatform).join(',')}`])
    expect(events.filter(e => e.startsWith('load ')).sort()).toEqual(
      SIX.map(p => `load archway.local/app:1-${p.architecture}${p.variant ?? ''}`).sort()
    )
    expect(events.filter(e => e.startsWith('save '))).toEqual([])
    expect(results[5].imageId).toBe(engineImage)
    expect(log[0]).toBe(`::group::Build ${SIX.map(formatPlatform).join(', ')} (one build, builder remote-1, exported as an OCI layout)`)
  })
})

describe('a build per platform on a builder of several nodes', () => {
  const fleet = {
    name: 'fleet',
    driver: 'remote',
    nodes: ['fleet0', 'fleet1'].map(name => ({
      name,
      endpoint: `unix:///run/${name}.sock`,
      platforms: [],
      preferred: [],
      driverOptions: {}
    }))
  }

  it('starts every platform at once, each exported as a layout of its own, then loads each alone under its own tag', async () => {
    const plan = planBuild({ store: 'classic' }, fleet, SIX, 2, 16 * GIB, EMULATED)
    builds = { 'linux/riscv64': [60, 0] }
    const results = await run(plan)
    expect(mostAtOnce()).toBe(6)
    expect(argvs).toHaveLength(6)
    for (const [i, p] of SIX.entries()) {
      const argv = argvs.find(a => platformOf(a) === formatPlatform(p))!
      expect(argv.join(' ')).toMatch(
        new RegExp(`--output type=oci,dest=\\S+/layout-${p.architecture}${p.variant ?? ''},tar=false --tag archway\\.local/app:1-`)
      )
      expect(argv).not.toContain('--load')
      expect(results[i].notes[0]).toMatch(/^Loaded into the engine in [\d.]+ s \(this platform alone, streamed from the layout\)/)
    }
    expect(events.filter(e => e.startsWith('save '))).toEqual([])
    expect(events.filter(e => e.startsWith('load ')).sort()).toEqual(
      SIX.map(p => `load archway.local/app:1-${p.architecture}${p.variant ?? ''}`).sort()
    )
    // arm64 is loaded and handed on while riscv64 still builds.
    expect(events.indexOf('hand on linux/arm64')).toBeLessThan(events.indexOf('end linux/riscv64'))
  })

  it("exports each platform's build cache under that platform's scope, so that the builds running at once do not overwrite one another's", async () => {
    const cached = getInputs(
      name =>
        ({
          image: 'registry.example/app',
          platforms: 'linux/amd64,linux/arm/v7',
          'cache-from': 'type=registry,ref=registry.example/app:buildcache\ntype=gha',
          'cache-to': 'type=registry,ref=registry.example/app:buildcache,mode=max\ntype=gha,mode=max'
        })[name] ?? ''
    ).build!
    const two = [SIX[0], SIX[2]]
    await run(planBuild({ store: 'classic' }, fleet, two, 2, 16 * GIB, EMULATED), cached)
    const caches = (p: string) => {
      const argv = argvs.find(a => platformOf(a) === p)!
      return argv.flatMap((a, i) => (a === '--cache-from' || a === '--cache-to' ? [`${a} ${argv[i + 1]}`] : []))
    }
    expect(caches('linux/arm/v7')).toEqual([
      '--cache-from type=registry,ref=registry.example/app:buildcache-linux-arm-v7',
      '--cache-from type=gha,scope=linux-arm-v7',
      '--cache-to type=registry,ref=registry.example/app:buildcache-linux-arm-v7,mode=max',
      '--cache-to type=gha,mode=max,scope=linux-arm-v7'
    ])
    expect(caches('linux/amd64')[0]).toBe('--cache-from type=registry,ref=registry.example/app:buildcache-linux-amd64')
  })

  it('fails with the failed build, starting no other', async () => {
    const plan = planBuild({ store: 'classic' }, fleet, SIX, 2, 16 * GIB, EMULATED)
    builds = { 'linux/s390x': [1, 7] }
    await expect(run(plan)).rejects.toThrow(/^docker buildx build .*--platform linux\/s390x .* exit code: 7$/)
  })
})

describe('one multi-platform build', () => {
  const outputs = (argv: readonly string[]) =>
    argv.flatMap((a, i) => (a === '--output' ? [argv[i + 1].replace(/dest=[^,]*/, 'dest=DIR')] : []))
  const containerd = () => planBuild({ store: 'containerd' }, { name: 'default', driver: 'docker', nodes: [] }, SIX, 2, 16 * GIB, EMULATED)
  const cached = getInputs(
    name =>
      ({
        image: 'registry.example/app',
        platforms: 'all',
        'cache-from': 'type=registry,ref=registry.example/app:cache',
        'cache-to': 'type=registry,ref=registry.example/app:cache,mode=max',
        'no-cache': 'true',
        pull: 'true'
      })[name] ?? ''
  ).build!

  it('builds once into the engine, then writes the layout from the build cache alone (no cache import or export, no --no-cache, no --pull), and saves nothing', async () => {
    const results = await run(containerd(), cached)
    expect(events.filter(e => e.startsWith('start ') || e.startsWith('save '))).toEqual([
      `start ${SIX.map(formatPlatform).join(',')}`,
      `start ${SIX.map(formatPlatform).join(',')}`
    ])
    const [build, again] = argvs
    expect(outputs(build)).toEqual(['type=docker,oci-mediatypes=true'])
    expect(build).toEqual(expect.arrayContaining(['--cache-from', '--cache-to', '--no-cache', '--pull']))
    expect(outputs(again)).toEqual(['type=oci,dest=DIR,tar=false'])
    expect(again.filter(a => ['--cache-from', '--cache-to', '--no-cache', '--pull', '--load'].includes(a))).toEqual([])
    expect(new Set(results.map(r => r.imageId))).toEqual(new Set(['sha256:m']))
    expect(results[0].notes[0]).toMatch(/^Written as an OCI layout from the build cache in [\d.]+ s/)
  })

  it('hands each platform on to its tests as soon as the engine holds the build, while the layout is written', async () => {
    builds = { [SIX.map(formatPlatform).join(',')]: [30, 0] }
    await run(containerd())
    const handedOn = events.findIndex(e => e.startsWith('hand on '))
    expect(events.slice(0, handedOn + 1)).toEqual([
      `start ${SIX.map(formatPlatform).join(',')}`,
      `end ${SIX.map(formatPlatform).join(',')}`,
      `start ${SIX.map(formatPlatform).join(',')}`,
      'hand on linux/amd64'
    ])
    // The layout export's output is held back and printed as one group when it ends, the tests' groups being printed meanwhile.
    const group = log.indexOf('::group::Write the OCI layout from the build cache')
    expect(log[group + 1]).toMatch(/^\[command\]docker buildx build /)
  })

  it('fails the platform, naming both images, when its layout holds another image than the one the tests ran', async () => {
    engineImage = 'sha256:not-the-layouts'
    savedImage = 'sha256:still-another'
    await expect(run(containerd())).rejects.toThrow(
      "the engine's image archway.local/app:1 is sha256:not-the-layouts, but its OCI layout holds sha256:still-another: the image tested would not be the one pushed"
    )
    expect(log).toContain('Built 6 platform(s) in 0.0 s')
  })

  it("saves the engine's image instead when the export from the build cache is another image", async () => {
    engineImage = 'sha256:not-the-layouts'
    const results = await run(containerd())
    expect(events.filter(e => e.startsWith('save '))).toEqual(['save archway.local/app:1'])
    expect(log).toContain(
      "The export from the build cache is sha256:m, not the engine's image sha256:not-the-layouts: saving the engine's image instead"
    )
    expect(results[0].notes[0]).toMatch(/^Saved as an OCI layout in [\d.]+ s \(docker save archway\.local\/app:1/)
  })

  it('with attestations, which carry the time of their build, writes the engine and the layout by one export', async () => {
    const attested = getInputs(name => ({ image: 'registry.example/app', platforms: 'all', provenance: 'true' })[name] ?? '').build!
    const plan = planBuild({ store: 'containerd' }, { name: 'default', driver: 'docker', nodes: [] }, SIX, 2, 16 * GIB, EMULATED, true)
    const results = await run(plan, attested)
    expect(argvs.map(outputs)).toEqual([['type=docker,oci-mediatypes=true', 'type=oci,dest=DIR,tar=false']])
    expect(events.filter(e => e.startsWith('save '))).toEqual([])
    expect(results[0].notes[0]).toBe("Written as an OCI layout by the same export as the engine's image")
  })
})
