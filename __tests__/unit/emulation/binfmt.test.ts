import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { jest } from '@jest/globals'
import { tempDir } from '../../helpers/tmp.js'

const getExecOutput =
  jest.fn<(cmd: string, args?: string[], opts?: { input?: Buffer }) => Promise<{ exitCode: number; stdout: string; stderr: string }>>()
jest.unstable_mockModule('@actions/exec', () => ({ getExecOutput }))
const { ALL_PLATFORMS, binfmtMagic, qemuArch } = await import('../../../src/shared/platform.js')
const { Binfmt, parseEntryFile, parseRegistrationLine, registrationLine, sameEntry, wantedEntry } = await import(
  '../../../src/emulation/binfmt.js'
)
const { setUpEmulation } = await import('../../../src/emulation/emulation.js')
const { EnvironmentError } = await import('../../../src/shared/errors.js')
const { parsePlatformList } = await import('../../../src/shared/platform.js')

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'debian-binfmt.d')

describe('binfmt_misc registration lines', () => {
  it("holds the platform table's magic and mask of every emulator to the lines Debian ships", async () => {
    const files = (await readdir(fixtures)).filter(f => f.endsWith('.conf'))
    const emulators = [...new Set(ALL_PLATFORMS.map(qemuArch))].sort()
    expect(files.map(f => f.replace(/^qemu-|\.conf$/g, '')).sort()).toEqual(emulators)
    for (const file of files) {
      const debian = parseRegistrationLine(await readFile(join(fixtures, file), 'utf8'))
      const emulator = debian.name.replace(/^qemu-/, '')
      expect({ emulator, ...binfmtMagic(emulator) }).toEqual({ emulator, magic: debian.magic, mask: debian.mask })
    }
  })

  it('writes the kernel line with escaped magic and mask, the interpreter and the flags', () => {
    expect(registrationLine(wantedEntry('aarch64', '/opt/tc/qemu/1%3a10.0/amd64/qemu-aarch64', 'F'))).toBe(
      ':qemu-aarch64:M::\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:/opt/tc/qemu/1%3a10.0/amd64/qemu-aarch64:F'
    )
  })

  it('refuses an interpreter path with a colon, which would break the line', () => {
    expect(() => registrationLine(wantedEntry('s390x', '/tc/qemu/1:10.0/qemu-s390x', 'F'))).toThrow('contains a colon')
  })
})

const aarch64 = binfmtMagic('aarch64')!
const kernelEntry = (interpreter: string, flags: string) =>
  `enabled\ninterpreter ${interpreter}\nflags: ${flags}\noffset 0\nmagic ${aarch64.magic}\nmask ${aarch64.mask}\n`

describe('existing entries', () => {
  const wanted = wantedEntry('aarch64', '/tc/qemu-aarch64', 'F')

  it('count as the same when interpreter, magic, mask and flags match', () => {
    expect(sameEntry(parseEntryFile('qemu-aarch64', kernelEntry('/tc/qemu-aarch64', 'F')), wanted)).toBe(true)
  })

  it('differ on another interpreter, other flags, or when disabled', () => {
    expect(sameEntry(parseEntryFile('qemu-aarch64', kernelEntry('/usr/bin/qemu-aarch64-static', 'F')), wanted)).toBe(false)
    expect(sameEntry(parseEntryFile('qemu-aarch64', kernelEntry('/tc/qemu-aarch64', 'POCF')), wanted)).toBe(false)
    expect(sameEntry(parseEntryFile('qemu-aarch64', kernelEntry('/tc/qemu-aarch64', 'F').replace('enabled', 'disabled')), wanted)).toBe(
      false
    )
  })

  it('compare flags as the kernel prints them: C implies O, in its own order', () => {
    const cf = wantedEntry('aarch64', '/tc/qemu-aarch64', 'FPC')
    expect(sameEntry(parseEntryFile('qemu-aarch64', kernelEntry('/tc/qemu-aarch64', 'POCF')), cf)).toBe(true)
  })
})

