/** Log groups of work that runs side by side: each group's lines held back, then printed whole. */
import * as core from '@actions/core'

/** Prints `lines` as one log group. */
export function printGroup(name: string, lines: readonly string[]): void {
  core.startGroup(name)
  for (const line of lines) core.info(line)
  core.endGroup()
}

/** Runs `work` with its log lines held back, then prints them as one group: groups of parallel work stay whole. */
export async function grouped<T>(name: string, work: (log: (line: string) => void) => Promise<T>): Promise<T> {
  const lines: string[] = []
  try {
    return await work(line => lines.push(line))
  } finally {
    printGroup(name, lines)
  }
}
