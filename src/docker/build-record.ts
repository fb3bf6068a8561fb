/**
 * BuildKit's record of a finished build (`docker buildx history`): its status stream and the
 * provenance it keeps of every build, whatever the build's own attestations; read for what the
 * build's steps cost (build/cost-records.ts).
 */
import { readFile } from 'node:fs/promises'
import { docker } from './engine.js'

/** The build's record reference (`builder/node/ref`) from the file `--metadata-file` wrote; undefined when it has none. */
export async function buildRecordRef(metadataFile: string): Promise<string | undefined> {
  const doc = JSON.parse(await readFile(metadataFile, 'utf8')) as Record<string, unknown>
  const ref = doc['buildx.build.ref']
  return typeof ref === 'string' && ref.split('/').length === 3 ? ref : undefined
}

/** The digest of what the build pushed (an image index, or one platform's manifest) from the file `--metadata-file` wrote. */
export async function pushedDigest(metadataFile: string): Promise<string> {
  const doc = JSON.parse(await readFile(metadataFile, 'utf8')) as Record<string, unknown>
  const digest = doc['containerimage.digest']
  if (typeof digest !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(digest))
    throw new Error(`the build's metadata (${metadataFile}) gives no digest of what it pushed`)
  return digest
}

/** The node of a build record's reference (`builder/node/ref`): the builder's node that built it. Pure. */
export const nodeOf = (recordRef: string) => recordRef.split('/')[1]

/** What BuildKit recorded of a build: its status stream (buildx's rawjson lines) and its SLSA provenance documents. */
export interface BuildRecord {
  readonly statusStream: string
  readonly provenance: readonly unknown[]
}

/** Reads a build's record by its reference (`builder/node/ref`). */
export async function readBuildRecord(recordRef: string): Promise<BuildRecord> {
  const [builder, , ref] = recordRef.split('/')
  const history = ['buildx', 'history', '--builder', builder]
  const inspected = JSON.parse((await docker([...history, 'inspect', '--format', 'json', ref])).stdout) as {
    Attachments?: { Digest?: string; Type?: string }[]
  }
  const attached = (inspected.Attachments ?? []).filter(a => a.Digest && a.Type?.startsWith('https://slsa.dev/provenance/'))
  const provenance = await Promise.all(
    attached.map(async a => JSON.parse((await docker([...history, 'inspect', 'attachment', ref, a.Digest!])).stdout) as unknown)
  )
  // buildx prints a record's status stream on its standard error.
  const logs = await docker([...history, 'logs', '--progress=rawjson', ref])
  return { statusStream: logs.stderr || logs.stdout, provenance }
}
