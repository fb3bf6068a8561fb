/** A large file read and hashed on a thread of its own, so that the main thread's work goes on beside it. */
import { Worker } from 'node:worker_threads'

/** A file's bytes and their SHA-256: the very bytes hashed are handed back (moved from the worker, not copied). */
export interface HashedFile {
  readonly bytes: Buffer
  readonly sha256: string
  /** With `md5` asked for. */
  readonly md5?: string
}

// CommonJS, as a worker given its source runs it.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const { readFileSync } = require('node:fs')
const { createHash } = require('node:crypto')
const bytes = readFileSync(workerData.path)
const sha256 = createHash('sha256').update(bytes).digest('hex')
const md5 = workerData.md5 ? createHash('md5').update(bytes).digest('hex') : undefined
parentPort.postMessage({ sha256, md5, buffer: bytes.buffer, offset: bytes.byteOffset, length: bytes.length }, [bytes.buffer])
`

/** Reads `path` on a thread of its own and hashes it there: SHA-256, and MD5 when `md5` is set. */
export function readHashed(path: string, o: { md5?: boolean } = {}): Promise<HashedFile> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { path, md5: o.md5 === true } })
    worker.once('message', (m: { sha256: string; md5?: string; buffer: ArrayBuffer; offset: number; length: number }) =>
      resolve({ bytes: Buffer.from(m.buffer, m.offset, m.length), sha256: m.sha256, md5: m.md5 })
    )
    worker.once('error', reject)
    worker.once('exit', code => reject(new Error(`the hashing thread for ${path} exited with code ${code} before it answered`)))
  })
}
