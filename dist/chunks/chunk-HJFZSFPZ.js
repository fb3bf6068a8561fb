import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  DOCKER_HUB,
  algorithmOf,
  formatPlatform,
  isDigest,
  isInsecureRegistry,
  optional,
  parse,
  parseBinfmtFlags,
  parseBoolean,
  parseContext,
  parseFile,
  parseImage,
  parseKeyValues,
  parseList,
  parseMirror,
  parseName,
  parsePlatform,
  parsePlatformList,
  parsePlatforms,
  parseProvenance,
  parseQemuVersion,
  parseTags,
  platformOrder,
  registryApiHost,
  validateDigest,
  validateManifestRef,
  validateRegistry,
  validateRepository
} from "./chunk-VVEVX4YM.js";
import {
  run
} from "./chunk-QVV7OG4N.js";
import {
  digestOf,
  sha256Hex
} from "./chunk-6PV27GIQ.js";
import {
  ArchwayError,
  EnvironmentError,
  InputError,
  VerificationError,
  errorMessage,
  oneLine
} from "./chunk-WXXSKNG5.js";
import {
  debug,
  getInput,
  getState,
  group,
  info,
  saveState,
  setSecret,
  summary
} from "./chunk-4MOIXKYJ.js";

// src/annotations.ts
var INPUT = "annotations";
var ACCEPTED = "accepted: KEY=VALUE lines as docker/metadata-action writes them, each with no level or index: (the index), manifest: (each platform's manifest) or manifest-descriptor: (its entry in the index); manifest[PLATFORM]: and manifest-descriptor[PLATFORM]: for one platform";
var INDEX_DESCRIPTOR = "accepted: index:, manifest: or manifest-descriptor: lines, not index-descriptor: (buildx writes it only into an OCI layout's index.json; a registry has no descriptor of the index to annotate, so leave it out of DOCKER_METADATA_ANNOTATIONS_LEVELS)";
var LEVEL = /^([a-z-]+)(?:\[([^\]]*)\])?$/;
function levelsOf(prefix, line, platforms) {
  return prefix.split(",").map((part) => {
    const m = LEVEL.exec(part);
    if (m?.[1] === "index-descriptor") throw new InputError(INPUT, line, INDEX_DESCRIPTOR);
    if (!m || m[1] !== "index" && m[1] !== "manifest" && m[1] !== "manifest-descriptor") throw new InputError(INPUT, line, ACCEPTED);
    const level = m[1];
    if (m[2] === void 0) return { level };
    if (level === "index")
      throw new InputError(
        INPUT,
        line,
        "accepted: a platform only on manifest[PLATFORM]: or manifest-descriptor[PLATFORM]:; the index is one for every platform"
      );
    const requested = platforms.map(formatPlatform);
    const platform = parsePlatform(m[2]);
    if (!platform || !requested.includes(formatPlatform(platform)))
      throw new InputError(INPUT, line, `accepted: in ${level}[PLATFORM]:, a platform of "platforms" (${requested.join(", ")})`);
    return { level, platform: formatPlatform(platform) };
  });
}
function sortedAnnotations(entries) {
  return Object.fromEntries([...entries].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0));
}
function parseAnnotations(text, platforms) {
  const index = [];
  const all = { manifest: /* @__PURE__ */ new Map(), "manifest-descriptor": /* @__PURE__ */ new Map() };
  const one = { manifest: /* @__PURE__ */ new Map(), "manifest-descriptor": /* @__PURE__ */ new Map() };
  for (const [left, value] of parseKeyValues(INPUT, text)) {
    const line = `${left}=${value}`;
    const colon = left.indexOf(":");
    const key = colon < 0 ? left : left.slice(colon + 1);
    if (key === "") throw new InputError(INPUT, line, ACCEPTED);
    const levels = colon < 0 ? [{ level: "index" }] : levelsOf(left.slice(0, colon), line, platforms);
    for (const { level, platform } of levels) {
      if (level === "index") index.push([key, value]);
      else if (platform === void 0) all[level].set(key, value);
      else {
        const byPlatform = one[level].get(platform) ?? /* @__PURE__ */ new Map();
        one[level].set(platform, byPlatform.set(key, value));
      }
    }
  }
  const resolve = (level) => Object.fromEntries(
    platforms.map(formatPlatform).map((p) => [p, sortedAnnotations(new Map([...all[level], ...one[level].get(p) ?? []]))]).filter(([, notes]) => Object.keys(notes).length > 0)
  );
  return { index, manifest: resolve("manifest"), manifestDescriptor: resolve("manifest-descriptor") };
}

// src/build-settings.ts
import { existsSync, statSync } from "node:fs";

