import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  commit,
  evict,
  lookup,
  qemuRoot
} from "./chunk-EX32TN2U.js";
import {
  settleAll
} from "./chunk-WPJLAUQR.js";
import {
  parseElf
} from "./chunk-WNYJYB2X.js";
import {
  sha256Hex
} from "./chunk-UW7OQIEV.js";
import {
  fetchHashed
} from "./chunk-D5HHU3RE.js";
import {
  run
} from "./chunk-WQR6LQPS.js";
import {
  VerificationError
} from "./chunk-4GAVUGPR.js";

// src/emulation/qemu/install.ts
import { createHash } from "node:crypto";
import { chmod, copyFile, lstat, mkdir, mkdtemp, readFile, rename, rm } from "node:fs/promises";
import { basename, dirname, join as join2 } from "node:path";

// src/emulation/qemu/deb.ts
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
var AR_MAGIC = "!<arch>\n";
var HEADER = 60;
function parseArMembers(deb) {
  if (deb.toString("latin1", 0, 8) !== AR_MAGIC) throw new VerificationError("not a Debian package: no ar header");
  const members = [];
  for (let at = 8; at + HEADER <= deb.length; ) {
    if (deb.toString("latin1", at + 58, at + 60) !== "`\n")
      throw new VerificationError(`not a Debian package: bad ar member header at byte ${at}`);
    const name = deb.toString("latin1", at, at + 16).trim().replace(/\/$/, "");
    const size = Number(deb.toString("latin1", at + 48, at + 58).trim());
    if (!Number.isSafeInteger(size) || at + HEADER + size > deb.length)
      throw new VerificationError(`not a Debian package: member ${name} overruns the file`);
    members.push({ name, offset: at + HEADER, size });
    at += HEADER + size + size % 2;
  }
  return members;
}
var TAR_FLAGS = {
  ".tar.xz": ["-I", "xz -T0"],
  ".tar.gz": ["-z"],
  ".tar.zst": ["--zstd"],
  ".tar": []
};
function tarMember(deb, prefix) {
  for (const member of parseArMembers(deb)) {
    const flags = member.name.startsWith(`${prefix}.`) ? TAR_FLAGS[member.name.slice(prefix.length)] : void 0;
    if (flags) return { member, flags };
  }
  throw new VerificationError(`not a Debian package: no ${prefix}.tar member`);
}
async function writeMember(deb, member, scratch) {
  const file = join(scratch, member.name);
  await writeFile(file, deb.subarray(member.offset, member.offset + member.size));
  return file;
}
async function readMd5sums(deb, scratch) {
  const { member, flags } = tarMember(deb, "control");
  const file = await writeMember(deb, member, scratch);
  const result = await run("tar", ["-x", "-O", ...flags, "-f", file, "./md5sums"], { allowFailure: true });
  const sums = /* @__PURE__ */ new Map();
  if (result.exitCode !== 0) return sums;
  for (const line of result.stdout.split("\n")) {
    const m = /^([0-9a-f]{32}) [ *](.+)$/.exec(line);
    if (m) sums.set(m[2], m[1]);
  }
  return sums;
}
async function extractFromDeb(deb, paths, dest, scratch) {
  const { member: data, flags } = tarMember(deb, "data");
  const tarFile = await writeMember(deb, data, scratch);
  const result = await run("tar", ["-x", ...flags, "--occurrence=1", "-f", tarFile, "-C", dest, ...paths], {
    allowFailure: true
  });
  const notFound = new Set([...result.stderr.matchAll(/(\S+): Not found in archive/g)].map((m) => m[1]));
  const otherErrors = result.stderr.split("\n").filter((l) => l.trim() && !/Not found in archive|Exiting with failure status/.test(l));
  if (result.exitCode !== 0 && otherErrors.length > 0) throw new VerificationError(`could not unpack ${data.name}: ${otherErrors[0]}`);
  return paths.filter((p) => !notFound.has(p));
}

