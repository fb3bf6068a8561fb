/** The warning for a build context holding the job's token where actions/checkout keeps it, read from real folders. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { contextCredentialsWarning, holdsCredentials, ignoresGit } from '../../../src/build/context-credentials.js'
import { tempDir } from '../../helpers/tmp.js'

const CHECKOUT_CONFIG =
  '[core]\n\tbare = false\n[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hz\n'

function context(files: Record<string, string>): string {
  const dir = tempDir('context-credentials')
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
  return dir
}

describe('a build context holding the job token', () => {
  it('is a git config with an extra header, as actions/checkout writes it', () => {
    expect(holdsCredentials(CHECKOUT_CONFIG)).toBe(true)
    expect(holdsCredentials('[core]\n\tbare = false\n[remote "origin"]\n\turl = https://github.com/acme/app\n')).toBe(false)
  })

  it.each([['.git'], ['.git/'], ['./.git'], ['**/.git'], ['  .git  '], ['.git/config'], ['.git/**']])(
    'is kept out by a .dockerignore line %j',
    line => {
      expect(ignoresGit(`node_modules\n${line}\n`)).toBe(true)
    }
  )

  it.each([['.github'], ['!.git'], ['# .git'], ['.gitignore']])('is not kept out by %j', line => {
    expect(ignoresGit(`${line}\n`)).toBe(false)
  })

  it('warns in one line naming the context and both ways out', async () => {
    const dir = context({ '.git/config': CHECKOUT_CONFIG, Dockerfile: 'FROM scratch\nCOPY . /\n' })
    const warning = await contextCredentialsWarning(dir)
    expect(warning).toContain(`The build context ${dir} holds the job's token in .git/config`)
    expect(warning).toContain('persist-credentials: false')
    expect(warning).toContain('.dockerignore')
    expect(warning).not.toContain('\n')
  })

  it("says nothing when .dockerignore, or the Dockerfile's own ignore file, keeps .git out, or nothing is kept", async () => {
    expect(await contextCredentialsWarning(context({ '.git/config': CHECKOUT_CONFIG, '.dockerignore': '.git\n' }))).toBeUndefined()
    const own = context({ '.git/config': CHECKOUT_CONFIG, '.dockerignore': 'tmp\n', 'docker/app.Dockerfile.dockerignore': '.git\n' })
    expect(await contextCredentialsWarning(own, join(own, 'docker/app.Dockerfile'))).toBeUndefined()
    expect(await contextCredentialsWarning(own, join(own, 'docker/other.Dockerfile'))).toMatch(/holds the job's token/)
    expect(await contextCredentialsWarning(context({ '.git/config': '[core]\n\tbare = false\n' }))).toBeUndefined()
    expect(await contextCredentialsWarning(context({ Dockerfile: 'FROM scratch\n' }))).toBeUndefined()
  })

  it('says nothing of a Git URL context', async () => {
    expect(await contextCredentialsWarning('https://github.com/acme/app.git#main')).toBeUndefined()
    expect(await contextCredentialsWarning('git@github.com:acme/app.git')).toBeUndefined()
  })
})
