import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  formatPlatform,
  formatReference
} from "./chunk-7VKCA2L2.js";
import {
  setOutput
} from "./chunk-F3BWMWNQ.js";

// src/action/outputs.ts
function setPlatformsOutput(platforms) {
  setOutput("platforms", platforms.map(formatPlatform).join(","));
}
function setQemuOutputs(q, byPlatform) {
  setOutput("qemu-version", q.debianVersion);
  setOutput("qemu-sha256", q.debSha256);
  setOutput("qemu-path", q.dir);
  setOutput("qemu-versions", JSON.stringify(Object.fromEntries(byPlatform)));
}
function setImageOutputs(o) {
  setOutput("image", `${o.image.registry}/${o.image.repository}`);
  setOutput("tags", o.tags.map(formatReference).join(","));
  if (o.images) setOutput("platform-digests", JSON.stringify(Object.fromEntries(o.images.map((i) => [i.platform, i.digest]))));
  if (o.digest) setOutput("digest", o.digest);
}
function setMatrixPlanOutputs(plan) {
  setOutput("matrix", JSON.stringify({ include: plan.include }));
  setOutput("platforms", plan.platforms);
}

export {
  setPlatformsOutput,
  setQemuOutputs,
  setImageOutputs,
  setMatrixPlanOutputs
};
