import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  runnerTemp
} from "./chunk-SLB43Q4Y.js";
import {
  extractFromDeb,
  md5sumsName,
  packagePath,
  readMd5sums
} from "./chunk-WMTCGLD5.js";
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
} from "./chunk-ZZOUXBOC.js";
import {
  readSuite,
  unpackIndex
} from "./chunk-D5HHU3RE.js";
import {
  VerificationError,
  errorMessage
} from "./chunk-4GAVUGPR.js";

// src/emulation/qemu/kept.ts
import { constants } from "node:fs";
import { copyFile, link, lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
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
  const index = join(dir, "dists", alias, "main", `binary-${o.arch}`, "Packages");
  const unpackedIndex = await lstat(index).then(
    (s) => s.isFile(),
    () => false
  );
  const suite = await readSuite(alias, PACKAGE_NAMES, { ...o, mirror: dir, fetch: keptFetcher, unpackedIndex });
  const chosen = choose(query, staticPackage(suite));
  if (!chosen) throw new VerificationError(`the signed index of ${alias} it holds has no QEMU that fits qemu-version ${query.text}`);
  warnIfExpired(chosen, suite.release, o);
  return chosen;
}
async function completeEntry(dir, emulators, log) {
  const added = await completeKept(dir, emulators).catch((err) => {
    log.warning(`Could not add the other emulators to the QEMU entry to save: ${errorMessage(err)}`);
    return [];
  });
  if (added.length > 0)
    log.info(`Unpacked ${added.map((e) => `qemu-${e}`).join(", ")} from the .deb into the entry, for the jobs that need them`);
  const indexes = await unpackKeptIndex(dir).catch((err) => {
    log.warning(`Could not unpack the Packages index of the QEMU entry to save: ${errorMessage(err)}`);
    return [];
  });
  if (indexes.length > 0) log.info(`Unpacked ${indexes.join(", ")} in the entry, checked by its own hash in the InRelease when restored`);
}
async function unpackKeptIndex(dir) {
  const done = [];
  for (const alias of await readdir(join(dir, "dists")).catch(() => [])) {
    const inRelease = await readFile(join(dir, "dists", alias, "InRelease"), "utf8").catch(() => "");
    const main = join(dir, "dists", alias, "main");
    for (const arch of await readdir(main).catch(() => [])) {
      const unpacked = `main/${arch}/Packages`;
      if (!inRelease.split(/\r?\n/).some((line) => line.endsWith(` ${unpacked}`))) continue;
      const files = await readdir(join(main, arch));
      const packed = ["Packages.gz", "Packages.xz"].find((f) => files.includes(f));
      if (!packed) continue;
      const from = join(main, arch, packed);
      const bytes = await unpackIndex(await readFile(from), packed.endsWith(".gz") ? "gz" : "xz");
      await writeFile(join(main, arch, "Packages"), bytes);
      await rm(from);
      done.push(join("dists", alias, unpacked));
    }
  }
  return done;
}
async function keptDebPath(dir) {
  const debs = (await readdir(join(dir, "pool"), { recursive: true }).catch(() => [])).filter((f) => f.endsWith(".deb"));
  return debs.length === 1 ? `${dir}/pool/${debs[0]}` : void 0;
}
async function completeKept(dir, emulators) {
  const path = await keptDebPath(dir);
  if (!path) return [];
  const deb = await readFile(path);
  const scratch = await mkdtemp(join(runnerTemp(), "archway-kept-"));
  try {
    const sums = await readMd5sums(deb, scratch);
    const kept = new Set(await readdir(keptEmulatorsDir(dir)).catch(() => []));
    const wanted = /* @__PURE__ */ new Map();
    for (const e of emulators) {
      const path2 = LAYOUTS.map((layout) => packagePath({ layout }, e)).find((p) => sums.has(md5sumsName(p)));
      if (path2 && !kept.has(`qemu-${e}`)) wanted.set(path2, e);
    }
    if (wanted.size === 0) return [];
    const out = join(scratch, "out");
    await mkdir(out);
    const got = await extractFromDeb(deb, [...wanted.keys()], out, scratch);
    await mkdir(keptEmulatorsDir(dir), { recursive: true });
    for (const path2 of got) await rename(join(out, path2), join(keptEmulatorsDir(dir), `qemu-${wanted.get(path2)}`));
    return got.map((path2) => wanted.get(path2));
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
  completeEntry,
  unpackKeptIndex,
  keptDebPath,
  completeKept
};
