import { compareDebianVersions, parseDebianVersion, qemuUpstreamVersion } from '../../../../src/emulation/qemu/debversion.js'

describe('Debian version order', () => {
  it.each([
    ['1:11.1.3+ds-1', '1:11.1.3+ds-1~bpo13+1', 1],
    ['1:11.1.3+ds-1', '1:11.1.2+ds-3', 1],
    ['1:10.0.13+ds-0+deb13u1', '1:10.0.2+ds-2+deb13u1~bpo12+1', 1],
    ['1:7.2+dfsg-7+deb12u18+b3', '1:7.2+dfsg-7+deb12u18', 1],
    ['1:7.2+dfsg-7+deb12u18', '1:10.0.2+ds-2', -1],
    ['2:1.0-1', '1:99.0-1', 1],
    ['1.0~rc1-1', '1.0-1', -1],
    ['1.0-1', '1.0-1', 0],
    ['1.0a-1', '1.0+-1', -1],
    ['1.01-1', '1.1-1', 0]
  ])('%s against %s is %i', (a, b, expected) => {
    expect(compareDebianVersions(a, b)).toBe(expected)
    expect(compareDebianVersions(b, a)).toBe(0 - expected)
  })

  it('splits epoch, upstream and revision', () => {
    expect(parseDebianVersion('1:10.0.13+ds-0+deb13u1')).toEqual({ epoch: 1, upstream: '10.0.13+ds', revision: '0+deb13u1' })
    expect(parseDebianVersion('7.2')).toEqual({ epoch: 0, upstream: '7.2', revision: '' })
    expect(parseDebianVersion('banana')).toBeUndefined()
  })

  it.each([
    ['1:10.0.13+ds-0+deb13u1', '10.0.13'],
    ['1:7.2+dfsg-7+deb12u18+b3', '7.2.0'],
    ['1:11.1.3+ds-1~bpo13+1', '11.1.3']
  ])('reads the QEMU version of %s as %s', (deb, upstream) => {
    expect(qemuUpstreamVersion(deb)).toBe(upstream)
  })
})
