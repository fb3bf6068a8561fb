import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  parseElf
} from "./chunk-ATW73TXN.js";
import {
  extractFromDeb,
  readMd5sums
} from "./chunk-3T5AYIA3.js";
import {
  commit,
  evict,
  lookup,
  qemuRoot
} from "./chunk-P66M5DIW.js";
import {
  fetchOrExplain
} from "./chunk-4N2PG2EK.js";
import {
  sha256Hex
} from "./chunk-6PV27GIQ.js";
import {
  VerificationError
} from "./chunk-WXXSKNG5.js";

// src/qemu/install.ts
import { createHash } from "node:crypto";
import { chmod, copyFile, lstat, mkdir, mkdtemp, readFile, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
function packagePath(pkg, emulator) {
  return pkg.layout === "static-suffix" ? `./usr/bin/qemu-${emulator}-static` : `./usr/bin/qemu-${emulator}`;
}
async function ensureInstalled(pkg, o) {
  const existing = await lookup(o.toolCache, pkg.debianVersion, o.host, o.needed);
  const same = (existing.state === "ok" || existing.state === "partial") && existing.installed.debSha256 === pkg.sha256;
  if (same && existing.state === "ok") return { installed: existing.installed, unpacked: [], taken: [], reused: true };
  if (!same && existing.state !== "missing") await evict(o.toolCache, pkg.debianVersion, o.host);
  return { ...await install(pkg, o, same ? existing.installed : void 0), reused: false };
}
async function install(pkg, o, into) {
  const url = `${o.from ?? o.mirror}/${pkg.filename}`;
  await mkdir(qemuRoot(o.toolCache), { recursive: true });
  const work = await mkdtemp(join(qemuRoot(o.toolCache), ".work-"));
  try {
    const debFile = await fetchOrExplain(o.fetch, url, `${pkg.package} ${pkg.debianVersion}`);
    const deb = await readFile(debFile);
    await rm(debFile, { force: true });
    const debSha256 = sha256Hex(deb);
    if (debSha256 !== pkg.sha256 || deb.length !== pkg.size) {
      throw new VerificationError(
        `${url} has SHA-256 ${debSha256} (${deb.length} bytes), but the signed Packages index says ${pkg.sha256} (${pkg.size} bytes); nothing was kept`
      );
    }
    const unpackedDir = join(work, "unpacked");
    const staged = join(work, "staged");
    await mkdir(unpackedDir);
    await mkdir(staged);
    const sums = await readMd5sums(deb, work);
    const holds = sums.size > 0 ? o.emulators.filter((e) => sums.has(packagePath(pkg, e).slice(2))) : void 0;
    const absent = (e) => !(into && e in into.binaries);
    const wanted = holds ? o.needed.filter((e) => holds.includes(e) && absent(e)) : o.emulators;
    const paths = wanted.map((e) => packagePath(pkg, e));
    const kept = holds && o.keptEmulators ? await takeKept(sums, paths, o.keptEmulators, unpackedDir) : /* @__PURE__ */ new Map();
    const toUnpack = paths.filter((path) => !kept.has(path));
    const unpacked = toUnpack.length > 0 ? await extractFromDeb(deb, toUnpack, unpackedDir, work) : [];
    const binaries = {};
    for (const e of o.emulators) {
      const from = packagePath(pkg, e);
      if (!kept.has(from) && !unpacked.includes(from)) continue;
      const data = await readFile(join(unpackedDir, from));
      const md5 = kept.get(from);
      const actual = md5 && createHash("md5").update(data).digest("hex");
      if (md5 && actual !== md5)
        throw new VerificationError(`the kept qemu-${e} has MD5 ${actual}, but the md5sums of the verified .deb give ${from} ${md5}`);
      const elf = parseElf(data.subarray(0, 64 * 1024));
      if (!elf || elf.dynamic)
        throw new VerificationError(
          `${from} in ${url} is not a statically linked ELF program; it cannot serve as a binfmt_misc interpreter for containers`
        );
      const to = join(staged, `qemu-${e}`);
      await rename(join(unpackedDir, from), to);
      await chmod(to, 493);
      binaries[e] = sha256Hex(data);
    }
    const manifest = { ...pkg, debSha256, url: `${o.mirror}/${pkg.filename}`, binaries, ...holds ? { holds } : {} };
    const installed = await commit(staged, o.toolCache, manifest, o.host, into);
    const name = (path) => basename(path).replace(/^qemu-|-static$/g, "");
    return { installed, unpacked: unpacked.map(name), taken: [...kept.keys()].map(name) };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
async function takeKept(sums, wanted, keptDir, dest) {
  const taken = /* @__PURE__ */ new Map();
  for (const path of wanted) {
    const sum = sums.get(path.replace(/^\.\//, ""));
    if (!sum) continue;
    const s = await lstat(join(keptDir, basename(path))).catch(() => void 0);
    if (!s) continue;
    if (!s.isFile()) throw new VerificationError(`the kept ${basename(path)} is not a regular file`);
    taken.set(path, sum);
  }
  for (const path of taken.keys()) {
    await mkdir(join(dest, dirname(path)), { recursive: true });
    const [from, to] = [join(keptDir, basename(path)), join(dest, path)];
    await rename(from, to).catch(() => copyFile(from, to));
  }
  return taken;
}

export {
  packagePath,
  ensureInstalled,
  install,
  takeKept
};
