/** The sample project the end-to-end tests build: the bundled example, with each platform's static busybox. */
import { cpSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './runner.js'
import { tempDir } from './tmp.js'

/** A copy of example/ with `.busybox/` filled in (removed when the test file ends); `dockerfile` replaces its Dockerfile when given. */
export function sampleContext(busyboxDir: string, dockerfile?: string): string {
  const ctx = tempDir('sample')
  cpSync(join(ROOT, 'example'), ctx, { recursive: true, filter: src => !src.includes('.busybox') })
  cpSync(busyboxDir, join(ctx, '.busybox'), { recursive: true })
  if (dockerfile) writeFileSync(join(ctx, 'Dockerfile'), dockerfile)
  return ctx
}

export function busyboxKeys(busyboxDir: string): string[] {
  return readdirSync(busyboxDir)
}

export const SIX = ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/s390x', 'linux/ppc64le', 'linux/riscv64']

/** What `uname -m` prints in each of the six platforms' images (the sample's tests print it). */
export const UNAME: Readonly<Record<string, string>> = {
  'linux/amd64': 'x86_64',
  'linux/arm64': 'aarch64',
  'linux/arm/v7': 'armv7l',
  'linux/s390x': 's390x',
  'linux/ppc64le': 'ppc64le',
  'linux/riscv64': 'riscv64'
}
