/**
 * QEMU set-up through the runner's entry point (node dist/main.js), against the real kernel,
 * the real Debian archive (through a loopback mirror that records requests) and both engines.
 */
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BINFMT, binfmtSnapshot, removeQemuEntries, unmountBinfmt } from '../helpers/binfmt.js'
import { type CountingMirror, countingMirror } from '../helpers/mirror.js'
import { newRunner, type Runner, runStep } from '../helpers/runner.js'
import { docker, testEnv } from '../helpers/testenv.js'
import { tempDir } from '../helpers/tmp.js'

const env = testEnv()
const FOREIGN = [
  { platform: 'linux/arm64', file: 'arm64', uname: 'aarch64' },
  { platform: 'linux/arm/v7', file: 'armv7', uname: 'armv7l' },
  { platform: 'linux/s390x', file: 's390x', uname: 's390x' },
  { platform: 'linux/ppc64le', file: 'ppc64le', uname: 'ppc64le' },
  { platform: 'linux/riscv64', file: 'riscv64', uname: 'riscv64' }
]
const platforms = FOREIGN.map(f => f.platform).join(',')

/** A FROM-scratch image holding each platform's static busybox; its RUN step already needs emulation. */
function busyboxContext(): string {
  const ctx = tempDir('busybox')
  for (const f of FOREIGN) cpSync(join(env.busyboxDir, f.file), join(ctx, `busybox-${f.file}`))
  writeFileSync(
    join(ctx, 'Dockerfile'),
    [
      'FROM scratch',
      'ARG TARGETARCH',
      'ARG TARGETVARIANT',
      'COPY busybox-${TARGETARCH}${TARGETVARIANT} /bin/busybox',
      'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
      ''
    ].join('\n')
  )
  return ctx
}

let mirror: CountingMirror
let runner: Runner
/** The images this file builds, by engine. */
const CONTAINERD_IMAGE = 'archway-e2e/busybox:qemu'
const classicImage = (file: string) => `archway-e2e/busybox:qemu-${file}`

beforeAll(async () => {
  mirror = await countingMirror()
  runner = await newRunner()
})
afterAll(async () => {
  await mirror.close()
  docker(env.dockerContainerd, ['image', 'rm', '--force', CONTAINERD_IMAGE])
  docker(env.dockerClassic, ['image', 'rm', '--force', ...FOREIGN.map(f => classicImage(f.file))])
})

