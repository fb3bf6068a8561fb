import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildxError, CommandError, outputTail } from '../../../src/shared/exec.js'

/** What buildx printed for a failing build, captured here (see __tests__/fixtures/buildx/README.md). */
const captured = (name: string) => readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'buildx', name), 'utf8')
const failed = (stderr: string) => ({ exitCode: 1, stdout: '', stderr })
const BUILD = 'docker buildx build --platform linux/amd64 --provenance=false --load --tag archway.local/app-1 .'

describe("a failed build's one error line", () => {
  it("carries buildx's own last ERROR: line, not the end of its progress", () => {
    const e = new CommandError(BUILD, failed(captured('run-exit-3.txt')))
    expect(e.message).toBe(
      `${BUILD} exited with 1: ERROR: failed to build: failed to solve: process "/bin/sh -c exit 3" did not complete successfully: exit code: 3`
    )
    expect(e.message).not.toContain('step 20 of the build')
    expect(e.message).not.toContain('Dockerfile:')
  })

  it.each([
    [
      'multi-platform-exit-3.txt',
      'ERROR: failed to build: failed to solve: process "/bin/sh -c [ \\"$(uname -m)\\" != aarch64 ] || { echo \\"aarch64 is not supported yet\\" >&2; exit 3; }" did not complete successfully: exit code: 3'
    ],
    [
      'lint-warning-exit-3.txt',
      'ERROR: failed to build: failed to solve: process "/bin/sh -c exit 3" did not complete successfully: exit code: 3'
    ],
    [
      'classic-exit-3.txt',
      'ERROR: failed to build: failed to solve: process "/bin/busybox sh -c echo checking; exit 3" did not complete successfully: exit code: 3'
    ]
  ])('reads the failure from %s', (fixture, line) => {
    expect(buildxError(failed(captured(fixture)))).toBe(line)
  })

  it('keeps ERROR: lines printed together at the end, and only those', () => {
    const stderr = [
      '#7 exporting to oci image format',
      'ERROR: (*service).Write failed: ref layer-sha256:ab locked: unavailable',
      '#7 DONE 0.2s',
      'ERROR: failed to build: failed to solve: rpc error',
      'ERROR: second line of the same failure',
      ''
    ].join('\n')
    expect(buildxError(failed(stderr))).toBe('ERROR: failed to build: failed to solve: rpc error\\nERROR: second line of the same failure')
  })

  it('keeps the end of an ERROR: line longer than the limit, where the exit code is', () => {
    const line = `ERROR: failed to build: failed to solve: process "/bin/sh -c ${'x'.repeat(3000)}" did not complete successfully: exit code: 3`
    const read = buildxError(failed(`#1 progress\n${line}\n`))!
    expect(read).toHaveLength(2003)
    expect(read.endsWith('exit code: 3')).toBe(true)
  })

  it('falls back to the end of the output when buildx printed no ERROR: line', () => {
    const e = new CommandError(BUILD, failed('#1 [internal] load build definition\nkilled\n'))
    expect(e.message).toBe(`${BUILD} exited with 1: #1 [internal] load build definition\\nkilled`)
  })

  it("leaves other commands' error lines as they were: the end of their output", () => {
    const stderr = captured('run-exit-3.txt')
    const e = new CommandError('docker load', failed(stderr))
    expect(e.message).toBe(`docker load exited with 1: ${outputTail(failed(stderr))}`)
    expect(e.message.startsWith('docker load exited with 1: ...')).toBe(true)
  })
})

describe('a failed command in one line', () => {
  it('keeps a short output whole, stderr first, else stdout', () => {
    expect(outputTail({ exitCode: 1, stdout: 'out', stderr: 'line one\n  line two\n' })).toBe('line one\\nline two')
    expect(outputTail({ exitCode: 1, stdout: 'only stdout\n', stderr: '  ' })).toBe('only stdout')
    expect(outputTail({ exitCode: 1, stdout: '', stderr: 'x'.repeat(500) })).toBe('x'.repeat(500))
    expect(outputTail({ exitCode: 1, stdout: '', stderr: `a${'x'.repeat(500)}` })).toBe(`...${'x'.repeat(500)}`)
  })
})
