import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  setMatrixPlanOutputs
} from "./chunks/chunk-HDEWX3RU.js";
import {
  formatPlatform,
  parsePlatforms,
  platformFacts,
  runStep
} from "./chunks/chunk-7VKCA2L2.js";
import "./chunks/chunk-F3BWMWNQ.js";
import "./chunks/chunk-WNQVWJY4.js";
import "./chunks/chunk-WNYJYB2X.js";
import "./chunks/chunk-64H2USGQ.js";
import "./chunks/chunk-IR6WKKZB.js";
import "./chunks/chunk-BZQWVCNM.js";
import "./chunks/chunk-4GAVUGPR.js";
import "./chunks/chunk-QFDZJLFJ.js";

// src/coordination/matrix-plan.ts
function planMatrix(platforms, nativeArm) {
  const runner = (p) => nativeArm && platformFacts(p).armRunner ? "ubuntu-24.04-arm" : "ubuntu-latest";
  return {
    include: platforms.map((p) => ({ platform: formatPlatform(p), runner: runner(p) })),
    platforms: platforms.map(formatPlatform).join(",")
  };
}

// src/entrypoints/plan.ts
await runStep("Archway could not plan the matrix", async () => {
  setMatrixPlanOutputs(planMatrix(parsePlatforms(process.env.PLATFORMS ?? ""), process.env.NATIVE_ARM === "true"));
});
