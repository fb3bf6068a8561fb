/**
 * What emulation cost, through the runner's entry point on both image stores: a build with an
 * emulated stage (`work`, whose RUN step counts to 150000 in the shell, about twice as long under QEMU on linux/arm64)
 * and a stage FROM --platform=$BUILDPLATFORM (`tools`, whose RUN step sleeps natively). The
 * summary and the log show each platform's RUN seconds and tests, and name `work`, never
 * `tools`, as the stage to take off QEMU.
 *
 * The `tools` stage starts from a base image of the build machine's platform, as real ones do
 * (`FROM --platform=$BUILDPLATFORM golang`): BuildKit records the platform a stage runs as from
 * its base image, and a stage FROM scratch has none (it is recorded as the target's).
 */
import { randomBytes } from 'node:crypto'
import { copyFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { newRunner, runStep } from '../helpers/runner.js'
import { sampleContext } from '../helpers/sample.js'
import { docker, testEnv } from '../helpers/testenv.js'
import { tempDir } from '../helpers/tmp.js'

const env = testEnv()
const engines = [env.dockerContainerd, env.dockerClassic]

/** The build machine's base image, in each engine's store, removed when the tests end. */
const BASE = `archway.local/e2e-cost-base-${randomBytes(4).toString('hex')}:1`

beforeAll(() => {
  const ctx = tempDir('cost-base')
  copyFileSync(join(env.busyboxDir, 'amd64'), join(ctx, 'busybox'))
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY busybox /bin/busybox\n')
  for (const host of engines)
    docker(host, ['buildx', 'build', '--quiet', '--platform', 'linux/amd64', '--provenance=false', '--load', '-t', BASE, ctx])
})
afterAll(() => {
  for (const host of engines) docker(host, ['image', 'rm', BASE])
})

const DOCKERFILE = [
  `FROM --platform=$BUILDPLATFORM ${BASE} AS tools`,
  'RUN ["/bin/busybox", "sh", "-c", "/bin/busybox sleep 1.2 && /bin/busybox uname -m > /tools-ran-on"]',
  '',
  'FROM scratch AS work',
  'ARG TARGETARCH',
  'ARG TARGETVARIANT',
  'COPY .busybox/${TARGETARCH}${TARGETVARIANT} /bin/busybox',
  'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
  'RUN i=0 && while [ $i -lt 150000 ]; do i=$((i+1)); done && echo $i > /count',
  '',
  'FROM work',
  'COPY --from=tools /tools-ran-on /tools-ran-on',
  'COPY hello.sh run-tests.sh /app/',
  ''
].join('\n')

/** The cost table's row of a platform: what ran it, its RUN seconds, its tests. */
const row = (summary: string, platform: string) =>
  new RegExp(`^\\| ${platform.replace(/\//g, '\\/')} \\| (native|QEMU) \\| ([\\d.]+) s([^|]*)\\| ([^|]*)\\|$`, 'm').exec(summary)

describe.each([
  ['containerd', env.dockerContainerd],
  ['classic', env.dockerClassic]
])('what emulation cost, on the %s store', (_store, host) => {
  it('is in the summary and the log: RUN seconds per platform, the tests, and the emulated stage to move, not the native one', async () => {
    const main = await runStep(
      await newRunner(env.toolCache),
      'main',
      {
        platforms: 'linux/amd64,linux/arm64',
        image: `${env.registryOpen}/e2e/emulation-cost-${randomBytes(4).toString('hex')}`,
        context: sampleContext(env.busyboxDir, DOCKERFILE),
        test: 'sh /app/run-tests.sh && cat /tools-ran-on',
        'no-cache': 'true'
      },
      {},
      { DOCKER_HOST: host }
    )
    expect(main.errors).toEqual([])
    expect(main.code).toBe(0)
    // The tools stage ran once per build, natively, and its output is in both images.
    expect(main.log.match(/^x86_64$/gm)?.length).toBeGreaterThanOrEqual(2)

    expect(main.summary).toContain('**What emulation cost**')
    expect(main.summary).toContain('| Platform | Ran | RUN steps | Tests |')
    const amd = row(main.summary, 'linux/amd64')
    const arm = row(main.summary, 'linux/arm64')
    expect(amd?.[1]).toBe('native')
    expect(arm?.[1]).toBe('QEMU')
    // amd64 ran the tools stage (at least its 1.2 s sleep) besides its own steps; arm64 its own, compared with amd64's.
    expect(Number(amd?.[2])).toBeGreaterThanOrEqual(1.2)
    expect(Number(arm?.[2])).toBeGreaterThanOrEqual(1)
    expect(arm?.[3]).toMatch(/^ \([\d.]+x the same steps as linux\/amd64\) $/)
    expect(amd?.[4]).toMatch(/^[\d.]+ s $/)
    expect(arm?.[4]).toMatch(/^[\d.]+ s \([\d.]+x linux\/amd64's\) $/)

    const hint = /^Costliest emulated stages: (.*)$/m.exec(main.summary)?.[1]
    // The count takes several times longer under QEMU: what emulation added.
    expect(hint).toMatch(/^`work` [\d.]+ s under QEMU, [\d.]+ s more than natively \(linux\/arm64 [\d.]+ s\)\. /)
    expect(hint).toContain('FROM --platform=$BUILDPLATFORM')
    expect(hint).not.toContain('`tools`')
    expect(main.log).toMatch(/::group::What emulation cost\n\*\*What emulation cost\*\*/)
  })
})
