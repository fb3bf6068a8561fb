/** The job summary, rendered from the same facts as the outputs. Rendering is pure. */
import * as core from '@actions/core'
import { costLines, testTimes } from '../build/cost-report.js'
import { describeBuilder } from '../docker/builder.js'
import type { Emulation } from '../emulation/emulation.js'
import { formatPlatform } from '../shared/platform.js'
import { formatSeconds } from '../shared/time.js'
import { archAccepted, archFailure, archOk } from '../verify/arch.js'
import type { PipelineResult, PlatformResult } from './results.js'

export interface SummaryFacts {
  readonly platforms: readonly string[]
  readonly runnerArch: string
  readonly emulation?: Emulation
  readonly pipeline?: PipelineResult
  readonly index?: { readonly digest: string; readonly tags: readonly string[]; readonly pushed: boolean }
}

export function emulationLine(f: SummaryFacts): string {
  if (!f.emulation) return `**Archway**: ${f.platforms.join(', ')}: all native on this ${f.runnerArch} host, no emulation needed.`
  const { groups } = f.emulation
  const each = groups.map(g => {
    const q = g.setup.installed
    const qemu = `QEMU ${q.qemuVersion} (Debian \`${q.debianVersion}\`, ${q.codename}, from the ${g.setup.source}) emulates ${g.registered.map(r => r.name).join(', ')}`
    return groups.length === 1 ? qemu : `${qemu} (${g.platforms.join(', ')})`
  })
  return `**Archway**: ${each.join('; ')}${groups.length === 1 ? '' : ','} for ${f.platforms.join(', ')} on this ${f.runnerArch} host.`
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`
}

function row(r: PlatformResult, nodes: boolean): string {
  const build = `${formatSeconds(r.buildSeconds)}${r.sharedBuild ? ' (shared)' : ''}`
  const retried = r.retry ? `, under QEMU \`${r.retry.to}\` after a crash under \`${r.retry.from}\`` : ''
  const test = r.test ? `${r.test.outcome.kind} (${formatSeconds(r.test.seconds)}${retried})` : 'none'
  const accepted = r.arch?.accepted.count ? `, ${r.arch.accepted.count} of another architecture accepted` : ''
  const arch = r.arch
    ? archOk(r.arch)
      ? `ok (${r.arch.elfChecked} ELF${accepted})`
      : `**failed** (${r.arch.mismatches.length} files${accepted})`
    : 'off'
  const digest = r.published ? `\`${r.published.descriptor.digest}\`` : 'not pushed'
  const bytes = r.published ? size(r.published.compressedSize) : ''
  const node = nodes ? ` ${r.node ? `\`${r.node}\`` : 'unknown'} |` : ''
  return `| ${formatPlatform(r.platform)} |${node} ${build} | ${test} | ${arch} | ${digest} | ${bytes} |`
}

/** The whole summary as Markdown. Pure. */
export function renderSummary(f: SummaryFacts): string {
  const lines = [emulationLine(f)]
  if (f.pipeline) {
    // A builder of BuildKit of its own: which of its nodes built each platform.
    const { builder } = f.pipeline.plan
    const nodes = builder.driver !== 'docker'
    lines.push(
      '',
      ...(nodes ? [`Built on ${describeBuilder(builder)}.`, ''] : []),
      `| Platform |${nodes ? ' Node |' : ''} Build | Test | Architecture | Digest | Compressed |`,
      `| --- |${nodes ? ' --- |' : ''} --- | --- | --- | --- | --- |`,
      ...f.pipeline.platforms.map(r => row(r, nodes))
    )
    const notes = f.pipeline.platforms.flatMap(r => {
      if (!r.arch) return []
      const failure = archFailure(r.arch)
      const accepted = archAccepted(r.arch, 5)
      return [
        ...(failure ? [`- Architecture check failed: ${failure}`] : []),
        ...(accepted ? [`- ${formatPlatform(r.platform)}: ${accepted}`] : [])
      ]
    })
    if (notes.length) lines.push('', ...notes)
    const cost = f.pipeline.cost ? costLines(f.pipeline.cost, testTimes(f.pipeline.platforms)) : []
    if (cost.length) lines.push('', ...cost)
  }
  if (f.index) {
    lines.push(
      '',
      `Index \`${f.index.digest}\` ${f.index.pushed ? 'published' : 'to be published by the post step'} as ${f.index.tags.map(t => `\`${t}\``).join(', ')}.`
    )
  }
  if (f.emulation) lines.push('', f.emulation.groups.map(g => `QEMU \`${g.setup.installed.debianVersion}\``).join(', '))
  return `${lines.join('\n')}\n`
}

/** The summary of a `mode: merge` job. Pure. */
export function mergeSummary(digest: string, tags: readonly string[]): string {
  return `**Archway**: index \`${digest}\` published as ${tags.map(t => `\`${t}\``).join(', ')} from the platforms this run staged.\n`
}

/** What the post step adds to the summary once it has published the index. Pure. */
export function publishedSummary(lines: readonly string[]): string {
  return `\n${lines.join('\n\n')}\n`
}

export async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  await core.summary.addRaw(markdown, true).write()
}
