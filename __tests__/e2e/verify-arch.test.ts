/**
 * Architecture verification of real images: FROM-scratch busybox images built by the real
 * engine (no RUN step, so no emulation needed), exported as OCI layouts both ways the build
 * step can (buildx `type=oci`, and `--load` then `docker save --platform`), verified from the
 * layout; then the trap, an image that copies the amd64 busybox into every platform.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { findPlatformImage, listImages, readLayoutIndex } from '../../src/oci/layout.js'
import type { ImageIndex } from '../../src/oci/types.js'
import { isAttestation, MediaType } from '../../src/oci/types.js'
import { EM, ET } from '../../src/shared/elf.js'
import { formatPlatform, parsePlatform, platformKey } from '../../src/shared/platform.js'
import type { Platform } from '../../src/shared/platform-table.js'
import { type ArchReport, archFailure, archOk, verifyArch } from '../../src/verify/arch.js'
import { elfHeader } from '../helpers/elf.js'
import { newRunner, runStep } from '../helpers/runner.js'
import { docker, testEnv } from '../helpers/testenv.js'
import { tempDir } from '../helpers/tmp.js'

const env = testEnv()
const host = env.dockerContainerd
/** Platform, and the busybox file that `${TARGETARCH}${TARGETVARIANT}` names. */
const TARGETS: ReadonlyArray<[string, string]> = [
  ['linux/arm64', 'arm64'],
  ['linux/arm/v7', 'armv7'],
  ['linux/s390x', 's390x'],
  ['linux/ppc64le', 'ppc64le'],
  ['linux/riscv64', 'riscv64'],
  ['linux/amd64', 'amd64']
]
const PLATFORMS = TARGETS.map(([p]) => p).join(',')
/** Every platform but this host's own, linux/amd64. */
const FOREIGN = TARGETS.map(([p]) => p).filter(p => p !== 'linux/amd64')
const platform = (p: string): Platform => parsePlatform(p) as Platform
/** Build contexts, layouts and docker save tars: removed with it when the file ends. */
const work = tempDir('verify-e2e')
const tag = (name: string) => `archway-e2e/verify-arch:${name}-${process.pid}`
const tags: string[] = []

/** A build context holding every platform's busybox; `trap` copies the amd64 one whatever the target. */
function context(name: string, trap: boolean): string {
  const ctx = join(work, `ctx-${name}`)
  mkdirSync(ctx, { recursive: true })
  for (const [, file] of TARGETS) cpSync(join(env.busyboxDir, file), join(ctx, `busybox-${file}`))
  const copy = trap ? 'COPY busybox-amd64 /bin/busybox' : 'COPY busybox-${TARGETARCH}${TARGETVARIANT} /bin/busybox'
  writeFileSync(join(ctx, 'Dockerfile'), ['FROM scratch', 'ARG TARGETARCH', 'ARG TARGETVARIANT', copy, ''].join('\n'))
  return ctx
}

/** `docker buildx build --output type=oci,tar=false,dest=DIR` for all the platforms; returns DIR. */
function buildOci(name: string, ctx: string, extra: string[] = [], output = ''): string {
  const dest = join(work, `oci-${name}`)
  docker(host, ['buildx', 'build', '--platform', PLATFORMS, ...extra, '--output', `type=oci,tar=false,dest=${dest}${output}`, ctx])
  return dest
}

/** `--load` into the containerd store, then `docker save --platform P` and unpack the tar; returns the layout's directory. */
function loadAndSave(name: string, ctx: string, savePlatform: string): string {
  const image = tag(name)
  tags.push(image)
  docker(host, ['buildx', 'build', '--platform', PLATFORMS, '--load', '-t', image, ctx])
  const tar = join(work, `${name}.tar`)
  docker(host, ['save', '--platform', savePlatform, image, '-o', tar])
  const dir = join(work, `saved-${name}`)
  mkdirSync(dir)
  execFileSync('tar', ['-xf', tar, '-C', dir])
  return dir
}

afterAll(() => {
  for (const t of tags) {
    try {
      docker(host, ['rmi', '-f', t])
    } catch {
      // already gone
    }
  }
})

