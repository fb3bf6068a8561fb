/**
 * The matrix's records in the registry, where there is no Actions cache service: per platform,
 * one tag only its job writes, holding a small staging manifest (the record; once done, its
 * `subject` the platform's image), deleted after publishing where the registry allows it.
 */

import { type Descriptor, EMPTY_DESCRIPTOR, EMPTY_JSON, MediaType } from '../oci/types.js'
import type { RegistryClient } from '../registry/client.js'
import { RegistryError } from '../registry/errors.js'
import { mapLimit } from '../shared/concurrency.js'
import { digestOf } from '../shared/digest.js'
import { dashedPlatform, formatPlatform, parsePlatform } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'
import { type MatrixRecord, type Verdict, verdictOf } from './records.js'

const A = {
  attempt: 'io.archway.attempt',
  platform: 'io.archway.platform',
  release: 'io.archway.release',
  state: 'io.archway.state'
} as const

/** The staging tag of one platform of one release. Pure. */
export function stageTag(release: string, platform: Platform): string {
  return `archway-stage-${release}-${dashedPlatform(platform)}`
}

/** The staging manifest's bytes (pure): one per release, platform, attempt and state; a done one points at the platform's image. */
export function stageManifest(release: string, r: MatrixRecord): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      artifactType: MediaType.ArchwayStage,
      config: EMPTY_DESCRIPTOR,
      layers: [EMPTY_DESCRIPTOR],
      ...(r.state === 'done' ? { subject: { mediaType: r.image.mediaType, digest: r.image.digest, size: r.image.size } } : {}),
      annotations: { [A.attempt]: String(r.attempt), [A.platform]: formatPlatform(r.platform), [A.release]: release, [A.state]: r.state }
    })
  )
}

/** Reads a staging manifest back as its record; undefined for anything else. Pure. */
export function readStageManifest(bytes: Buffer, release: string): MatrixRecord | undefined {
  try {
    const doc = JSON.parse(bytes.toString()) as { artifactType?: string; subject?: Descriptor; annotations?: Record<string, string> }
    const a = doc.annotations ?? {}
    const platform = parsePlatform(a[A.platform] ?? '')
    const attempt = /^[1-9]\d{0,5}$/.test(a[A.attempt] ?? '') ? Number(a[A.attempt]) : undefined
    if (doc.artifactType !== MediaType.ArchwayStage || a[A.release] !== release || !platform || !attempt) return undefined
    if (a[A.state] === 'started' && !doc.subject) return { state: 'started', platform, attempt }
    const s = doc.subject
    if (a[A.state] !== 'done' || !s) return undefined
    return { state: 'done', platform, attempt, image: { mediaType: s.mediaType, digest: s.digest, size: s.size } }
  } catch {
    return undefined
  }
}

interface Read {
  readonly tag: string
  readonly digest: string
  readonly bytes: Buffer
}

export class RegistryRecords {
  /** The staging manifests the last read found, for the clean-up. */
  private found: Read[] = []

  constructor(
    private readonly client: RegistryClient,
    private readonly repository: string,
    private readonly release: string
  ) {}

  async write(records: readonly MatrixRecord[]): Promise<void> {
    await this.client.pushBlob(this.repository, EMPTY_DESCRIPTOR.digest, EMPTY_JSON)
    await mapLimit(records, 8, r =>
      this.client.putManifest(this.repository, stageTag(this.release, r.platform), stageManifest(this.release, r), MediaType.OciManifest)
    )
  }

  async read(platforms: readonly Platform[]): Promise<Verdict[]> {
    const found: Read[] = []
    const verdicts = await mapLimit(platforms, 8, async platform => {
      const tag = stageTag(this.release, platform)
      // A tag may vanish between any two requests (a publisher deletes the staging tags): a 404 is "not staged".
      const m = await this.client.getManifest(this.repository, tag).catch((err: unknown) => {
        if (err instanceof RegistryError && err.status === 404) return undefined
        throw err
      })
      const record = m && readStageManifest(m.bytes, this.release)
      if (!m || !record || formatPlatform(record.platform) !== formatPlatform(platform)) return verdictOf(platform, [])
      found.push({ tag, digest: m.digest, bytes: m.bytes })
      return verdictOf(platform, [record])
    })
    this.found = found
    return verdicts
  }

  /**
   * Deletes the staging manifests read, and with them their tags, and the started records of
   * `platforms` up to `attempt` (untagged once done replaced them); false where the registry
   * does not delete. One at a time, then a check: the distribution registry can answer a DELETE
   * that races another change to the repository's tags with an error after removing the
   * manifest but not its tag, so a staging tag still listed is put back and deleted again.
   */
  async cleanUp(platforms: readonly Platform[], attempt: number): Promise<boolean> {
    const mine = this.found
    for (const m of mine) {
      if ((await this.client.deleteManifest(this.repository, m.digest).catch(() => undefined)) === false) return false
    }
    for (const platform of platforms)
      for (let a = 1; a <= attempt; a++) {
        const digest = digestOf(stageManifest(this.release, { state: 'started', platform, attempt: a }))
        await this.client.deleteManifest(this.repository, digest).catch(() => undefined)
      }
    const listed = new Set(await this.client.listTags(this.repository).catch(() => []))
    for (const m of mine.filter(x => listed.has(x.tag))) {
      await this.client
        .putManifest(this.repository, m.digest, m.bytes, MediaType.OciManifest)
        .then(() => this.client.deleteManifest(this.repository, m.digest))
        .catch(() => undefined)
    }
    if (!mine.some(m => listed.has(m.tag))) return true
    const still = new Set(await this.client.listTags(this.repository).catch(() => mine.map(m => m.tag)))
    return !mine.some(m => still.has(m.tag))
  }
}
