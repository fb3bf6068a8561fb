/**
 * Whether the build context holds the job's token where actions/checkout keeps it by default
 * (`persist-credentials`): an `extraheader` in the context's `.git/config`, with no
 * `.dockerignore` line keeping `.git` out, so that a `COPY . .` puts it into the image.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

/** A `.dockerignore` line that keeps the context's `.git` folder out of the build. Pure. */
export function ignoresGit(dockerignore: string): boolean {
  return dockerignore
    .split('\n')
    .map(l => l.trim().replace(/^\.\//, '').replace(/\/+$/, ''))
    .some(l => ['.git', '**/.git', '.git/config', '.git/**', '.git/*'].includes(l))
}

/** A git config that holds an HTTP extra header (where actions/checkout keeps its token). Pure. */
export function holdsCredentials(gitConfig: string): boolean {
  return /^\s*extraheader\s*=\s*\S/im.test(gitConfig)
}

const readOrEmpty = (path: string) => readFile(path, 'utf8').catch(() => '')

/**
 * The warning for a local build context that would hand its token to the build; undefined when
 * there is none. The ignore file is the Dockerfile's own (`<file>.dockerignore`) when it has one,
 * as BuildKit reads it, else the context's.
 */
export async function contextCredentialsWarning(context: string, file?: string): Promise<string | undefined> {
  if (/^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(context) || context === '-') return undefined
  if (!holdsCredentials(await readOrEmpty(join(context, '.git', 'config')))) return undefined
  const own = file ? await readFile(`${file}.dockerignore`, 'utf8').catch(() => undefined) : undefined
  if (ignoresGit(own ?? (await readOrEmpty(join(context, '.dockerignore'))))) return undefined
  return (
    `The build context ${context} holds the job's token in .git/config (actions/checkout's persist-credentials), and no .dockerignore line keeps .git out: ` +
    'a COPY of the whole context puts it into the image. Check out with persist-credentials: false, or add .git to .dockerignore'
  )
}