describe('a binfmt_misc folder written as root', () => {
  it('leaves an identical entry alone and replaces a different one', async () => {
    const dir = tempDir('binfmt')
    await writeFile(join(dir, 'register'), '')
    await writeFile(join(dir, 'qemu-aarch64'), kernelEntry('/tc/qemu-aarch64', 'F'))
    await writeFile(join(dir, 'qemu-s390x'), kernelEntry('/elsewhere/qemu-s390x', 'F'))
    const b = new Binfmt(dir, true)
    expect(await b.ensure(wantedEntry('aarch64', '/tc/qemu-aarch64', 'F'))).toBe('unchanged')
    expect(await readFile(join(dir, 'register'), 'utf8')).toBe('')
    // A plain folder does not behave like the kernel's, so the replaced entry reads back as it was: the
    // write of -1 and then of the new line is what this pins.
    await expect(b.ensure(wantedEntry('s390x', '/tc/qemu-s390x', 'F'))).resolves.toBe('replaced')
    expect(await readFile(join(dir, 'qemu-s390x'), 'utf8')).toBe('-1')
    expect(await readFile(join(dir, 'register'), 'utf8')).toBe(registrationLine(wantedEntry('s390x', '/tc/qemu-s390x', 'F')))
    expect(getExecOutput).not.toHaveBeenCalled()
  })
})

describe('a binfmt_misc folder written by a user who is not root', () => {
  beforeEach(() => getExecOutput.mockReset())

  it('mounts through sudo when register is missing', async () => {
    getExecOutput.mockResolvedValue({ exitCode: 0, stdout: '', stderr: '' })
    const dir = tempDir('binfmt')
    expect(await new Binfmt(dir, false).ensureMounted()).toBe(true)
    expect(getExecOutput).toHaveBeenCalledWith('sudo', ['-n', 'mount', '-t', 'binfmt_misc', 'binfmt_misc', dir], expect.anything())
  })

  it('registers through sudo tee with the line on standard input', async () => {
    getExecOutput.mockResolvedValue({ exitCode: 0, stdout: '', stderr: '' })
    const dir = tempDir('binfmt')
    await writeFile(join(dir, 'register'), '')
    const wanted = wantedEntry('riscv64', '/tc/qemu-riscv64', 'F')
    expect(await new Binfmt(dir, false).ensure(wanted)).toBe('registered')
    expect(getExecOutput).toHaveBeenCalledTimes(1)
    const [cmd, args, opts] = getExecOutput.mock.calls[0]
    expect([cmd, args]).toEqual(['sudo', ['-n', 'tee', join(dir, 'register')]])
    expect(opts?.input?.toString()).toBe(registrationLine(wanted))
  })

  it('removes a different entry through sudo before registering', async () => {
    getExecOutput.mockResolvedValue({ exitCode: 0, stdout: '', stderr: '' })
    const dir = tempDir('binfmt')
    await writeFile(join(dir, 'register'), '')
    await writeFile(join(dir, 'qemu-aarch64'), kernelEntry('/usr/bin/qemu-aarch64-static', 'OCF'))
    expect(await new Binfmt(dir, false).ensure(wantedEntry('aarch64', '/tc/qemu-aarch64', 'F'))).toBe('replaced')
    expect(getExecOutput.mock.calls.map(c => [c[0], c[1], c[2]?.input?.toString().slice(0, 14)])).toEqual([
      ['sudo', ['-n', 'tee', join(dir, 'qemu-aarch64')], '-1'],
      ['sudo', ['-n', 'tee', join(dir, 'register')], ':qemu-aarch64:']
    ])
  })

  it('fails with one line naming the entry when sudo refuses', async () => {
    getExecOutput.mockResolvedValue({ exitCode: 1, stdout: '', stderr: 'sudo: a password is required\n' })
    const dir = tempDir('binfmt')
    await writeFile(join(dir, 'register'), '')
    await expect(new Binfmt(dir, false).ensure(wantedEntry('s390x', '/tc/qemu-s390x', 'F'))).rejects.toThrow(
      /registering qemu-s390x with binfmt_misc failed: .*a password is required/
    )
  })
})

