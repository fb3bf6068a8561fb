import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  saveState
} from "./chunks/chunk-FEDNFLBM.js";
import {
  parseDebianVersion
} from "./chunks/chunk-ZCJDHQZA.js";
import {
  binaryPath,
  evict,
  lookup,
  qemuRoot,
  sha256
} from "./chunks/chunk-N6ME2KMD.js";
import {
  run
} from "./chunks/chunk-Q2D36NRX.js";
import {
  ArchwayError,
  EnvironmentError,
  InputError,
  errorMessage
} from "./chunks/chunk-WXXSKNG5.js";
import {
  debug,
  getInput,
  group,
  info,
  setFailed,
  setOutput,
  summary,
  warning
} from "./chunks/chunk-7J353CZK.js";
import {
  require_semver
} from "./chunks/chunk-IR6WKKZB.js";
import "./chunks/chunk-7GJN7XK5.js";
import {
  __toESM
} from "./chunks/chunk-QFDZJLFJ.js";

// src/platform.ts
var TABLE = [
  { platform: { os: "linux", architecture: "amd64" }, qemu: "x86_64", debian: "amd64", aliases: ["amd64", "x86_64", "x86-64"] },
  { platform: { os: "linux", architecture: "arm64" }, qemu: "aarch64", debian: "arm64", aliases: ["arm64", "arm64/v8", "aarch64"] },
  { platform: { os: "linux", architecture: "arm", variant: "v7" }, qemu: "arm", debian: "armhf", aliases: ["arm/v7", "arm", "armv7", "armhf"] },
  { platform: { os: "linux", architecture: "arm", variant: "v6" }, qemu: "arm", debian: "armel", aliases: ["arm/v6", "armv6", "armel"] },
  { platform: { os: "linux", architecture: "386" }, qemu: "i386", debian: "i386", aliases: ["386", "i386", "x86"] },
  { platform: { os: "linux", architecture: "s390x" }, qemu: "s390x", debian: "s390x", aliases: ["s390x"] },
  { platform: { os: "linux", architecture: "ppc64le" }, qemu: "ppc64le", debian: "ppc64el", aliases: ["ppc64le", "ppc64el"] },
  { platform: { os: "linux", architecture: "riscv64" }, qemu: "riscv64", debian: "riscv64", aliases: ["riscv64"] },
  { platform: { os: "linux", architecture: "mips64le" }, qemu: "mips64el", debian: "mips64el", aliases: ["mips64le", "mips64el"] },
  { platform: { os: "linux", architecture: "loong64" }, qemu: "loongarch64", debian: "loong64", aliases: ["loong64", "loongarch64"] }
];
var BY_ALIAS = new Map(TABLE.flatMap((f) => f.aliases.map((a) => [a, f])));
var BY_KEY = new Map(TABLE.map((f) => [formatPlatform(f.platform), f]));
var SUPPORTED_PLATFORMS = TABLE.map((f) => formatPlatform(f.platform));
function formatPlatform(p) {
  return [p.os, p.architecture, p.variant].filter(Boolean).join("/");
}
function parsePlatform(text) {
  const lower = text.trim().toLowerCase();
  const bare = lower.startsWith("linux/") ? lower.slice("linux/".length) : lower;
  return BY_ALIAS.get(bare)?.platform;
}
var PlatformListError = class extends Error {
  constructor(value) {
    super(`unsupported platform "${value}"`);
    this.value = value;
  }
  value;
};
function parsePlatformList(text) {
  const items = text.split(/[,\n]/).map((s) => s.trim()).filter((s) => s !== "");
  if (items.length === 0) throw new PlatformListError(text);
  const wanted = /* @__PURE__ */ new Set();
  for (const item of items) {
    if (item.toLowerCase() === "all") {
      SUPPORTED_PLATFORMS.forEach((k) => wanted.add(k));
      continue;
    }
    const p = parsePlatform(item);
    if (!p) throw new PlatformListError(item);
    wanted.add(formatPlatform(p));
  }
  return TABLE.map((f) => f.platform).filter((p) => wanted.has(formatPlatform(p)));
}
function facts(p) {
  const f = BY_KEY.get(formatPlatform(p));
  if (!f) throw new Error(`unsupported platform ${formatPlatform(p)}`);
  return f;
}
function qemuArch(p) {
  return facts(p).qemu;
}
function hostDebianArch(nodeArch = process.arch) {
  if (nodeArch === "x64") return "amd64";
  if (nodeArch === "arm64") return "arm64";
  throw new Error(`Archway runs on amd64 and arm64 hosts; this host is ${nodeArch}`);
}
function emulatorsNeeded(platforms, host) {
  const native = host === "amd64" ? /* @__PURE__ */ new Set(["x86_64", "i386"]) : /* @__PURE__ */ new Set(["aarch64"]);
  return [...new Set(platforms.map(qemuArch))].filter((q) => !native.has(q));
}
var ALL_PLATFORMS = TABLE.map((f) => f.platform);