// src/cache-entries.ts
function fields(entry) {
  try {
    const [record = []] = parse(entry, { relax_quotes: true, relax_column_count: true });
    return record.map((f) => {
      const at = f.indexOf("=");
      return at < 0 ? [f.trim().toLowerCase(), ""] : [f.slice(0, at).trim().toLowerCase(), f.slice(at + 1)];
    });
  } catch {
    return void 0;
  }
}
var isGha = (f) => f.some(([k, v]) => k === "type" && v === "gha");
function cacheType(entry) {
  if (!entry.includes("=")) return "registry";
  return fields(entry)?.find(([k]) => k === "type")?.[1] || void 0;
}
function redactCacheEntry(entry) {
  return entry.replace(/((?:^|,)\s*"?[\w-]*(?:token|secret|password|key)[\w-]*=)[^,"]*/gi, "$1***");
}
function hasGhaEntry(entries) {
  return entries.some((e) => isGha(fields(e) ?? []));
}
function ghaScope(platforms) {
  return platforms.map((p) => formatPlatform(p).replace(/\//g, "-")).join("_");
}
function registryRef(entry) {
  if (!entry.includes("=")) return entry.trim();
  const f = fields(entry);
  return f?.some(([k, v]) => k === "type" && v === "registry") ? f.find(([k]) => k === "ref")?.[1] : void 0;
}
function scopedRef(ref, scope) {
  if (ref.includes("@")) return ref;
  const name = ref.slice(ref.lastIndexOf("/") + 1);
  return name.includes(":") ? `${ref}-${scope}` : `${ref}:${scope}`;
}
function withMatrixScope(cache, scope) {
  const exported = new Set(cache.to.map(registryRef).filter((r) => r !== void 0));
  const scoped = (entry) => {
    const ref = registryRef(entry);
    if (ref === void 0 || !exported.has(ref)) return entry;
    return entry.includes("=") ? entry.replace(`ref=${ref}`, `ref=${scopedRef(ref, scope)}`) : scopedRef(ref, scope);
  };
  return { from: withGhaScope(cache.from, scope).map(scoped), to: withGhaScope(cache.to, scope).map(scoped) };
}
function withGhaScope(entries, scope) {
  return entries.map((e) => {
    const f = fields(e);
    return f && isGha(f) && !f.some(([k]) => k === "scope") ? `${e},scope=${scope}` : e;
  });
}
function ghaTokens(entries) {
  return entries.flatMap((e) => {
    const f = fields(e);
    return f && isGha(f) ? f.filter(([k, v]) => (k === "token" || k === "ghtoken") && v !== "").map(([, v]) => v) : [];
  });
}

// src/build-settings.ts
var ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
function idAnd(input, line, what, secret = false) {
  const at = line.indexOf("=");
  const id = at > 0 ? line.slice(0, at) : "";
  const rest = line.slice(at + 1);
  if (!ID.test(id) || rest === "") {
    throw new InputError(
      input,
      secret ? `${id || "***"}=***` : line,
      `accepted: id=${what} items, the id of letters, digits, ".", "_" and "-"`
    );
  }
  return [id, rest];
}
function matching(input, items, pattern, accepted) {
  const bad = items.find((i) => !pattern.test(i));
  if (bad !== void 0) throw new InputError(input, bad, `accepted: ${accepted}`);
  return items;
}
function maskBuildSecrets(read, env = process.env) {
  for (const line of read("secrets").split("\n")) {
    const value = line.slice(line.indexOf("=") + 1).trim();
    if (value) setSecret(value);
  }
  const token = read("github-token").trim();
  if (token) setSecret(token);
  const cacheEntries = ["cache-from", "cache-to"].flatMap((name) => read(name).split("\n"));
  for (const t of ghaTokens(cacheEntries)) setSecret(t);
  const runtime = env.ACTIONS_RUNTIME_TOKEN;
  if (runtime && hasGhaEntry(cacheEntries)) setSecret(runtime);
}
function parseSbom(value) {
  if (/^(false|False|FALSE)$/.test(value)) return false;
  if (/^(true|True|TRUE)$/.test(value)) return "true";
  if (/^[a-z-]+=[^\s,]+(,[a-z-]+=[^\s,]+)*$/.test(value)) return value;
  throw new InputError(
    "sbom",
    value,
    "accepted: false, true (an SBOM attestation per platform), or buildx SBOM attributes such as generator=IMAGE"
  );
}
function readBuildSettings(get, read, context, env = process.env, share) {
  const list = (name, o) => parseList(name, get(name, ""), o);
  const cacheList = (name) => {
    const entries = list(name, { ignoreComma: true });
    for (const e of entries)
      if (!cacheType(e))
        throw new InputError(
          name,
          redactCacheEntry(e),
          "accepted: type=registry|local|inline|gha|s3|azblob and its fields, or an image reference"
        );
    return entries;
  };
  const given = { from: cacheList("cache-from"), to: cacheList("cache-to") };
  const cache = share ? withMatrixScope(given, ghaScope(share)) : given;
  const token = read("github-token").trim();
  const secrets = list("secrets", { ignoreComma: true }).map((line) => {
    const [id, value] = idAnd("secrets", line, "value", true);
    return { id, value };
  });
  const secretEnvs = list("secret-envs").map((line) => {
    const [id, name] = idAnd("secret-envs", line, "ENV_NAME");
    if (env[name] === void 0)
      throw new InputError("secret-envs", line, `accepted: id=ENV_NAME of a variable set in the step's environment (${name} is not)`);
    return { id, env: name };
  });
  const secretFiles = list("secret-files", { ignoreComma: true }).map((line) => {
    const [id, path] = idAnd("secret-files", line, "path");
    if (!existsSync(path) || !statSync(path).isFile()) throw new InputError("secret-files", line, "accepted: id=path of a file that exists");
    return { id, path };
  });
  const gitHost = githubHost(env);
  const gitToken = token && isGitUrlOn(context, gitHost) && !secrets.some((s) => /^GIT_AUTH_TOKEN(\.|$)/.test(s.id));
  return {
    addHosts: matching("add-hosts", list("add-hosts"), /^[^\s:=]+[:=][0-9a-fA-F.:]+$/, "host:ip (or host=ip) items"),
    allow: matching("allow", list("allow"), /^(network\.host|security\.insecure)$/, "network.host, security.insecure"),
    buildContexts: matching(
      "build-contexts",
      list("build-contexts", { ignoreComma: true }),
      /^[^\s=]+=\S+$/,
      "name=path-or-reference items"
    ),
    cacheFrom: cache.from,
    cacheTo: cache.to,
    network: optionalMatching("network", get("network", ""), /^[A-Za-z0-9][A-Za-z0-9._-]*$/, "default, none, host, or a network name"),
    noCache: parseBoolean("no-cache", get("no-cache", "false")),
    noCacheFilters: matching("no-cache-filters", list("no-cache-filters"), /^[A-Za-z0-9][A-Za-z0-9._-]*$/, "build stage names"),
    pull: parseBoolean("pull", get("pull", "false")),
    sbom: parseSbom(get("sbom", "false")),
    secrets: gitToken ? [...secrets, { id: `GIT_AUTH_TOKEN.${gitHost}`, value: token }] : secrets,
    secretEnvs,
    secretFiles,
    shmSize: optionalMatching("shm-size", get("shm-size", ""), /^\d+(\.\d+)?[bkmgBKMG]?$/, "a size such as 2g or 512m"),
    ssh: matching("ssh", list("ssh"), /^[A-Za-z0-9][A-Za-z0-9._-]*(=\S+)?$/, "default, or id=path items (an agent socket or keys)"),
    ulimit: matching(
      "ulimit",
      list("ulimit", { ignoreComma: true }),
      /^[a-z]+=-?\d+(:-?\d+)?$/,
      "type=soft[:hard] items such as nofile=1024:1024"
    )
  };
}
function optionalMatching(input, value, pattern, accepted) {
  if (value === "") return void 0;
  if (!pattern.test(value)) throw new InputError(input, value, `accepted: ${accepted}`);
  return value;
}
function githubHost(env) {
  try {
    return new URL(env.GITHUB_SERVER_URL || "https://github.com").host;
  } catch {
    return "github.com";
  }
}
function isGitUrlOn(context, host) {
  try {
    return /^https?:$/.test(new URL(context).protocol) && new URL(context).host === host;
  } catch {
    return false;
  }
}

// src/inputs.ts
var DEFAULTS = {
  platforms: "all",
  qemuVersion: "stable",
  qemuMirror: "http://deb.debian.org/debian",
  binfmtFlags: "FP",
  cache: "true"
};
var readInput = (name) => getInput(name);
function getInputs(read = readInput) {
  const get = (name, fallback) => {
    const v = read(name).trim();
    return v === "" ? fallback : v;
  };
  const password = read("password");
  if (password) setSecret(password);
  maskBuildSecrets(read);
  const platforms = parsePlatforms(get("platforms", DEFAULTS.platforms));
  return {
    platforms,
    qemuVersion: parseQemuVersion(get("qemu-version", DEFAULTS.qemuVersion)),
    qemuMirror: parseMirror(get("qemu-mirror", DEFAULTS.qemuMirror)),
    binfmtFlags: parseBinfmtFlags(get("binfmt-flags", DEFAULTS.binfmtFlags)),
    cache: parseBoolean("cache", get("cache", DEFAULTS.cache)),
    ...buildInputs(get, read, password, platforms)
  };
}
function getCredentials(read = readInput) {
  const password = read("password");
  if (password) setSecret(password);
  const username = read("username").trim();
  return { image: parseImage(read("image").trim()), credentials: username && password ? { username, password } : void 0 };
}
var BUILD_ONLY = {
  tags: "latest",
  file: "",
  "build-args": "",
  target: "",
  labels: "",
  annotations: "",
  test: "",
  username: "",
  password: "",
  builder: "",
  build: "",
  mode: "auto",
  "add-hosts": "",
  allow: "",
  "build-contexts": "",
  "cache-from": "",
  "cache-to": "",
  network: "",
  "no-cache": "false",
  "no-cache-filters": "",
  pull: "false",
  sbom: "false",
  secrets: "",
  "secret-envs": "",
  "secret-files": "",
  "shm-size": "",
  ssh: "",
  ulimit: ""
};
function buildInputs(get, read, password, platforms) {
  const imageText = get("image", "");
  const push = parseBoolean("push", get("push", "false"));
  const verifyArch = parseBoolean("verify-arch", get("verify-arch", "true"));
  const provenance = parseProvenance(get("provenance", "false"));
  if (imageText === "") {
    const stray = Object.keys(BUILD_ONLY).find((name) => get(name, BUILD_ONLY[name]) !== BUILD_ONLY[name]) ?? (push ? "push" : provenance ? "provenance" : void 0);
    if (stray)
      throw new InputError("image", "", `accepted: an image name such as ghcr.io/acme/app; it is required when "${stray}" is given`);
    return {};
  }
  const image = parseImage(imageText);
  const username = get("username", "");
  if (username === "" !== (password === "")) {
    throw new InputError(
      username ? "password" : "username",
      "",
      "accepted: username and password given together, or neither (then the docker config credentials are used)"
    );
  }
  const context = parseContext(get("context", "."));
  const shareMode = shareAndMode(get("build", ""), get("mode", BUILD_ONLY.mode), platforms);
  return {
    build: {
      image,
      tags: parseTags(get("tags", BUILD_ONLY.tags), image),
      context,
      file: optional(get("file", ""), parseFile),
      buildArgs: parseKeyValues("build-args", get("build-args", "")),
      target: optional(get("target", ""), (v) => parseName("target", v)),
      labels: parseKeyValues("labels", get("labels", "")),
      annotations: parseAnnotations(get("annotations", ""), platforms),
      test: optional(get("test", ""), (v) => v),
      push,
      credentials: username ? { username, password } : void 0,
      verifyArch,
      provenance,
      builder: optional(get("builder", ""), (v) => parseName("builder", v)),
      ...shareMode,
      settings: readBuildSettings(get, read, context, process.env, shareMode.share)
    }
  };
}
function shareAndMode(buildText, modeText, platforms) {
  if (modeText !== "auto" && modeText !== "stage" && modeText !== "merge") {
    throw new InputError(
      "mode",
      modeText,
      "accepted: auto (publish once every platform is there), stage (only stage this job's share, for a merge job) or merge (publish what the run staged)"
    );
  }
  const mode = modeText;
  if (mode === "stage" && buildText === "")
    throw new InputError("build", "", "accepted: this job's share of platforms; mode: stage needs it");
  if (buildText === "") return { mode };
  if (mode === "merge") throw new InputError("build", buildText, "accepted: nothing with mode: merge, which builds no platform");
  let share;
  try {
    share = parsePlatformList(buildText);
  } catch {
    share = [];
  }
  const all = new Set(platforms.map(formatPlatform));
  const outside = share.map(formatPlatform).filter((p) => !all.has(p));
  if (share.length === 0 || outside.length > 0) {
    throw new InputError(
      "build",
      buildText,
      `accepted: this job's share of platforms (${[...all].join(", ")}), such as \${{ matrix.platform }}`
    );
  }
  return { share, mode };
}

// src/summary.ts
function emulationLine(f) {
  if (!f.emulation) return `**Archway**: ${f.platforms.join(", ")}: all native on this ${f.host} host, no emulation needed.`;
  const q = f.emulation.setup.installed;
  return `**Archway**: QEMU ${q.qemuVersion} (Debian \`${q.debianVersion}\`, ${q.codename}, from the ${f.emulation.setup.source}) emulates ${f.emulation.registered.map((r) => r.name).join(", ")} for ${f.platforms.join(", ")} on this ${f.host} host.`;
}
function size(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}
function row(r) {
  const build = `${r.buildSeconds.toFixed(1)} s${r.sharedBuild ? " (all)" : ""}`;
  const test = r.test ? `${r.test.outcome.kind} (${r.test.seconds.toFixed(1)} s)` : "none";
  const arch = r.arch ? r.arch.config.ok && r.arch.mismatches.length === 0 ? `ok (${r.arch.elfChecked} ELF)` : `**failed** (${r.arch.mismatches.length} files)` : "off";
  const digest = r.published ? `\`${r.published.descriptor.digest}\`` : "not pushed";
  const bytes = r.published ? size(r.published.compressedSize) : "";
  return `| ${formatPlatform(r.platform)} | ${build} | ${test} | ${arch} | ${digest} | ${bytes} |`;
}
function renderSummary(f) {
  const lines = [emulationLine(f)];
  if (f.pipeline) {
    lines.push(
      "",
      "| Platform | Build | Test | Architecture | Digest | Compressed |",
      "| --- | --- | --- | --- | --- | --- |",
      ...f.pipeline.platforms.map(row)
    );
  }
  if (f.index) {
    lines.push(
      "",
      `Index \`${f.index.digest}\` ${f.index.pushed ? "published" : "to be published by the post step"} as ${f.index.tags.map((t) => `\`${t}\``).join(", ")}.`
    );
  }
  if (f.emulation) lines.push("", `QEMU \`${f.emulation.setup.installed.debianVersion}\``);
  return `${lines.join("\n")}
`;
}
function mergeSummary(digest, tags) {
  return `**Archway**: index \`${digest}\` published as ${tags.map((t) => `\`${t}\``).join(", ")} from the platforms this run staged.
