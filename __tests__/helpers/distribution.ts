/**
 * A distribution registry (Debian's docker-registry, as scripts/test-env.sh installs it) of the
 * test's own, on a free loopback port with its storage in a temporary folder, started and
 * stopped by the test: for what the shared registries are not, deletes refused above all
 * (`REGISTRY_STORAGE_DELETE_ENABLED=false`, as GHCR and Docker Hub refuse DELETE through the API).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { tempDir } from './tmp.js'

export interface Distribution {
  /** 127.0.0.1:PORT */
  readonly host: string
  close(): Promise<void>
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>(resolve => server.close(() => resolve()))
  return port
}

export async function startDistribution(o: { deletes: boolean }): Promise<Distribution> {
  const dir = tempDir('distribution')
  const port = await freePort()
  const host = `127.0.0.1:${port}`
  const config = join(dir, 'config.yml')
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\nhttp:\n  addr: ${host}\n`
  )
  const child: ChildProcess = spawn('docker-registry', ['serve', config], {
    env: { ...process.env, REGISTRY_STORAGE_DELETE_ENABLED: String(o.deletes) },
    stdio: ['ignore', 'ignore', 'pipe']
  })
  let stderr = ''
  child.stderr?.on('data', d => (stderr = (stderr + d).slice(-2000)))
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  const deadline = Date.now() + 30_000
  for (;;) {
    const up = await fetch(`http://${host}/v2/`).then(
      r => r.status === 200,
      () => false
    )
    if (up) break
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill()
      throw new Error(`docker-registry did not start on ${host}: ${stderr.trim().split('\n').pop() ?? ''}`)
    }
    await new Promise(r => setTimeout(r, 200))
  }
  return {
    host,
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    }
  }
}
