/** The action's registry clients: one per registry, with the inputs' credentials for the image's registry and the docker config's elsewhere. */
import * as core from '@actions/core'
import { RegistryClient } from '../registry/client.js'
import { dockerCredentials } from '../registry/docker-config.js'
import type { BuildInputs } from './inputs.js'

export async function connect(registry: string, build: Pick<BuildInputs, 'image' | 'credentials'>): Promise<RegistryClient> {
  const credentials = build.credentials && registry === build.image.registry ? build.credentials : await dockerCredentials(registry)
  if (credentials?.password) core.setSecret(credentials.password)
  return new RegistryClient({ registry, credentials, timeoutMs: timeoutFromEnv(), log: line => core.debug(line) })
}

/** ARCHWAY_REGISTRY_TIMEOUT_MS: the connect and read timeout of each registry request (default 30 s). */
export function timeoutFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const v = env.ARCHWAY_REGISTRY_TIMEOUT_MS
  return v && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : undefined
}

/** The distinct repositories the tags name, each with its tags. Pure. */
export function targetsOf(build: Pick<BuildInputs, 'tags'>): { registry: string; repository: string; tags: string[] }[] {
  const out = new Map<string, { registry: string; repository: string; tags: string[] }>()
  for (const t of build.tags) {
    const key = `${t.registry}/${t.repository}`
    const entry = out.get(key) ?? { registry: t.registry, repository: t.repository, tags: [] }
    entry.tags.push(t.tag!)
    out.set(key, entry)
  }
  return [...out.values()]
}