`;
}
function publishedSummary(lines) {
  return `
${lines.join("\n\n")}
`;
}
async function writeSummary(markdown) {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await summary.addRaw(markdown, true).write();
}

// src/concurrency.ts
async function mapLimit(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
function limiter(limit) {
  let running = 0;
  const waiting = [];
  return async (task) => {
    if (running < limit) running++;
    else await new Promise((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}
async function settleAll(promises) {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((s) => s.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((s) => s.value);
}

// src/registry/blobs.ts
import { stat as stat2 } from "node:fs/promises";

// src/registry/errors.ts
import { STATUS_CODES } from "node:http";
var RegistryError = class extends ArchwayError {
  method;
  /** The URL with credentials and every query value that is not known to be harmless redacted. */
  url;
  status;
  codes;
  retryAfterMs;
  constructor(init) {
    const secrets = [...init.secrets ?? []];
    const url = scrub(redactUrl(init.url), secrets);
    const codes = init.codes ?? [];
    const what = init.status === void 0 ? `failed: ${describeFailure(init.cause)}` : `answered ${init.status} ${STATUS_CODES[init.status] ?? ""}`.trimEnd() + (codes.length ? ` (${codes.map((c) => c.message ? `${c.code}: ${c.message}` : c.code).join("; ")})` : init.text ? ` (${init.text})` : "");
    super(scrub(oneLine(`${init.method} ${url} ${what}`), secrets), { cause: init.cause });
    this.method = init.method;
    this.url = url;
    this.status = init.status;
    this.codes = codes.map((c) => ({ code: c.code, message: scrub(c.message, secrets) }));
    this.retryAfterMs = init.retryAfterMs;
  }
  /** Whether the registry named this error code (`MANIFEST_UNKNOWN`, `UNSUPPORTED` ...). */
  has(code) {
    return this.codes.some((c) => c.code === code);
  }
};
function parseErrorBody(body) {
  try {
    const json = JSON.parse(body.toString());
    if (!Array.isArray(json.errors)) return [];
    return json.errors.filter((e) => typeof e === "object" && e !== null && "code" in e).map((e) => ({ code: String(e.code), message: typeof e.message === "string" ? oneLine(e.message).slice(0, 300) : "" }));
  } catch {
    return [];
  }
}
var HARMLESS_QUERY = /* @__PURE__ */ new Set(["digest", "mount", "from", "n", "last", "service", "scope", "artifactType"]);
function redactUrl(input) {
  let url;
  try {
    url = new URL(String(input));
  } catch {
    return "(a URL that does not parse)";
  }
  url.username = "";
  url.password = "";
  const params = [...url.searchParams.entries()];
  if (params.length === 0) return url.toString();
  const query = params.map(([k, v]) => `${encodeURIComponent(k)}=${HARMLESS_QUERY.has(k) ? encodeURIComponent(v) : "REDACTED"}`).join("&");
  url.search = `?${query}`;
  return url.toString();
}
function scrub(text, secrets) {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join("***");
  return out;
}
function describeFailure(cause) {
  const { code, message } = typeof cause === "object" && cause !== null ? cause : {};
  if (typeof message !== "string") return String(cause);
  return typeof code === "string" && !message.includes(code) ? `${code} (${message})` : message;
}

// src/registry/auth.ts
var TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;
function parseChallenges(value) {
  if (value === void 0) return [];
  if (typeof value !== "string") return value.flatMap((v) => parseChallenges(v));
  const s = value;
  let i = 0;
  const skip = (chars) => {
    while (i < s.length && chars.test(s[i])) i++;
  };
  const token = () => {
    const start = i;
    while (i < s.length && TOKEN.test(s[i])) i++;
    return s.slice(start, i);
  };
  const paramAhead = () => {
    const save = i;
    const name = token();
    skip(/[ \t]/);
    const yes = name !== "" && s[i] === "=";
    i = save;
    return yes;
  };
  const challenges = [];
  while (i < s.length) {
    skip(/[ \t,]/);
    const scheme = token();
    if (scheme === "") {
      i++;
      continue;
    }
    const params = {};
    skip(/[ \t]/);
    while (i < s.length && paramAhead()) {
      const name = token().toLowerCase();
      skip(/[ \t]/);
      i++;
      skip(/[ \t]/);
      let val = "";
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === "\\" && i + 1 < s.length) i++;
          val += s[i++];
        }
        i++;
      } else {
        val = token();
      }
      params[name] = val;
      skip(/[ \t]/);
      if (s[i] !== ",") break;
      i++;
      skip(/[ \t,]/);
    }
    challenges.push({ scheme: scheme.toLowerCase(), params });
  }
  return challenges;
}
function basicAuthorization(c) {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString("base64")}`;
}
function repositoryScope(repository, actions) {
  return `repository:${repository}:${actions}`;
}
var RegistryAuth = class {
  constructor(o) {
    this.o = o;
    this.basic = o.credentials ? basicAuthorization(o.credentials) : void 0;
    if (o.credentials) o.secrets.add(o.credentials.password).add(this.basic.slice("Basic ".length));
  }
  o;
  challenge;
  tokens = /* @__PURE__ */ new Map();
  basic;
  /** The Authorization value for a request needing `scopes`, before any 401: none until a challenge was seen. */
  async authorization(scopes) {
    const c = this.challenge;
    if (!c) return void 0;
    if (c.scheme === "basic") return this.basic;
    return `Bearer ${(await this.token(c, scopes, false)).token}`;
  }
  /**
   * Reads the challenge of a 401 answer to a request that carried `sent`; returns the
   * Authorization to send the request once more with, or undefined when another try cannot
   * help (no credentials for Basic, the same credentials or token refused again).
   */
  async challenged(res, scopes, sent) {
    const challenges = parseChallenges(res.headers["www-authenticate"]);
    const bearer = challenges.find((c) => c.scheme === "bearer" && c.params.realm);
    if (bearer) {
      this.challenge = bearer;
      const asked = bearer.params.scope ? bearer.params.scope.split(" ") : [];
      const wanted = [...scopes, ...asked.filter((a) => a !== "" && !covered(a, scopes))];
      const fresh = await this.reusable(wanted, sent) ?? `Bearer ${(await this.token(bearer, wanted, true)).token}`;
      if (wanted.length !== scopes.length) this.tokens.set(scopeKey(scopes), this.tokens.get(scopeKey(wanted)));
      return fresh === sent ? void 0 : fresh;
    }
    if (challenges.some((c) => c.scheme === "basic") && this.basic) {
      this.challenge = { scheme: "basic", params: {} };
      return sent === this.basic ? void 0 : this.basic;
    }
    return void 0;
  }
  /** A token for `scopes` that is fetched or being fetched, still valid, and not the one just refused. */
  async reusable(scopes, refused) {
    const t = await this.tokens.get(scopeKey(scopes))?.catch(() => void 0);
    if (!t || t.expiresAt <= (this.o.now ?? Date.now)()) return void 0;
    const value = `Bearer ${t.token}`;
    return value === refused ? void 0 : value;
  }
  token(c, scopes, renew) {
    const key = scopeKey(scopes);
    const now = this.o.now ?? Date.now;
    const cached = this.tokens.get(key);
    if (cached && !renew) {
      return cached.then((t) => t.expiresAt > now() ? t : this.token(c, scopes, true));
    }
    const pending = this.fetchToken(c, scopes);
    this.tokens.set(key, pending);
    pending.catch(() => {
      if (this.tokens.get(key) === pending) this.tokens.delete(key);
    });
    return pending;
  }
  async fetchToken(c, scopes) {
    let realm;
    try {
      realm = new URL(c.params.realm);
    } catch (cause) {
      throw new RegistryError({
        method: "GET",
        url: this.o.registry,
        cause: new Error(`the token realm "${c.params.realm}" is not a URL`, { cause })
      });
    }
    if (realm.protocol !== "https:" && realm.protocol !== "http:") {
      throw new RegistryError({ method: "GET", url: realm, cause: new Error(`the token realm is not http(s)`) });
    }
    if (c.params.service) realm.searchParams.set("service", c.params.service);
    for (const s of scopes) realm.searchParams.append("scope", s);
    const headers = {};
    if (this.basic) {
      const safe = realm.protocol === "https:" || realm.host === this.o.registry.host || isInsecureRegistry(realm.host);
      if (!safe) {
        throw new RegistryError({
          method: "GET",
          url: realm,
          cause: new Error(`refusing to send the credentials for ${this.o.registry.host} to a plain-HTTP token realm on ${realm.host}`)
        });
      }
      headers.authorization = this.basic;
    }
    const res = await this.o.get(realm, headers);
    const secrets = this.o.secrets;
    if (res.status !== 200) {
      throw new RegistryError({ method: "GET", url: realm, status: res.status, codes: parseErrorBody(res.body), secrets });
    }
    let answer;
    try {
      answer = JSON.parse(res.body.toString());
    } catch {
      answer = {};
    }
    const token = typeof answer.token === "string" && answer.token ? answer.token : typeof answer.access_token === "string" ? answer.access_token : "";
    if (!token) throw new RegistryError({ method: "GET", url: realm, status: res.status, text: "the answer holds no token", secrets });
    secrets.add(token);
    const lifetime = typeof answer.expires_in === "number" && answer.expires_in > 0 ? answer.expires_in : 60;
    this.o.log?.(`Got a token for ${scopes.join(" ") || "the registry"} from ${realm.host} (valid ${lifetime} s)`);
    return { token, expiresAt: (this.o.now ?? Date.now)() + lifetime * 1e3 - Math.min(1e4, lifetime * 1e3 / 2) };
  }
};
function covered(scope, scopes) {
  const split = (s) => [s.slice(0, s.lastIndexOf(":")), s.slice(s.lastIndexOf(":") + 1).split(",")];
  const [resource, actions] = split(scope);
  return scopes.some((s) => {
    const [r, a] = split(s);
    return r === resource && actions.every((x) => a.includes(x));
  });
}
function scopeKey(scopes) {
  return [...scopes].sort().join(" ");
}

