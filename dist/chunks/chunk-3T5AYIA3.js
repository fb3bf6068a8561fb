import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  run
} from "./chunk-W5BM67ER.js";
import {
  VerificationError
} from "./chunk-WXXSKNG5.js";

// src/qemu/deb.ts
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

export {
  readMd5sums,
  extractFromDeb
};
