import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  sha256Hex
} from "./chunk-UW7OQIEV.js";

// src/emulation/qemu/toolcache.ts
import { access, lstat, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join, sep } from "node:path";
var MANIFEST = "archway-qemu.json";
function qemuRoot(toolCache) {
  return join(toolCache, "qemu");
}
function versionDir(toolCache, debianVersion, runnerArch) {
  return join(qemuRoot(toolCache), debianVersion.replace(/:/g, "%3a"), runnerArch);
}
function binaryPath(installed, emulator) {
  return join(installed.dir, `qemu-${emulator}`);
}
function notInstalled(installed, wanted) {
  return wanted.filter((e) => !(e in installed.binaries) && (installed.holds ?? []).includes(e));
}
async function lookup(toolCache, debianVersion, runnerArch, emulators) {
  const dir = versionDir(toolCache, debianVersion, runnerArch);
  let installed;
  try {
    await readFile(`${dir}.complete`);
    installed = { ...JSON.parse(await readFile(join(dir, MANIFEST), "utf8")), dir };
  } catch {
    return { state: "missing" };
  }
  for (const e of emulators) {
    const want = installed.binaries[e];
    if (want === void 0) continue;
    const path = binaryPath(installed, e);
    let data;
    try {
      data = await readFile(path);
    } catch {
      return { state: "altered", path };
    }
    if (sha256Hex(data) !== want) return { state: "altered", path };
  }
  const missing = notInstalled(installed, emulators);
  return missing.length > 0 ? { state: "partial", installed, missing } : { state: "ok", installed };
}
async function readManifest(dir) {
  return JSON.parse(await readFile(join(dir, MANIFEST), "utf8"));
}
async function writeManifest(dir, manifest) {
  const part = join(dir, `.${MANIFEST}.${process.pid}-${Date.now()}`);
  await writeFile(part, `${JSON.stringify(manifest, null, 2)}
`);
  await rename(part, join(dir, MANIFEST));
}
async function addTo(dir, staged, debSha256, binaries) {
  for (let attempt = 0; ; attempt++) {
    const current = await readManifest(dir);
    if (current.debSha256 !== debSha256)
      throw new Error(
        `another job put another build of QEMU ${current.debianVersion} in the tool cache at the same moment; run the job again`
      );
    const adding = Object.keys(binaries).filter((e) => current.binaries[e] === void 0);
    if (adding.length === 0) return { ...current, dir };
    if (attempt === 10) throw new Error(`the manifest in ${dir} kept changing while emulators were added to it`);
    for (const e of adding) {
      const to = join(dir, `qemu-${e}`);
      await rename(join(staged, `qemu-${e}`), to).catch(async (err) => {
        if (attempt === 0 || !await exists(to)) throw err;
      });
    }
    const added = Object.fromEntries(adding.map((e) => [e, binaries[e]]));
    await writeManifest(dir, { ...current, binaries: { ...current.binaries, ...added } });
  }
}
async function evict(toolCache, debianVersion, runnerArch) {
  const dir = versionDir(toolCache, debianVersion, runnerArch);
  await rm(`${dir}.complete`, { force: true });
  await rm(dir, { recursive: true, force: true });
}
async function commit(staged, toolCache, installed, runnerArch, into) {
  const dir = versionDir(toolCache, installed.debianVersion, runnerArch);
  if (into) return addTo(dir, staged, installed.debSha256, installed.binaries);
  await writeFile(join(staged, MANIFEST), `${JSON.stringify(installed, null, 2)}
`);
  await mkdir(join(dir, ".."), { recursive: true });
  try {
    await rename(staged, dir);
  } catch (err) {
    const code = err.code;
    if (code !== "ENOTEMPTY" && code !== "EEXIST") throw err;
    if (await waitFor(`${dir}.complete`, COMMIT_WAIT_MS)) return addTo(dir, staged, installed.debSha256, installed.binaries);
    const aside = `${dir}.stale-${process.pid}-${Date.now()}`;
    await rename(dir, aside);
    await rm(aside, { recursive: true, force: true });
    await rename(staged, dir);
  }
  await writeFile(`${dir}.complete`, "");
  return { ...installed, dir };
}
var COMMIT_WAIT_MS = 1e4;
async function waitFor(path, ms) {
  for (const until = Date.now() + ms; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
    if (await exists(path)) return true;
  }
  return exists(path);
}
async function exists(path) {
  return access(path).then(
    () => true,
    () => false
  );
}
async function snapshot(toolCache) {
  const root = qemuRoot(toolCache);
  const files = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  const out = /* @__PURE__ */ new Map();
  for (const f of files) {
    if (f.isDirectory()) continue;
    const path = join(f.parentPath, f.name);
    const s = await lstat(path).catch(() => void 0);
    if (s) out.set(path.slice(root.length + 1), s.ctimeMs);
  }
  return out;
}
async function discardWrittenSince(toolCache, before) {
  const root = qemuRoot(toolCache);
  const doomed = /* @__PURE__ */ new Set();
  for (const [path, ctime] of await snapshot(toolCache)) {
    const [first, second] = path.split(sep);
    if (before.get(path) === ctime || first.startsWith(".work-")) continue;
    if (first !== "resolved" && second !== void 0) {
      const runnerArch = second.replace(/\.complete$/, "");
      doomed.add(join(first, `${runnerArch}.complete`));
      doomed.add(join(first, runnerArch));
    } else doomed.add(path);
  }
  for (const path of doomed) await rm(join(root, path), { recursive: true, force: true });
  return [...doomed].sort();
}

export {
  qemuRoot,
  binaryPath,
  lookup,
  evict,
  commit,
  snapshot,
  discardWrittenSince
};
