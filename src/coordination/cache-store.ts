/** The matrix's records in the run's Actions cache: each record a key, written once, read by lookup without downloading. */
import { mapLimit } from '../shared/concurrency.js'
import { ArchwayError } from '../shared/errors.js'
import { formatPlatform } from '../shared/platform.js'
import type { Platform } from '../shared/platform-table.js'
import { type CacheServiceAccess, createEntry, lookupKey } from './cache-service.js'
import { lookupPlan, type MatrixRecord, parseRecordKey, recordKey, type Verdict, verdictOf } from './records.js'

export class CacheRecords {
  constructor(
    private readonly access: CacheServiceAccess,
    private readonly release: string
  ) {}

  /** Each record's entry holds the record as JSON, for whoever looks; only its key is ever read. */
  async write(records: readonly MatrixRecord[]): Promise<void> {
    await mapLimit(records, 4, r =>
      createEntry(this.access, recordKey(this.release, r), Buffer.from(JSON.stringify({ ...r, platform: formatPlatform(r.platform) })))
    )
  }

  async read(platforms: readonly Platform[], attempt: number): Promise<Verdict[]> {
    return mapLimit(platforms, 8, async platform => {
      for (const lookup of lookupPlan(this.release, platform, attempt)) {
        const key = await lookupKey(this.access, lookup.key, lookup.restoreKeys)
        if (key === undefined) continue
        const record = parseRecordKey(key, this.release, platform)
        if (!record) throw new ArchwayError(`the Actions cache holds ${key}, which is not a record of ${formatPlatform(platform)}`)
        return verdictOf(platform, [record])
      }
      return verdictOf(platform, [])
    })
  }
}
