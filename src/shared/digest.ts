/** Content digests, as the OCI specs and Debian's indexes write them. Pure. */
import { createHash } from 'node:crypto'

/** Lower-case hex SHA-256 of `data`. */
export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex')
}

/** `<algorithm>:<hex>`, the OCI digest of exactly these bytes. */
export function digestOf(data: Buffer, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`
}
