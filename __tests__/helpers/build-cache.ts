/**
 * What the build cache tests share: a context whose RUN steps are a test's own (a nonce in each),
 * how to read what its builds printed and ran, and how to prune only that test's build cache
 * records from an engine that other tests share.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { newRunner, runStep } from './runner.js'
import type { StepResult } from './runner-env.js'
import { sampleContext } from './sample.js'
import { docker, testEnv } from './testenv.js'

let busybox: string | undefined

/** A context whose RUN steps are this test's own (the nonce); app.txt is copied after two of them. */
export function context(nonce: string, app: string): string {
  busybox ??= testEnv().busyboxDir
  const ctx = sampleContext(
    busybox,
    [
      'FROM scratch',
      'ARG TARGETARCH',
      'ARG TARGETVARIANT',
      'COPY .busybox/${TARGETARCH}${TARGETVARIANT} /bin/busybox',
      `RUN ["/bin/busybox", "sh", "-c", "/bin/busybox --install -s /bin && echo ${nonce}-install | tee /nonce"]`,
      `RUN echo ${nonce}-deps && head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \\n' > /stamp`,
      'COPY app.txt /app/app.txt',
      `RUN echo ${nonce}-build && cat /app/app.txt > /app/built`,
      ''
    ].join('\n')
  )
  writeFileSync(join(ctx, 'app.txt'), app)
  return ctx
}

export const say = (key: string, command: string) => `printf '${key}%s%s\\n' : "$(${command})"`
export const said = (step: StepResult, key: string) => [...step.log.matchAll(new RegExp(`^${key}:(.*)$`, 'gm'))].map(m => m[1])

export interface BuildCacheRecord {
  ID: string
  Parents: string[] | null
  Description: string
}

/**
 * The engine's build cache records that hold `nonce`, and every descendant of them. With
 * `layers`, also the records BuildKit made of those layers when it took them from an imported
 * cache: they are named `imported <digest>`, not after their step.
 */
export function recordsOf(host: string, nonce: string, layers: readonly string[] = []): BuildCacheRecord[] {
  const all = docker(host, ['buildx', 'du', '--format', '{{json .}}'])
    .split('\n')
    .filter(l => l.trim())
    .map(l => JSON.parse(l) as BuildCacheRecord)
  const imported = new Set(layers.map(d => `imported ${d}`))
  const ours = new Set(all.filter(r => r.Description.includes(nonce) || imported.has(r.Description)).map(r => r.ID))
  for (let grown = true; grown; ) {
    grown = false
    for (const r of all)
      if (!ours.has(r.ID) && r.Parents?.some(p => ours.has(p))) {
        ours.add(r.ID)
        grown = true
      }
  }
  return all.filter(r => ours.has(r.ID))
}

/** Prunes this test's build cache records, children before parents (a record with children is kept by BuildKit). */
export function pruneOwn(host: string, nonce: string, layers: readonly string[] = []): void {
  for (let left = recordsOf(host, nonce, layers); left.length > 0; left = recordsOf(host, nonce, layers)) {
    const parents = new Set(left.flatMap(r => r.Parents ?? []))
    const leaves = left.filter(r => !parents.has(r.ID))
    for (const r of leaves) docker(host, ['buildx', 'prune', '--force', '--all', '--filter', `id=${r.ID}`])
  }
}

/** How many times a RUN step of the log printed `<nonce>-<label>`: ran, once per platform; 0 when it was taken from the cache. */
export const runs = (step: StepResult, nonce: string, label: string) =>
  [...step.log.matchAll(new RegExp(`^#\\d+ \\d+\\.\\d+ ${nonce}-${label}$`, 'gm'))].length

/**
 * Whether buildx reported a step whose title holds `text` as taken from a cache: CACHED, or, as it
 * prints a step whose layers it pulls from the gha cache only some of the time, the layers extracted.
 */
export function fromCache(log: string, text: string): boolean {
  const ids = new Set([...log.matchAll(/^#(\d+) (.*)$/gm)].filter(m => m[2].includes(text)).map(m => m[1]))
  return [...log.matchAll(/^#(\d+) (CACHED|extracting sha256:\S+ .*done)$/gm)].some(m => ids.has(m[1]))
}

/** The layers of the caches an OCI layout holds (a `type=local` cache's folder): every image manifest its index.json reaches. */
export function layoutLayers(dir: string): string[] {
  const blob = (digest: string) => JSON.parse(readFileSync(join(dir, 'blobs', ...digest.split(':')), 'utf8'))
  const layers = (doc: { manifests?: { digest: string }[]; layers?: { digest: string }[] }): string[] => [
    ...(doc.layers ?? []).map(l => l.digest),
    ...(doc.manifests ?? []).flatMap(m => layers(blob(m.digest)))
  ]
  return [...new Set(layers(JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'))))]
}

/** A matrix of main steps, one job per platform (`build: <platform>`), run at once, each on a runner of its own. */
export async function matrixJobs(
  platforms: readonly string[],
  inputs: Record<string, string>,
  stepEnv: Record<string, string>
): Promise<StepResult[]> {
  const toolCache = testEnv().toolCache
  return Promise.all(
    platforms.map(async p =>
      runStep(await newRunner(toolCache), 'main', { platforms: platforms.join(','), build: p, ...inputs }, {}, stepEnv)
    )
  )
}