describe('whether this process can register emulators at all, asked before anything is downloaded', () => {
  beforeEach(() => getExecOutput.mockReset())
  const refusal = (why: string) =>
    `Registering emulators with binfmt_misc needs root or password-less sudo: this step does not run as root, and "sudo -n true" failed (${why}); nothing was downloaded`

  it('as root: yes, without asking sudo', async () => {
    await expect(new Binfmt(tempDir('binfmt'), true).checkAccess()).resolves.toBeUndefined()
    expect(getExecOutput).not.toHaveBeenCalled()
  })

  it('as another user: yes when `sudo -n true` succeeds', async () => {
    getExecOutput.mockResolvedValue({ exitCode: 0, stdout: '', stderr: '' })
    await expect(new Binfmt(tempDir('binfmt'), false).checkAccess()).resolves.toBeUndefined()
    expect(getExecOutput.mock.calls.map(c => [c[0], c[1]])).toEqual([['sudo', ['-n', 'true']]])
  })

  it('as another user: no, in one line, when sudo wants a password', async () => {
    getExecOutput.mockResolvedValue({ exitCode: 1, stdout: '', stderr: 'sudo: a password is required\n' })
    const err = await new Binfmt(tempDir('binfmt'), false).checkAccess().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(EnvironmentError)
    expect((err as Error).message).toBe(refusal('it exited with 1: sudo: a password is required'))
  })

  it('as another user: no, in one line, when there is no sudo', async () => {
    getExecOutput.mockRejectedValue(
      new Error(
        'Unable to locate executable file: sudo. Please verify either the file path exists or the file can be found within a directory specified by the PATH environment variable. Also check the file mode to verify the file is executable.'
      )
    )
    await expect(new Binfmt(tempDir('binfmt'), false).checkAccess()).rejects.toThrow(refusal('there is no sudo on PATH'))
  })

  it('stops the set-up of emulation before QEMU is resolved or downloaded: nothing in the tool cache, nothing asked of the archive', async () => {
    getExecOutput.mockResolvedValue({ exitCode: 1, stdout: '', stderr: 'sudo: a password is required\n' })
    const toolCache = tempDir('tool-cache')
    const saved = process.env.RUNNER_TOOL_CACHE
    process.env.RUNNER_TOOL_CACHE = toolCache
    try {
      const inputs = {
        platforms: parsePlatformList('linux/arm64'),
        qemuVersion: { kind: 'stable', text: 'stable' } as const,
        qemuVersionFor: new Map(),
        // Nothing listens there: a set-up that went on to the archive would fail with another error.
        qemuMirror: 'http://127.0.0.1:1/debian',
        binfmtFlags: 'FP',
        cache: false
      }
      await expect(setUpEmulation(inputs, inputs.platforms, 'amd64', new Binfmt(tempDir('binfmt'), false))).rejects.toThrow(
        refusal('it exited with 1: sudo: a password is required')
      )
    } finally {
      if (saved === undefined) delete process.env.RUNNER_TOOL_CACHE
      else process.env.RUNNER_TOOL_CACHE = saved
    }
    expect(await readdir(toolCache)).toEqual([])
    expect(getExecOutput.mock.calls.map(c => [c[0], c[1]])).toEqual([['sudo', ['-n', 'true']]])
  })
})

describe('two processes registering at the same moment', () => {
  /** Two runners' copies of an emulator, with these contents; the kernel's register refusing every write (it exists). */
  async function race(ours: string, theirs: string) {
    getExecOutput.mockReset()
    const dir = tempDir('binfmt')
    // The kernel's register file refuses a name that exists: here, a register that is a folder refuses every write.
    const { mkdir, writeFile } = await import('node:fs/promises')
    await mkdir(join(dir, 'register'))
    const [a, b2] = [join(dir, 'runner-a-qemu-aarch64'), join(dir, 'runner-b-qemu-aarch64')]
    await writeFile(a, ours)
    await writeFile(b2, theirs)
    const b = new Binfmt(dir, true)
    // What the other process registered before our write reached the kernel.
    const other = kernelEntry(b2, 'PF')
    const read = b.read.bind(b)
    let calls = 0
    b.read = async (name: string) => (calls++ === 0 ? undefined : (parseEntryFile(name, other) as Awaited<ReturnType<typeof read>>))
    return { ensure: () => b.ensure(wantedEntry('aarch64', a, 'FP')), ours: a, theirs: b2 }
  }

  it('keep the entry the other one registered for the same binaries, when the kernel refuses the second line', async () => {
    expect(await (await race('\x7fELF qemu 10.0.13', '\x7fELF qemu 10.0.13')).ensure()).toBe('kept')
  })

  it('fail when the entry there runs another program (another QEMU, or one not checked), naming both', async () => {
    const r = await race('\x7fELF qemu 10.0.13', '\x7fELF qemu 9.2.0')
    await expect(r.ensure()).rejects.toThrow(`(the entry there runs ${r.theirs}, not ${r.ours})`)
  })

  it('still fail when what is there emulates something else', async () => {
    const dir = tempDir('binfmt')
    const { mkdir } = await import('node:fs/promises')
    await mkdir(join(dir, 'register'))
    const b = new Binfmt(dir, true)
    const wrong = kernelEntry('/elsewhere/qemu', 'F').replace(aarch64.magic, binfmtMagic('riscv64')!.magic)
    let calls = 0
    b.read = async (name: string) => (calls++ === 0 ? undefined : { ...parseEntryFile(name, wrong) })
    await expect(b.ensure(wantedEntry('aarch64', '/runner-a/qemu-aarch64', 'FP'))).rejects.toThrow(
      'registering qemu-aarch64 with binfmt_misc failed'
    )
  })
})
