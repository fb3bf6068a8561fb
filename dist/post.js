import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  buildIndex,
  connect,
  getCredentials,
  loadState,
  mapLimit,
  parsePlatform
} from "./chunks/chunk-GPSP5DG4.js";
import {
  save
} from "./chunks/chunk-FVWPQ27C.js";
import "./chunks/chunk-ZCJDHQZA.js";
import "./chunks/chunk-N6ME2KMD.js";
import "./chunks/chunk-Q2D36NRX.js";
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
} from "./chunks/chunk-7J353CZK.js";
import "./chunks/chunk-IR6WKKZB.js";
import "./chunks/chunk-7GJN7XK5.js";
import "./chunks/chunk-QFDZJLFJ.js";

// src/publish/publish-index.ts
function indexFromState(s) {
  const images = s.images.map((i) => {
    const platform = parsePlatform(i.platform);
    if (!platform) throw new ArchwayError(`post state names an unknown platform ${i.platform}`);
    return { platform, manifest: { mediaType: i.mediaType, digest: i.digest, size: i.size } };
  });
  const index = buildIndex(images, s.annotations);
  if (index.digest !== s.digest) throw new ArchwayError(`the index rebuilt in the post step (${index.digest}) differs from the one announced (${s.digest})`);
  return index;
}
async function publishIndex(s, build, log) {
  const index = indexFromState(s);
  for (const target of s.targets) {
    const client = await connect(target.registry, build);
    const name = `${target.registry}/${target.repository}`;
    const missing = (await mapLimit(s.images, 8, async (i) => await client.headManifest(target.repository, i.digest) ? void 0 : i.platform)).filter(Boolean);
    if (missing.length) throw new ArchwayError(`${name} lacks the image of ${missing.join(", ")}; no tag was moved`);
    await client.putManifest(target.repository, index.digest, index.bytes, index.mediaType);
    await mapLimit(target.tags, 8, (tag) => client.putManifest(target.repository, tag, index.bytes, index.mediaType));
    log(`Published ${index.digest} as ${target.tags.map((t) => `${name}:${t}`).join(", ")}`);
  }
  return index;
}

// src/post.ts
async function run() {
  const state = loadState();
  if (state?.publish) {
    try {
      const publish = state.publish;
      const index = await group("Publish the index", () => publishIndex(publish, getCredentials(), (line) => info(line)));
      const tags = publish.targets.flatMap((t) => t.tags.map((tag) => `${t.registry}/${t.repository}:${tag}`));
      if (process.env.GITHUB_STEP_SUMMARY) await summary.addRaw(`
Index \`${index.digest}\` published as ${tags.map((t) => `\`${t}\``).join(", ")}.
`, true).write();
    } catch (err) {
      setFailed(err instanceof ArchwayError ? err.message : `Archway could not publish the index: ${errorMessage(err)}`);
      return;
    }
  }
  if (state?.qemuCache) {
    await save([...state.qemuCache.paths], state.qemuCache.key, { warning: (m) => warning(m), info: (m) => info(m) }).catch((err) => warning(`Saving QEMU to the Actions cache failed: ${errorMessage(err)}`));
  }
}

// src/entrypoints/post.ts
await run();