describe('setting up QEMU from a bare kernel', () => {
  let first: Awaited<ReturnType<typeof runStep>>

  beforeAll(async () => {
    removeQemuEntries()
    unmountBinfmt()
    first = await runStep(runner, 'main', { platforms, 'qemu-mirror': mirror.url })
  })

  it('succeeds, mounts binfmt_misc and registers one entry per foreign emulator, flags P and F, with the cached binary', () => {
    expect(first.errors).toEqual([])
    expect(first.code).toBe(0)
    const entries = binfmtSnapshot()
    expect(entries['(mounted)']).toBe('yes')
    for (const emulator of ['aarch64', 'arm', 's390x', 'ppc64le', 'riscv64']) {
      expect(entries[`qemu-${emulator}`]).toContain(`interpreter ${first.outputs['qemu-path']}/qemu-${emulator}\n`)
      expect(entries[`qemu-${emulator}`]).toMatch(/^flags: PF$/m)
    }
    expect(
      Object.keys(entries)
        .filter(n => n.startsWith('qemu-'))
        .sort()
    ).toEqual(['qemu-aarch64', 'qemu-arm', 'qemu-ppc64le', 'qemu-riscv64', 'qemu-s390x'])
  })

  it('downloads from the mirror, and names the exact version, its SHA-256 and its source', () => {
    expect(mirror.requests.some(r => r.endsWith('/InRelease'))).toBe(true)
    expect(mirror.requests.some(r => r.endsWith('.deb'))).toBe(true)
    expect(first.outputs['qemu-version']).toMatch(/^1:10\.0\.\d+\+ds-/)
    expect(first.outputs['qemu-sha256']).toMatch(/^[0-9a-f]{64}$/)
    expect(first.outputs.platforms).toBe(platforms)
    expect(first.log).toContain(`Debian qemu-user ${first.outputs['qemu-version']} from stable (trixie)`)
    expect(first.log).toContain('Source: Debian archive')
    expect(first.summary).toContain(first.outputs['qemu-version'])
    // The emulators this job needs, unpacked from the .deb; the manifest names the others it holds, for the jobs that need them.
    expect(readdirSync(first.outputs['qemu-path']).sort()).toEqual([
      'archway-qemu.json',
      'qemu-aarch64',
      'qemu-arm',
      'qemu-ppc64le',
      'qemu-riscv64',
      'qemu-s390x'
    ])
    const manifest = JSON.parse(readFileSync(join(first.outputs['qemu-path'], 'archway-qemu.json'), 'utf8'))
    expect([...manifest.holds].sort()).toEqual(['aarch64', 'arm', 'loongarch64', 'mips64el', 'ppc64le', 'riscv64', 's390x'])
  })

  it('hands the post step an Actions cache key to save under, and the post step degrades to one line here', async () => {
    const state = first.state
    expect(JSON.parse(state.archway).qemuCaches.map((c: { key: string }) => c.key)).toEqual([
      expect.stringMatching(/^archway-qemu-amd64-stable-[0-9a-f]{12}-\d{8}$/)
    ])
    expect(first.log.split('\n').filter(l => l.startsWith('::warning::') && l.includes('cache service')).length).toBe(1)
    const post = await runStep(runner, 'post', {}, state)
    expect(post.code).toBe(0)
    expect(post.errors).toEqual([])
    expect(post.log).toContain('not available here; nothing saved')
  })

  it('lets foreign busybox images built FROM scratch run with the right uname -m on the containerd store', () => {
    const ctx = busyboxContext()
    docker(env.dockerContainerd, ['buildx', 'build', '--platform', platforms, '--load', '-t', CONTAINERD_IMAGE, ctx])
    for (const f of FOREIGN) {
      expect({
        platform: f.platform,
        uname: docker(env.dockerContainerd, ['run', '--rm', '--platform', f.platform, CONTAINERD_IMAGE, 'uname', '-m']).trim()
      }).toEqual({ platform: f.platform, uname: f.uname })
    }
  })

  it('lets a multi-call busybox start a nested shell, which needs argv[0] kept (flag P)', () => {
    for (const f of FOREIGN) {
      const nested = docker(env.dockerContainerd, [
        'run',
        '--rm',
        '--platform',
        f.platform,
        CONTAINERD_IMAGE,
        'sh',
        '-c',
        'sh -c "uname -m"'
      ]).trim()
      expect({ platform: f.platform, nested }).toEqual({ platform: f.platform, nested: f.uname })
    }
  })

  it('lets the same images run with the right uname -m on the classic store', () => {
    const ctx = busyboxContext()
    for (const f of FOREIGN) {
      const tag = classicImage(f.file)
      docker(env.dockerClassic, ['buildx', 'build', '--platform', f.platform, '--load', '-t', tag, ctx])
      expect({
        platform: f.platform,
        uname: docker(env.dockerClassic, ['run', '--rm', '--platform', f.platform, tag, 'uname', '-m']).trim()
      }).toEqual({ platform: f.platform, uname: f.uname })
    }
  })

  it('downloads nothing on a second run with the same tool cache, exact version or not', async () => {
    const before = mirror.requests.length
    const again = await runStep(runner, 'main', { platforms, 'qemu-mirror': mirror.url })
    const pinned = await runStep(runner, 'main', { platforms, 'qemu-mirror': mirror.url, 'qemu-version': first.outputs['qemu-version'] })
    expect([again.code, pinned.code]).toEqual([0, 0])
    expect(mirror.requests.slice(before)).toEqual([])
    expect(again.log).toContain('Source: tool cache')
    expect(again.log).toContain('unchanged qemu-aarch64, qemu-arm, qemu-s390x, qemu-ppc64le, qemu-riscv64')
    expect(pinned.outputs['qemu-sha256']).toBe(first.outputs['qemu-sha256'])
    // Found in this machine's tool cache: nothing for the post step to save.
    expect(JSON.parse(pinned.state.archway).qemuCaches).toEqual([])
  })

  it('replaces an entry that points at another interpreter, and says so', async () => {
    writeFileSync(`${BINFMT}/qemu-s390x`, '-1')
    writeFileSync(
      `${BINFMT}/register`,
      ':qemu-s390x:M::\\x7f\\x45\\x4c\\x46\\x02\\x02\\x01:\\xff\\xff\\xff\\xff\\xff\\xff\\xff:/usr/bin/qemu-s390x-static:'
    )
    const r = await runStep(runner, 'main', { platforms: 'linux/s390x', 'qemu-mirror': mirror.url })
    expect(r.code).toBe(0)
    expect(r.log).toContain('Replaced an existing, different qemu-s390x entry')
    expect(binfmtSnapshot()['qemu-s390x']).toContain(`interpreter ${first.outputs['qemu-path']}/qemu-s390x\n`)
  })
})

describe('bad input', () => {
  /**
   * main with one bad input on a bare runner: exit 1, one error line naming the input and the
   * value, binfmt_misc and the tool cache as they were. Returns what the mirror was asked.
   */
  async function refused(input: string, value: string): Promise<string[]> {
    const bare = await newRunner()
    removeQemuEntries()
    const before = binfmtSnapshot()
    const requests = mirror.requests.length
    const r = await runStep(bare, 'main', { platforms: 'linux/arm64', 'qemu-mirror': mirror.url, [input]: value })
    expect(r.code).toBe(1)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toContain(`"${input}"`)
    expect(r.errors[0]).toContain(value.split(',').pop())
    expect(binfmtSnapshot()).toEqual(before)
    expect(readdirSync(join(bare.toolCache, '..'))).not.toContain('tool-cache')
    return mirror.requests.slice(requests)
  }

  it.each([
    ['platforms', 'linux/sparc64'],
    ['platforms', 'linux/arm64,windows/amd64'],
    ['qemu-version', 'banana'],
    ['qemu-mirror', 'ftp://deb.debian.org/debian'],
    ['binfmt-flags', 'FZ'],
    ['cache', 'maybe']
  ])('%s=%j exits 1 with one error line and leaves binfmt_misc, the mirror and the tool cache as they were', async (input, value) => {
    expect(await refused(input, value)).toEqual([])
  })

  // A version that matches nothing can only be known after reading the archive's index; nothing else may be fetched.
  it('qemu-version="12" exits 1 with one error line and leaves binfmt_misc and the tool cache as they were, fetching no .deb', async () => {
    const asked = await refused('qemu-version', '12')
    expect(asked.filter(u => u.endsWith('.deb'))).toEqual([])
  })
})