// src/emulation/qemu/install.ts
function packagePath(pkg, emulator) {
  return pkg.layout === "static-suffix" ? `./usr/bin/qemu-${emulator}-static` : `./usr/bin/qemu-${emulator}`;
}
var md5sumsName = (path) => path.replace(/^\.\//, "");
async function ensureInstalled(pkg, o) {
  const existing = await lookup(o.toolCache, pkg.debianVersion, o.runnerArch, o.needed);
  const same = (existing.state === "ok" || existing.state === "partial") && existing.installed.debSha256 === pkg.sha256;
  if (same && existing.state === "ok") return { installed: existing.installed, unpacked: [], taken: [], reused: true };
  if (!same && existing.state !== "missing") await evict(o.toolCache, pkg.debianVersion, o.runnerArch);
  return { ...await install(pkg, o, same ? existing.installed : void 0), reused: false };
}
async function install(pkg, o, into) {
  const url = `${o.from ?? o.mirror}/${pkg.filename}`;
  await mkdir(qemuRoot(o.toolCache), { recursive: true });
  const work = await mkdtemp(join2(qemuRoot(o.toolCache), ".work-"));
  try {
    const what = `${pkg.package} ${pkg.debianVersion}`;
    const { bytes: deb, sha256: debSha256 } = await (o.deb?.url === url ? o.deb.read : fetchHashed(o.fetch, url, what));
    if (debSha256 !== pkg.sha256 || deb.length !== pkg.size) {
      throw new VerificationError(
        `${url} has SHA-256 ${debSha256} (${deb.length} bytes), but the signed Packages index says ${pkg.sha256} (${pkg.size} bytes); nothing was kept`
      );
    }
    const unpackedDir = join2(work, "unpacked");
    const staged = join2(work, "staged");
    await mkdir(unpackedDir);
    await mkdir(staged);
    const sums = await readMd5sums(deb, work);
    const holds = sums.size > 0 ? o.emulators.filter((e) => sums.has(md5sumsName(packagePath(pkg, e)))) : void 0;
    const absent = (e) => !(into && e in into.binaries);
    const wanted = holds ? o.needed.filter((e) => holds.includes(e) && absent(e)) : o.emulators;
    const paths = wanted.map((e) => packagePath(pkg, e));
    const kept = holds && o.keptEmulators ? await takeKept(sums, paths, o.keptEmulators, unpackedDir) : /* @__PURE__ */ new Map();
    const toUnpack = paths.filter((path) => !kept.has(path));
    const unpacked = toUnpack.length > 0 ? await extractFromDeb(deb, toUnpack, unpackedDir, work) : [];
    const staging = o.emulators.filter((e) => kept.has(packagePath(pkg, e)) || unpacked.includes(packagePath(pkg, e))).map(async (e) => {
      const from = packagePath(pkg, e);
      const data = await readFile(join2(unpackedDir, from));
      const md5 = kept.get(from);
      const actual = md5 && createHash("md5").update(data).digest("hex");
      if (md5 && actual !== md5)
        throw new VerificationError(`the kept qemu-${e} has MD5 ${actual}, but the md5sums of the verified .deb give ${from} ${md5}`);
      const elf = parseElf(data.subarray(0, 64 * 1024));
      if (!elf || elf.dynamic)
        throw new VerificationError(
          `${from} in ${url} is not a statically linked ELF program; it cannot serve as a binfmt_misc interpreter for containers`
        );
      const to = join2(staged, `qemu-${e}`);
      await rename(join2(unpackedDir, from), to);
      await chmod(to, 493);
      return [e, sha256Hex(data)];
    });
    const binaries = Object.fromEntries(await settleAll(staging));
    const manifest = { ...pkg, debSha256, url: `${o.mirror}/${pkg.filename}`, binaries, ...holds ? { holds } : {} };
    const installed = await commit(staged, o.toolCache, manifest, o.runnerArch, into);
    const name = (path) => basename(path).replace(/^qemu-|-static$/g, "");
    return { installed, unpacked: unpacked.map(name), taken: [...kept.keys()].map(name) };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
async function takeKept(sums, wanted, keptDir, dest) {
  const taken = /* @__PURE__ */ new Map();
  for (const path of wanted) {
    const sum = sums.get(md5sumsName(path));
    if (!sum) continue;
    const s = await lstat(join2(keptDir, basename(path))).catch(() => void 0);
    if (!s) continue;
    if (!s.isFile()) throw new VerificationError(`the kept ${basename(path)} is not a regular file`);
    taken.set(path, sum);
  }
  for (const path of taken.keys()) {
    await mkdir(join2(dest, dirname(path)), { recursive: true });
    const [from, to] = [join2(keptDir, basename(path)), join2(dest, path)];
    await rename(from, to).catch(() => copyFile(from, to));
  }
  return taken;
}

export {
  readMd5sums,
  extractFromDeb,
  packagePath,
  md5sumsName,
  ensureInstalled,
  install,
  takeKept
};
