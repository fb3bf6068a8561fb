import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  loadState
} from "./chunks/chunk-FEDNFLBM.js";
import {
  save
} from "./chunks/chunk-FVWPQ27C.js";
import "./chunks/chunk-N6ME2KMD.js";
import {
  errorMessage
} from "./chunks/chunk-WXXSKNG5.js";
import {
  info,
  warning
} from "./chunks/chunk-7J353CZK.js";
import "./chunks/chunk-IR6WKKZB.js";
import "./chunks/chunk-7GJN7XK5.js";
import "./chunks/chunk-QFDZJLFJ.js";

// src/post.ts
async function run() {
  try {
    const state = loadState();
    if (state?.qemuCache) await save(state.qemuCache.paths, state.qemuCache.key, { warning: (m) => warning(m), info: (m) => info(m) });
  } catch (err) {
    warning(`Archway post step: ${errorMessage(err)}`);
  }
}

// src/entrypoints/post.ts
await run();
