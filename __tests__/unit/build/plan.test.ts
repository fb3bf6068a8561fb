import {
  BUILDS_PER_CORE,
  buildsAtOnce,
  describePlan,
  layoutArgv,
  loadAndLayoutArgv,
  localRef,
  MEMORY_PER_BUILD,
  planBuild,
  pushArgv
} from '../../../src/build/plan.js'
import { parseBuilderInspect } from '../../../src/docker/builder.js'
import { buildArgv } from '../../../src/docker/buildx.js'
import { expectedImageId } from '../../../src/docker/image-io.js'
import { formatPlatform, parsePlatformList } from '../../../src/shared/platform.js'

const SIX = parsePlatformList('linux/amd64,linux/arm64,linux/arm/v7,linux/s390x,linux/ppc64le,linux/riscv64')
const EMULATED = new Set(SIX.slice(1).map(formatPlatform))
const DEFAULT = { name: 'default', driver: 'docker', nodes: [] }
/** A node of a builder, as docker buildx inspect describes it. */
const node = (name: string, preferred: string[] = []) => ({
  name,
  endpoint: `unix:///run/${name}.sock`,
  status: 'running',
  buildkit: 'v0.13.2',
  platforms: [...preferred, 'linux/amd64'],
  preferred,
  driverOptions: {}
})
const GIB = 1024 ** 3
const names = (ps: readonly { architecture: string }[]) => ps.map(p => formatPlatform(p as never))

