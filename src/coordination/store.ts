/** Where a matrix keeps its records: the run's Actions cache where the runner gives it, else the registry's staging tags. */

import type { RegistryClient } from '../registry/client.js'
import { ArchwayError } from '../shared/errors.js'
import type { Platform } from '../shared/platform-table.js'
import { cacheServiceOf } from './cache-service.js'
import { CacheRecords } from './cache-store.js'
import type { MatrixRecord, Verdict } from './records.js'
import { RegistryRecords } from './registry-store.js'

export type StoreKind = 'actions-cache' | 'registry'

export interface RecordStore {
  readonly kind: StoreKind
  /** Where the records are, for the log. */
  readonly where: string
  write(records: readonly MatrixRecord[]): Promise<void>
  read(platforms: readonly Platform[], attempt: number): Promise<Verdict[]>
  /** After the index is published: removes what it can, and says so in one line. */
  cleanUp(platforms: readonly Platform[], attempt: number): Promise<string>
}

export interface Place {
  readonly registry: string
  readonly repository: string
}

/** The store this step's environment allows, and the log line that says which and why. Pure. */
export function chooseStore(env: NodeJS.ProcessEnv, place: Place): { kind: StoreKind; line: string } {
  const service = cacheServiceOf(env)
  if ('access' in service)
    return {
      kind: 'actions-cache',
      line: "Matrix records: this run's Actions cache (nothing of the coordination is written to the registry)"
    }
  return {
    kind: 'registry',
    line: `Matrix records: staging tags in ${place.registry}/${place.repository}, since the Actions cache service is not available (${service.why}); they are deleted after publishing where the registry allows it`
  }
}

export async function openStore(
  kind: StoreKind,
  release: string,
  place: Place,
  client: () => Promise<RegistryClient>,
  env: NodeJS.ProcessEnv = process.env
): Promise<RecordStore> {
  if (kind === 'actions-cache') {
    const service = cacheServiceOf(env)
    if (!('access' in service)) throw new ArchwayError(`the matrix's records are in the Actions cache, and ${service.why} in this step`)
    const records = new CacheRecords(service.access, release)
    return {
      kind,
      where: "this run's Actions cache",
      write: r => records.write(r),
      read: (p, a) => records.read(p, a),
      cleanUp: async () => "The records stay in this run's Actions cache until GitHub evicts them; the registry holds nothing of them"
    }
  }
  const records = new RegistryRecords(await client(), place.repository, release)
  return {
    kind,
    where: `${place.registry}/${place.repository}`,
    write: r => records.write(r),
    read: p => records.read(p),
    cleanUp: async (p, a) =>
      (await records.cleanUp(p, a))
        ? 'Deleted the staging tags'
        : 'The registry does not delete the staging tags (archway-stage-*); they point at small artifacts, not at the images'
  }
}