// src/registry/retry.ts
import { setTimeout as delay } from "node:timers/promises";
var DEFAULT_RETRY_POLICY = { attempts: 5, baseMs: 500, maxMs: 3e4 };
var RETRYABLE_STATUSES = /* @__PURE__ */ new Set([408, 429, 500, 502, 503, 504]);
var RETRYABLE_CODES = /* @__PURE__ */ new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH"
]);
function isRetryableNetworkError(err) {
  if (typeof err !== "object" || err === null) return false;
  const { code, message } = err;
  return typeof code === "string" && RETRYABLE_CODES.has(code) || typeof message === "string" && /socket hang up/i.test(message);
}
function isRetryable(err) {
  if (err instanceof RegistryError)
    return err.status === void 0 ? isRetryableNetworkError(err.cause) : RETRYABLE_STATUSES.has(err.status);
  return isRetryableNetworkError(err);
}
function parseRetryAfter(value, now = Date.now()) {
  if (value === void 0) return void 0;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1e3;
  if (!/[A-Za-z]/.test(v)) return void 0;
  const at = Date.parse(v);
  return Number.isNaN(at) ? void 0 : Math.max(0, at - now);
}
function backoffMs(policy, retry) {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + (policy.random ?? Math.random)() * (ceiling / 2));
}
async function withRetry(policy, op, hooks = {}) {
  const retryable = hooks.retryable ?? isRetryable;
  const sleep = policy.sleep ?? ((ms) => delay(ms).then(() => void 0));
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt);
    } catch (err) {
      if (attempt >= policy.attempts || !retryable(err)) throw err;
      const hinted = err instanceof RegistryError ? err.retryAfterMs : void 0;
      const wait = hinted === void 0 ? backoffMs(policy, attempt) : Math.min(hinted, policy.maxMs);
      hooks.onRetry?.(err, attempt, wait);
      await sleep(wait);
    }
  }
}

