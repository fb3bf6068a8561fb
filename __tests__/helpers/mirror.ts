/** A Debian mirror on loopback that forwards to the real one and records every request. */
import { createServer, type Server } from 'node:http'
import { Readable } from 'node:stream'

export interface CountingMirror {
  readonly url: string
  readonly requests: string[]
  close(): Promise<void>
}

export async function countingMirror(upstream = 'http://deb.debian.org/debian'): Promise<CountingMirror> {
  const requests: string[] = []
  const server: Server = createServer(async (req, res) => {
    requests.push(req.url ?? '')
    try {
      const r = await fetch(`${upstream}${req.url}`)
      res.writeHead(r.status, {
        'content-type': r.headers.get('content-type') ?? 'application/octet-stream',
        ...(r.headers.get('content-length') ? { 'content-length': r.headers.get('content-length')! } : {})
      })
      if (r.body) Readable.fromWeb(r.body as never).pipe(res)
      else res.end()
    } catch (err) {
      res.writeHead(502).end(String(err))
    }
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('no address')
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: () => new Promise<void>(resolve => server.close(() => resolve()))
  }
}
