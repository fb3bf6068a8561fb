/**
 * A real emulator crash, not a simulated one: an arm64 program of the project's own that executes
 * an instruction (FEAT_CSSC's ABS) the QEMU of Debian's stable release does not emulate. Under
 * stable's QEMU its test dies of SIGILL and the step fails naming the crash, the QEMU version and
 * the way out; with `qemu-version: latest` (the newest QEMU in the archive) the same image passes.
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

describe('an instruction the QEMU in use does not emulate', () => {
  const inputs = () => ({
    platforms: 'linux/arm64',
    image: `${env.registryOpen}/e2e/qemu-crash-${randomBytes(4).toString('hex')}`,
    context: context(),
    test: '/app/cssc'
  })

  it("crashes the test under stable's QEMU: the step fails naming SIGILL, the QEMU version and another qemu-version to try", async () => {
    const main = await runStep(await newRunner(env.toolCache), 'main', inputs(), {}, { DOCKER_HOST: env.dockerContainerd })
    expect(main.code).toBe(1)
    const version = main.outputs['qemu-version']
    expect(version).toMatch(/^1:10\.0\./)
    expect(main.errors).toEqual([
      expect.stringContaining(
        `Tests crashed on linux/arm64 with SIGILL (exit code 132) under QEMU ${version}; an emulator crash depends on the QEMU version: try another qemu-version for it (linux/arm64=latest, `
      )
    ])
    expect(main.log).toContain('qemu: uncaught target signal 4 (Illegal instruction)')
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