describe('verifying busybox images built for six platforms', () => {
  const ctx = context('ok', false)

  it('passes every platform of a buildx type=oci layout (provenance on), from its nested index', async () => {
    const dir = buildOci('ok', ctx)
    const top = await readLayoutIndex(dir)
    expect(top.manifests.map(m => m.mediaType)).toEqual([MediaType.OciIndex])
    const nested = JSON.parse(readFileSync(join(dir, 'blobs', 'sha256', top.manifests[0].digest.slice(7)), 'utf8')) as ImageIndex
    const attestations = nested.manifests.filter(isAttestation)
    expect(attestations.map(a => platformKey(a.platform ?? { os: '?', architecture: '?' }))).toEqual(TARGETS.map(() => 'unknown/unknown'))
    expect((await listImages(dir)).map(i => platformKey(i.platform))).toEqual(TARGETS.map(([p]) => p))
    for (const [p] of TARGETS) {
      const report = await verifyArch(dir, platform(p))
      expect({ platform: p, failure: archFailure(report), files: report.filesChecked, elf: report.elfChecked }).toEqual({
        platform: p,
        failure: undefined,
        files: 1,
        elf: 1
      })
    }
  })

  it('passes every platform with --provenance=false, and with zstd layers', async () => {
    const plain = buildOci('noprov', ctx, ['--provenance=false'])
    const nested = await findPlatformImage(plain, platform('linux/riscv64'))
    expect(nested.manifest.layers.map(l => l.mediaType)).toEqual([MediaType.OciLayerGzip])
    const zstd = buildOci('zstd', ctx, ['--provenance=false'], ',compression=zstd,force-compression=true')
    expect((await findPlatformImage(zstd, platform('linux/s390x'))).manifest.layers.map(l => l.mediaType)).toEqual([MediaType.OciLayerZstd])
    for (const dir of [plain, zstd]) {
      for (const [p] of TARGETS)
        expect({ dir, platform: p, ok: archOk(await verifyArch(dir, platform(p))) }).toEqual({ dir, platform: p, ok: true })
    }
  })

  it('passes an arm64 image loaded into the containerd store and written by docker save --platform', async () => {
    const dir = loadAndSave('ok', ctx, 'linux/arm64')
    const top = await readLayoutIndex(dir)
    // A flat index: the arm64 manifest itself, with its platform; no attestation in it.
    expect(top.manifests.map(m => [m.mediaType, platformKey(m.platform ?? {})])).toEqual([[MediaType.OciManifest, 'linux/arm64']])
    const report = await verifyArch(dir, platform('linux/arm64'))
    expect(report).toMatchObject({ filesChecked: 1, elfChecked: 1, mismatches: [], config: { ok: true, found: 'linux/arm64' } })
    await expect(verifyArch(dir, platform('linux/amd64'))).rejects.toThrow('holds no image for linux/amd64 (it holds: linux/arm64)')
  })

  it('passes an arm64 image written by docker save on the classic store (no platform in index.json, uncompressed layer)', async () => {
    const image = tag('classic')
    docker(env.dockerClassic, ['buildx', 'build', '--platform', 'linux/arm64', '--load', '-t', image, ctx])
    try {
      const tar = join(work, 'classic.tar')
      docker(env.dockerClassic, ['save', image, '-o', tar])
      const dir = join(work, 'saved-classic')
      mkdirSync(dir)
      execFileSync('tar', ['-xf', tar, '-C', dir])
      const found = await findPlatformImage(dir, platform('linux/arm64'))
      expect(found.descriptor.platform).toBeUndefined()
      expect(found.manifest.layers.map(l => l.mediaType)).toEqual([MediaType.OciLayer])
      expect(archOk(await verifyArch(dir, platform('linux/arm64')))).toBe(true)
    } finally {
      docker(env.dockerClassic, ['rmi', '-f', image])
    }
  })
})

describe('the trap: the amd64 busybox copied into every platform', () => {
  const ctx = context('trap', true)

  it.each([
    ['provenance on', []],
    ['--provenance=false', ['--provenance=false']]
  ])('fails every non-amd64 platform of a type=oci layout, naming /bin/busybox (%s)', async (_name, extra) => {
    const dir = buildOci(`trap-${extra.length}`, ctx, extra)
    const reports = new Map<string, ArchReport>()
    for (const [p] of TARGETS) reports.set(p, await verifyArch(dir, platform(p)))
    for (const [p, report] of reports) {
      // buildx writes the target platform into the config whatever was copied: only the ELF check catches it.
      expect({ platform: p, config: report.config }).toEqual({ platform: p, config: { ok: true, found: p } })
    }
    expect(archFailure(reports.get('linux/amd64')!)).toBeUndefined()
    for (const p of FOREIGN) {
      const report = reports.get(p)!
      expect({ platform: p, mismatches: report.mismatches }).toEqual({
        platform: p,
        mismatches: [{ path: '/bin/busybox', found: 'x86-64 64-bit LSB', reason: 'a program on PATH' }]
      })
      expect(archFailure(report)).toBe(
        `${formatPlatform(platform(p))}: 1 of 1 ELF files is not ${report.expected}: /bin/busybox (x86-64 64-bit LSB, a program on PATH)`
      )
    }
  })

  it('fails the arm64 image that docker save --platform writes from the containerd store', async () => {
    const dir = loadAndSave('trap', ctx, 'linux/arm64')
    const report = await verifyArch(dir, platform('linux/arm64'))
    expect(report.mismatches).toEqual([{ path: '/bin/busybox', found: 'x86-64 64-bit LSB', reason: 'a program on PATH' }])
    expect(archFailure(report)).toBe(
      'linux/arm64: 1 of 1 ELF files is not AArch64 64-bit LSB: /bin/busybox (x86-64 64-bit LSB, a program on PATH)'
    )
  })
})

