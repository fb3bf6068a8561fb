/**
 * An image's layers, streamed: each blob read once, checked against its digest and, once
 * decompressed (zstd by Node's zlib where it has it, else fzstd), its diff_id, and parsed as tar
 * member by member. Nothing is believed until both hashes match.
 */
import { createHash } from 'node:crypto'
import { PassThrough, type Readable, Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import * as zlib from 'node:zlib'
import { Decompress } from 'fzstd'
import { extract } from 'tar-stream'
import { ArchwayError, errorMessage, VerificationError } from '../shared/errors.js'
import { blobStream, type PlatformImage } from './layout.js'
import { addEntry, emptyChanges, type LayerChanges, Rootfs } from './rootfs.js'
import { type Descriptor, layerCompression } from './types.js'

/**
 * Looks at one regular file's contents and returns what the filesystem should remember of it;
 * `mode` is its tar mode (permission bits: 0o755). It must read `content` to its end.
 */
export type Inspect<T> = (path: string, content: AsyncIterable<Buffer>, size: number, mode: number) => Promise<T>

type ZstdFactory = () => Transform
const nodeZstd = (zlib as unknown as { createZstdDecompress?: ZstdFactory }).createZstdDecompress

/** A zstd decompressing stream: Node's zlib where it has one (`builtin`), fzstd's pure-JS streaming decoder otherwise (`null`). */
export function zstdDecompressor(builtin: ZstdFactory | null = nodeZstd ?? null): Transform {
  if (builtin) return builtin()
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      try {
        decoder.push(chunk)
        cb()
      } catch (err) {
        cb(zstdError(err))
      }
    },
    flush(cb: TransformCallback) {
      try {
        decoder.push(new Uint8Array(0), true)
        cb()
      } catch (err) {
        cb(zstdError(err))
      }
    }
  })
  // fzstd hands over a fresh array per block: wrapped, not copied.
  const decoder = new Decompress(data => {
    if (data.length > 0) stream.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength))
  })
  return stream
}

function zstdError(err: unknown): VerificationError {
  return new VerificationError(`zstd data is corrupt: ${errorMessage(err)}`, { cause: err })
}

/** The decompressor for a layer of this media type; throws for a media type that is no filesystem layer. */
export function decompressorFor(layer: Descriptor): Transform {
  const compression = layerCompression(layer.mediaType)
  if (compression === 'gzip') return zlib.createGunzip()
  if (compression === 'none') return new PassThrough()
  if (compression === 'zstd') return zstdDecompressor()
  throw new VerificationError(`layer ${layer.digest} has media type ${layer.mediaType}, which is not a filesystem layer Archway can read`)
}

/** A pass-through that fails at the end unless the bytes through it hash to `diffId` (the uncompressed layer's digest). */
export function diffIdCheck(diffId: string, layer: string): Transform {
  const [algorithm, hex] = diffId.split(':')
  if (!/^sha(256|512)$/.test(algorithm) || !hex)
    throw new VerificationError(`the config gives layer ${layer} the diff_id "${diffId}", which is not a digest`)
  const hash = createHash(algorithm)
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      hash.update(chunk)
      cb(null, chunk)
    },
    flush(cb: TransformCallback) {
      const actual = hash.digest('hex')
      cb(
        actual === hex
          ? null
          : new VerificationError(`layer ${layer} uncompresses to ${algorithm}:${actual}, not the config's diff_id ${diffId}`)
      )
    }
  })
}

/** Bytes read from a layer blob at a time: fewer, larger reads parse a layer of large files faster than Node's 64 KiB. */
const READ_CHUNK = 1024 * 1024

/**
 * Reads one layer blob (checking digest and diff_id) and returns its changeset; `inspect` sees
 * each regular file's contents once, as the tar streams by.
 */
export async function scanLayer<T>(dir: string, layer: Descriptor, diffId: string, inspect: Inspect<T>): Promise<LayerChanges<T>> {
  const changes = emptyChanges<T>()
  const tar = extract()
  const source: Readable = blobStream(dir, layer, READ_CHUNK)
  // An uncompressed layer whose digest is its diff_id is checked once, by the blob's own hash.
  const sameBytes = layerCompression(layer.mediaType) === 'none' && layer.digest === diffId
  const piping = sameBytes ? pipeline(source, tar) : pipeline(source, decompressorFor(layer), diffIdCheck(diffId, layer.digest), tar)
  piping.catch(() => undefined)
  try {
    for await (const entry of tar) {
      const h = entry.header
      if (h.type === 'file' || h.type === 'contiguous-file')
        addEntry(changes, h.name, { kind: 'file', data: await inspect(h.name, entry as AsyncIterable<Buffer>, h.size, h.mode ?? 0) })
      else {
        if (h.type === 'directory') addEntry(changes, h.name, { kind: 'dir' })
        else if (h.type === 'link') addEntry(changes, h.name, { kind: 'link', target: h.linkname })
        else if (h.type === 'symlink') addEntry(changes, h.name, { kind: 'symlink', target: h.linkname ?? '' })
        else addEntry(changes, h.name, { kind: 'other' })
        entry.resume()
      }
    }
  } catch (err) {
    tar.destroy()
    const pipeErr = await piping.then(
      () => undefined,
      (e: unknown) => e
    )
    throw layerError(layer, pipeErr instanceof ArchwayError ? pipeErr : (err ?? pipeErr))
  }
  await piping.catch((err: unknown) => {
    throw layerError(layer, err)
  })
  return changes
}

function layerError(layer: Descriptor, err: unknown): Error {
  if (err instanceof ArchwayError) return err
  return new VerificationError(`layer ${layer.digest} could not be read as a tar stream: ${errorMessage(err)}`, { cause: err })
}

/**
 * Applies an image's layers in order and returns its final filesystem, each regular file
 * holding what `inspect` made of it. Throws VerificationError when a blob does not match its
 * digest or a layer its diff_id, so a result always describes the image's real bytes.
 */
export async function scanImage<T>(image: PlatformImage, inspect: Inspect<T>): Promise<Rootfs<T>> {
  const { layers } = image.manifest
  const diffIds = image.config.rootfs?.diff_ids ?? []
  if (diffIds.length !== layers.length) {
    throw new VerificationError(
      `image ${image.descriptor.digest} has ${layers.length} layers but its config lists ${diffIds.length} diff_ids`
    )
  }
  const fs = new Rootfs<T>()
  for (const [i, layer] of layers.entries()) fs.applyLayer(await scanLayer(image.dir, layer, diffIds[i], inspect))
  return fs
}
