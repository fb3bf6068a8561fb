/** The tags list endpoint. */
import { repositoryScope } from './auth.js'
import { validateRepository } from './reference.js'
import type { RegistryRequests } from './requests.js'

/** Every tag, across `Link` pages; none for a repository the registry does not know (404). */
export async function listTags(api: RegistryRequests, repo: string): Promise<string[]> {
  validateRepository(repo)
  const tags: string[] = []
  for await (const page of api.pages(api.url(`/v2/${repo}/tags/list`), [repositoryScope(repo, 'pull')], {})) {
    const list = (page as { tags?: unknown }).tags
    if (Array.isArray(list)) tags.push(...list.filter((t): t is string => typeof t === 'string'))
  }
  return tags
}
