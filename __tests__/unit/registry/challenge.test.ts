import { basicAuthorization, parseChallenges } from '../../../src/registry/auth.js'

describe('WWW-Authenticate challenges', () => {
  it.each([
    ['Basic realm="archway-test"', [{ scheme: 'basic', params: { realm: 'archway-test' } }]],
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull,push"',
      [
        {
          scheme: 'bearer',
          params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull,push' }
        }
      ]
    ],
    [
      'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:acme/app:pull",error="insufficient_scope"',
      [
        {
          scheme: 'bearer',
          params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:acme/app:pull', error: 'insufficient_scope' }
        }
      ]
    ],
    [
      'BEARER Realm = "https://t.test/token" ,  Service=reg.test',
      [{ scheme: 'bearer', params: { realm: 'https://t.test/token', service: 'reg.test' } }]
    ],
    ['Bearer realm="a \\"quoted\\" realm, with a comma"', [{ scheme: 'bearer', params: { realm: 'a "quoted" realm, with a comma' } }]],
    [
      'Basic realm="r", Bearer realm="https://t.test/token",service="s"',
      [
        { scheme: 'basic', params: { realm: 'r' } },
        { scheme: 'bearer', params: { realm: 'https://t.test/token', service: 's' } }
      ]
    ],
    [
      'Bearer realm="https://t.test/token",scope="repository:a:pull,push repository:b:pull"',
      [{ scheme: 'bearer', params: { realm: 'https://t.test/token', scope: 'repository:a:pull,push repository:b:pull' } }]
    ],
    ['Negotiate', [{ scheme: 'negotiate', params: {} }]],
    ['', []]
  ])('reads %s', (header, expected) => {
    expect(parseChallenges(header)).toEqual(expected)
  })

  it('reads several headers, and none when there is none', () => {
    expect(parseChallenges(['Basic realm="a"', 'Bearer realm="https://b.test"']).map(c => c.scheme)).toEqual(['basic', 'bearer'])
    expect(parseChallenges(undefined)).toEqual([])
  })

  it('writes Basic credentials as base64 of user:password', () => {
    expect(basicAuthorization({ username: 'archway', password: 'p:a:ss' })).toBe(
      `Basic ${Buffer.from('archway:p:a:ss').toString('base64')}`
    )
  })
})