describe('the build plan', () => {
  it('is one multi-platform build on the containerd store with the docker driver', () => {
    const plan = planBuild({ store: 'containerd' }, DEFAULT, SIX, 4, 16 * GIB, EMULATED)
    expect(plan.kind).toBe('multi-platform')
    expect(describePlan(plan)).toBe(
      'Build plan: containerd image store, one build of 6 platforms, the OCI layout written from the build cache'
    )
    // Attestations carry the time of their build: the engine and the layout then come from one export.
    const attested = planBuild({ store: 'containerd' }, DEFAULT, SIX, 4, 16 * GIB, EMULATED, true)
    expect(attested).toMatchObject({ kind: 'multi-platform', layout: 'same-export' })
    expect(describePlan(attested)).toBe(
      'Build plan: containerd image store, one build of 6 platforms, the OCI layout written by the same export'
    )
  })

  it('is a build per platform side by side on the classic store, the slowest under emulation first, at most two per core', () => {
    const plan = planBuild({ store: 'classic' }, DEFAULT, SIX, 2, 16 * GIB, EMULATED)
    expect(plan).toMatchObject({ kind: 'side-by-side', atOnce: 4 })
    expect(names(plan.platforms)).toEqual(names(SIX))
    expect(plan.kind === 'side-by-side' && names(plan.startOrder)).toEqual([
      'linux/riscv64',
      'linux/s390x',
      'linux/ppc64le',
      'linux/arm64',
      'linux/arm/v7',
      'linux/amd64'
    ])
    expect(describePlan(plan)).toBe('Build plan: classic image store, 6 builds side by side (at most 4 at once)')
    // A GitHub-hosted runner: 4 cores, 16 GB. Every platform at once.
    expect(describePlan(planBuild({ store: 'classic' }, DEFAULT, SIX, 4, 15 * GIB, EMULATED))).toBe(
      'Build plan: classic image store, 6 builds side by side (at most 6 at once)'
    )
    expect(describePlan(planBuild({ store: 'classic' }, DEFAULT, SIX.slice(0, 1), 4, 15 * GIB))).toBe(
      'Build plan: classic image store, one build'
    )
  })

  it('bounds the builds at once by cores and by memory, never below one', () => {
    expect(BUILDS_PER_CORE).toBe(2)
    expect(MEMORY_PER_BUILD).toBe(GIB)
    expect(buildsAtOnce(6, 2, 32 * GIB)).toBe(4)
    expect(buildsAtOnce(6, 4, 32 * GIB)).toBe(6)
    expect(buildsAtOnce(6, 64, 3.5 * GIB)).toBe(3)
    expect(buildsAtOnce(6, 1, 0.2 * GIB)).toBe(1)
    expect(buildsAtOnce(6, 0, 32 * GIB)).toBe(2)
    expect(buildsAtOnce(2, 64, 64 * GIB)).toBe(2)
  })

  it('is one build exported as an OCI layout with a builder of BuildKit of its own, on either store', () => {
    for (const driver of ['docker-container', 'remote', 'kubernetes']) {
      const builder = { name: 'builder-1', driver, nodes: [node('builder-10')] }
      for (const store of ['classic', 'containerd'] as const) {
        const plan = planBuild({ store }, builder, SIX, 4, 16 * GIB, EMULATED)
        expect(plan.kind).toBe('oci-layout')
        expect(describePlan(plan)).toBe(
          `Build plan: builder builder-1 (${driver} driver, BuildKit v0.13.2), one build of 6 platforms exported as an OCI layout, each platform loaded into the ${store} image store for its tests`
        )
      }
    }
  })

  it('is a build per platform, all at once, each into a layout of its own, on a builder of several nodes (buildx exports no layout from a build spanning nodes)', () => {
    const builder = { name: 'fleet', driver: 'remote', nodes: [node('fleet0', ['linux/amd64']), node('fleet1', ['linux/arm64'])] }
    const plan = planBuild({ store: 'classic' }, builder, SIX, 2, 16 * GIB, EMULATED)
    expect(plan.kind).toBe('layout-each')
    expect(describePlan(plan)).toBe(
      'Build plan: builder fleet (remote driver, 2 nodes, BuildKit v0.13.2), 6 builds at once, one per platform, each sent by buildx to its node and exported as an OCI layout of its own, each platform loaded into the classic image store for its tests'
    )
    // One platform is one build, on one node: the layout of the one build serves.
    expect(planBuild({ store: 'classic' }, builder, SIX.slice(1, 2), 2, 16 * GIB, EMULATED).kind).toBe('oci-layout')
  })

  it('is a build per node on a builder of several nodes, of the platforms buildx sends to that node, or one build where it sends them all to one', () => {
    const emulating = (name: string, created: string) => ({ ...node(name, [created]), platforms: [created, ...SIX.map(formatPlatform)] })
    const fleet = { name: 'fleet', driver: 'remote', nodes: [emulating('fleet0', 'linux/amd64'), emulating('fleet1', 'linux/arm64')] }
    const to = { registry: 'ghcr.io', repository: 'acme/app' }
    const plan = planBuild({ store: 'classic' }, fleet, SIX, 2, 16 * GIB, EMULATED, false, to)
    expect(plan.kind).toBe('pushed-each')
    expect(describePlan(plan)).toBe(
      'Build plan: builder fleet (remote driver, 2 nodes, BuildKit v0.13.2), 2 builds at once, one per node (fleet0: linux/amd64, linux/arm/v7, linux/s390x, linux/ppc64le, linux/riscv64; fleet1: linux/arm64), each sent by buildx to its node and pushed by digest to ghcr.io/acme/app by it (untagged until every platform passes), each platform pulled back by its digest into the classic image store for its tests and fetched back as an OCI layout meanwhile'
    )
    // Platforms all sent to one node make one build, as on a builder of one node.
    const toFleet0 = SIX.filter(p => p.architecture !== 'arm64')
    expect(planBuild({ store: 'classic' }, fleet, toFleet0, 2, 16 * GIB, EMULATED).kind).toBe('oci-layout')
    expect(planBuild({ store: 'classic' }, fleet, toFleet0, 2, 16 * GIB, EMULATED, false, to).kind).toBe('pushed')
  })

  it("is pushed by digest by the builder itself, then fetched back, when the builder can push to the tags' first repository", () => {
    const to = { registry: 'ghcr.io', repository: 'acme/app' }
    const one = { name: 'builder-1', driver: 'docker-container', nodes: [node('builder-10')] }
    const plan = planBuild({ store: 'classic' }, one, SIX, 4, 16 * GIB, EMULATED, false, to)
    expect(plan.kind).toBe('pushed')
    expect(describePlan(plan)).toBe(
      'Build plan: builder builder-1 (docker-container driver, BuildKit v0.13.2), one build of 6 platforms pushed by digest to ghcr.io/acme/app by the builder (untagged until every platform passes), each platform pulled back by its digest into the classic image store for its tests, the image fetched back as an OCI layout meanwhile'
    )
    const fleet = { name: 'fleet', driver: 'remote', nodes: [node('fleet0', ['linux/amd64']), node('fleet1', ['linux/arm64'])] }
    const each = planBuild({ store: 'classic' }, fleet, SIX, 2, 16 * GIB, EMULATED, false, to)
    expect(each.kind).toBe('pushed-each')
    expect(describePlan(each)).toBe(
      'Build plan: builder fleet (remote driver, 2 nodes, BuildKit v0.13.2), 6 builds at once, one per platform, each sent by buildx to its node and pushed by digest to ghcr.io/acme/app by it (untagged until every platform passes), each platform pulled back by its digest into the classic image store for its tests and fetched back as an OCI layout meanwhile'
    )
    // The docker driver pushes nothing itself: the engine's image is tested, then Archway pushes it.
    expect(planBuild({ store: 'containerd' }, DEFAULT, SIX, 2, 16 * GIB, EMULATED, false, to).kind).toBe('multi-platform')
  })

  it('names a builder of the docker driver other than the default', () => {
    const plan = planBuild({ store: 'classic' }, { name: 'ctx-1', driver: 'docker', nodes: [] }, SIX, 2, 16 * GIB)
    expect(describePlan(plan)).toBe(
      'Build plan: builder ctx-1 (docker driver), classic image store, 6 builds side by side (at most 4 at once)'
    )
  })

  it('loads a multi-platform build under one tag and every other plan under a tag per platform', () => {
    const multi = planBuild({ store: 'containerd' }, DEFAULT, SIX, 2, 16 * GIB)
    const side = planBuild({ store: 'classic' }, DEFAULT, SIX, 2, 16 * GIB)
    const layout = planBuild({ store: 'classic' }, { name: 'b', driver: 'remote', nodes: [] }, SIX, 2, 16 * GIB)
    expect(localRef(multi, 'archway.local/app:1', SIX[2])).toBe('archway.local/app:1')
    expect(localRef(side, 'archway.local/app:1', SIX[2])).toBe('archway.local/app:1-armv7')
    expect(localRef(layout, 'archway.local/app:1', SIX[5])).toBe('archway.local/app:1-riscv64')
  })
})

