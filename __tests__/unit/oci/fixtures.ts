/** Builds OCI layouts, layer tars and small ELF files in temp dirs, for the layout and verify tests. */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { pack } from 'tar-stream'
import type { Descriptor, DescriptorPlatform } from '../../../src/oci/types.js'
import { MediaType } from '../../../src/oci/types.js'
import { elfHeader } from '../../helpers/elf.js'
import { tempDir } from '../../helpers/tmp.js'

/** A minimal ELF header: class, byte order, machine, e_flags and e_type (default ET_EXEC) (and 16 bytes after it). */
export function elf(bits: 32 | 64, endian: 'little' | 'big', machine: number, flags = 0, type = 2): Buffer {
  return Buffer.concat([elfHeader(bits, endian, machine, { flags, type }), Buffer.alloc(16)])
}

/** The contents of an `.ARM.attributes` section: vendor "aeabi", file scope, Tag_CPU_name and Tag_CPU_arch (and a few other tags around them). */
export function aeabiSection(cpuName: string, cpuArch: number): Buffer {
  const attrs = Buffer.concat([
    Buffer.from([5]),
    Buffer.from(`${cpuName}\0`, 'latin1'), // Tag_CPU_name
    Buffer.from([6, cpuArch]), // Tag_CPU_arch
    Buffer.from([8, 1, 9, 2]), // Tag_ARM_ISA_use, Tag_THUMB_ISA_use
    Buffer.from([32, 0]),
    Buffer.from('gnu\0', 'latin1'), // Tag_compatibility: flag + name
    Buffer.from([28, 1]) // Tag_ABI_VFP_args
  ])
  const file = Buffer.alloc(5)
  file[0] = 1
  file.writeUInt32LE(5 + attrs.length, 1)
  const vendor = Buffer.concat([Buffer.alloc(4), Buffer.from('aeabi\0', 'latin1'), file, attrs])
  vendor.writeUInt32LE(vendor.length, 0)
  return Buffer.concat([Buffer.from('A'), vendor])
}

/**
 * A 32-bit little-endian ARM ELF file with e_flags, some code-sized padding, and (unless
 * `cpuArch` is undefined) an `.ARM.attributes` section at the end, before the section table,
 * where toolchains put it.
 */
export function armElf(flags: number, cpu?: { name: string; arch: number }, padding = 1000): Buffer {
  const header = elf(32, 'little', 40, flags).subarray(0, 52)
  const body = Buffer.alloc(padding, 0xe1)
  const section = cpu ? aeabiSection(cpu.name, cpu.arch) : Buffer.alloc(0)
  const shoff = header.length + body.length + section.length
  const shdrs = Buffer.alloc(cpu ? 80 : 40)
  if (cpu) {
    shdrs.writeUInt32LE(0x70000003, 40 + 4) // sh_type SHT_ARM_ATTRIBUTES
    shdrs.writeUInt32LE(header.length + body.length, 40 + 16) // sh_offset
    shdrs.writeUInt32LE(section.length, 40 + 20) // sh_size
  }
  const out = Buffer.concat([header, body, section, shdrs])
  out.writeUInt32LE(shoff, 32)
  out.writeUInt16LE(40, 46)
  out.writeUInt16LE(shdrs.length / 40, 48)
  return out
}

export interface TarEntry {
  readonly name: string
  readonly type?: 'file' | 'directory' | 'symlink' | 'link'
  readonly content?: Buffer | string
  readonly linkname?: string
  /** The tar mode (default 0755). */
  readonly mode?: number
}

/** An uncompressed layer tar, written with tar-stream's packer. */
export async function tarLayer(entries: readonly TarEntry[]): Promise<Buffer> {
  const p = pack()
  const chunks: Buffer[] = []
  const done = new Promise<void>((resolve, reject) => {
    p.on('data', (c: unknown) => chunks.push(c as Buffer))
    p.on('end', () => resolve())
    p.on('error', reject)
  })
  for (const e of entries) {
    const type = e.type ?? 'file'
    const content = type === 'file' ? Buffer.from(e.content ?? '') : undefined
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null) => (err ? reject(err) : resolve())
      const header = { name: e.name, type, mode: e.mode ?? 0o755, mtime: new Date(0), linkname: e.linkname }
      if (content) p.entry(header, content, cb)
      else p.entry(header, cb)
    })
  }
  p.finalize()
  await done
  return Buffer.concat(chunks)
}

/** An uncompressed layer tar written by the system's GNU tar from a directory tree it is handed as files. */
export function gnuTarLayer(files: Record<string, Buffer | string>, format: 'gnu' | 'pax' = 'pax'): Buffer {
  const src = tempDir('tarsrc')
  for (const [name, data] of Object.entries(files)) {
    mkdirSync(join(src, name, '..'), { recursive: true })
    writeFileSync(join(src, name), data)
  }
  return execFileSync('tar', ['-c', `--format=${format}`, '--sort=name', '-C', src, '.'], { maxBuffer: 64 * 1024 * 1024 })
}

