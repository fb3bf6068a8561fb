import { Readable } from 'node:stream'
import { CommandError, runPiped } from '../../../src/shared/exec.js'

const sh = (script: string) => ({ command: 'sh', args: ['-c', script] })

describe('a pipe between two programs', () => {
  it("streams the first one's output into the second, and returns what the second printed", async () => {
    const r = await runPiped(sh('printf hello; printf " world"'), { command: 'wc', args: ['-c'] })
    expect(r.exitCode).toBe(0)
    expect(r.stdout.trim()).toBe('11')
  })

  it('carries more than any buffer holds', async () => {
    const r = await runPiped({ command: 'head', args: ['-c', '67108864', '/dev/zero'] }, { command: 'wc', args: ['-c'] })
    expect(r.stdout.trim()).toBe('67108864')
  })

  it('fails with the first program, naming it, its exit code and its last output, when only it fails', async () => {
    const p = runPiped(sh('echo partial; echo "no such image" >&2; exit 3'), { command: 'cat', args: [] })
    await expect(p).rejects.toBeInstanceOf(CommandError)
    await expect(p).rejects.toThrow('sh -c echo partial; echo "no such image" >&2; exit 3 exited with 3: no such image')
  })

  it('fails with the second program when only it fails', async () => {
    await expect(runPiped(sh('printf x'), sh('cat > /dev/null; echo "tar: bad" >&2; exit 2'))).rejects.toThrow('exited with 2: tar: bad')
  })

  it('names both when both fail, as a reader that stops early makes the writer fail too', async () => {
    const p = runPiped({ command: 'head', args: ['-c', '67108864', '/dev/zero'] }, sh('echo "stopped" >&2; exit 5'))
    await expect(p).rejects.toThrow(
      /^head -c 67108864 \/dev\/zero exited with [1-9][0-9]*: .*; sh -c echo "stopped" >&2; exit 5 exited with 5: stopped$/
    )
  })

  it('fails with exit code 127 when a program cannot start', async () => {
    await expect(runPiped({ command: 'archway-no-such-program', args: [] }, { command: 'cat', args: [] })).rejects.toThrow(
      /^archway-no-such-program exited with 127: .*ENOENT/
    )
  })
})

describe('a pipe from a stream into a program', () => {
  it("streams the bytes into the program's input", async () => {
    const r = await runPiped(Readable.from([Buffer.from('abc'), Buffer.from('de')]), { command: 'wc', args: ['-c'] })
    expect(r.stdout.trim()).toBe('5')
  })

  it("fails naming the stream when the stream fails, and the program's exit when it fails", async () => {
    const broken = new Readable({
      read() {
        this.destroy(new Error('blob sha256:abc is missing'))
      }
    })
    await expect(runPiped(broken, { command: 'cat', args: [] })).rejects.toThrow('(stream) | cat exited with 1: blob sha256:abc is missing')
    await expect(runPiped(Readable.from(['x']), sh('exit 4'))).rejects.toThrow('sh -c exit 4 exited with 4')
  })
})
