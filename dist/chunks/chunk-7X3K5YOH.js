import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  runnerTemp
} from "./chunk-SLB43Q4Y.js";
import {
  extractFromDeb,
  md5sumsName,
  packagePath,
  readMd5sums
} from "./chunk-JMPTS2OR.js";
import {
  binaryPath
} from "./chunk-EX32TN2U.js";
import {
  LAYOUTS,
  PACKAGE_NAMES,
  choose,
  staticPackage,
  suitesFor,
  warnIfExpired
} from "./chunk-D3JJJAMA.js";
import {
  readSuite
} from "./chunk-L3XENWWB.js";
import {
  VerificationError
} from "./chunk-4GAVUGPR.js";

// src/emulation/qemu/kept.ts
import { constants } from "node:fs";
import { copyFile, link, lstat, mkdir, mkdtemp, readdir, readFile, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
function keptDir(toolCache, key) {
  return join(toolCache, "qemu-debian", key.replace(/:/g, "%3a"));
}
function keptEmulatorsDir(dir) {
  return join(dir, "emulators");
}
var exists = (err) => err.code === "EEXIST";
async function linkOrCopy(from, to) {
  await link(from, to).catch((err) => {
    if (exists(err)) throw err;
    return copyFile(from, to, constants.COPYFILE_EXCL);
  });
}
async function keepEmulator(from, to) {
  await linkOrCopy(from, to).catch((err) => {
    if (!exists(err)) throw err;
  });
}
function keeper(fetch, mirror, dir) {
  const copies = /* @__PURE__ */ new Map();
  const discard = async () => {
    for (const copy of copies.values()) await rm(copy, { force: true });
    copies.clear();
  };
  return {
    fetch: async (url) => {
      const file = await fetch(url);
      if (url.startsWith(`${mirror}/`)) {
        const copy = `${file}.keep`;
        await linkOrCopy(file, copy);
        copies.set(url.slice(mirror.length + 1), copy);
      }
      return file;
    },
    commit: async (alias, installed) => {
      for (const [path, copy] of copies) {
        if (path.startsWith("dists/") && !path.startsWith(`dists/${alias}/`)) continue;
        const to = join(dir, path);
        await mkdir(dirname(to), { recursive: true });
        await rename(copy, to).catch(() => copyFile(copy, to));
      }
      await discard();
      if (!installed) return;
      await mkdir(keptEmulatorsDir(dir), { recursive: true });
      for (const e of Object.keys(installed.binaries)) {
        await keepEmulator(binaryPath(installed, e), join(keptEmulatorsDir(dir), `qemu-${e}`));
      }
    },
    discard
  };
}
var keptFetcher = async (path) => {
  const s = await lstat(path);
  if (!s.isFile()) throw new VerificationError(`${path} is not a regular file`);
  const own = `${path}.${process.pid}-${Date.now()}`;
  await linkOrCopy(path, own);
  return own;
};
function keptSuite(suites, query) {
  if (suites.length === 0) return void 0;
  if (suites.length > 1)
    throw new VerificationError(`it holds ${suites.length} suites (${[...suites].sort().join(", ")}), where one is kept`);
  const [alias] = suites;
  if (!suitesFor(query).includes(alias))
    throw new VerificationError(`it holds suite ${alias}, where qemu-version ${query.text} is not resolved`);
  return alias;
}
async function readKept(dir, query, o) {
  const alias = keptSuite(await readdir(join(dir, "dists")).catch(() => []), query);
  if (!alias) return void 0;
  const suite = await readSuite(alias, PACKAGE_NAMES, { ...o, mirror: dir, fetch: keptFetcher });
  const chosen = choose(query, staticPackage(suite));
  if (!chosen) throw new VerificationError(`the signed index of ${alias} it holds has no QEMU that fits qemu-version ${query.text}`);
  warnIfExpired(chosen, suite.release, o);
  return chosen;
}
async function completeKept(dir, emulators) {
  const debs = (await readdir(join(dir, "pool"), { recursive: true }).catch(() => [])).filter((f) => f.endsWith(".deb"));
  if (debs.length !== 1) return [];
  const deb = await readFile(join(dir, "pool", debs[0]));
  const scratch = await mkdtemp(join(runnerTemp(), "archway-kept-"));
  try {
    const sums = await readMd5sums(deb, scratch);
    const kept = new Set(await readdir(keptEmulatorsDir(dir)).catch(() => []));
    const wanted = /* @__PURE__ */ new Map();
    for (const e of emulators) {
      const path = LAYOUTS.map((layout) => packagePath({ layout }, e)).find((p) => sums.has(md5sumsName(p)));
      if (path && !kept.has(`qemu-${e}`)) wanted.set(path, e);
    }
    if (wanted.size === 0) return [];
    const out = join(scratch, "out");
    await mkdir(out);
    const got = await extractFromDeb(deb, [...wanted.keys()], out, scratch);
    await mkdir(keptEmulatorsDir(dir), { recursive: true });
    for (const path of got) await rename(join(out, path), join(keptEmulatorsDir(dir), `qemu-${wanted.get(path)}`));
    return got.map((path) => wanted.get(path));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export {
  keptDir,
  keptEmulatorsDir,
  keeper,
  keptFetcher,
  keptSuite,
  readKept,
  completeKept
};
