/**
 * Remembers what `stable`, `latest` or a range resolved to, for up to a day, so a warm run
 * needs no network. Kept beside the binaries, under the tool cache's `qemu/` folder, so the
 * Actions cache carries it too.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { sha256Hex as sha256 } from '../../shared/digest.js'
import type { QemuQuery } from './query.js'
import { qemuRoot } from './toolcache.js'

export const MEMO_TTL_MS = 24 * 60 * 60 * 1000

export interface MemoKey {
  readonly query: QemuQuery
  readonly mirror: string
  readonly runnerArch: string
}

interface Memo {
  readonly query: string
  readonly mirror: string
  readonly runnerArch: string
  readonly debianVersion: string
  readonly resolvedAt: string
}

function memoFile(toolCache: string, k: MemoKey): string {
  const id = sha256(Buffer.from(`${k.query.text}\n${k.mirror}\n${k.runnerArch}`)).slice(0, 16)
  return join(qemuRoot(toolCache), 'resolved', `${id}.json`)
}

export async function recall(toolCache: string, k: MemoKey, now: Date): Promise<string | undefined> {
  try {
    const m = JSON.parse(await readFile(memoFile(toolCache, k), 'utf8')) as Memo
    const age = now.getTime() - Date.parse(m.resolvedAt)
    if (m.query !== k.query.text || m.mirror !== k.mirror || m.runnerArch !== k.runnerArch || !(age >= 0 && age < MEMO_TTL_MS))
      return undefined
    return m.debianVersion
  } catch {
    return undefined
  }
}

export async function remember(toolCache: string, k: MemoKey, debianVersion: string, now: Date): Promise<void> {
  const file = memoFile(toolCache, k)
  await mkdir(join(file, '..'), { recursive: true })
  const m: Memo = { query: k.query.text, mirror: k.mirror, runnerArch: k.runnerArch, debianVersion, resolvedAt: now.toISOString() }
  await writeFile(file, `${JSON.stringify(m)}\n`)
}
