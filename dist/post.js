import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  loadState,
  publishIndex,
  releaseOf,
  stageAndPublish
} from "./chunks/chunk-P2A2ZY3Z.js";
import {
  getCredentials
} from "./chunks/chunk-RMWXODNK.js";
import "./chunks/chunk-ZCJDHQZA.js";
import "./chunks/chunk-YSR6EK6T.js";
import "./chunks/chunk-Q2D36NRX.js";
import "./chunks/chunk-6PV27GIQ.js";
import {
  ArchwayError,
  errorMessage
} from "./chunks/chunk-WXXSKNG5.js";
import {
  group,
  info,
  setFailed,
  summary,
  warning
} from "./chunks/chunk-4MOIXKYJ.js";
import "./chunks/chunk-IR6WKKZB.js";
import "./chunks/chunk-7GJN7XK5.js";
import "./chunks/chunk-QFDZJLFJ.js";

// src/post.ts
async function run() {
  const state = loadState();
  if (state?.publish) {
    try {
      const publish = state.publish;
      const access = getCredentials();
      const outcome = await group("Publish the index", async () => {
        const o = publish.release ? await stageAndPublish(publish, releaseOf(publish.release), access) : await publishIndex(publish, access);
        o.lines.forEach((line) => info(line));
        return o;
      });
      if (outcome.index && process.env.GITHUB_STEP_SUMMARY) await summary.addRaw(`
${outcome.lines.join("\n\n")}
`, true).write();
    } catch (err) {
      setFailed(err instanceof ArchwayError ? err.message : `Archway could not publish the index: ${errorMessage(err)}`);
      return;
    }
  }
  if (state?.qemuCache) {
    const { save } = await import("./chunks/actions-cache-S7CMVQQQ.js");
    await save([...state.qemuCache.paths], state.qemuCache.key, { warning: (m) => warning(m), info: (m) => info(m) }).catch((err) => warning(`Saving QEMU to the Actions cache failed: ${errorMessage(err)}`));
  }
}

// src/entrypoints/post.ts
await run();
