import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  parseDebianVersion
} from "./chunk-ZCJDHQZA.js";
import {
  EM
} from "./chunk-RIXKIOPU.js";
import {
  ArchwayError,
  InputError
} from "./chunk-WXXSKNG5.js";
import {
  require_semver
} from "./chunk-IR6WKKZB.js";
import {
  __toESM
} from "./chunk-QFDZJLFJ.js";

// src/input-values.ts
import { existsSync, statSync } from "node:fs";

// src/platform.ts
var LE64 = { bits: 64, endian: "little" };
var LE32 = { bits: 32, endian: "little" };
var MASK = "ffffffffffffff00fffffffffffffffffeffffff";
var X86_MASK = "fffffffffffefefcfffffffffffffffffeffffff";
var TABLE = [
  {
    platform: { os: "linux", architecture: "amd64" },
    aliases: ["amd64", "x86_64", "x86-64"],
    qemu: "x86_64",
    debian: "amd64",
    elf: { machine: EM.X86_64, ...LE64 },
    binfmt: { magic: "7f454c4602010100000000000000000002003e00", mask: X86_MASK },
    armRunner: false
  },
  {
    platform: { os: "linux", architecture: "arm64" },
    aliases: ["arm64", "arm64/v8", "aarch64"],
    qemu: "aarch64",
    debian: "arm64",
    elf: { machine: EM.AARCH64, ...LE64 },
    binfmt: { magic: "7f454c460201010000000000000000000200b700", mask: MASK },
    armRunner: true
  },
  {
    platform: { os: "linux", architecture: "arm", variant: "v7" },
    aliases: ["arm/v7", "arm", "armv7", "armhf"],
    qemu: "arm",
    debian: "armhf",
    elf: { machine: EM.ARM, ...LE32 },
    binfmt: { magic: "7f454c4601010100000000000000000002002800", mask: MASK },
    armRunner: true
  },
  {
    platform: { os: "linux", architecture: "arm", variant: "v6" },
    aliases: ["arm/v6", "armv6", "armel"],
    qemu: "arm",
    debian: "armel",
    elf: { machine: EM.ARM, ...LE32 },
    binfmt: { magic: "7f454c4601010100000000000000000002002800", mask: MASK },
    armRunner: false
  },
  {
    platform: { os: "linux", architecture: "386" },
    aliases: ["386", "i386", "x86"],
    qemu: "i386",
    debian: "i386",
    elf: { machine: EM.I386, ...LE32 },
    binfmt: { magic: "7f454c4601010100000000000000000002000300", mask: X86_MASK },
    armRunner: false
  },
  {
    platform: { os: "linux", architecture: "s390x" },
    aliases: ["s390x"],
    qemu: "s390x",
    debian: "s390x",
    elf: { machine: EM.S390, bits: 64, endian: "big" },
    binfmt: { magic: "7f454c4602020100000000000000000000020016", mask: "fffffffffffffffcfffffffffffffffffffeffff" },
    armRunner: false
  },
  {
    platform: { os: "linux", architecture: "ppc64le" },
    aliases: ["ppc64le", "ppc64el"],
    qemu: "ppc64le",
    debian: "ppc64el",
    elf: { machine: EM.PPC64, ...LE64 },
    binfmt: { magic: "7f454c4602010100000000000000000002001500", mask: "fffffffffffffffcfffffffffffffffffeffff00" },
    armRunner: false
  },
  {
    platform: { os: "linux", architecture: "riscv64" },
    aliases: ["riscv64"],
    qemu: "riscv64",
    debian: "riscv64",
    elf: { machine: EM.RISCV, ...LE64 },
    binfmt: { magic: "7f454c460201010000000000000000000200f300", mask: MASK },
    armRunner: false
  },
  {
    platform: { os: "linux", architecture: "mips64le" },
    aliases: ["mips64le", "mips64el"],
    qemu: "mips64el",
    debian: "mips64el",
    elf: { machine: EM.MIPS, ...LE64 },
    binfmt: { magic: "7f454c4602010100000000000000000002000800", mask: "ffffffffffffff0000fffffffffffffffeffffff" },
    armRunner: false
  },
  {
    platform: { os: "linux", architecture: "loong64" },
    aliases: ["loong64", "loongarch64"],
    qemu: "loongarch64",
    debian: "loong64",
    elf: { machine: EM.LOONGARCH, ...LE64 },
    binfmt: { magic: "7f454c4602010100000000000000000002000201", mask: "fffffffffffffffc00fffffffffffffffeffffff" },
    armRunner: false
  }
];
var BY_ALIAS = new Map(TABLE.flatMap((f) => f.aliases.map((a) => [a, f])));
var BY_KEY = new Map(TABLE.map((f) => [formatPlatform(f.platform), f]));
var ALL_PLATFORMS = TABLE.map((f) => f.platform);
var SUPPORTED_PLATFORMS = ALL_PLATFORMS.map(formatPlatform);
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
      for (const k of SUPPORTED_PLATFORMS) wanted.add(k);
      continue;
    }
    const p = parsePlatform(item);
    if (!p) throw new PlatformListError(item);
    wanted.add(formatPlatform(p));
  }
  return ALL_PLATFORMS.filter((p) => wanted.has(formatPlatform(p)));
}
function platformFacts(p) {
  const f = BY_KEY.get(formatPlatform(p));
  if (!f) throw new Error(`unsupported platform ${formatPlatform(p)}`);
  return f;
}
function qemuArch(p) {
  return platformFacts(p).qemu;
}
function binfmtMagic(emulator) {
  return TABLE.find((f) => f.qemu === emulator)?.binfmt;
}
function platformOrder(p) {
  return SUPPORTED_PLATFORMS.indexOf(formatPlatform(p));
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
function platformKey(p) {
  const os = (p.os ?? "?").toLowerCase();
  let arch = (p.architecture ?? "?").toLowerCase();
  let variant = (p.variant ?? "").toLowerCase();
  const known = BY_ALIAS.get(arch);
  if (known) {
    arch = known.platform.architecture;
    if (!variant) variant = known.platform.variant ?? "";
  }
  if (arch === "arm64" && ["8", "v8", "v8.0"].includes(variant)) variant = "";
  if (arch === "amd64" && ["1", "v1"].includes(variant)) variant = "";
  if (arch === "arm" && /^[5-8]$/.test(variant)) variant = `v${variant}`;
  return [os, arch, variant].filter(Boolean).join("/");
}

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

// src/registry/reference.ts
var ImageReferenceError = class extends ArchwayError {
  constructor(reference, reason) {
    super(`Image reference "${reference}" is not valid: ${reason}`);
    this.reference = reference;
    this.reason = reason;
  }
  reference;
  reason;
};
var DOCKER_HUB = "docker.io";
var DOCKER_HUB_API = "registry-1.docker.io";
var LEGACY_DOCKER_HUB = "index.docker.io";
var NAME_TOTAL_MAX = 255;
var COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
var TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
var DIGEST = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
var LABEL = "(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])";
var DOMAIN = new RegExp(`^(?:${LABEL}(?:\\.${LABEL})*|\\[[A-Fa-f0-9:]+\\])(?::[0-9]+)?$`);
function parseReference(input) {
  const fail = (reason) => {
    throw new ImageReferenceError(input, reason);
  };
  if (input === "") fail("it is empty");
  if (/\s/.test(input)) fail("it contains white space");
  let rest = input;
  let digest;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) fail(`"${digest}" is not a digest (sha256: and 64 lower-case hex digits, or sha512: and 128)`);
  }
  let tag;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) fail(`"${tag}" is not a tag ([A-Za-z0-9_] then up to 127 of [A-Za-z0-9._-])`);
  }
  const slash = rest.indexOf("/");
  const first = slash < 0 ? "" : rest.slice(0, slash);
  let registry = DOCKER_HUB;
  let path = rest;
  if (slash >= 0 && (/[.:]/.test(first) || first === "localhost" || first !== first.toLowerCase())) {
    if (!DOMAIN.test(first)) fail(`"${first}" is not a registry host[:port]`);
    registry = first.toLowerCase();
    path = rest.slice(slash + 1);
  }
  if (registry === LEGACY_DOCKER_HUB) registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && path !== "" && !path.includes("/")) path = `library/${path}`;
  const problem = repositoryProblem(path);
  if (problem) fail(problem);
  if (registry.length + 1 + path.length > NAME_TOTAL_MAX) fail(`the name is longer than ${NAME_TOTAL_MAX} characters`);
  return { registry, repository: path, ...tag === void 0 ? {} : { tag }, ...digest === void 0 ? {} : { digest } };
}
function formatReference(ref) {
  return `${ref.registry}/${ref.repository}${ref.tag === void 0 ? "" : `:${ref.tag}`}${ref.digest === void 0 ? "" : `@${ref.digest}`}`;
}
function registryApiHost(registry) {
  const host = registry.toLowerCase();
  return host === DOCKER_HUB || host === LEGACY_DOCKER_HUB ? DOCKER_HUB_API : host;
}
function validateRegistry(registry) {
  if (!DOMAIN.test(registry)) throw new ImageReferenceError(registry, "a registry is a host name or address, with an optional :port");
  return registry;
}
function validateRepository(name) {
  const problem = repositoryProblem(name);
  if (problem) throw new ImageReferenceError(name, problem);
  return name;
}
function validateTag(tag) {
  if (!TAG.test(tag)) throw new ImageReferenceError(tag, "a tag is [A-Za-z0-9_] then up to 127 of [A-Za-z0-9._-]");
  return tag;
}
function validateDigest(digest) {
  if (!DIGEST.test(digest)) throw new ImageReferenceError(digest, "a digest is sha256: and 64 lower-case hex digits (or sha512: and 128)");
  return digest;
}
function isDigest(ref) {
  return DIGEST.test(ref);
}
function algorithmOf(digest) {
  return digest.slice(0, digest.indexOf(":"));
}
function validateManifestRef(ref) {
  return ref.includes(":") ? validateDigest(ref) : validateTag(ref);
}
function repositoryProblem(path) {
  if (path === "") return "the repository name is empty";
  if (path.length > NAME_TOTAL_MAX) return `the repository name is longer than ${NAME_TOTAL_MAX} characters`;
  if (path !== path.toLowerCase()) return "the repository name must be lower-case";
  for (const component of path.split("/")) {
    if (!COMPONENT.test(component)) {
      return `"${component}" is not a repository path component (lower-case letters and digits, separated by ".", "_", "__" or dashes)`;
    }
  }
  return void 0;
}
function isInsecureRegistry(registry) {
  const host = hostOf(registry).toLowerCase();
  if (host === "localhost" || host === "::1") return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return m?.slice(1).every((o) => Number(o) <= 255) ?? false;
}
function hostOf(registry) {
  if (registry.startsWith("[")) {
    const end = registry.indexOf("]");
    return end < 0 ? registry : registry.slice(1, end);
  }
  const colon = registry.lastIndexOf(":");
  return colon >= 0 && registry.indexOf(":") === colon ? registry.slice(0, colon) : registry;
}

