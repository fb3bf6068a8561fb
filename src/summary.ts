/** The job summary, rendered from the same facts as the outputs. */
import * as core from '@actions/core'
import type { Registration } from './emulation.js'
import type { QemuSetup } from './qemu/setup.js'

export interface SummaryFacts {
  readonly platforms: readonly string[]
  readonly host: string
  readonly emulation?: { readonly setup: QemuSetup; readonly registered: readonly Registration[] }
}

/** One line of Markdown. Pure. */
export function summaryLine(f: SummaryFacts): string {
  if (!f.emulation) return `**Archway**: ${f.platforms.join(', ')}: all native on this ${f.host} host, no emulation needed.`
  const q = f.emulation.setup.installed
  return `**Archway**: QEMU ${q.qemuVersion} (Debian \`${q.debianVersion}\`, ${q.codename}, from the ${f.emulation.setup.source}) emulates ${f.emulation.registered.map(r => r.name).join(', ')} for ${f.platforms.join(', ')} on this ${f.host} host.`
}

export async function writeSummary(f: SummaryFacts): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  await core.summary.addRaw(summaryLine(f), true).write()
}