// src/registry/transport.ts
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import * as http from "node:http";
import * as https from "node:https";
var DEFAULT_TIMEOUT_MS = 3e4;
var MAX_REDIRECTS = 5;
var TransportError = class extends ArchwayError {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
  code;
};
function bodySize(body) {
  return body === void 0 ? 0 : Buffer.isBuffer(body) ? body.length : body.size;
}
function header(res, name) {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
function sameOrigin(a, b) {
  return a.origin === b.origin;
}
async function send(request, options = {}) {
  const { url, method, body } = request;
  const client = url.protocol === "https:" ? https : url.protocol === "http:" ? http : void 0;
  if (!client) throw new TransportError(`${url.protocol} is not http: or https:`, "EPROTOCOL");
  if (body !== void 0 && !Buffer.isBuffer(body)) {
    const size2 = (await stat(body.path)).size;
    if (size2 < (body.offset ?? 0) + body.size) {
      throw new TransportError(`${body.path} has ${size2} bytes, fewer than the ${(body.offset ?? 0) + body.size} to send`, "ESHORTFILE");
    }
  }
  const headers = { ...request.headers };
  if (body !== void 0 || !["GET", "HEAD", "DELETE"].includes(method)) headers["content-length"] = String(bodySize(body));
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const readTimeoutMs = options.readTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err, res) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      if (err) reject(err);
      else resolve(res);
    };
    const req = client.request(url, { method, headers });
    const connectTimer = setTimeout(
      () => req.destroy(new TransportError(`no connection to ${url.host} within ${connectTimeoutMs} ms`, "ETIMEDOUT")),
      connectTimeoutMs
    );
    req.on("socket", (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer);
      else socket.once(url.protocol === "https:" ? "secureConnect" : "connect", () => clearTimeout(connectTimer));
    });
    req.setTimeout(readTimeoutMs, () => req.destroy(new TransportError(`${url.host} was silent for ${readTimeoutMs} ms`, "ETIMEDOUT")));
    req.on("error", (err) => finish(err));
    req.on("response", (res) => {
      clearTimeout(connectTimer);
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("error", (err) => finish(err));
      res.on("close", () => {
        if (!res.complete) finish(Object.assign(new Error("the connection closed before the whole answer arrived"), { code: "ECONNRESET" }));
      });
      res.on("end", () => finish(void 0, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), url }));
    });
    if (body === void 0 || bodySize(body) === 0) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else {
      const offset = body.offset ?? 0;
      const stream = createReadStream(body.path, { start: offset, end: offset + body.size - 1 });
      stream.on("error", (err) => req.destroy(err));
      stream.pipe(req);
    }
  });
}
var REDIRECTS = /* @__PURE__ */ new Set([301, 302, 303, 307, 308]);
async function sendFollowingRedirects(request, options = {}) {
  const origin = request.url;
  const max = options.maxRedirects ?? MAX_REDIRECTS;
  let current = { ...request, headers: lowerCaseKeys(request.headers ?? {}) };
  for (let hop = 0; ; hop++) {
    const res = await send(current, options);
    const location = header(res, "location");
    if (!REDIRECTS.has(res.status) || location === void 0) return res;
    if (hop >= max) throw new TransportError(`more than ${max} redirects from ${origin.host}`, "EREDIRECTS");
    const next = new URL(location, current.url);
    if (options.sameOriginOnly && !sameOrigin(next, origin)) {
      throw new TransportError(`${origin.host} redirected ${current.method} to another host, ${next.host}: refused`, "ECROSSORIGIN");
    }
    let { method, body } = current;
    const headers = { ...current.headers };
    if (res.status === 303 && method !== "HEAD" || (res.status === 301 || res.status === 302) && method === "POST") {
      method = "GET";
      body = void 0;
      delete headers["content-type"];
    }
    if (!sameOrigin(next, origin)) delete headers.authorization;
    current = { method, url: next, headers, body };
  }
}
function lowerCaseKeys(headers) {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

// src/registry/blobs.ts
var OCTETS = { "content-type": "application/octet-stream" };
async function blobExists(api, repo, digest) {
  validateRepository(repo);
  validateDigest(digest);
  return checkExistingBlob(api, repo, digest, [repositoryScope(repo, "pull")]);
}
async function getBlob(api, repo, digest) {
  validateRepository(repo);
  validateDigest(digest);
  const res = await api.call({ method: "GET", url: api.url(`/v2/${repo}/blobs/${digest}`), scopes: [repositoryScope(repo, "pull")] });
  if (res.status !== 200) throw api.error("GET", res);
  const actual = digestOf(res.body, algorithmOf(digest));
  if (actual !== digest) throw new VerificationError(`Blob ${repo}@${digest} from ${api.registry} has the digest ${actual}: refused`);
  return res.body;
}
async function pushBlob(api, repo, digest, source, options, chunking) {
  validateRepository(repo);
  validateDigest(digest);
  const from = options.mountFrom !== void 0 && options.mountFrom !== repo ? validateRepository(options.mountFrom) : void 0;
  const size2 = await sourceSize(repo, digest, source);
  const scopes = [repositoryScope(repo, "pull,push"), ...from ? [repositoryScope(from, "pull")] : []];
  if (await checkExistingBlob(api, repo, digest, scopes)) {
    api.log(`Blob ${digest} is already in ${repo}`);
    return;
  }
  const upload = { repo, digest, scopes, from };
  try {
    await withRetry(
      api.retryPolicy,
      async () => {
        const session = await initiateUpload(api, upload, chunking.size);
        if (!session) return;
        const chunked = size2 <= chunking.threshold ? void 0 : await streamBlob(api, upload, session, source, size2);
        await commitBlob(api, upload, chunked?.location ?? session.location, chunked ? void 0 : source);
        api.log(`Blob ${digest} (${size2} bytes) uploaded to ${repo} in ${chunked ? `${chunked.chunks} chunks` : "one PUT"}`);
      },
      { onRetry: (err, n, wait) => api.log(`Upload of ${digest} to ${repo} starts again (retry ${n}) in ${wait} ms: ${errorMessage(err)}`) }
    );
  } catch (err) {
    if (err instanceof RegistryError && await checkExistingBlob(api, repo, digest, scopes).catch(() => false)) return;
    throw err;
  }
}
async function checkExistingBlob(api, repo, digest, scopes) {
  const res = await api.call({ method: "HEAD", url: api.url(`/v2/${repo}/blobs/${digest}`), scopes });
  if (res.status === 200) return true;
  if (res.status === 404) return false;
  throw api.error("HEAD", res);
}
async function initiateUpload(api, u, chunkSize) {
  const start = api.url(`/v2/${u.repo}/blobs/uploads/`);
  if (u.from) {
    start.searchParams.set("mount", u.digest);
    start.searchParams.set("from", u.from);
  }
  const res = await api.call({ method: "POST", url: start, scopes: u.scopes, retry: false });
  if (res.status === 201 && u.from) {
    api.log(`Blob ${u.digest} mounted into ${u.repo} from ${u.from}`);
    return void 0;
  }
  const least = Number(header(res, "oci-chunk-min-length"));
  return { location: api.location("POST", res, 202), chunkSize: Number.isSafeInteger(least) && least > chunkSize ? least : chunkSize };
}
async function streamBlob(api, u, session, source, size2) {
  let location = session.location;
  let chunks = 0;
  for (let offset = 0; offset < size2; offset += session.chunkSize) {
    const n = Math.min(session.chunkSize, size2 - offset);
    const body = Buffer.isBuffer(source) ? source.subarray(offset, offset + n) : { path: source.path, offset, size: n };
    const res = await api.call({
      method: "PATCH",
      url: location,
      scopes: u.scopes,
      retry: false,
      headers: { ...OCTETS, "content-range": `${offset}-${offset + n - 1}` },
      body
    });
    location = api.location("PATCH", res, 202);
    chunks++;
  }
  return { location, chunks };
}
async function commitBlob(api, u, location, body) {
  const headers = body === void 0 ? void 0 : OCTETS;
  const res = await api.call({ method: "PUT", url: withQuery(location, "digest", u.digest), scopes: u.scopes, headers, body, retry: false });
  if (res.status !== 201) throw api.error("PUT", res);
}
function withQuery(url, name, value) {
  const u = new URL(url);
  const pair = `${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
  u.search = u.search ? `${u.search}&${pair}` : `?${pair}`;
  return u;
}
async function sourceSize(repo, digest, source) {
  if (Buffer.isBuffer(source)) {
    const actual = digestOf(source, algorithmOf(digest));
    if (actual !== digest) throw new VerificationError(`Blob for ${repo}: the bytes given have the digest ${actual}, not ${digest}`);
    return source.length;
  }
  const { size: size2 } = await stat2(source.path);
  if (size2 !== source.size) throw new VerificationError(`Blob ${digest} for ${repo}: ${source.path} has ${size2} bytes, not ${source.size}`);
  return size2;
}

// src/oci/types.ts
var MediaType = {
  OciIndex: "application/vnd.oci.image.index.v1+json",
  OciManifest: "application/vnd.oci.image.manifest.v1+json",
  OciConfig: "application/vnd.oci.image.config.v1+json",
  OciLayer: "application/vnd.oci.image.layer.v1.tar",
  OciLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  OciLayerZstd: "application/vnd.oci.image.layer.v1.tar+zstd",
  OciLayerNondistributable: "application/vnd.oci.image.layer.nondistributable.v1.tar",
  OciLayerNondistributableGzip: "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
  OciLayerNondistributableZstd: "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
  OciEmpty: "application/vnd.oci.empty.v1+json",
  DockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  DockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  DockerConfig: "application/vnd.docker.container.image.v1+json",
  DockerLayer: "application/vnd.docker.image.rootfs.diff.tar",
  DockerLayerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip",
  DockerLayerZstd: "application/vnd.docker.image.rootfs.diff.tar.zstd",
  DockerForeignLayerGzip: "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
  /** The layers of a buildx attestation manifest: one in-toto statement each (SLSA provenance, SBOM). */
  InToto: "application/vnd.in-toto+json",
  /**
   * The `artifactType` of a published attestation referrer: buildkit's own type for an attestation
   * manifest (what it gives with `oci-artifact=true`), which buildx imagetools and Docker Scout know.
   */
  DockerAttestationManifest: "application/vnd.docker.attestation.manifest.v1+json",
  /** The `artifactType` of a matrix job's staging manifest. */
  ArchwayStage: "application/vnd.archway.stage.v1+json"
};
var EMPTY_JSON = Buffer.from("{}");
var EMPTY_DESCRIPTOR = {
  mediaType: MediaType.OciEmpty,
  digest: "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
  size: 2
};
var Annotation = {
  ReferenceType: "vnd.docker.reference.type",
  ReferenceDigest: "vnd.docker.reference.digest",
  RefName: "org.opencontainers.image.ref.name",
  Created: "org.opencontainers.image.created"
};
var ATTESTATION_MANIFEST = "attestation-manifest";
var INDEX_TYPES = /* @__PURE__ */ new Set([MediaType.OciIndex, MediaType.DockerManifestList]);
var MANIFEST_TYPES = /* @__PURE__ */ new Set([MediaType.OciManifest, MediaType.DockerManifest]);
var CONFIG_TYPES = /* @__PURE__ */ new Set([MediaType.OciConfig, MediaType.DockerConfig]);
function isIndexMediaType(mediaType) {
  return mediaType !== void 0 && INDEX_TYPES.has(mediaType);
}
function isManifestMediaType(mediaType) {
  return mediaType !== void 0 && MANIFEST_TYPES.has(mediaType);
}
function isImageConfigMediaType(mediaType) {
  return mediaType !== void 0 && CONFIG_TYPES.has(mediaType);
}
function isAttestation(d) {
  return d.annotations?.[Annotation.ReferenceType] === ATTESTATION_MANIFEST;
}
var LAYER_COMPRESSION = {
  [MediaType.OciLayer]: "none",
  [MediaType.OciLayerGzip]: "gzip",
  [MediaType.OciLayerZstd]: "zstd",
  [MediaType.OciLayerNondistributable]: "none",
  [MediaType.OciLayerNondistributableGzip]: "gzip",
  [MediaType.OciLayerNondistributableZstd]: "zstd",
  [MediaType.DockerLayer]: "none",
  [MediaType.DockerLayerGzip]: "gzip",
  [MediaType.DockerLayerZstd]: "zstd",
  [MediaType.DockerForeignLayerGzip]: "gzip"
};
function layerCompression(mediaType) {
  return LAYER_COMPRESSION[mediaType];
}

// src/registry/manifests.ts
var MANIFEST_ACCEPT = [MediaType.OciIndex, MediaType.OciManifest, MediaType.DockerManifestList, MediaType.DockerManifest].join(
  ", "
);
var GENERIC_TYPES = /* @__PURE__ */ new Set(["", "application/json", "application/octet-stream", "text/plain"]);
async function headManifest(api, repo, ref) {
  validateRepository(repo);
  validateManifestRef(ref);
  const res = await api.call({
    method: "HEAD",
    url: api.url(`/v2/${repo}/manifests/${ref}`),
    scopes: [repositoryScope(repo, "pull")],
    headers: { accept: MANIFEST_ACCEPT }
  });
  if (res.status === 404) return void 0;
  if (res.status !== 200) throw api.error("HEAD", res);
  const digest = header(res, "docker-content-digest");
  const size2 = Number(header(res, "content-length") ?? NaN);
  const mediaType = bareMediaType(header(res, "content-type"));
  if (digest && isDigest(digest) && Number.isInteger(size2) && mediaType && !GENERIC_TYPES.has(mediaType)) {
    if (isDigest(ref) && algorithmOf(digest) === algorithmOf(ref) && digest !== ref) {
      throw new VerificationError(`Manifest ${repo}@${ref} on ${api.registry}: the registry gives its digest as ${digest}`);
    }
    return { digest: isDigest(ref) ? ref : digest, mediaType, size: size2 };
  }
  const m = await getManifest(api, repo, ref);
  return { digest: m.digest, mediaType: m.mediaType, size: m.bytes.length };
}
async function getManifest(api, repo, ref) {
  validateRepository(repo);
  validateManifestRef(ref);
  const res = await api.call({
    method: "GET",
    url: api.url(`/v2/${repo}/manifests/${ref}`),
    scopes: [repositoryScope(repo, "pull")],
    headers: { accept: MANIFEST_ACCEPT }
  });
  if (res.status !== 200) throw api.error("GET", res);
  const algorithm = isDigest(ref) ? algorithmOf(ref) : "sha256";
  const digest = digestOf(res.body, algorithm);
  if (isDigest(ref) && digest !== ref) {
    throw new VerificationError(`Manifest ${repo}@${ref} from ${api.registry}: the bytes sent have the digest ${digest}: refused`);
  }
  const claimed = header(res, "docker-content-digest");
  if (claimed && algorithmOf(claimed) === algorithm && claimed !== digest) {
    throw new VerificationError(
      `Manifest ${repo}:${ref} from ${api.registry}: the registry names it ${claimed} but the bytes sent have the digest ${digest}: refused`
    );
  }
  return { bytes: res.body, mediaType: manifestMediaType(header(res, "content-type"), res.body), digest };
}
async function putManifest(api, repo, ref, bytes, mediaType) {
  validateRepository(repo);
  validateManifestRef(ref);
  if (!/^[\w.+-]+\/[\w.+-]+$/.test(mediaType)) throw new ArchwayError(`"${mediaType}" is not a media type (type/subtype)`);
  const digest = digestOf(bytes);
  if (isDigest(ref) && digestOf(bytes, algorithmOf(ref)) !== ref) {
    throw new VerificationError(`Manifest for ${repo}@${ref}: the bytes to send have the digest ${digestOf(bytes, algorithmOf(ref))}`);
  }
  const res = await api.call({
    method: "PUT",
    url: api.url(`/v2/${repo}/manifests/${ref}`),
    scopes: [repositoryScope(repo, "pull,push")],
    headers: { "content-type": mediaType },
    body: bytes,
    sameOriginOnly: true
  });
  if (![200, 201, 202].includes(res.status)) throw api.error("PUT", res);
  const claimed = header(res, "docker-content-digest");
  if (claimed && algorithmOf(claimed) === "sha256" && claimed !== digest) {
    throw new VerificationError(
      `Manifest ${repo}:${ref} on ${api.registry}: the registry stored it as ${claimed}, but the bytes sent have the digest ${digest}`
    );
  }
  api.log(`Manifest ${digest} (${mediaType}) is in ${repo}${isDigest(ref) ? "" : ` as ${ref}`}`);
  return digest;
}
async function deleteManifest(api, repo, digest) {
  validateRepository(repo);
  validateDigest(digest);
  const res = await api.call({
    method: "DELETE",
    url: api.url(`/v2/${repo}/manifests/${digest}`),
    scopes: [repositoryScope(repo, "delete")]
  });
  if ([200, 202, 204].includes(res.status)) return true;
  if (res.status === 405 || parseErrorBody(res.body).some((c) => c.code === "UNSUPPORTED")) return false;
  throw api.error("DELETE", res);
}
function bareMediaType(contentType) {
  return (contentType ?? "").split(";")[0].trim();
}
function manifestMediaType(contentType, bytes) {
  const type = bareMediaType(contentType);
  if (!GENERIC_TYPES.has(type)) return type;
  try {
    const field = JSON.parse(bytes.toString()).mediaType;
    return typeof field === "string" ? field : type;
  } catch {
    return type;
  }
}

// src/registry/referrers.ts
async function referrers(api, repo, digest, artifactType) {
  validateRepository(repo);
  validateDigest(digest);
  const url = api.url(`/v2/${repo}/referrers/${digest}`);
  if (artifactType !== void 0) url.searchParams.set("artifactType", artifactType);
  const found = [];
  for await (const page of api.pages(url, [repositoryScope(repo, "pull")], { accept: MediaType.OciIndex })) {
    const list = page.manifests;
    if (Array.isArray(list)) found.push(...list.filter(isDescriptor));
  }
  return artifactType === void 0 ? found : found.filter((d) => d.artifactType === artifactType);
}
function isDescriptor(d) {
  if (typeof d !== "object" || d === null) return false;
  const o = d;
  return typeof o.mediaType === "string" && typeof o.digest === "string" && typeof o.size === "number";
}

// src/registry/requests.ts
function nextLink(value) {
  if (!value) return void 0;
  for (const m of value.matchAll(/<([^>]*)>([^<]*)/g)) {
    if (/;\s*rel\s*=\s*(?:"[^"]*\bnext\b[^"]*"|next\b)/i.test(m[2])) return m[1];
  }
  return void 0;
}
var RegistryRequests = class {
  /** As given: `ghcr.io`, `127.0.0.1:5000`. */
  registry;
  /** `https://ghcr.io/`, `http://127.0.0.1:5000/`. */
  baseUrl;
  retryPolicy;
  log;
  auth;
  /** Passwords and tokens: scrubbed from every error message. */
  secrets = /* @__PURE__ */ new Set();
  transport;
  userAgent;
  constructor(options) {
    this.registry = validateRegistry(options.registry);
    const insecure = options.insecure ?? isInsecureRegistry(options.registry);
    this.baseUrl = new URL(`${insecure ? "http" : "https"}://${registryApiHost(options.registry)}/`);
    this.retryPolicy = options.retry ?? DEFAULT_RETRY_POLICY;
    this.transport = { connectTimeoutMs: options.timeoutMs, readTimeoutMs: options.timeoutMs };
    this.userAgent = options.userAgent ?? "archway";
    this.log = options.log ?? (() => {
    });
    this.auth = new RegistryAuth({
      registry: this.baseUrl,
      credentials: options.credentials,
      secrets: this.secrets,
      log: this.log,
      get: (url, headers) => this.exchange({ method: "GET", url, scopes: [], headers }, void 0)
    });
  }
  /** GET /v2/: checks that the registry answers and, with credentials, that they are accepted. */
  async ping() {
    const res = await this.call({ method: "GET", url: this.url("/v2/"), scopes: [] });
    if (res.status !== 200) throw this.error("GET", res);
  }
  url(path) {
    return new URL(path, this.baseUrl);
  }
  /** The Location of an answer with the expected status, resolved against the URL that answered. */
  location(method, res, expected) {
    if (res.status !== expected) throw this.error(method, res);
    const loc = header(res, "location");
    if (!loc)
      throw new RegistryError({ method, url: res.url, status: res.status, text: "the answer has no Location", secrets: this.secrets });
    return new URL(loc, res.url);
  }
  /** Pages of a JSON list, following `Link: <...>; rel="next"`; nothing when the first page is a 404. */
  async *pages(first, scopes, headers) {
    const seen = /* @__PURE__ */ new Set();
    let url = first;
    while (url) {
      seen.add(url.href);
      const res = await this.call({ method: "GET", url, scopes, headers });
      if (res.status === 404 && url === first) return;
      if (res.status !== 200) throw this.error("GET", res);
      try {
        yield JSON.parse(res.body.toString());
      } catch (err) {
        if (!(err instanceof SyntaxError)) throw err;
        throw new RegistryError({ method: "GET", url: res.url, status: res.status, text: "the answer is not JSON", secrets: this.secrets });
      }
      const next = nextLink(header(res, "link"));
      url = next === void 0 ? void 0 : new URL(next, res.url);
      if (url && seen.has(url.href))
        throw new RegistryError({
          method: "GET",
          url,
          status: res.status,
          text: "the next page link goes round in a circle",
          secrets: this.secrets
        });
    }
  }
  /** A request with the registry's authentication: on a 401 from the registry, one more try with what its challenge asks for. */
  async call(c) {
    const own = sameOrigin(c.url, this.baseUrl);
    const sent = own ? await this.auth.authorization(c.scopes) : void 0;
    const res = await this.exchange(c, sent);
    if (!own || res.status !== 401 || !sameOrigin(res.url, this.baseUrl)) return res;
    const again = await this.auth.challenged(res, c.scopes, sent);
    return again === void 0 ? res : this.exchange(c, again);
  }
  error(method, res) {
    const codes = parseErrorBody(res.body);
    const text = codes.length === 0 ? bodySnippet(res) : void 0;
    return new RegistryError({
      method,
      url: res.url,
      status: res.status,
      codes,
      text,
      retryAfterMs: parseRetryAfter(header(res, "retry-after")),
      secrets: this.secrets
    });
  }
  /** One request with its retries; Authorization, when given, is sent to c.url's origin only. */
  async exchange(c, authorization) {
    const headers = { "user-agent": this.userAgent, ...c.headers };
    if (authorization !== void 0) headers.authorization = authorization;
    const once = async () => {
      let res;
      try {
        res = await sendFollowingRedirects(
          { method: c.method, url: c.url, headers, body: c.body },
          { ...this.transport, sameOriginOnly: c.sameOriginOnly }
        );
      } catch (cause) {
        throw new RegistryError({ method: c.method, url: c.url, cause, secrets: this.secrets });
      }
      this.log(`${c.method} ${redactUrl(res.url)}: ${res.status}`);
      if (RETRYABLE_STATUSES.has(res.status)) throw this.error(c.method, res);
      return res;
    };
    if (c.retry === false) return once();
    return withRetry(this.retryPolicy, once, {
      onRetry: (err, n, wait) => this.log(`Retry ${n} of ${c.method} ${redactUrl(c.url)} in ${wait} ms: ${errorMessage(err)}`)
    });
  }
};
function bodySnippet(res) {
  const text = res.body.subarray(0, 200).toString().replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
  return text === "" ? void 0 : text;
}

// src/registry/tags.ts
async function listTags(api, repo) {
  validateRepository(repo);
  const tags = [];
  for await (const page of api.pages(api.url(`/v2/${repo}/tags/list`), [repositoryScope(repo, "pull")], {})) {
    const list = page.tags;
    if (Array.isArray(list)) tags.push(...list.filter((t) => typeof t === "string"));
  }
  return tags;
}

// src/registry/client.ts
var MiB = 1024 * 1024;
var DEFAULT_CHUNKED_UPLOAD_THRESHOLD = 64 * MiB;
var DEFAULT_CHUNK_SIZE = 16 * MiB;
var RegistryClient = class {
  /** As given: `ghcr.io`, `127.0.0.1:5000`. */
  registry;
  /** `https://ghcr.io/`, `http://127.0.0.1:5000/`. */
  baseUrl;
  api;
  chunking;
  constructor(options) {
    this.api = new RegistryRequests(options);
    this.registry = this.api.registry;
    this.baseUrl = this.api.baseUrl;
    this.chunking = {
      threshold: options.chunkedUploadThreshold ?? DEFAULT_CHUNKED_UPLOAD_THRESHOLD,
      size: Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE)
    };
  }
  ping() {
    return this.api.ping();
  }
  blobExists(repo, digest) {
    return blobExists(this.api, repo, digest);
  }
  getBlob(repo, digest) {
    return getBlob(this.api, repo, digest);
  }
  pushBlob(repo, digest, source, options = {}) {
    return pushBlob(this.api, repo, digest, source, options, this.chunking);
  }
  headManifest(repo, ref) {
    return headManifest(this.api, repo, ref);
  }
  getManifest(repo, ref) {
    return getManifest(this.api, repo, ref);
  }
  putManifest(repo, ref, bytes, mediaType) {
    return putManifest(this.api, repo, ref, bytes, mediaType);
  }
  listTags(repo) {
    return listTags(this.api, repo);
  }
  deleteManifest(repo, digest) {
    return deleteManifest(this.api, repo, digest);
  }
  referrers(repo, digest, artifactType) {
    return referrers(this.api, repo, digest, artifactType);
  }
};

