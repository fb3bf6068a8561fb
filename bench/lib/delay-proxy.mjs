#!/usr/bin/env node
// A reverse proxy for benchmarks: forwards every HTTP request to a registry after a fixed
// delay, streaming bodies both ways, and logs each exchange. Location headers naming the
// registry are rewritten to the proxy, so that upload sessions also come back through it.
//
//   node bench/lib/delay-proxy.mjs LISTEN_HOST:PORT TARGET_HOST:PORT DELAY_MS LOG_FILE
//
// LOG_FILE gets one line per TCP connection accepted ("conn <n>"), one per finished request
// ("req <arrival ms> <duration ms> <method> <status> <path>") and one per connection that did
// not speak HTTP ("bad <ms> <code> <message>", e.g. a client trying TLS first). GET /__proxy/stats
// (not forwarded, not counted) answers {"requests": n, "connections": n}.
import { appendFileSync, writeFileSync } from 'node:fs'
import * as http from 'node:http'

const [listen, target, delayText, logFile] = process.argv.slice(2)
if (!listen || !target || !delayText || !logFile) {
  console.error('usage: delay-proxy.mjs LISTEN_HOST:PORT TARGET_HOST:PORT DELAY_MS LOG_FILE')
  process.exit(2)
}
const delayMs = Number(delayText)
const split = hp => [hp.slice(0, hp.lastIndexOf(':')), Number(hp.slice(hp.lastIndexOf(':') + 1))]
const [listenHost, listenPort] = split(listen)
const [targetHost, targetPort] = split(target)
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity })
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'])
const started = performance.now()
let requests = 0
let connections = 0
writeFileSync(logFile, '')
const log = line => appendFileSync(logFile, `${line}\n`)

/** Location (absolute, or relative) pointing at the proxy rather than at the registry. */
function rewriteLocation(value) {
  try {
    const u = new URL(value)
    if (u.host === target || (u.hostname === targetHost && Number(u.port || 80) === targetPort)) {
      u.host = listen
      return u.href
    }
  } catch {
    // relative: already goes to whoever was asked, the proxy
  }
  return value
}

const server = http.createServer((req, res) => {
  if (req.url === '/__proxy/stats') {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ requests, connections }))
    return
  }
  const arrived = performance.now()
  requests++
  const headers = {}
  for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k)) headers[k] = v
  // Bodies of unknown length are re-chunked by node:http on the way out.
  if (req.headers['transfer-encoding']) headers['transfer-encoding'] = req.headers['transfer-encoding']
  setTimeout(() => {
    const up = http.request({ host: targetHost, port: targetPort, method: req.method, path: req.url, headers, agent }, upRes => {
      const out = []
      for (let i = 0; i < upRes.rawHeaders.length; i += 2) {
        const name = upRes.rawHeaders[i]
        const lower = name.toLowerCase()
        if (HOP.has(lower) && lower !== 'transfer-encoding') continue
        out.push(name, lower === 'location' ? rewriteLocation(upRes.rawHeaders[i + 1]) : upRes.rawHeaders[i + 1])
      }
      res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, out)
      upRes.pipe(res)
      res.on('finish', () =>
        log(
          `req ${(arrived - started).toFixed(1)} ${(performance.now() - arrived).toFixed(1)} ${req.method} ${upRes.statusCode} ${req.url}`
        )
      )
    })
    up.on('error', err => {
      log(`req ${(arrived - started).toFixed(1)} ${(performance.now() - arrived).toFixed(1)} ${req.method} 502 ${req.url} ${err.message}`)
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' })
      res.end(`proxy: ${err.message}\n`)
    })
    req.pipe(up)
  }, delayMs)
})
server.keepAliveTimeout = 60_000
server.on('connection', () => log(`conn ${++connections}`))
// Not HTTP (a TLS ClientHello from a client that tries https first): logged, never forwarded.
server.on('clientError', (err, socket) => {
  log(`bad ${(performance.now() - started).toFixed(1)} ${err.code ?? ''} ${err.message}`)
  socket.destroy()
})
server.listen(listenPort, listenHost, () => console.log(`delay-proxy: ${listen} -> ${target}, +${delayMs} ms per request, log ${logFile}`))
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0))
