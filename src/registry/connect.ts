/** One client per registry, with the action's credentials for the image's registry and the docker config's elsewhere. */
import * as core from '@actions/core'
import type { BuildInputs } from '../inputs.js'
import { RegistryClient } from './client.js'
import { dockerCredentials } from './docker-config.js'

export async function connect(registry: string, build: Pick<BuildInputs, 'image' | 'credentials'>): Promise<RegistryClient> {
  const credentials = build.credentials && registry === build.image.registry ? build.credentials : await dockerCredentials(registry)
  if (credentials?.password) core.setSecret(credentials.password)
  return new RegistryClient({ registry, credentials, log: line => core.debug(line) })
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