describe('real ARM busybox builds against the ARM rules', () => {
  it("reads Debian's armhf busybox as ARMv7 hard-float and armel as ARMv5TE soft-float, and holds each to its variant", async () => {
    const ctx = join(work, 'ctx-arm')
    mkdirSync(ctx, { recursive: true })
    cpSync(join(env.busyboxDir, 'armv7'), join(ctx, 'busybox-armv7'))
    cpSync(join(env.busyboxDir, 'armv6'), join(ctx, 'busybox-armv6'))
    // Each arm variant gets the other's busybox.
    writeFileSync(
      join(ctx, 'Dockerfile'),
      ['FROM scratch', 'COPY busybox-armv7 /bin/armhf', 'COPY busybox-armv6 /bin/armel', ''].join('\n')
    )
    const dest = join(work, 'oci-arm')
    docker(host, [
      'buildx',
      'build',
      '--provenance=false',
      '--platform',
      'linux/arm/v7,linux/arm/v6',
      '--output',
      `type=oci,tar=false,dest=${dest}`,
      ctx
    ])
    const v7 = await verifyArch(dest, platform('linux/arm/v7'))
    expect(v7.mismatches).toEqual([{ path: '/bin/armel', found: 'ARM 32-bit LSB EABI5 soft-float ARMv5TE', reason: 'a program on PATH' }])
    const v6 = await verifyArch(dest, platform('linux/arm/v6'))
    expect(v6.mismatches).toEqual([{ path: '/bin/armhf', found: 'ARM 32-bit LSB EABI5 hard-float ARMv7', reason: 'a program on PATH' }])
  })
})