describe('the command line of a build the builder pushes by digest', () => {
  it('is the build with --load and the local tag replaced by one untagged image output to the repository', () => {
    const spec = { context: 'app', buildArgs: [], labels: [], builder: 'fleet' }
    expect(
      pushArgv(buildArgv(spec, SIX.slice(0, 2), 'archway.local/app:1'), { registry: '127.0.0.1:5000', repository: 'e2e/app' })
    ).toEqual([
      'buildx',
      'build',
      '--builder',
      'fleet',
      '--platform',
      'linux/amd64,linux/arm64',
      '--provenance=false',
      '--sbom=false',
      '--output',
      'type=image,name=127.0.0.1:5000/e2e/app,push-by-digest=true,name-canonical=true,push=true,oci-mediatypes=true',
      'app'
    ])
  })
})

describe('the command line of a build exported as an OCI layout', () => {
  const spec = { context: 'app', buildArgs: [], labels: [], builder: 'native' }

  it('is the build with --load replaced by an OCI layout folder, every platform in one build', () => {
    expect(layoutArgv(buildArgv(spec, SIX, 'archway.local/app:1'), '/runner/temp/archway-x/layout')).toEqual([
      'buildx',
      'build',
      '--builder',
      'native',
      '--platform',
      'linux/amd64,linux/arm64,linux/arm/v7,linux/s390x,linux/ppc64le,linux/riscv64',
      '--provenance=false',
      '--sbom=false',
      '--output',
      'type=oci,dest=/runner/temp/archway-x/layout,tar=false',
      '--tag',
      'archway.local/app:1',
      'app'
    ])
  })

  it('quotes a folder with a comma or a quote as buildx reads the CSV of --output', () => {
    const argv = layoutArgv(buildArgv(spec, SIX, 't'), '/tmp/a,b"c')
    expect(argv[argv.indexOf('--output') + 1]).toBe('type=oci,"dest=/tmp/a,b""c",tar=false')
  })

  it('loaded into the engine as well, by the same export: --load becomes the engine with OCI media types and the folder', () => {
    const argv = loadAndLayoutArgv(buildArgv(spec, SIX, 't'), '/runner/temp/archway-x/layout')
    expect(argv.slice(argv.indexOf('--sbom=false') + 1)).toEqual([
      '--output',
      'type=docker,oci-mediatypes=true',
      '--output',
      'type=oci,dest=/runner/temp/archway-x/layout,tar=false',
      '--tag',
      't',
      'app'
    ])
  })

  it('refuses a command line without exactly one --load', () => {
    expect(() => layoutArgv(['buildx', 'build', '.'], '/x')).toThrow('one --load')
    expect(() => layoutArgv(['--load', '--load'], '/x')).toThrow('one --load')
    expect(() => loadAndLayoutArgv(['buildx', 'build', '.'], '/x')).toThrow('one --load')
  })
})

