import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  ArchwayError,
  oneLine
} from "./chunk-WXXSKNG5.js";
import {
  getExecOutput
} from "./chunk-7GJN7XK5.js";

// src/exec.ts
function outputTail(result, max = 500) {
  const text = oneLine(result.stderr.trim() || result.stdout.trim());
  return text.length > max ? `...${text.slice(-max)}` : text;
}
var CommandError = class extends ArchwayError {
  constructor(command, result) {
    super(`${command} exited with ${result.exitCode}: ${outputTail(result)}`);
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

export {
  run
};
