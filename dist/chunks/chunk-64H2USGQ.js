import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);

// src/emulation/qemu/debversion.ts
var DEBIAN_VERSION = /^(?:(\d+):)?([0-9][A-Za-z0-9.+~:-]*?)(?:-([A-Za-z0-9.+~]+))?$/;
function parseDebianVersion(text) {
  const m = DEBIAN_VERSION.exec(text.trim());
  if (!m) return void 0;
  const upstream = m[2];
  if (upstream.includes(":") && m[1] === void 0) return void 0;
  return { epoch: m[1] === void 0 ? 0 : Number(m[1]), upstream, revision: m[3] ?? "" };
}
function order(c) {
  if (c === void 0) return 0;
  if (c === "~") return -1;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}
function comparePart(a, b) {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let diff = 0;
    while (i < a.length && !/\d/.test(a[i]) || j < b.length && !/\d/.test(b[j])) {
      const ac = i < a.length && !/\d/.test(a[i]) ? a[i] : void 0;
      const bc = j < b.length && !/\d/.test(b[j]) ? b[j] : void 0;
      diff = order(ac) - order(bc);
      if (diff !== 0) return Math.sign(diff);
      if (ac !== void 0) i++;
      if (bc !== void 0) j++;
    }
    while (a[i] === "0") i++;
    while (b[j] === "0") j++;
    let firstDiff = 0;
    while (i < a.length && /\d/.test(a[i]) && j < b.length && /\d/.test(b[j])) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && /\d/.test(a[i])) return 1;
    if (j < b.length && /\d/.test(b[j])) return -1;
    if (firstDiff !== 0) return Math.sign(firstDiff);
  }
  return 0;
}
function compareDebianVersions(a, b) {
  const va = parseDebianVersion(a);
  const vb = parseDebianVersion(b);
  if (!va || !vb) throw new Error(`not a Debian version: ${!va ? a : b}`);
  if (va.epoch !== vb.epoch) return Math.sign(va.epoch - vb.epoch);
  return comparePart(va.upstream, vb.upstream) || comparePart(va.revision, vb.revision);
}
function qemuUpstreamVersion(debianVersion) {
  const v = parseDebianVersion(debianVersion);
  const m = v && /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(v.upstream);
  if (!m) return void 0;
  return `${Number(m[1])}.${Number(m[2])}.${Number(m[3] ?? 0)}`;
}

export {
  parseDebianVersion,
  compareDebianVersions,
  qemuUpstreamVersion
};
