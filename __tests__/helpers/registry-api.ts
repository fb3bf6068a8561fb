/** Reads what a loopback registry holds, with skopeo (an independent client) and plain HTTP. */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'

export function skopeoRaw(ref: string, creds?: string): Buffer {
  return execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', ...(creds ? ['--creds', creds] : []), `docker://${ref}`], {
    stdio: ['ignore', 'pipe', 'pipe']
  })
}

export function sha256(b: Buffer): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`
}

/** The tags of a repository; [] when the repository does not exist. */
export async function tagsOf(registry: string, repository: string, auth?: { username: string; password: string }): Promise<string[]> {
  const headers: Record<string, string> = auth
    ? { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` }
    : {}
  const r = await fetch(`http://${registry}/v2/${repository}/tags/list`, { headers })
  if (r.status === 404) return []
  if (!r.ok) throw new Error(`tags/list of ${registry}/${repository}: ${r.status}`)
  return ((await r.json()) as { tags: string[] | null }).tags ?? []
}

/** The platforms an index lists, in its order, as os/architecture[/variant]. */
export function indexPlatforms(raw: Buffer): string[] {
  const index = JSON.parse(raw.toString()) as { manifests: { platform: { os: string; architecture: string; variant?: string } }[] }
  return index.manifests.map(m => [m.platform.os, m.platform.architecture, m.platform.variant].filter(Boolean).join('/'))
}
