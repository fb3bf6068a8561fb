import { planMatrix } from '../../../src/coordination/matrix-plan.js'
import { parsePlatformList } from '../../../src/shared/platform.js'

describe("the reusable workflow's matrix", () => {
  const all = parsePlatformList('arm/v7,amd64,arm64,arm/v6,s390x')

  it('puts every platform on ubuntu-latest without native-arm', () => {
    expect(planMatrix(all, false).include.map(j => j.runner)).toEqual(Array(5).fill('ubuntu-latest'))
  })

  it('puts arm64 and arm/v7 on the arm64 runner with native-arm, the rest on ubuntu-latest', () => {
    expect(planMatrix(all, true)).toEqual({
      include: [
        { platform: 'linux/amd64', runner: 'ubuntu-latest' },
        { platform: 'linux/arm64', runner: 'ubuntu-24.04-arm' },
        { platform: 'linux/arm/v7', runner: 'ubuntu-24.04-arm' },
        { platform: 'linux/arm/v6', runner: 'ubuntu-latest' },
        { platform: 'linux/s390x', runner: 'ubuntu-latest' }
      ],
      platforms: 'linux/amd64,linux/arm64,linux/arm/v7,linux/arm/v6,linux/s390x'
    })
  })
})
