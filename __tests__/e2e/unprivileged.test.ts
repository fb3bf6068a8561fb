/**
 * The action run by a user who is not root and has no password-less sudo (uid 65534, nobody,
 * as node's spawn sets it; this machine has no sudo at all): emulation cannot be registered, and
 * the step must say so in one line before anything is downloaded.
 */
import { chown, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { startFaultProxy } from '../helpers/fault-proxy.js'
import { newRunner, runStep } from '../helpers/runner.js'

const NOBODY = { uid: 65534, gid: 65534 }

/** Gives `dir` and everything under it to `user`. */
async function giveTo(dir: string, user: typeof NOBODY): Promise<void> {
  await chown(dir, user.uid, user.gid)
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) await giveTo(path, user)
    else await chown(path, user.uid, user.gid)
  }
}

describe('a step run by a user without root and without password-less sudo', () => {
  it('fails in one line saying registering emulators needs root or password-less sudo, having downloaded nothing', async () => {
    const runner = await newRunner()
    await giveTo(runner.env.GITHUB_WORKSPACE, NOBODY)
    // Debian's archive through a proxy that counts what is asked of it.
    const mirror = await startFaultProxy('http://deb.debian.org')
    try {
      const step = await runStep(
        runner,
        'main',
        { platforms: 'linux/arm64', 'qemu-mirror': `${mirror.url}/debian`, cache: 'false' },
        {},
        {},
        { user: NOBODY }
      )
      expect(step.code).toBe(1)
      expect(step.errors).toHaveLength(1)
      // Here there is no sudo; where there is one, nobody is refused it.
      expect(step.errors[0]).toMatch(
        /^::error::Registering emulators with binfmt_misc needs root or password-less sudo: this step does not run as root, and "sudo -n true" failed \((there is no sudo on PATH|it exited with 1: .+)\); nothing was downloaded$/
      )
      expect(mirror.requests).toEqual([])
      expect(await readdir(runner.toolCache).catch(() => [])).toEqual([])
      expect(step.outputs['qemu-path']).toBeUndefined()
    } finally {
      await mirror.close()
    }
  })
})