// src/registry/docker-config.ts
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
var DOCKER_HUB_CONFIG_KEY = "https://index.docker.io/v1/";
var DOCKER_HUB_ALIASES = /* @__PURE__ */ new Set([DOCKER_HUB, "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"]);
function dockerConfigPath(options = {}) {
  const dir = (options.env ?? process.env).DOCKER_CONFIG;
  return dir ? join(dir, "config.json") : join(options.home ?? homedir(), ".docker", "config.json");
}
function configKeyRegistry(key) {
  const host = key.trim().toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, "").split("/")[0];
  return DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}
function dockerServerAddress(registry) {
  const r = configKeyRegistry(registry);
  return r === DOCKER_HUB ? DOCKER_HUB_CONFIG_KEY : r;
}
async function dockerCredentials(registry, options = {}) {
  const file = dockerConfigPath(options);
  let text;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if (err.code === "ENOENT") return void 0;
    throw new EnvironmentError(`Cannot read the docker config ${file}: ${errorMessage(err)}`, { cause: err });
  }
  return credentialsFromConfig(parseDockerConfig(text, file), registry);
}
function parseDockerConfig(text, file) {
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new EnvironmentError(`The docker config ${file} is not valid JSON`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json))
    throw new EnvironmentError(`The docker config ${file} is not a JSON object`);
  return json;
}
async function credentialsFromConfig(config, registry) {
  const wanted = configKeyRegistry(registry);
  const helper = lookup(config.credHelpers, wanted) ?? config.credsStore;
  if (helper) {
    const found = await fromHelper(helper, dockerServerAddress(registry));
    if (found) return found;
  }
  const entry = lookup(config.auths, wanted);
  if (!entry) return void 0;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon <= 0) throw new EnvironmentError(`The docker config's "auth" for ${wanted} is not base64 of user:password`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username && entry.password) return { username: entry.username, password: entry.password };
  return void 0;
}
function lookup(map, registry) {
  if (!map) return void 0;
  const keys = Object.keys(map);
  const exact = keys.find((k) => k === registry || registry === DOCKER_HUB && k === DOCKER_HUB_CONFIG_KEY);
  const key = exact ?? keys.find((k) => configKeyRegistry(k) === registry);
  return key === void 0 ? void 0 : map[key];
}
async function fromHelper(name, serverAddress) {
  if (!/^[A-Za-z0-9._-]+$/.test(name))
    throw new EnvironmentError(`The docker config names a credential helper "${name}" that is not a plain name`);
  const command = `docker-credential-${name}`;
  let result;
  try {
    result = await run(command, ["get"], { input: Buffer.from(serverAddress), allowFailure: true });
  } catch (err) {
    throw new EnvironmentError(`The docker credential helper ${command} could not be run: ${errorMessage(err)}`, { cause: err });
  }
  if (result.exitCode !== 0) {
    if (/credentials not found/i.test(`${result.stdout}
${result.stderr}`)) return void 0;
    const said = oneLine(result.stderr.trim()).slice(0, 200);
    throw new EnvironmentError(`${command} get for ${serverAddress} exited with ${result.exitCode}${said ? `: ${said}` : ""}`);
  }
  let answer;
  try {
    answer = JSON.parse(result.stdout);
  } catch {
    throw new EnvironmentError(`${command} get for ${serverAddress} did not answer with JSON`);
  }
  if (typeof answer.Username !== "string" || typeof answer.Secret !== "string" || answer.Secret === "") return void 0;
  if (answer.Username === "<token>") return void 0;
  return { username: answer.Username, password: answer.Secret };
}

