import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  getExecOutput
} from "./chunk-BZQWVCNM.js";
import {
  ArchwayError,
  oneLine
} from "./chunk-4GAVUGPR.js";

// src/shared/exec.ts
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { Readable } from "node:stream";
function outputTail(result, max = 500) {
  const text = oneLine(result.stderr.trim() || result.stdout.trim());
  return text.length > max ? `...${text.slice(-max)}` : text;
}
var ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
function buildxError(result, max = 2e3) {
  const lines = (result.stderr.trim() ? result.stderr : result.stdout).replace(ANSI, "").split("\n");
  let end = lines.length - 1;
  while (end >= 0 && !lines[end].startsWith("ERROR:")) end--;
  if (end < 0) return void 0;
  let start = end;
  while (start > 0 && lines[start - 1].startsWith("ERROR:")) start--;
  const text = oneLine(
    lines.slice(start, end + 1).join("\n").trim()
  );
  return text.length > max ? `...${text.slice(-max)}` : text;
}
function failureReason(command, result) {
  return (/^docker buildx /.test(command) ? buildxError(result) : void 0) ?? outputTail(result);
}
var CommandError = class extends ArchwayError {
  constructor(command, result) {
    super(`${command} exited with ${result.exitCode}: ${failureReason(command, result)}`);
    this.command = command;
    this.result = result;
  }
  command;
  result;
};
async function run(command, args, options = {}) {
  const out = await getExecOutput(command, [...args], {
    input: options.input,
    cwd: options.cwd,
    env: options.env,
    silent: !options.echo,
    ignoreReturnCode: true
  });
  const result = { exitCode: out.exitCode, stdout: out.stdout, stderr: out.stderr };
  if (result.exitCode !== 0 && !options.allowFailure) throw new CommandError([command, ...args].join(" "), result);
  return result;
}
var commandLine = (c) => [c.command, ...c.args].join(" ");
var KEEP = 64 * 1024;
function ended(child, line, keepStdout) {
  let stdout = "";
  let stderr = "";
  if (keepStdout) child.stdout?.setEncoding("utf8").on("data", (d) => stdout += d);
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (d) => stderr = (stderr + d).slice(-KEEP));
  return new Promise((resolve) => {
    child.on("error", (err) => resolve({ line, result: { exitCode: 127, stdout, stderr: `${stderr}${err.message}` } }));
    child.on("close", (code, signal) => {
      const exitCode = code ?? 128 + (signal ? constants.signals[signal] : 0);
      resolve({ line, result: { exitCode, stdout, stderr } });
    });
  });
}
async function runPiped(from, to) {
  if (from instanceof Readable) {
    const sink = spawn(to.command, [...to.args], { stdio: ["pipe", "pipe", "pipe"] });
    const source = from;
    let sourceError;
    source.on("error", (err) => {
      sourceError = err;
      sink.stdin.destroy();
    });
    sink.stdin.on("error", () => source.destroy());
    source.pipe(sink.stdin);
    const done = await ended(sink, commandLine(to), true);
    if (sourceError) throw new CommandError(`(stream) | ${done.line}`, { exitCode: 1, stdout: "", stderr: sourceError.message });
    return check([done]);
  }
  const first = spawn(from.command, [...from.args], { stdio: ["ignore", "pipe", "pipe"] });
  const second = spawn(to.command, [...to.args], { stdio: [first.stdout, "pipe", "pipe"] });
  first.stdout.destroy();
  const both = await Promise.all([ended(first, commandLine(from), false), ended(second, commandLine(to), true)]);
  return check(both);
}
function check(sides) {
  const failed = sides.filter((s) => s.result.exitCode !== 0);
  if (failed.length === 1) throw new CommandError(failed[0].line, failed[0].result);
  if (failed.length > 1) {
    const [a, b] = failed;
    throw new ArchwayError(
      `${a.line} exited with ${a.result.exitCode}: ${outputTail(a.result, 250)}; ${b.line} exited with ${b.result.exitCode}: ${outputTail(b.result, 250)}`
    );
  }
  return sides[sides.length - 1].result;
}

export {
  outputTail,
  CommandError,
  run,
  runPiped
};