// src/qemu/query.ts
var import_semver = __toESM(require_semver(), 1);
function parseQemuQuery(value) {
  const text = value.trim();
  const lower = text.toLowerCase();
  if (lower === "stable") return { kind: "stable", text: lower };
  if (lower === "latest") return { kind: "latest", text: lower };
  if (/^\d\S*[:+~-]/.test(text) && parseDebianVersion(text)) {
    return { kind: "exact", text };
  }
  const range = import_semver.default.validRange(text);
  if (range !== null && text !== "" && text !== "*") return { kind: "range", text, range };
  return void 0;
}

// src/inputs.ts
var DEFAULTS = {
  platforms: "all",
  qemuVersion: "stable",
  qemuMirror: "http://deb.debian.org/debian",
  binfmtFlags: "F",
  cache: "true"
};
var readInput = (name) => getInput(name);
function getInputs(read = readInput) {
  const get = (name, fallback) => {
    const v = read(name).trim();
    return v === "" ? fallback : v;
  };
  return {
    platforms: parsePlatforms(get("platforms", DEFAULTS.platforms)),
    qemuVersion: parseQemuVersion(get("qemu-version", DEFAULTS.qemuVersion)),
    qemuMirror: parseMirror(get("qemu-mirror", DEFAULTS.qemuMirror)),
    binfmtFlags: parseBinfmtFlags(get("binfmt-flags", DEFAULTS.binfmtFlags)),
    cache: parseBoolean("cache", get("cache", DEFAULTS.cache))
  };
}
function parsePlatforms(value) {
  try {
    return parsePlatformList(value);
  } catch (err) {
    if (!(err instanceof PlatformListError)) throw err;
    throw new InputError("platforms", err.value, `accepted: ${SUPPORTED_PLATFORMS.join(", ")}, their bare forms (arm64), or all; comma- or newline-separated`);
  }
}
function parseQemuVersion(value) {
  const q = parseQemuQuery(value);
  if (!q) {
    throw new InputError("qemu-version", value, "accepted: stable, latest, a QEMU version or semver range (11.1, 10.0, 7.2, >=10), or an exact Debian package version (1:11.1.3+ds-1)");
  }
  return q;
}
function parseMirror(value) {
  let url;
  try {
    url = new URL(value);
  } catch {
    url = void 0;
  }
  if (!url || url.protocol !== "http:" && url.protocol !== "https:" || url.username || url.password || url.search || url.hash) {
    throw new InputError("qemu-mirror", value, "accepted: an http:// or https:// Debian archive base URL without credentials or query, such as http://deb.debian.org/debian");
  }
  return url.href.replace(/\/+$/, "");
}
var BINFMT_FLAGS = ["F", "P", "C", "O"];
function parseBinfmtFlags(value) {
  const chars = [...value.toUpperCase()];
  const ok = chars.every((c) => BINFMT_FLAGS.includes(c)) && new Set(chars).size === chars.length;
  if (!ok) throw new InputError("binfmt-flags", value, "accepted: any subset of the letters F, P, C, O, each at most once (default F)");
  return BINFMT_FLAGS.filter((f) => chars.includes(f)).join("");
}
function parseBoolean(name, value) {
  if (/^(true|True|TRUE)$/.test(value)) return true;
  if (/^(false|False|FALSE)$/.test(value)) return false;
  throw new InputError(name, value, "accepted: true or false");
}