// src/registries.ts
async function connect(registry, build) {
  const credentials = build.credentials && registry === build.image.registry ? build.credentials : await dockerCredentials(registry);
  if (credentials?.password) setSecret(credentials.password);
  return new RegistryClient({ registry, credentials, timeoutMs: timeoutFromEnv(), log: (line) => debug(line) });
}
function timeoutFromEnv(env = process.env) {
  const v = env.ARCHWAY_REGISTRY_TIMEOUT_MS;
  return v && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : void 0;
}
function targetsOf(build) {
  const out = /* @__PURE__ */ new Map();
  for (const t of build.tags) {
    const key = `${t.registry}/${t.repository}`;
    const entry = out.get(key) ?? { registry: t.registry, repository: t.repository, tags: [] };
    entry.tags.push(t.tag);
    out.set(key, entry);
  }
  return [...out.values()];
}

// src/publish/index-manifest.ts
function buildIndex(images, annotations, descriptorAnnotations = {}) {
  const seen = /* @__PURE__ */ new Set();
  for (const i of images) {
    const key = formatPlatform(i.platform);
    if (seen.has(key)) throw new Error(`two images for ${key}`);
    seen.add(key);
  }
  const manifests = [...images].sort((a, b) => platformOrder(a.platform) - platformOrder(b.platform)).map((i) => {
    const notes2 = sortedAnnotations(Object.entries(descriptorAnnotations[formatPlatform(i.platform)] ?? {}));
    return {
      mediaType: i.manifest.mediaType,
      digest: i.manifest.digest,
      size: i.manifest.size,
      platform: {
        architecture: i.platform.architecture,
        os: i.platform.os,
        ...i.platform.variant ? { variant: i.platform.variant } : {}
      },
      ...Object.keys(notes2).length ? { annotations: notes2 } : {}
    };
  });
  const notes = sortedAnnotations(annotations);
  const doc = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests, ...Object.keys(notes).length ? { annotations: notes } : {} };
  const bytes = Buffer.from(JSON.stringify(doc));
  return { bytes, digest: digestOf(bytes), mediaType: MediaType.OciIndex };
}
function indexAnnotations(user, facts) {
  const out = /* @__PURE__ */ new Map();
  if (facts.serverUrl && facts.repository) out.set("org.opencontainers.image.source", `${facts.serverUrl}/${facts.repository}`);
  if (facts.sha) out.set("org.opencontainers.image.revision", facts.sha);
  if (facts.created) out.set("org.opencontainers.image.created", facts.created);
  for (const [k, v] of user) out.set(k, v);
  return [...out];
}
function indexNotes(user, facts) {
  return { annotations: indexAnnotations(user.index, facts), descriptorAnnotations: user.manifestDescriptor };
}

