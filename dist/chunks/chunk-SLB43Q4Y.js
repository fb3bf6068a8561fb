import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);

// src/shared/runner-temp.ts
import { tmpdir } from "node:os";
var runnerTemp = () => process.env.RUNNER_TEMP || tmpdir();

export {
  runnerTemp
};