describe('the rule on real images: files of another architecture that are never run pass, the entrypoint does not', () => {
  /**
   * A context with every platform's busybox, an x86-64 shared object and relocatable object
   * (headers only), and a tree holding `/bin/sh -> busybox` and `/usr/local/bin/run ->
   * /opt/amd64/busybox` as real symbolic links.
   */
  function ruleContext(name: string, dockerfile: string[]): string {
    const ctx = join(work, `ctx-rule-${name}`)
    mkdirSync(join(ctx, 'tree', 'bin'), { recursive: true })
    mkdirSync(join(ctx, 'tree', 'usr', 'local', 'bin'), { recursive: true })
    for (const [, file] of TARGETS) cpSync(join(env.busyboxDir, file), join(ctx, `busybox-${file}`))
    writeFileSync(join(ctx, 'libc.so.6'), Buffer.concat([elfHeader(64, 'little', EM.X86_64, { type: ET.DYN }), Buffer.alloc(64)]))
    writeFileSync(join(ctx, 'race.syso'), Buffer.concat([elfHeader(64, 'little', EM.X86_64, { type: ET.REL }), Buffer.alloc(64)]))
    chmodSync(join(ctx, 'libc.so.6'), 0o644)
    symlinkSync('busybox', join(ctx, 'tree', 'bin', 'sh'))
    symlinkSync('/opt/amd64/busybox', join(ctx, 'tree', 'usr', 'local', 'bin', 'run'))
    const base = [
      'FROM scratch',
      'ARG TARGETARCH',
      'ARG TARGETVARIANT',
      'COPY tree/ /',
      'COPY busybox-${TARGETARCH}${TARGETVARIANT} /bin/busybox',
      'COPY --chmod=0644 busybox-amd64 /usr/local/go/src/debug/elf/testdata/gcc-amd64-linux-exec',
      'COPY race.syso /usr/local/go/src/runtime/race/race_linux_amd64.syso',
      'COPY libc.so.6 /usr/x86_64-linux-gnu/lib/libc.so.6'
    ]
    writeFileSync(join(ctx, 'Dockerfile'), [...base, ...dockerfile, ''].join('\n'))
    return ctx
  }
  const FOREIGN_ONLY = ['linux/arm64', 'linux/riscv64']
  /** The context built for FOREIGN_ONLY into an OCI layout folder of `name`; its path. */
  const buildLayout = (ctx: string, name: string) => {
    const dest = join(work, name)
    docker(host, [
      'buildx',
      'build',
      '--provenance=false',
      '--platform',
      FOREIGN_ONLY.join(','),
      '--output',
      `type=oci,tar=false,dest=${dest}`,
      ctx
    ])
    return dest
  }

  it("passes arm64 and riscv64 images holding the amd64 busybox as Go's test data, an x86-64 cross library and a .syso, counting them", async () => {
    const ctx = ruleContext('ok', ['ENTRYPOINT ["sh"]'])
    const dest = buildLayout(ctx, 'oci-rule-ok')
    for (const p of FOREIGN_ONLY) {
      const report = await verifyArch(dest, platform(p))
      expect({ platform: p, failure: archFailure(report), accepted: report.accepted }).toEqual({
        platform: p,
        failure: undefined,
        accepted: {
          count: 3,
          byReason: { 'test data': 1, "in another architecture's directory": 1, 'a relocatable object': 1 },
          first: [
            { path: '/usr/local/go/src/debug/elf/testdata/gcc-amd64-linux-exec', found: 'x86-64 64-bit LSB', reason: 'test data' },
            { path: '/usr/local/go/src/runtime/race/race_linux_amd64.syso', found: 'x86-64 64-bit LSB', reason: 'a relocatable object' },
            { path: '/usr/x86_64-linux-gnu/lib/libc.so.6', found: 'x86-64 64-bit LSB', reason: "in another architecture's directory" }
          ]
        }
      })
    }
  })

  it('refuses the same images with the amd64 busybox as ENTRYPOINT /app/server, naming it', async () => {
    const ctx = ruleContext('entrypoint', ['COPY busybox-amd64 /app/server', 'ENTRYPOINT ["/app/server"]'])
    const dest = buildLayout(ctx, 'oci-rule-entrypoint')
    for (const p of FOREIGN_ONLY) {
      const report = await verifyArch(dest, platform(p))
      expect({ platform: p, failure: archFailure(report) }).toEqual({
        platform: p,
        failure: `${p}: 1 of 5 ELF files is not ${report.expected}: /app/server (x86-64 64-bit LSB, the entrypoint)`
      })
      expect(report.accepted.count).toBe(3)
    }
  })

  it('follows a bare CMD through PATH and the symbolic links of the image to a foreign program with no exec bit', async () => {
    const ctx = ruleContext('links', ['COPY --chmod=0644 busybox-amd64 /opt/amd64/busybox', 'CMD ["run"]'])
    const dest = join(work, 'oci-rule-links')
    docker(host, ['buildx', 'build', '--provenance=false', '--platform', 'linux/arm64', '--output', `type=oci,tar=false,dest=${dest}`, ctx])
    const report = await verifyArch(dest, platform('linux/arm64'))
    expect(report.mismatches).toEqual([{ path: '/opt/amd64/busybox', found: 'x86-64 64-bit LSB', reason: 'the entrypoint' }])
  })

  it('through the runner: logs and summarises the accepted files, and verify-arch-ignore lets a foreign SDK through', async () => {
    const runner = await newRunner(env.toolCache)
    const ctx = ruleContext('runner', ['COPY busybox-amd64 /opt/sdk/bin/amd64-tool', 'ENTRYPOINT ["sh"]'])
    const inputs = { platforms: 'linux/amd64,linux/arm64', image: `${env.registryOpen}/e2e/verify-rule-${process.pid}`, context: ctx }
    const refused = await runStep(runner, 'main', inputs, {}, { DOCKER_HOST: host })
    expect(refused.code).toBe(1)
    expect(refused.errors.join('\n')).toContain(
      'Architecture check failed: linux/arm64: 1 of 5 ELF files is not AArch64 64-bit LSB: /opt/sdk/bin/amd64-tool (x86-64 64-bit LSB, an executable file)'
    )
    const passed = await runStep(runner, 'main', { ...inputs, 'verify-arch-ignore': '/opt/sdk/**' }, {}, { DOCKER_HOST: host })
    expect(passed.errors).toEqual([])
    expect(passed.code).toBe(0)
    const line = passed.log.split('\n').find(l => l.includes('Architecture: ') && l.includes('AArch64'))
    expect(line).toContain(
      "Architecture: 1 of 5 ELF files (of 5 files) are AArch64 64-bit LSB; 4 ELF files of another architecture accepted (1 a relocatable object, 1 in another architecture's directory, 1 in verify-arch-ignore, 1 test data): "
    )
    expect(passed.summary).toContain('ok (5 ELF, 4 of another architecture accepted)')
    expect(passed.summary).toContain('- linux/arm64: 4 ELF files of another architecture accepted')
    const bad = await runStep(runner, 'main', { ...inputs, 'verify-arch-ignore': 'opt/sdk/**' }, {}, { DOCKER_HOST: host })
    expect(bad.code).toBe(1)
    expect(bad.errors).toEqual([
      expect.stringContaining('Input "verify-arch-ignore" has a bad value "opt/sdk/**": accepted: absolute path globs such as /opt/sdk/**')
    ])
  })
})