export const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`

export type Compression = 'none' | 'gzip' | 'zstd'

const LAYER_TYPES: Record<Compression, string> = { none: MediaType.OciLayer, gzip: MediaType.OciLayerGzip, zstd: MediaType.OciLayerZstd }

export interface ImageSpec {
  /** Platform on the index descriptor; `null` leaves the descriptor without one. */
  readonly platform: DescriptorPlatform | null
  /** Platform written in the config (defaults to `platform`). */
  readonly config?: { os: string; architecture: string; variant?: string }
  /** The config's runtime `config` (Entrypoint, Cmd, Env, WorkingDir). */
  readonly runtime?: Readonly<Record<string, unknown>>
  readonly layers: ReadonlyArray<Buffer | { tar: Buffer; compression: Compression }>
  readonly docker?: boolean
}

/** An OCI image layout being written to a temp dir, blob by blob. */
export class LayoutBuilder {
  readonly dir = tempDir('oci')

  constructor() {
    mkdirSync(join(this.dir, 'blobs', 'sha256'), { recursive: true })
    writeFileSync(join(this.dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}')
  }

  blob(data: Buffer, mediaType: string, extra: Partial<Descriptor> = {}): Descriptor {
    const digest = sha256(data)
    writeFileSync(this.path(digest), data)
    return { mediaType, digest, size: data.length, ...extra }
  }

  json(doc: unknown, mediaType: string, extra: Partial<Descriptor> = {}): Descriptor {
    return this.blob(Buffer.from(JSON.stringify(doc)), mediaType, extra)
  }

  path(digest: string): string {
    return join(this.dir, 'blobs', 'sha256', digest.slice('sha256:'.length))
  }

  /** Writes an image's layers, config and manifest; returns the manifest's descriptor for an index. */
  image(spec: ImageSpec): Descriptor {
    const layers = spec.layers.map(l => (Buffer.isBuffer(l) ? { tar: l, compression: 'gzip' as const } : l))
    const diffIds = layers.map(l => sha256(l.tar))
    const layerDescs = layers.map(l =>
      this.blob(compress(l.tar, l.compression), spec.docker ? MediaType.DockerLayerGzip : LAYER_TYPES[l.compression])
    )
    const cfgPlatform = spec.config ?? spec.platform ?? { os: 'linux', architecture: 'amd64' }
    const config = this.json(
      { ...cfgPlatform, config: spec.runtime ?? {}, rootfs: { type: 'layers', diff_ids: diffIds } },
      spec.docker ? MediaType.DockerConfig : MediaType.OciConfig
    )
    const mediaType = spec.docker ? MediaType.DockerManifest : MediaType.OciManifest
    const manifest = { schemaVersion: 2, mediaType, config, layers: layerDescs }
    return this.json(manifest, mediaType, spec.platform ? { platform: spec.platform } : {})
  }

  /** A buildx-style attestation manifest for `subject`, with platform unknown/unknown unless told otherwise. */
  attestation(subject: Descriptor, platform: DescriptorPlatform = { architecture: 'unknown', os: 'unknown' }): Descriptor {
    const statement = this.json({ _type: 'https://in-toto.io/Statement/v0.1' }, MediaType.InToto)
    const config = this.json(
      { architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: [statement.digest] } },
      MediaType.OciConfig
    )
    return this.json({ schemaVersion: 2, mediaType: MediaType.OciManifest, config, layers: [statement] }, MediaType.OciManifest, {
      platform,
      annotations: { 'vnd.docker.reference.digest': subject.digest, 'vnd.docker.reference.type': 'attestation-manifest' }
    })
  }

  index(manifests: Descriptor[], mediaType: string = MediaType.OciIndex): Descriptor {
    return this.json({ schemaVersion: 2, mediaType, manifests }, mediaType)
  }

  /** Writes index.json; returns the layout's directory. */
  finish(manifests: Descriptor[]): string {
    writeFileSync(join(this.dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests }))
    return this.dir
  }
}

function compress(tar: Buffer, compression: Compression): Buffer {
  if (compression === 'gzip') return gzipSync(tar)
  if (compression === 'zstd') return zstdFrames(tar)
  return tar
}

/**
 * zstd without an encoder (Node 20 has none): the data as two frames, each of raw (stored) and
 * RLE blocks of at most 128 KiB, as RFC 8878 describes them. The e2e test reads real,
 * entropy-coded zstd layers that buildkit writes.
 */
export function zstdFrames(data: Buffer): Buffer {
  const half = Math.floor(data.length / 2)
  return Buffer.concat([zstdFrame(data.subarray(0, half)), zstdFrame(data.subarray(half))])
}

function zstdFrame(data: Buffer): Buffer {
  const MAX = 128 * 1024
  // Magic, Frame_Header_Descriptor 0 (no content size, no checksum, not single-segment), window 2^17.
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38])]
  const block = (type: 0 | 1, size: number, last: boolean, body: Buffer) => {
    const v = (last ? 1 : 0) | (type << 1) | (size << 3)
    parts.push(Buffer.from([v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff]), body)
  }
  let at = 0
  do {
    let end = Math.min(at + MAX, data.length)
    // A run of one byte value (tar's zero padding) becomes an RLE block.
    let run = at
    while (run < end && data[run] === data[at]) run++
    const rle = run - at >= 64
    if (rle) end = run
    block(rle ? 1 : 0, end - at, end >= data.length, rle ? data.subarray(at, at + 1) : data.subarray(at, end))
    at = end
  } while (at < data.length)
  return Buffer.concat(parts)
}

/** The platform objects as src/shared/platform-table.ts spells them. */
export const P = {
  amd64: { os: 'linux', architecture: 'amd64' },
  arm64: { os: 'linux', architecture: 'arm64' },
  armv7: { os: 'linux', architecture: 'arm', variant: 'v7' },
  armv6: { os: 'linux', architecture: 'arm', variant: 'v6' },
  i386: { os: 'linux', architecture: '386' },
  s390x: { os: 'linux', architecture: 's390x' },
  ppc64le: { os: 'linux', architecture: 'ppc64le' },
  riscv64: { os: 'linux', architecture: 'riscv64' },
  mips64le: { os: 'linux', architecture: 'mips64le' },
  loong64: { os: 'linux', architecture: 'loong64' }
} as const
