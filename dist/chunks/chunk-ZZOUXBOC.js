import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  compareDebianVersions,
  qemuUpstreamVersion
} from "./chunk-64H2USGQ.js";
import {
  require_semver
} from "./chunk-IR6WKKZB.js";
import {
  readSuite
} from "./chunk-D5HHU3RE.js";
import {
  InputError
} from "./chunk-4GAVUGPR.js";
import {
  __toESM
} from "./chunk-QFDZJLFJ.js";

// src/emulation/qemu/resolve.ts
var import_semver = __toESM(require_semver(), 1);
var LAYOUTS = ["static-suffix", "plain"];
var ALL_SUITES = ["unstable", "testing", "stable-backports", "stable", "oldstable-backports", "oldstable"];
function suitesFor(q) {
  return q.kind === "stable" ? ["stable"] : ALL_SUITES;
}
var PACKAGE_NAMES = ["qemu-user-static", "qemu-user"];
function staticPackage(suite) {
  const byVersion = /* @__PURE__ */ new Map();
  for (const p of suite.packages) byVersion.set(p.version, [...byVersion.get(p.version) ?? [], p]);
  const out = [];
  for (const [version, stanzas] of byVersion) {
    const staticOne = stanzas.find((p) => p.package === "qemu-user-static");
    const userOne = stanzas.find((p) => p.package === "qemu-user");
    const holdsBinaries = staticOne && !/(^|[ ,|])qemu-user( |,|$)/.test(staticOne.depends);
    const chosen = holdsBinaries ? staticOne : userOne;
    const qemuVersion = qemuUpstreamVersion(version);
    if (!chosen || !qemuVersion) continue;
    out.push({
      debianVersion: version,
      qemuVersion,
      package: chosen.package,
      layout: holdsBinaries ? "static-suffix" : "plain",
      filename: chosen.filename,
      size: chosen.size,
      sha256: chosen.sha256,
      suite: suite.alias,
      codename: suite.release.codename
    });
  }
  return out;
}
function choose(q, candidates) {
  const fits = candidates.filter((c) => {
    switch (q.kind) {
      case "stable":
      case "latest":
        return true;
      case "exact":
        return compareDebianVersions(c.debianVersion, q.text) === 0;
      case "range":
        return import_semver.default.satisfies(c.qemuVersion, q.range);
      default:
        return false;
    }
  });
  return [...fits].sort(
    (a, b) => compareDebianVersions(b.debianVersion, a.debianVersion) || ALL_SUITES.indexOf(a.suite) - ALL_SUITES.indexOf(b.suite)
  )[0];
}
function describeAvailable(candidates) {
  return candidates.map((c) => `${c.qemuVersion} (${c.debianVersion}, ${c.suite}/${c.codename})`).join(", ");
}
async function resolveQemu(q, o) {
  const settled = await Promise.allSettled(suitesFor(q).map((alias) => readSuite(alias, PACKAGE_NAMES, o)));
  const failed = settled.find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
  const suites = settled.map((r) => r.value);
  const candidates = suites.flatMap(staticPackage);
  const chosen = choose(q, candidates);
  if (!chosen) {
    throw new InputError(
      "qemu-version",
      q.text,
      `no QEMU in ${o.mirror} matches it for ${o.arch}; the archive holds ${describeAvailable(candidates) || "none"}`
    );
  }
  const from = suites.find((s) => s.alias === chosen.suite);
  if (from) warnIfExpired(chosen, from.release, o);
  return chosen;
}
function warnIfExpired(chosen, release, o) {
  if (release.validUntil && release.validUntil < (o.now ?? /* @__PURE__ */ new Date())) {
    o.warn?.(
      `Debian suite ${chosen.suite} (${chosen.codename}) is past its Valid-Until (${release.validUntil.toISOString()}); using it, as its signature and hashes are intact`
    );
  }
}

export {
  LAYOUTS,
  ALL_SUITES,
  suitesFor,
  PACKAGE_NAMES,
  staticPackage,
  choose,
  describeAvailable,
  resolveQemu,
  warnIfExpired
};
