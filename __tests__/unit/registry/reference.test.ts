import {
  formatReference,
  ImageReferenceError,
  isInsecureRegistry,
  parseReference,
  referenceTarget,
  registryApiHost,
  validateDigest,
  validateRegistry,
  validateRepository,
  validateTag
} from '../../../src/registry/reference.js'

const D = `sha256:${'a'.repeat(64)}`

describe('image references', () => {
  it.each([
    ['ghcr.io/acme/app', { registry: 'ghcr.io', repository: 'acme/app' }],
    ['ghcr.io/acme/app:1.4.2', { registry: 'ghcr.io', repository: 'acme/app', tag: '1.4.2' }],
    ['127.0.0.1:5000/app:latest', { registry: '127.0.0.1:5000', repository: 'app', tag: 'latest' }],
    ['localhost:5000/a/b', { registry: 'localhost:5000', repository: 'a/b' }],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    ['app', { registry: 'docker.io', repository: 'library/app' }],
    ['acme/app', { registry: 'docker.io', repository: 'acme/app' }],
    ['docker.io/app', { registry: 'docker.io', repository: 'library/app' }],
    ['index.docker.io/acme/app:v1', { registry: 'docker.io', repository: 'acme/app', tag: 'v1' }],
    [`app@${D}`, { registry: 'docker.io', repository: 'library/app', digest: D }],
    [`ghcr.io/acme/app:1.0@${D}`, { registry: 'ghcr.io', repository: 'acme/app', tag: '1.0', digest: D }],
    ['[::1]:5000/app:v1', { registry: '[::1]:5000', repository: 'app', tag: 'v1' }],
    ['GHCR.IO/acme/app', { registry: 'ghcr.io', repository: 'acme/app' }],
    [
      'registry.example.com:443/a.b/c_d/e__f/g-h--i:_T.a-g',
      { registry: 'registry.example.com:443', repository: 'a.b/c_d/e__f/g-h--i', tag: '_T.a-g' }
    ],
    // A bare host:port is a name and a tag, as docker reads it.
    ['localhost:5000', { registry: 'docker.io', repository: 'library/localhost', tag: '5000' }]
  ])('parses %s as docker does', (input, expected) => {
    expect(parseReference(input)).toEqual(expected)
  })

  it.each([
    ['', 'empty'],
    ['ghcr.io/Acme/app', 'lower-case'],
    ['Acme', 'lower-case'],
    ['app:', 'is not a tag'],
    ['app:-rc1', 'is not a tag'],
    [`app:${'x'.repeat(129)}`, 'is not a tag'],
    ['app@sha256:abc', 'is not a digest'],
    [`app@sha256:${'A'.repeat(64)}`, 'is not a digest'],
    ['ghcr.io/acme//app', 'is not a repository path component'],
    ['ghcr.io/acme/app_', 'is not a repository path component'],
    ['ghcr.io/acme/a___b', 'is not a repository path component'],
    ['ghcr.io/-acme/app', 'is not a repository path component'],
    ['ghcr.io/acme app', 'white space'],
    ['exa_mple.com:5000/app', 'is not a registry'],
    [`ghcr.io/${'a'.repeat(250)}`, 'longer than 255']
  ])('refuses %j with a reason', (input, reason) => {
    expect(() => parseReference(input)).toThrow(ImageReferenceError)
    expect(() => parseReference(input)).toThrow(reason)
  })

  it('prints a reference that parses back to itself', () => {
    for (const input of ['ghcr.io/acme/app:1.4.2', `127.0.0.1:5000/a/b@${D}`, 'app', `acme/app:v1@${D}`]) {
      const ref = parseReference(input)
      expect(parseReference(formatReference(ref))).toEqual(ref)
    }
    expect(formatReference(parseReference('app'))).toBe('docker.io/library/app')
  })

  it('targets the digest, else the tag, else latest', () => {
    expect(referenceTarget(parseReference(`app:v1@${D}`))).toBe(D)
    expect(referenceTarget(parseReference('app:v1'))).toBe('v1')
    expect(referenceTarget(parseReference('app'))).toBe('latest')
  })

  it("sends Docker Hub's API calls to registry-1.docker.io and others to the host as written", () => {
    expect(registryApiHost('docker.io')).toBe('registry-1.docker.io')
    expect(registryApiHost('index.docker.io')).toBe('registry-1.docker.io')
    expect(registryApiHost('ghcr.io')).toBe('ghcr.io')
    expect(registryApiHost('127.0.0.1:5000')).toBe('127.0.0.1:5000')
  })

  it('validates names, tags, digests and registries on their own', () => {
    expect(validateRepository('acme/app')).toBe('acme/app')
    expect(() => validateRepository('acme/App')).toThrow('lower-case')
    expect(validateTag('v1.0_rc-2')).toBe('v1.0_rc-2')
    expect(() => validateTag('.hidden')).toThrow(ImageReferenceError)
    expect(validateDigest(D)).toBe(D)
    expect(() => validateDigest('md5:abc')).toThrow(ImageReferenceError)
    expect(validateRegistry('127.0.0.1:5001')).toBe('127.0.0.1:5001')
    expect(() => validateRegistry('https://ghcr.io')).toThrow(ImageReferenceError)
  })
})

describe('plain-HTTP registries', () => {
  it.each(['localhost', 'localhost:5000', '127.0.0.1:5000', '127.0.0.1', '127.255.255.254:443', '[::1]', '[::1]:5000'])(
    'include %s, as docker has them by default',
    host => {
      expect(isInsecureRegistry(host)).toBe(true)
    }
  )

  it.each(['ghcr.io', 'docker.io', '10.0.0.1:5000', '128.0.0.1', '127.0.0.256', '127.0.0.1.nip.io', 'localhost.example.com', '[::2]:5000'])(
    'exclude %s',
    host => {
      expect(isInsecureRegistry(host)).toBe(false)
    }
  )
})