// src/input-values.ts
function optional(value, parse) {
  return value === "" ? void 0 : parse(value);
}
function parseImage(value) {
  let ref;
  try {
    ref = parseReference(value.toLowerCase());
  } catch (err) {
    if (!(err instanceof ImageReferenceError)) throw err;
    throw new InputError("image", value, `accepted: an image name such as ghcr.io/acme/app or 127.0.0.1:5000/app (${err.reason})`);
  }
  if (ref.tag !== void 0 || ref.digest !== void 0)
    throw new InputError("image", value, 'accepted: an image name without tag or digest; give tags in "tags"');
  return ref;
}
function parseTags(value, image) {
  const items = value.split(/[,\n]/).map((s) => s.trim()).filter((s) => s !== "");
  const accepted = "accepted: tags such as latest,1.4.2 (comma- or newline-separated) or full references such as ghcr.io/acme/app:1.4.2";
  if (items.length === 0) throw new InputError("tags", value, accepted);
  const out = /* @__PURE__ */ new Map();
  for (const item of items) {
    let ref;
    try {
      ref = /[/:@]/.test(item) ? parseReference(item) : parseReference(`${image.registry}/${image.repository}:${item}`);
    } catch {
      throw new InputError("tags", item, accepted);
    }
    if (ref.tag === void 0 || ref.digest !== void 0) throw new InputError("tags", item, accepted);
    out.set(`${ref.registry}/${ref.repository}:${ref.tag}`, ref);
  }
  return [...out.values()];
}
function parseContext(value) {
  if (/^(https?|git):\/\/|^git@/.test(value)) return value;
  if (!existsSync(value) || !statSync(value).isDirectory())
    throw new InputError("context", value, "accepted: a directory that exists (relative to the workspace) or a Git URL");
  return value;
}
function parseFile(value) {
  if (!existsSync(value) || !statSync(value).isFile()) throw new InputError("file", value, "accepted: the path of a Dockerfile that exists");
  return value;
}
function parseName(input, value) {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value))
    throw new InputError(input, value, 'accepted: a name of letters, digits, ".", "_" and "-"');
  return value;
}
function parseKeyValues(input, value) {
  return value.split("\n").map((l) => l.trim()).filter((l) => l !== "").map((line) => {
    const at = line.indexOf("=");
    if (at <= 0 || /\s/.test(line.slice(0, at))) throw new InputError(input, line, "accepted: KEY=VALUE lines, one per line");
    return [line.slice(0, at), line.slice(at + 1)];
  });
}
function parsePlatforms(value) {
  try {
    return parsePlatformList(value);
  } catch (err) {
    if (!(err instanceof PlatformListError)) throw err;
    throw new InputError(
      "platforms",
      err.value,
      `accepted: ${SUPPORTED_PLATFORMS.join(", ")}, their bare forms (arm64), or all; comma- or newline-separated`
    );
  }
}
function parseQemuVersion(value) {
  const q = parseQemuQuery(value);
  if (!q) {
    throw new InputError(
      "qemu-version",
      value,
      "accepted: stable, latest, a QEMU version or semver range (11.1, 10.0, 7.2, >=10), or an exact Debian package version (1:11.1.3+ds-1)"
    );
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
    throw new InputError(
      "qemu-mirror",
      value,
      "accepted: an http:// or https:// Debian archive base URL without credentials or query, such as http://deb.debian.org/debian"
    );
  }
  return url.href.replace(/\/+$/, "");
}
var BINFMT_FLAGS = ["F", "P", "C", "O"];
function parseBinfmtFlags(value) {
  const chars = [...value.toUpperCase()];
  const ok = chars.every((c) => BINFMT_FLAGS.includes(c)) && new Set(chars).size === chars.length;
  if (!ok) throw new InputError("binfmt-flags", value, "accepted: any subset of the letters F, P, C, O, each at most once (default FP)");
  return BINFMT_FLAGS.filter((f) => chars.includes(f)).join("");
}
function parseProvenance(value) {
  if (/^(false|False|FALSE)$/.test(value)) return false;
  if (/^(true|True|TRUE)$/.test(value) || value === "mode=min") return "min";
  if (value === "mode=max") return "max";
  throw new InputError(
    "provenance",
    value,
    "accepted: false (no attestation), true or mode=min (a SLSA provenance attestation per platform, published as an OCI referrer of its image), or mode=max (the same, with the build definition and Dockerfile too)"
  );
}
function provenanceText(mode) {
  return mode === false ? "false" : mode === "min" ? "true" : "mode=max";
}
function parseBoolean(name, value) {
  if (/^(true|True|TRUE)$/.test(value)) return true;
  if (/^(false|False|FALSE)$/.test(value)) return false;
  throw new InputError(name, value, "accepted: true or false");
}

export {
  ALL_PLATFORMS,
  formatPlatform,
  parsePlatform,
  parsePlatformList,
  platformFacts,
  qemuArch,
  binfmtMagic,
  platformOrder,
  hostDebianArch,
  emulatorsNeeded,
  platformKey,
  DOCKER_HUB,
  formatReference,
  registryApiHost,
  validateRegistry,
  validateRepository,
  validateDigest,
  isDigest,
  algorithmOf,
  validateManifestRef,
  isInsecureRegistry,
  optional,
  parseImage,
  parseTags,
  parseContext,
  parseFile,
  parseName,
  parseKeyValues,
  parsePlatforms,
  parseQemuVersion,
  parseMirror,
  parseBinfmtFlags,
  parseProvenance,
  provenanceText,
  parseBoolean
};
