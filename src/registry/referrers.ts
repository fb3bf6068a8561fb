/** The referrers endpoint: the manifests whose `subject` is a given manifest. */
import { type Descriptor, MediaType } from '../oci/types.js'
import { repositoryScope } from './auth.js'
import { validateDigest, validateRepository } from './reference.js'
import type { RegistryRequests } from './requests.js'

/** The manifests whose `subject` is `digest`; none when the registry lacks the API (404). */
export async function referrers(api: RegistryRequests, repo: string, digest: string, artifactType?: string): Promise<Descriptor[]> {
  validateRepository(repo)
  validateDigest(digest)
  const url = api.url(`/v2/${repo}/referrers/${digest}`)
  if (artifactType !== undefined) url.searchParams.set('artifactType', artifactType)
  const found: Descriptor[] = []
  for await (const page of api.pages(url, [repositoryScope(repo, 'pull')], { accept: MediaType.OciIndex })) {
    const list = (page as { manifests?: unknown }).manifests
    if (Array.isArray(list)) found.push(...list.filter(isDescriptor))
  }
  // The registry may ignore the filter (it then sends no OCI-Filters-Applied).
  return artifactType === undefined ? found : found.filter(d => d.artifactType === artifactType)
}

function isDescriptor(d: unknown): d is Descriptor {
  if (typeof d !== 'object' || d === null) return false
  const o = d as Record<string, unknown>
  return typeof o.mediaType === 'string' && typeof o.digest === 'string' && typeof o.size === 'number'
}
