/**
 * A real emulator crash, not a simulated one: an arm64 program of the project's own that executes
 * an instruction (FEAT_CSSC's ABS) the QEMU of Debian's stable release does not emulate. Under
 * stable's QEMU its test dies of SIGILL; the action runs it again under the newest QEMU in the
 * archive, registered for that platform alone, where it passes, and says how to pin that QEMU.
 * With `qemu-version: latest`, or `linux/arm64=latest` beside stable for another platform, it
 * passes the first time.
 */
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { newRunner, ROOT, runStep } from '../helpers/runner.js'
import { sampleContext } from '../helpers/sample.js'
import { testEnv } from '../helpers/testenv.js'

const env = testEnv()

/** The example project with the program built into it as /app/cssc. */
function context(): string {
  const ctx = sampleContext(env.busyboxDir)
  execFileSync('aarch64-linux-gnu-gcc', ['-O2', '-static', '-o', join(ctx, 'cssc'), join(ROOT, '__tests__/fixtures/programs/cssc.c')])
  execFileSync('sh', ['-c', `printf '%s\\n' 'COPY cssc /app/cssc' >> '${join(ctx, 'Dockerfile')}'`])
  return ctx
}

/**
 * The same program run by a RUN step of the arm64 build, not by the test. Not as the step's last
 * command: the shell would exec it as the container's PID 1, which ignores the SIGILL QEMU raises
 * on itself, and the step would hang instead of failing (BuildKit runs no init in a RUN step).
 */
function buildContext(): string {
  const ctx = context()
  const step = 'RUN if [ "$(uname -m)" = aarch64 ]; then /app/cssc; s=$?; [ $s -eq 0 ] || exit $s; fi'
  execFileSync('sh', ['-c', `printf '%s\\n' '${step}' >> '${join(ctx, 'Dockerfile')}'`])
  return ctx
}

describe.each([
  ['containerd', env.dockerContainerd],
  ['classic', env.dockerClassic]
])('a build step crashing on the %s store', (_store, host) => {
  it('builds again under the newest QEMU for that platform alone, and goes on with a warning naming the pin', async () => {
    const main = await runStep(
      await newRunner(env.toolCache),
      'main',
      {
        platforms: 'linux/amd64,linux/arm64',
        image: `${env.registryOpen}/e2e/qemu-build-crash-${randomBytes(4).toString('hex')}`,
        context: buildContext(),
        test: 'uname -m',
        'no-cache': 'true',
        'verify-arch-ignore': '/app/cssc'
      },
      {},
      { DOCKER_HOST: host }
    )
    expect(main.errors).toEqual([])
    expect(main.code).toBe(0)
    const stable = main.outputs['qemu-version']
    const versions = JSON.parse(main.outputs['qemu-versions']) as Record<string, string>
    expect(stable).toMatch(/^1:10\.0\./)
    expect(versions['linux/arm64']).toMatch(/^1:11\./)
    expect(main.log).toContain('qemu: uncaught target signal 4 (Illegal instruction)')
    expect(main.log).toContain('::group::Build linux/arm64 again under another QEMU')
    expect(main.log).toContain(
      `::warning::linux/arm64: a build step crashed under QEMU ${stable} and the build passed under QEMU ${versions['linux/arm64']}; to use that QEMU for linux/arm64 from the start: qemu-version: linux/arm64=${versions['linux/arm64']}`
    )
    expect(main.log).toMatch(/^#\d+ \d+\.\d+ 42$/m)
  })
})

describe('an instruction the QEMU in use does not emulate', () => {
  const inputs = () => ({
    platforms: 'linux/arm64',
    image: `${env.registryOpen}/e2e/qemu-crash-${randomBytes(4).toString('hex')}`,
    context: context(),
    test: '/app/cssc'
  })

  it("crashes the test under stable's QEMU, runs it again under the newest, and goes on with a warning naming the pin for that platform", async () => {
    const main = await runStep(await newRunner(env.toolCache), 'main', inputs(), {}, { DOCKER_HOST: env.dockerContainerd })
    expect(main.errors).toEqual([])
    expect(main.code).toBe(0)
    const stable = main.outputs['qemu-version']
    expect(stable).toMatch(/^1:10\.0\./)
    const versions = JSON.parse(main.outputs['qemu-versions']) as Record<string, string>
    expect(versions['linux/arm64']).toMatch(/^1:11\./)
    // The first run died of SIGILL under stable's QEMU; the second, under the newest, printed 42.
    expect(main.log).toContain('qemu: uncaught target signal 4 (Illegal instruction)')
    expect(main.log).toContain('::group::Test linux/arm64 again under another QEMU')
    expect(main.log).toMatch(/^42$/m)
    expect(main.log).toContain(
      `::warning::linux/arm64: the test crashed under QEMU ${stable} and passed under QEMU ${versions['linux/arm64']}; to use that QEMU for linux/arm64 from the start: qemu-version: linux/arm64=${versions['linux/arm64']}`
    )
    const interpreter = /^interpreter (.*)$/m.exec(readFileSync('/proc/sys/fs/binfmt_misc/qemu-aarch64', 'utf8'))?.[1]
    expect(interpreter).toContain(versions['linux/arm64'].replace(':', '%3a'))
    expect(main.summary).toContain(`passed (`)
    expect(main.summary).toContain(`under QEMU \`${versions['linux/arm64']}\` after a crash under \`${stable}\``)
  })

  it('runs under the newest QEMU in the archive (qemu-version: latest)', async () => {
    const main = await runStep(
      await newRunner(env.toolCache),
      'main',
      { ...inputs(), 'qemu-version': 'latest' },
      {},
      { DOCKER_HOST: env.dockerContainerd }
    )
    expect(main.errors).toEqual([])
    expect(main.code).toBe(0)
    expect(main.outputs['qemu-version']).toMatch(/^1:11\./)
    expect(main.log).toMatch(/^42$/m)
  })

  it("runs under the newest QEMU given to its platform alone (linux/arm64=latest), while another platform keeps stable's", async () => {
    const main = await runStep(
      await newRunner(env.toolCache),
      'main',
      {
        ...inputs(),
        platforms: 'linux/arm64,linux/riscv64',
        'qemu-version': 'linux/arm64=latest',
        test: 'if [ "$(uname -m)" = aarch64 ]; then /app/cssc; else echo "riscv64 ok"; fi',
        // The arm64 program is in the riscv64 image too, where nothing runs it.
        'verify-arch-ignore': '/app/cssc'
      },
      {},
      { DOCKER_HOST: env.dockerContainerd }
    )
    expect(main.errors).toEqual([])
    expect(main.code).toBe(0)
    const versions = JSON.parse(main.outputs['qemu-versions']) as Record<string, string>
    expect(versions['linux/arm64']).toMatch(/^1:11\./)
    expect(versions['linux/riscv64']).toMatch(/^1:10\.0\./)
    expect(main.outputs['qemu-version']).toBe(versions['linux/riscv64'])
    // Each emulator registered from its own version's folder.
    const interpreter = (name: string) => /^interpreter (.*)$/m.exec(readFileSync(`/proc/sys/fs/binfmt_misc/${name}`, 'utf8'))?.[1]
    expect(interpreter('qemu-aarch64')).toContain(versions['linux/arm64'].replace(':', '%3a'))
    expect(interpreter('qemu-riscv64')).toContain(versions['linux/riscv64'].replace(':', '%3a'))
    expect(main.log).toMatch(/^42$/m)
    expect(main.log).toMatch(/^riscv64 ok$/m)
    expect(main.summary).toContain(`(linux/arm64)`)
  })
})