// src/publish/stage.ts
var A = { run: "io.archway.run", attempt: "io.archway.attempt", platform: "io.archway.platform", release: "io.archway.release" };
function releaseKey(runId, tags, platforms) {
  const what = `${[...tags].sort().join(",")}
${platforms.map(formatPlatform).sort().join(",")}`;
  return `${runId}-${sha256Hex(what).slice(0, 12)}`;
}
function stageTag(key, platform) {
  return `archway-stage-${key}-${formatPlatform(platform).replace(/\//g, "-")}`;
}
function stageManifest(key, attempt, platform, subject) {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      artifactType: MediaType.ArchwayStage,
      config: EMPTY_DESCRIPTOR,
      layers: [EMPTY_DESCRIPTOR],
      subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
      annotations: { [A.attempt]: attempt, [A.platform]: formatPlatform(platform), [A.release]: key }
    })
  );
}
function readStageManifest(bytes, key) {
  try {
    const doc = JSON.parse(bytes.toString());
    const platform = parsePlatform(doc.annotations?.[A.platform] ?? "");
    if (doc.artifactType !== MediaType.ArchwayStage || doc.annotations?.[A.release] !== key || !platform || !doc.subject) return void 0;
    return { platform, subject: { mediaType: doc.subject.mediaType, digest: doc.subject.digest, size: doc.subject.size } };
  } catch {
    return void 0;
  }
}
async function stage(client, repository, key, attempt, images) {
  await client.pushBlob(repository, EMPTY_DESCRIPTOR.digest, EMPTY_JSON);
  await mapLimit(
    images,
    8,
    (i) => client.putManifest(repository, stageTag(key, i.platform), stageManifest(key, attempt, i.platform, i.manifest), MediaType.OciManifest)
  );
}
async function readStaged(client, repository, key, platforms) {
  return mapLimit(platforms, 8, async (platform) => {
    const tag = stageTag(key, platform);
    const m = await client.getManifest(repository, tag).catch((err) => {
      if (err instanceof RegistryError && err.status === 404) return void 0;
      throw err;
    });
    if (!m) return { platform };
    const read = readStageManifest(m.bytes, key);
    return read && formatPlatform(read.platform) === formatPlatform(platform) ? { platform, image: read.subject, staging: { tag, digest: m.digest, bytes: m.bytes } } : { platform };
  });
}
async function cleanUp(client, repository, staged) {
  const mine = staged.flatMap((s) => s.staging ? [s.staging] : []);
  for (const m of mine) {
    if (await client.deleteManifest(repository, m.digest).catch(() => void 0) === false) return false;
  }
  const listed = new Set(await client.listTags(repository).catch(() => []));
  for (const m of mine.filter((x) => listed.has(x.tag))) {
    await client.putManifest(repository, m.digest, m.bytes, MediaType.OciManifest).then(() => client.deleteManifest(repository, m.digest)).catch(() => void 0);
  }
  if (!mine.some((m) => listed.has(m.tag))) return true;
  const still = new Set(await client.listTags(repository).catch(() => mine.map((m) => m.tag)));
  return !mine.some((m) => still.has(m.tag));
}

// src/publish/publish-index.ts
async function putIndex(client, target, index, images) {
  const name = `${target.registry}/${target.repository}`;
  const missing = (await mapLimit(
    images,
    8,
    async (i) => await client.headManifest(target.repository, i.manifest.digest) ? void 0 : formatPlatform(i.platform)
  )).filter(Boolean);
  if (missing.length) throw new ArchwayError(`${name} lacks the image of ${missing.join(", ")}; no tag was moved`);
  await mapLimit(target.tags, 8, (tag) => client.putManifest(target.repository, tag, index.bytes, index.mediaType));
}
function imagesOf(s) {
  return s.images.map((i) => ({ platform: platformOf(i.platform), manifest: { mediaType: i.mediaType, digest: i.digest, size: i.size } }));
}
function indexFromState(s) {
  const index = buildIndex(imagesOf(s), s.annotations, s.descriptorAnnotations);
  if (s.digest && index.digest !== s.digest)
    throw new ArchwayError(`the index rebuilt in the post step (${index.digest}) differs from the one announced (${s.digest})`);
  return index;
}
var refs = (t) => t.tags.map((tag) => `${t.registry}/${t.repository}:${tag}`).join(", ");
async function publishIndex(s, access) {
  const index = indexFromState(s);
  const images = imagesOf(s);
  const lines = [];
  for (const target of s.targets) {
    await putIndex(await connect(target.registry, access), target, index, images);
    lines.push(`Published ${index.digest} as ${refs(target)}`);
  }
  return { index, lines };
}
function releaseOf(r) {
  return { key: r.key, attempt: r.attempt, publish: r.publish, platforms: r.platforms.map(platformOf) };
}
function platformOf(text) {
  const platform = parsePlatform(text);
  if (!platform) throw new ArchwayError(`post state names an unknown platform ${text}`);
  return platform;
}
async function stageAndPublish(s, release, access) {
  const own = imagesOf(s);
  const lines = [];
  let published = {};
  for (const target of s.targets) {
    const client = await connect(target.registry, access);
    await stage(client, target.repository, release.key, release.attempt, own);
    lines.push(
      `Staged ${own.map((i) => formatPlatform(i.platform)).join(", ")} for release ${release.key} in ${target.registry}/${target.repository}`
    );
    if (!release.publish) continue;
    const outcome = await publishStaged(client, target, release, s, lines);
    if (!outcome) continue;
    published = outcome;
  }
  return { ...published, lines };
}
async function mergeStaged(targets, release, notes, access) {
  const lines = [];
  let published = {};
  for (const target of targets) {
    const outcome = await publishStaged(await connect(target.registry, access), target, release, notes, lines);
    if (!outcome) throw new ArchwayError(`${lines[lines.length - 1]}; nothing was published`);
    published = outcome;
  }
  return { ...published, lines };
}
async function publishStaged(client, target, release, notes, lines) {
  const staged = await readStaged(client, target.repository, release.key, release.platforms);
  const waiting = staged.filter((x) => !x.image).map((x) => formatPlatform(x.platform));
  if (waiting.length) {
    lines.push(
      `${target.registry}/${target.repository}: ${waiting.join(", ")} not staged yet by this run; the job that stages the last platform publishes the index`
    );
    return void 0;
  }
  const images = staged.map((x) => ({ platform: x.platform, manifest: x.image }));
  const index = buildIndex(images, notes.annotations, notes.descriptorAnnotations);
  await putIndex(client, target, index, images);
  lines.push(`Every platform is staged: published ${index.digest} as ${refs(target)}`);
  lines.push(
    await cleanUp(client, target.repository, staged) ? "Deleted the staging tags" : "The registry does not delete the staging tags (archway-stage-*); they point at small artifacts, not at the images"
  );
  return { index, images };
}
async function publishFromState(publish) {
  const access = getCredentials();
  const outcome = await group("Publish the index", async () => {
    const o = publish.release ? await stageAndPublish(publish, releaseOf(publish.release), access) : await publishIndex(publish, access);
    for (const line of o.lines) info(line);
    return o;
  });
  if (outcome.index) await writeSummary(publishedSummary(outcome.lines));
}

// src/state.ts
var STATE_VERSION = 2;
var KEY = "archway";
function saveState2(state) {
  saveState(KEY, JSON.stringify({ version: STATE_VERSION, ...state }));
}
function loadState() {
  const raw = getState(KEY);
  if (!raw) return void 0;
  try {
    const s = JSON.parse(raw);
    return s.version === STATE_VERSION ? s : void 0;
  } catch {
    return void 0;
  }
}

export {
  MediaType,
  Annotation,
  ATTESTATION_MANIFEST,
  isIndexMediaType,
  isManifestMediaType,
  isImageConfigMediaType,
  isAttestation,
  layerCompression,
  cacheType,
  sortedAnnotations,
  getInputs,
  mapLimit,
  limiter,
  settleAll,
  connect,
  targetsOf,
  renderSummary,
  mergeSummary,
  writeSummary,
  buildIndex,
  indexNotes,
  releaseKey,
  releaseOf,
  mergeStaged,
  publishFromState,
  saveState2 as saveState,
  loadState
};
