import { readdirSync, readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { download, HttpStatusError, retryableDownload } from '../../../../src/emulation/qemu/download.js'
import type { RetryPolicy } from '../../../../src/registry/retry.js'
import { tempDir } from '../../../helpers/tmp.js'

/** Five tries, with the waits recorded instead of slept. */
function policy(): RetryPolicy & { waits: number[] } {
  const waits: number[] = []
  return { attempts: 5, baseMs: 500, maxMs: 30_000, sleep: async ms => void waits.push(ms), waits }
}

/** A mirror whose answers are given in turn by `answers` (status and body), the last one repeated. */
async function mirror(answers: [number, string][]): Promise<{ url: string; asked: () => number; close: () => Promise<void> }> {
  let asked = 0
  const server: Server = createServer((_req, res) => {
    const [status, body] = answers[Math.min(asked++, answers.length - 1)]
    res.writeHead(status, { 'content-length': Buffer.byteLength(body) }).end(body)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/debian/pool/q.deb`, asked: () => asked, close: () => new Promise(r => server.close(() => r())) }
}

describe('download', () => {
  it('writes the answer into a new file of the folder it is given', async () => {
    const m = await mirror([[200, 'the .deb']])
    const dir = tempDir('download')
    const file = await download(m.url, dir, policy())
    expect(readFileSync(file, 'utf8')).toBe('the .deb')
    expect(readdirSync(dir)).toHaveLength(1)
    await m.close()
  })

  it('tries again after 503 and 429, waiting the bounded backoff, then succeeds', async () => {
    const m = await mirror([
      [503, 'busy'],
      [429, 'slow down'],
      [200, 'the .deb']
    ])
    const p = policy()
    expect(readFileSync(await download(m.url, tempDir('download'), p), 'utf8')).toBe('the .deb')
    expect(m.asked()).toBe(3)
    expect(p.waits).toHaveLength(2)
    expect(p.waits[0]).toBeGreaterThanOrEqual(250)
    expect(p.waits[1]).toBeLessThanOrEqual(1000)
    await m.close()
  })

  it('fails at once on 404, leaving nothing behind', async () => {
    const m = await mirror([[404, 'no such file']])
    const dir = tempDir('download')
    const p = policy()
    await expect(download(m.url, dir, p)).rejects.toThrow('HTTP 404')
    expect(m.asked()).toBe(1)
    expect(p.waits).toEqual([])
    expect(readdirSync(dir)).toEqual([])
    await m.close()
  })

  it('gives up on a mirror that refuses connections after its five tries, naming the refusal', async () => {
    const m = await mirror([[200, '']])
    await m.close()
    const p = policy()
    await expect(download(m.url, tempDir('download'), p)).rejects.toThrow(/ECONNREFUSED/)
    expect(p.waits).toHaveLength(4)
  })

  it('tries again on network failures and 408, 429, 5xx, and on nothing else', () => {
    expect(retryableDownload(new HttpStatusError(503))).toBe(true)
    expect(retryableDownload(new HttpStatusError(408))).toBe(true)
    expect(retryableDownload(new HttpStatusError(404))).toBe(false)
    expect(retryableDownload(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }))).toBe(true)
    expect(retryableDownload(new Error('unexpected'))).toBe(false)
  })
})
