#!/usr/bin/env node
// Prefixes every line of stdin with the milliseconds since T0 (Unix time in ms, taken by the
// caller just before it started the program whose output this reads), and ends with
// "<ms> EOF" when the input closes: the log of a step with the time each line appeared.
//   program 2>&1 | node bench/lib/stamp.mjs T0 > log
import { createInterface } from 'node:readline'

const t0 = Number(process.argv[2])
if (!Number.isFinite(t0)) {
  console.error('usage: stamp.mjs T0_MS')
  process.exit(2)
}
const ms = () => (performance.timeOrigin + performance.now() - t0).toFixed(1)
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
lines.on('line', line => process.stdout.write(`${ms()} ${line}\n`))
lines.on('close', () => process.stdout.write(`${ms()} EOF\n`))
