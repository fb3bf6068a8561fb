import { CommandError, outputTail } from '../../src/exec.js'

describe('a failed command in one line', () => {
  it('keeps the end of a long output, where buildx prints its error after the whole progress', () => {
    const progress = Array.from({ length: 40 }, (_, i) => `#${i} [internal] step ${i}\n#${i} DONE 0.1s\n`).join('\n')
    const stderr = `${progress}\nERROR: failed to build: failed to solve: process "/bin/sh -c exit 3" did not complete successfully: exit code: 3\n`
    const e = new CommandError('docker buildx build .', { exitCode: 1, stdout: '', stderr })
    expect(e.message.startsWith('docker buildx build . exited with 1: ...')).toBe(true)
    expect(e.message).not.toContain('step 0\\n')
    expect(e.message.length).toBe('docker buildx build . exited with 1: ...'.length + 500)
    expect(e.message).toMatch(
      /\\nERROR: failed to build: failed to solve: process "\/bin\/sh -c exit 3" did not complete successfully: exit code: 3$/
    )
    expect(e.message).not.toContain('\n')
  })

  it('keeps a short output whole, stderr first, else stdout', () => {
    expect(outputTail({ exitCode: 1, stdout: 'out', stderr: 'line one\n  line two\n' })).toBe('line one\\nline two')
    expect(outputTail({ exitCode: 1, stdout: 'only stdout\n', stderr: '  ' })).toBe('only stdout')
    expect(outputTail({ exitCode: 1, stdout: '', stderr: 'x'.repeat(500) })).toBe('x'.repeat(500))
    expect(outputTail({ exitCode: 1, stdout: '', stderr: `a${'x'.repeat(500)}` })).toBe(`...${'x'.repeat(500)}`)
  })
})
