/**
 * bench/qemu-setup actions-cache: the warm set-up every GitHub-hosted job takes, QEMU restored
 * from the Actions cache onto an empty tool cache, for two bundles of the action (the base, and
 * the candidate) side by side. Through the tests' stand-in of the cache service (Azurite behind
 * __tests__/helpers/cache-service.ts) and a loopback mirror of Debian's archive that counts
 * requests: per bundle, one cold job (main, then post, which saves the entry), then RUNS warm
 * main steps, each on an emptied tool cache at the same path, which must ask the archive nothing.
 *
 * Bundled and run by bench/qemu-setup: node qemu-cache.mjs RUNS PLATFORMS BASE_DIST NEW_DIST
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { binfmtSnapshot, putBackEntries } from '../../__tests__/helpers/binfmt.js'
import { azuriteAccount, azuriteStore, startCacheService } from '../../__tests__/helpers/cache-service.js'
import { countingMirror } from '../../__tests__/helpers/mirror.js'
import { newRunner, runStep } from '../../__tests__/helpers/runner.js'
import { removeTempDirs, tempDir } from '../../__tests__/helpers/tmp.js'

const [runsText = '3', platforms = '', baseDist = '', newDist = ''] = process.argv.slice(2)
const RUNS = Number(runsText)
if (!Number.isInteger(RUNS) || RUNS < 1 || !platforms || !baseDist || !newDist) {
  console.error('usage: node qemu-cache.mjs RUNS PLATFORMS BASE_DIST NEW_DIST')
  process.exit(2)
}

interface Figures {
  readonly seconds: number[]
  /** The entry's size in the cache service, bytes. */
  readonly entryBytes: number
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

async function main(): Promise<void> {
  const binfmtBefore = binfmtSnapshot()
  const mirror = await countingMirror()
  const service = await startCacheService(await azuriteStore(azuriteAccount()))
  const toolCaches: string[] = []
  try {
    const measure = async (label: string, dist: string): Promise<Figures> => {
      // One tool cache path per bundle, as on hosted runners; a bundle's entry is restored only there.
      const toolCache = join(tempDir(`bench-qemu-cache-${label}`), 'tool-cache')
      toolCaches.push(toolCache)
      const inputs = { platforms, 'qemu-mirror': mirror.url }
      const step = async (entry: 'main' | 'post', state: Record<string, string> = {}) => {
        const runner = await newRunner(toolCache)
        const r = await runStep(runner, entry, inputs, state, service.env(), { dist })
        if (r.code !== 0) throw new Error(`${label} ${entry} failed: ${r.errors.join(' ') || r.log.slice(-500)}`)
        return r
      }
      rmSync(toolCache, { recursive: true, force: true })
      const known = new Set(service.entries().map(e => e.id))
      const cold = await step('main')
      await step('post', cold.state)
      const saved = service.entries().filter(e => e.finalized && !known.has(e.id))
      if (saved.length !== 1) throw new Error(`${label}: the cold job saved ${saved.length} entries`)
      const entryBytes = saved[0].size ?? 0
      const seconds: number[] = []
      for (let i = 0; i < RUNS; i++) {
        rmSync(toolCache, { recursive: true, force: true })
        const asked = mirror.requests.length
        const started = process.hrtime.bigint()
        const warm = await step('main')
        seconds.push(Number(process.hrtime.bigint() - started) / 1e9)
        if (!warm.log.includes('Source: Actions cache'))
          throw new Error(`${label}: warm run #${i + 1} did not restore from the Actions cache`)
        if (mirror.requests.length !== asked)
          throw new Error(`${label}: warm run #${i + 1} asked the archive ${mirror.requests.slice(asked).join(', ')}`)
        process.stderr.write(`${label} warm #${i + 1}: ${seconds[i].toFixed(2)} s\n`)
      }
      return { seconds, entryBytes }
    }
    const base = await measure('base', baseDist)
    const candidate = await measure('new', newDist)
    const mb = (b: number) => (b / 1e6).toFixed(1)
    console.log(`\nQEMU warm set-up from the Actions cache for ${platforms}, empty tool cache, median of ${RUNS} runs`)
    console.log('| bundle | seconds | entry MB |')
    console.log('| --- | --- | --- |')
    console.log(`| base (${baseDist}) | ${median(base.seconds).toFixed(2)} | ${mb(base.entryBytes)} |`)
    console.log(`| new (${newDist}) | ${median(candidate.seconds).toFixed(2)} | ${mb(candidate.entryBytes)} |`)
    console.log(
      `new / base: ${(median(candidate.seconds) / median(base.seconds)).toFixed(2)} (time), ${(candidate.entryBytes / base.entryBytes).toFixed(2)} (entry size)`
    )
  } finally {
    for (const tc of toolCaches) putBackEntries(binfmtBefore, tc)
    await mirror.close()
    await service.close()
    removeTempDirs()
  }
}

await main()