// src/binfmt.ts
import { access, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
var MAGIC = {
  aarch64: { magic: "7f454c460201010000000000000000000200b700", mask: "ffffffffffffff00fffffffffffffffffeffffff" },
  arm: { magic: "7f454c4601010100000000000000000002002800", mask: "ffffffffffffff00fffffffffffffffffeffffff" },
  s390x: { magic: "7f454c4602020100000000000000000000020016", mask: "fffffffffffffffcfffffffffffffffffffeffff" },
  ppc64le: { magic: "7f454c4602010100000000000000000002001500", mask: "fffffffffffffffcfffffffffffffffffeffff00" },
  riscv64: { magic: "7f454c460201010000000000000000000200f300", mask: "ffffffffffffff00fffffffffffffffffeffffff" },
  mips64el: { magic: "7f454c4602010100000000000000000002000800", mask: "ffffffffffffff0000fffffffffffffffeffffff" },
  loongarch64: { magic: "7f454c4602010100000000000000000002000201", mask: "fffffffffffffffc00fffffffffffffffeffffff" },
  i386: { magic: "7f454c4601010100000000000000000002000300", mask: "fffffffffffefefcfffffffffffffffffeffffff" },
  x86_64: { magic: "7f454c4602010100000000000000000002003e00", mask: "fffffffffffefefcfffffffffffffffffeffffff" }
};
function entryName(emulator) {
  return `qemu-${emulator}`;
}
function wantedEntry(emulator, interpreter, flags) {
  const m = MAGIC[emulator];
  if (!m) throw new Error(`no binfmt_misc magic known for ${emulator}`);
  return { name: entryName(emulator), interpreter, magic: m.magic, mask: m.mask, offset: 0, flags };
}
var escape = (hex) => hex.replace(/../g, (b) => `\\x${b}`);
function registrationLine(e) {
  if (e.interpreter.includes(":")) throw new EnvironmentError(`binfmt_misc interpreter path ${e.interpreter} contains a colon`);
  return `:${e.name}:M:${e.offset || ""}:${escape(e.magic)}:${escape(e.mask)}:${e.interpreter}:${e.flags}`;
}
function parseEntryFile(name, text) {
  const field = (f) => new RegExp(`^${f}[ :]+(.*)$`, "m").exec(text)?.[1]?.trim() ?? "";
  return {
    name,
    enabled: /^enabled$/m.test(text),
    interpreter: field("interpreter"),
    flags: field("flags"),
    offset: Number(field("offset") || 0),
    magic: field("magic"),
    mask: field("mask")
  };
}
function flagSet(flags) {
  const s = new Set(flags.toUpperCase());
  if (s.has("C")) s.add("O");
  return ["P", "O", "C", "F"].filter((f) => s.has(f)).join("");
}
function sameEntry(existing, wanted) {
  return existing.enabled && existing.interpreter === wanted.interpreter && existing.offset === wanted.offset && existing.magic === wanted.magic && // The kernel prints the magic already masked and the mask in full.
  existing.mask === wanted.mask && flagSet(existing.flags) === flagSet(wanted.flags);
}
var BINFMT_DIR = "/proc/sys/fs/binfmt_misc";
var Binfmt = class {
  constructor(dir = BINFMT_DIR, root = process.getuid?.() === 0) {
    this.dir = dir;
    this.root = root;
  }
  dir;
  root;
  async mounted() {
    return access(join(this.dir, "register")).then(
      () => true,
      () => false
    );
  }
  async ensureMounted() {
    if (await this.mounted()) return false;
    const args = ["-t", "binfmt_misc", "binfmt_misc", this.dir];
    try {
      await (this.root ? run("mount", args) : run("sudo", ["-n", "mount", ...args]));
    } catch (err) {
      throw new EnvironmentError(`binfmt_misc is not mounted at ${this.dir} and mounting it failed: ${errorMessage(err)}`, { cause: err });
    }
    return true;
  }
  async read(name) {
    try {
      return parseEntryFile(name, await readFile(join(this.dir, name), "utf8"));
    } catch {
      return void 0;
    }
  }
  async list() {
    return (await readdir(this.dir)).filter((n) => n !== "register" && n !== "status").sort();
  }
  async write(file, text) {
    const path = join(this.dir, file);
    if (this.root) await writeFile(path, text);
    else await run("sudo", ["-n", "tee", path], { input: Buffer.from(text) });
  }
  /**
   * Makes `wanted` the host's entry: left alone when identical, replaced when different.
   * Another process registering the same entry at the same moment is not an error.
   */
  async ensure(wanted) {
    const before = await this.read(wanted.name);
    if (before && sameEntry(before, wanted)) return "unchanged";
    if (before) await this.write(wanted.name, "-1").catch(() => void 0);
    try {
      await this.write("register", registrationLine(wanted));
    } catch (err) {
      const now = await this.read(wanted.name);
      if (now && sameEntry(now, wanted)) return before ? "replaced" : "registered";
      throw new EnvironmentError(`registering ${wanted.name} with binfmt_misc failed: ${errorMessage(err)}`, { cause: err });
    }
    return before ? "replaced" : "registered";
  }
};

// src/emulation.ts
async function registerEmulators(installed, needed, flags, log, binfmt = new Binfmt()) {
  if (await binfmt.ensureMounted()) log(`Mounted binfmt_misc at ${binfmt.dir}`);
  const out = [];
  for (const emulator of needed) {
    const entry = wantedEntry(emulator, binaryPath(installed, emulator), flags);
    const outcome = await binfmt.ensure(entry);
    out.push({ name: entry.name, interpreter: entry.interpreter, outcome });
  }
  const by = (o) => out.filter((r) => r.outcome === o).map((r) => r.name);
  const parts = ["registered", "replaced", "unchanged"].filter((o) => by(o).length).map((o) => `${o} ${by(o).join(", ")}`);
  log(`binfmt_misc (flags ${flags || "none"}): ${parts.join("; ")}`);
  for (const name of by("replaced")) log(`Replaced an existing, different ${name} entry`);
  return out;
}

// src/qemu/memo.ts
import { mkdir, readFile as readFile2, writeFile as writeFile2 } from "node:fs/promises";
import { join as join2 } from "node:path";
var MEMO_TTL_MS = 24 * 60 * 60 * 1e3;
function memoFile(toolCache, k) {
  const id = sha256(Buffer.from(`${k.query.text}
${k.mirror}
${k.host}`)).slice(0, 16);
  return join2(qemuRoot(toolCache), "resolved", `${id}.json`);
}
async function recall(toolCache, k, now) {
  try {
    const m = JSON.parse(await readFile2(memoFile(toolCache, k), "utf8"));
    const age = now.getTime() - Date.parse(m.resolvedAt);
    if (m.query !== k.query.text || m.mirror !== k.mirror || m.host !== k.host || !(age >= 0 && age < MEMO_TTL_MS)) return void 0;
    return m.debianVersion;
  } catch {
    return void 0;
  }
}
async function remember(toolCache, k, debianVersion, now) {
  const file = memoFile(toolCache, k);
  await mkdir(join2(file, ".."), { recursive: true });
  const m = { query: k.query.text, mirror: k.mirror, host: k.host, debianVersion, resolvedAt: now.toISOString() };
  await writeFile2(file, `${JSON.stringify(m)}
`);
}

// src/qemu/setup.ts
var cold = {
  actionsCache: () => import("./chunks/actions-cache-256UPBU4.js"),
  archive: async () => {
    const [{ resolveQemu }, { install }, { DEBIAN_ARCHIVE_KEYS }, tc] = await Promise.all([
      import("./chunks/resolve-62K6XQZV.js"),
      import("./chunks/install-E7T2LSK6.js"),
      import("./chunks/debian-keys-SV6S3MVF.js"),
      import("./chunks/tool-cache-SUBG3ZKU.js")
    ]);
    return { resolveQemu, install, DEBIAN_ARCHIVE_KEYS, download: (url) => tc.downloadTool(url) };
  }
};
async function setupQemu(o) {
  const memoKey = { query: o.query, mirror: o.mirror, host: o.host };
  const cachePaths = [qemuRoot(o.toolCache)];
  const fromToolCache = async () => {
    const version = o.query.kind === "exact" ? o.query.text : await recall(o.toolCache, memoKey, o.now);
    if (!version) return void 0;
    const found = await lookup(o.toolCache, version, o.host, o.needed);
    if (found.state === "altered") {
      o.log.warning(`${found.path} differs from the SHA-256 recorded when it was cached; fetching QEMU ${version} again`);
      await evict(o.toolCache, version, o.host);
    }
    return found.state === "ok" ? found.installed : void 0;
  };
  const local = await fromToolCache();
  if (local) return checked({ installed: local, source: "tool cache", cachePaths }, o.needed);
  let saveKey;
  if (o.useActionsCache) {
    const actionsCache = await cold.actionsCache();
    const key = actionsCache.cacheKey(memoKey, o.now);
    if (await actionsCache.restore(cachePaths, key, o.log)) {
      const restored = await fromToolCache();
      if (restored) return checked({ installed: restored, source: "Actions cache", cachePaths }, o.needed);
    }
    saveKey = key;
  }
  const { resolveQemu, install, DEBIAN_ARCHIVE_KEYS, download } = await cold.archive();
  const fetch = o.fetch ?? download;
  const pkg = await resolveQemu(o.query, { mirror: o.mirror, arch: o.host, keys: o.keys ?? DEBIAN_ARCHIVE_KEYS, fetch, now: o.now, warn: (m) => o.log.warning(m) });
  const existing = await lookup(o.toolCache, pkg.debianVersion, o.host, o.needed);
  const reuse = existing.state === "ok" && existing.installed.debSha256 === pkg.sha256;
  if (existing.state === "ok" && !reuse) await evict(o.toolCache, pkg.debianVersion, o.host);
  const installed = reuse ? existing.installed : await install(pkg, { mirror: o.mirror, toolCache: o.toolCache, host: o.host, emulators: o.cacheable, fetch });
  if (o.query.kind !== "exact") await remember(o.toolCache, memoKey, pkg.debianVersion, o.now);
  return checked({ installed, source: reuse ? "tool cache" : "Debian archive", saveKey, cachePaths }, o.needed);
}
function checked(setup, needed) {
  const missing = needed.filter((e) => !(e in setup.installed.binaries));
  if (missing.length > 0) {
    throw new ArchwayError(`QEMU ${setup.installed.debianVersion} (${setup.installed.package}) has no emulator for ${missing.map((m) => `qemu-${m}`).join(", ")}; choose another qemu-version`);
  }
  return setup;
}

// src/summary.ts
function summaryLine(f) {
  if (!f.emulation) return `**Archway**: ${f.platforms.join(", ")}: all native on this ${f.host} host, no emulation needed.`;
  const q = f.emulation.setup.installed;
  return `**Archway**: QEMU ${q.qemuVersion} (Debian \`${q.debianVersion}\`, ${q.codename}, from the ${f.emulation.setup.source}) emulates ${f.emulation.registered.map((r) => r.name).join(", ")} for ${f.platforms.join(", ")} on this ${f.host} host.`;
}
async function writeSummary(f) {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await summary.addRaw(summaryLine(f), true).write();
}

// src/main.ts
async function run2() {
  try {
    const inputs = getInputs();
    await main(inputs);
  } catch (err) {
    setFailed(err instanceof ArchwayError ? err.message : `Archway failed: ${errorMessage(err)}`);
    if (err instanceof Error && !(err instanceof ArchwayError) && err.stack) debug(err.stack);
  }
}
async function main(inputs) {
  const host = hostDebianArch();
  const platforms = inputs.platforms.map(formatPlatform);
  setOutput("platforms", platforms.join(","));
  const needed = emulatorsNeeded(inputs.platforms, host);
  if (needed.length === 0) {
    info(`Every requested platform (${platforms.join(", ")}) runs natively on this ${host} host; no emulation set up`);
    await writeSummary({ platforms, host, emulation: void 0 });
    return;
  }
  const toolCache = process.env.RUNNER_TOOL_CACHE;
  if (!toolCache) throw new ArchwayError("RUNNER_TOOL_CACHE is not set; Archway runs as a GitHub Actions step, which sets it");
  const started = Date.now();
  const emulation = await group("QEMU", async () => {
    const setup = await setupQemu({
      query: inputs.qemuVersion,
      mirror: inputs.qemuMirror,
      host,
      needed,
      cacheable: emulatorsNeeded(ALL_PLATFORMS, host),
      toolCache,
      useActionsCache: inputs.cache,
      now: /* @__PURE__ */ new Date(),
      log: { warning: (m) => warning(m), info: (m) => info(m) }
    });
    const q2 = setup.installed;
    info(`QEMU ${q2.qemuVersion}: Debian ${q2.package} ${q2.debianVersion} from ${q2.suite} (${q2.codename}), .deb SHA-256 ${q2.debSha256}`);
    info(`Source: ${setup.source}${setup.source === "Debian archive" ? ` (${q2.url})` : ""}`);
    const registered = await registerEmulators(setup.installed, needed, inputs.binfmtFlags, (m) => info(m));
    info(`Set up in ${((Date.now() - started) / 1e3).toFixed(2)} s`);
    return { setup, registered };
  });
  const q = emulation.setup.installed;
  setOutput("qemu-version", q.debianVersion);
  setOutput("qemu-sha256", q.debSha256);
  setOutput("qemu-path", q.dir);
  if (emulation.setup.saveKey) saveState({ qemuCache: { key: emulation.setup.saveKey, paths: emulation.setup.cachePaths } });
  await writeSummary({ platforms, host, emulation });
}

// src/entrypoints/main.ts
await run2();
