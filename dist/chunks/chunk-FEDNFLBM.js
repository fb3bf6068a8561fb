import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  getState,
  saveState
} from "./chunk-7J353CZK.js";

// src/state.ts
var STATE_VERSION = 1;
var KEY = "archway";
function saveState2(state) {
  saveState(KEY, JSON.stringify({ version: STATE_VERSION, ...state }));
}
function loadState() {
  const raw = getState(KEY);
  if (!raw) return void 0;
  try {
    const s = JSON.parse(raw);
    return s.version === STATE_VERSION ? s : void 0;
  } catch {
    return void 0;
  }
}

export {
  saveState2 as saveState,
  loadState
};
