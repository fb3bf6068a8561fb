/**
 * A build context that holds the job's token where actions/checkout keeps it by default, through
 * the runner's entry point: one warning before the build, and the build goes on; none once
 * .dockerignore keeps .git out.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { newRunner, runStep } from '../helpers/runner.js'
import { sampleContext } from '../helpers/sample.js'
import { testEnv } from '../helpers/testenv.js'

const env = testEnv()

function checkedOut(dockerignore?: string): string {
  const ctx = sampleContext(env.busyboxDir)
  mkdirSync(join(ctx, '.git'))
  writeFileSync(
    join(ctx, '.git', 'config'),
    '[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hz\n'
  )
  if (dockerignore !== undefined) writeFileSync(join(ctx, '.dockerignore'), dockerignore)
  return ctx
}

const build = async (context: string) =>
  runStep(
    await newRunner(env.toolCache),
    'main',
    { platforms: 'linux/amd64', image: `${env.registryOpen}/e2e/context-token-${randomBytes(4).toString('hex')}`, context },
    {},
    { DOCKER_HOST: env.dockerContainerd }
  )

describe("a build context holding the job's token in .git/config", () => {
  it('gets one warning naming it and the ways out, before the build, which goes on', async () => {
    const context = checkedOut()
    const main = await build(context)
    expect(main.errors).toEqual([])
    expect(main.code).toBe(0)
    const warnings = main.log.split('\n').filter(l => l.startsWith('::warning::'))
    expect(warnings).toEqual([expect.stringContaining(`The build context ${context} holds the job's token in .git/config`)])
    expect(main.log.indexOf(warnings[0])).toBeLessThan(main.log.indexOf('buildx build'))
  })

  it('gets none when .dockerignore keeps .git out', async () => {
    const main = await build(checkedOut('.git\n'))
    expect(main.code).toBe(0)
    expect(main.log).not.toContain("holds the job's token")
  })
})
