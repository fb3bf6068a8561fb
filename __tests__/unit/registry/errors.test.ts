import { parseErrorBody, RegistryError, redactUrl } from '../../../src/registry/errors.js'
import { ArchwayError } from '../../../src/shared/errors.js'

describe('registry errors', () => {
  it('name the method, the redacted URL, the status and the registry codes in one line', () => {
    const err = new RegistryError({
      method: 'PUT',
      url: 'https://ghcr.io/v2/acme/app/blobs/uploads/123?_state=c2VjcmV0&digest=sha256%3Aabc',
      status: 400,
      codes: parseErrorBody('{"errors":[{"code":"DIGEST_INVALID","message":"provided digest did not\\nmatch"},{"code":"SIZE_INVALID"}]}')
    })
    expect(err).toBeInstanceOf(ArchwayError)
    expect(err.message).toBe(
      'PUT https://ghcr.io/v2/acme/app/blobs/uploads/123?_state=REDACTED&digest=sha256%3Aabc answered 400 Bad Request (DIGEST_INVALID: provided digest did not\\nmatch; SIZE_INVALID)'
    )
    expect(err.has('SIZE_INVALID')).toBe(true)
    expect(err.status).toBe(400)
  })

  it('say what failed when no answer came', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })
    const err = new RegistryError({ method: 'GET', url: 'http://127.0.0.1:1/v2/', cause })
    expect(err.message).toBe('GET http://127.0.0.1:1/v2/ failed: connect ECONNREFUSED 127.0.0.1:1')
    expect(err.status).toBeUndefined()
    expect(err.cause).toBe(cause)
  })

  it('never carry a secret given to them, wherever the registry put it', () => {
    const err = new RegistryError({
      method: 'GET',
      url: 'https://user:Hunter2-Very-Secret@r.example/v2/?access_token=tok-ABCDEF',
      status: 403,
      codes: [{ code: 'DENIED', message: 'user:Hunter2-Very-Secret may not, with tok-ABCDEF' }],
      secrets: ['Hunter2-Very-Secret', 'tok-ABCDEF']
    })
    expect(err.message).not.toMatch(/Hunter2|tok-ABCDEF/)
    expect(err.url).toBe('https://r.example/v2/?access_token=REDACTED')
    expect(JSON.stringify(err.codes)).not.toMatch(/Hunter2|tok-ABCDEF/)
  })

  it.each([
    ['https://u:p@ghcr.io/v2/', 'https://ghcr.io/v2/'],
    [
      'https://s3.example/bucket/blob?X-Amz-Signature=abc&X-Amz-Credential=def',
      'https://s3.example/bucket/blob?X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED'
    ],
    [
      'https://auth.example/token?service=reg&scope=repository%3Aa%3Apull',
      'https://auth.example/token?service=reg&scope=repository%3Aa%3Apull'
    ],
    ['https://ghcr.io/v2/a/tags/list?n=100&last=v1', 'https://ghcr.io/v2/a/tags/list?n=100&last=v1'],
    // Harmless values exactly as sent: never decoded and encoded again.
    [
      'http://r.example/v2/a/blobs/uploads/1?_state=a%2Bb%3D&digest=sha256:abc',
      'http://r.example/v2/a/blobs/uploads/1?_state=REDACTED&digest=sha256:abc'
    ],
    [
      'http://r.example/v2/a/blobs/uploads/?mount=sha256%3Aabc&from=acme%2Fbase',
      'http://r.example/v2/a/blobs/uploads/?mount=sha256%3Aabc&from=acme%2Fbase'
    ],
    ['http://r.example/x?tok-ABCDEF&n=1', 'http://r.example/x?REDACTED&n=1'],
    ['not a url', '(a URL that does not parse)']
  ])('redact %s', (input, expected) => {
    expect(redactUrl(input)).toBe(expected)
  })

  it('read no codes from a body that is not the registry error format', () => {
    expect(parseErrorBody('<html>Bad gateway</html>')).toEqual([])
    expect(parseErrorBody('{"message":"x"}')).toEqual([])
  })
})