describe("the builder's driver", () => {
  it('is read from docker buildx inspect', () => {
    const text = [
      'Name:          builder-1',
      'Driver:        docker-container',
      'Last Activity: 2026-11-30 03:01:12 +0000 UTC',
      '',
      'Nodes:',
      'Name:      builder-10',
      'Endpoint:  unix:///var/run/docker.sock',
      'Driver Options: image="moby/buildkit:buildx-stable-1"',
      'Status:    inactive',
      ''
    ].join('\n')
    expect(parseBuilderInspect(text)).toEqual({
      name: 'builder-1',
      driver: 'docker-container',
      nodes: [
        {
          name: 'builder-10',
          endpoint: 'unix:///var/run/docker.sock',
          status: 'inactive',
          platforms: [],
          preferred: [],
          driverOptions: { image: 'moby/buildkit:buildx-stable-1' }
        }
      ]
    })
    expect(parseBuilderInspect('Name: default\nDriver: docker\n')).toEqual(DEFAULT)
    expect(parseBuilderInspect('ERROR: no builder "x" found')).toBeUndefined()
  })
})

describe("a builder's nodes", () => {
  it('are read from docker buildx inspect: endpoint, status, BuildKit version, platforms with those preferred (*), driver options, errors', () => {
    // buildx 0.29's own text for a remote builder of two nodes (labels and GC rules cut short), and one node it could not reach.
    const text = [
      'Name:          fleet',
      'Driver:        remote',
      'Last Activity: 2026-12-07 09:12:40 +0000 UTC',
      '',
      'Nodes:',
      'Name:             fleet0',
      'Endpoint:         unix:///run/archway-test-env/buildkit-node0.sock',
      'Status:           running',
      'BuildKit version: v0.13.2',
      'Platforms:        linux/amd64*, linux/amd64/v2, linux/arm64, linux/riscv64, linux/386',
      'Labels:',
      ' org.mobyproject.buildkit.worker.executor:    oci',
      ' org.mobyproject.buildkit.worker.snapshotter: overlayfs',
      'GC Policy rule#0:',
      ' All:            false',
      ' Filters:        type==source.local,type==exec.cachemount,type==source.git.checkout',
      '',
      'Name:             fleet1',
      'Endpoint:         tcp://10.0.0.7:1234',
      'Driver Options:   network="host" env.BUILDKIT_STEP_LOG_MAX_SIZE="-1"',
      'Error:            Cannot load builder fleet1: connection refused',
      ''
    ].join('\n')
    expect(parseBuilderInspect(text)).toEqual({
      name: 'fleet',
      driver: 'remote',
      nodes: [
        {
          name: 'fleet0',
          endpoint: 'unix:///run/archway-test-env/buildkit-node0.sock',
          status: 'running',
          buildkit: 'v0.13.2',
          platforms: ['linux/amd64', 'linux/amd64/v2', 'linux/arm64', 'linux/riscv64', 'linux/386'],
          preferred: ['linux/amd64'],
          driverOptions: {}
        },
        {
          name: 'fleet1',
          endpoint: 'tcp://10.0.0.7:1234',
          platforms: [],
          preferred: [],
          driverOptions: { network: 'host', 'env.BUILDKIT_STEP_LOG_MAX_SIZE': '-1' },
          error: 'Cannot load builder fleet1: connection refused'
        }
      ]
    })
  })
})

describe("the engine's ID of the layout's image", () => {
  const top = { mediaType: 'application/vnd.oci.image.index.v1+json', digest: 'sha256:aaa', size: 1 }
  const config = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: 'sha256:ccc', size: 1 }

  it("is what the layout's index.json names on the containerd store, and the config on the classic store", () => {
    expect(expectedImageId('containerd', top, config)).toBe('sha256:aaa')
    expect(expectedImageId('classic', top, config)).toBe('sha256:ccc')
  })
})
