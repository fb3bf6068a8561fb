/** The job summary names the builder and, per platform, the node that built it. */

import { renderSummary } from '../../../src/action/summary.js'
import { nodeOf } from '../../../src/docker/build-record.js'
import { parsePlatformList } from '../../../src/shared/platform.js'

const [amd64, arm64] = parsePlatformList('linux/amd64,linux/arm64')
const node = (name: string) => ({
  name,
  endpoint: `unix:///run/${name}.sock`,
  buildkit: 'v0.13.2',
  platforms: [],
  preferred: [],
  driverOptions: {}
})
const result = (platform: typeof amd64, built?: string) => ({ platform, buildSeconds: 2, sharedBuild: false, node: built })

describe('the summary of a build on a builder of BuildKit of its own', () => {
  it('names the builder and gives each platform the node that built it', () => {
    const builder = { name: 'fleet', driver: 'remote', nodes: [node('fleet0'), node('fleet1')] }
    const pipeline = {
      engine: { version: '28.5.2', store: 'classic' as const },
      plan: {
        kind: 'layout-each' as const,
        store: 'classic' as const,
        builder,
        platforms: [amd64, arm64],
        builds: [
          { platforms: [amd64], node: 'fleet0' },
          { platforms: [arm64], node: 'fleet1' }
        ]
      },
      platforms: [result(amd64, nodeOf('fleet/fleet0/kx8a9')), result(arm64, nodeOf('fleet/fleet1/q2m3n'))]
    }
    const md = renderSummary({ platforms: ['linux/amd64', 'linux/arm64'], runnerArch: 'amd64', pipeline })
    expect(md).toContain('Built on builder fleet (remote driver, 2 nodes, BuildKit v0.13.2).\n\n| Platform | Node | Build |')
    expect(md).toContain('| linux/amd64 | `fleet0` | 2.0 s | none |')
    expect(md).toContain('| linux/arm64 | `fleet1` | 2.0 s | none |')
  })

  it('leaves the node out for the docker driver, whose one node is the engine', () => {
    const pipeline = {
      engine: { version: '28.5.2', store: 'classic' as const },
      plan: {
        kind: 'oci-layout' as const,
        store: 'classic' as const,
        builder: { name: 'default', driver: 'docker', nodes: [] },
        platforms: [amd64]
      },
      platforms: [result(amd64, 'default')]
    }
    const md = renderSummary({ platforms: ['linux/amd64'], runnerArch: 'amd64', pipeline })
    expect(md).toContain('| Platform | Build | Test |')
    expect(md).toContain('| linux/amd64 | 2.0 s | none |')
    expect(md).not.toContain('Built on')
  })
})
