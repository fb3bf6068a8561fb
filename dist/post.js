import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  loadState,
  publishFromState
} from "./chunks/chunk-32SKB743.js";
import "./chunks/chunk-DZ36BXRR.js";
import {
  ALL_PLATFORMS,
  emulatorsNeeded,
  hostDebianArch,
  runStep
} from "./chunks/chunk-7VKCA2L2.js";
import {
  info,
  warning
} from "./chunks/chunk-F3BWMWNQ.js";
import "./chunks/chunk-WNQVWJY4.js";
import "./chunks/chunk-WPJLAUQR.js";
import "./chunks/chunk-WNYJYB2X.js";
import "./chunks/chunk-UW7OQIEV.js";
import "./chunks/chunk-64H2USGQ.js";
import "./chunks/chunk-IR6WKKZB.js";
import "./chunks/chunk-WQR6LQPS.js";
import "./chunks/chunk-BZQWVCNM.js";
import {
  errorMessage
} from "./chunks/chunk-4GAVUGPR.js";
import "./chunks/chunk-QFDZJLFJ.js";

// src/post.ts
import { rm } from "node:fs/promises";
async function run() {
  const state = loadState();
  const publish = state?.publish;
  if (publish && !await runStep("Archway could not publish the index", () => publishFromState(publish))) return;
  for (const cache of state?.qemuCaches ?? []) await saveQemuCache(cache);
}
async function saveQemuCache(cache) {
  const [{ available, save }, { completeEntry }] = await Promise.all([
    import("./chunks/actions-cache-ARDLGVRR.js"),
    import("./chunks/kept-JW3BXQUW.js")
  ]);
  const log = { warning: (m) => warning(m), info: (m) => info(m) };
  if (available()) {
    const emulators = emulatorsNeeded(ALL_PLATFORMS, hostDebianArch());
    for (const dir of cache.paths) await completeEntry(dir, emulators, log);
  }
  await save([...cache.paths], cache.key, log).catch((err) => warning(`Saving QEMU to the Actions cache failed: ${errorMessage(err)}`));
  for (const path of cache.paths) await rm(path, { recursive: true, force: true }).catch(() => void 0);
}

// src/entrypoints/post.ts
await run();
