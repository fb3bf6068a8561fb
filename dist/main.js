import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  ATTESTATION_MANIFEST,
  Annotation,
  LayoutError,
  MAX_JSON_BLOB,
  MediaType,
  archFailure,
  archLogLine,
  archOk,
  attemptOf,
  blobPath,
  blobStream,
  buildIndex,
  builderInfo,
  cacheType,
  chooseStore,
  connect,
  costLines,
  describeBuilder,
  docker,
  engineInfo,
  findPlatformImage,
  formatSeconds,
  getInputs,
  ghaScope,
  indexNotes,
  isAttestation,
  isIndexMediaType,
  isManifestMediaType,
  mergeStaged,
  mergeSummary,
  readBlob,
  readJsonBlob,
  readLayoutIndex,
  redactCacheEntry,
  registryRef,
  releaseKey,
  releaseOf,
  renderSummary,
  require_tar_stream,
  saveState,
  secondsSince,
  sortedAnnotations,
  storeOf,
  targetsOf,
  testTimes,
  verifyImageArch,
  withMatrixScope,
  writeSummary
} from "./chunks/chunk-32SKB743.js";
import "./chunks/chunk-DZ36BXRR.js";
import {
  setImageOutputs,
  setPlatformsOutput,
  setQemuOutputs
} from "./chunks/chunk-HDEWX3RU.js";
import {
  ALL_PLATFORMS,
  DOCKER_HUB,
  binfmtMagic,
  emulatorsNeeded,
  formatPlatform,
  formatPlatforms,
  formatReference,
  hostDebianArch,
  isInsecureRegistry,
  needsEmulation,
  parsePlatformList,
  platformKey,
  provenanceText,
  qemuArch,
  qemuCost,
  runStep
} from "./chunks/chunk-7VKCA2L2.js";
import {
  endGroup,
  group,
  info,
  startGroup,
  warning
} from "./chunks/chunk-F3BWMWNQ.js";
import "./chunks/chunk-WNQVWJY4.js";
import {
  runnerTemp
} from "./chunks/chunk-SLB43Q4Y.js";
import {
  binaryPath,
  evict,
  lookup,
  qemuRoot
} from "./chunks/chunk-EX32TN2U.js";
import {
  limiter,
  mapLimit,
  quiet,
  settleAll,
  settled
} from "./chunks/chunk-WPJLAUQR.js";
import "./chunks/chunk-WNYJYB2X.js";
import {
  digestOf,
  sha256Hex
} from "./chunks/chunk-UW7OQIEV.js";
import "./chunks/chunk-64H2USGQ.js";
import {
  require_semver
} from "./chunks/chunk-IR6WKKZB.js";
import {
  CommandError,
  outputTail,
  run,
  runPiped
} from "./chunks/chunk-WQR6LQPS.js";
import "./chunks/chunk-BZQWVCNM.js";
import {
  ArchwayError,
  EnvironmentError,
  InputError,
  VerificationError,
  errorMessage
} from "./chunks/chunk-4GAVUGPR.js";
import {
  __toESM
} from "./chunks/chunk-QFDZJLFJ.js";

// src/build/host.ts
var semver = __toESM(require_semver(), 1);

// src/publish/provenance.ts
var MAX_DEPTH = 8;
function attestationsFor(descriptors, subject) {
  const out = /* @__PURE__ */ new Map();
  for (const d of descriptors)
    if (isAttestation(d) && d.annotations?.[Annotation.ReferenceDigest] === subject && !out.has(d.digest)) out.set(d.digest, d);
  return [...out.values()];
}
async function findAttestation(dir, subject) {
  const found = /* @__PURE__ */ new Map();
  const visit = async (descriptors, depth, seen) => {
    for (const d of attestationsFor(descriptors, subject)) found.set(d.digest, d);
    for (const d of descriptors) {
      if (!isIndexMediaType(d.mediaType)) continue;
      if (depth >= MAX_DEPTH || seen.has(d.digest)) throw new LayoutError(`image indexes nest too deep (or in a cycle) at ${d.digest}`);
      const child = await readJsonBlob(dir, d);
      if (child?.schemaVersion !== 2 || !Array.isArray(child.manifests))
        throw new LayoutError(`index ${d.digest} is not an image index (schemaVersion 2 with manifests)`);
      await visit(child.manifests, depth + 1, /* @__PURE__ */ new Set([...seen, d.digest]));
    }
  };
  await visit((await readLayoutIndex(dir)).manifests, 0, /* @__PURE__ */ new Set());
  if (found.size === 0) return void 0;
  if (found.size > 1)
    throw new LayoutError(
      `the OCI layout ${dir} holds ${found.size} different attestation manifests for ${subject}: ${[...found.keys()].join(", ")}`
    );
  const descriptor = [...found.values()][0];
  if (!isManifestMediaType(descriptor.mediaType))
    throw new LayoutError(`attestation ${descriptor.digest} for ${subject} is of type ${descriptor.mediaType}, not an image manifest`);
  const manifest = await readJsonBlob(dir, descriptor);
  if (manifest?.schemaVersion !== 2 || !manifest.config || !Array.isArray(manifest.layers)) {
    throw new LayoutError(`attestation ${descriptor.digest} is not an image manifest (schemaVersion 2 with config and layers)`);
  }
  return { dir, descriptor, manifest };
}
function imagePurl(registry, repository, version, platform) {
  const name = registry === DOCKER_HUB ? repository.replace(/^library\//, "") : `${registry}/${repository}`;
  return `pkg:docker/${name}@${version}?platform=${encodeURIComponent(platform)}`;
}
function restateSubject(bytes, names, digest) {
  let statement;
  try {
    statement = JSON.parse(bytes.toString());
  } catch {
    return void 0;
  }
  if (typeof statement._type !== "string" || !statement._type.startsWith("https://in-toto.io/Statement/")) return void 0;
  const [algorithm, hex] = digest.split(":");
  const subject = names.map((name) => ({ name, digest: { [algorithm]: hex } }));
  return Buffer.from(JSON.stringify({ ...statement, subject }));
}
function withDiffIds(bytes, renamed) {
  let config;
  try {
    config = JSON.parse(bytes.toString());
  } catch {
    return void 0;
  }
  const ids = config.rootfs?.diff_ids;
  if (!Array.isArray(ids) || !ids.some((id) => renamed.has(id) && renamed.get(id) !== id)) return void 0;
  return Buffer.from(JSON.stringify({ ...config, rootfs: { ...config.rootfs, diff_ids: ids.map((id) => renamed.get(id) ?? id) } }));
}
function referrerManifest(attestation, subject) {
  const annotations = { ...attestation.annotations ?? {}, [Annotation.ReferenceType]: ATTESTATION_MANIFEST };
  const doc = {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    artifactType: MediaType.DockerAttestationManifest,
    config: attestation.config,
    layers: attestation.layers,
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations
  };
  const bytes = Buffer.from(JSON.stringify(doc));
  return {
    bytes,
    descriptor: {
      mediaType: MediaType.OciManifest,
      digest: digestOf(bytes),
      size: bytes.length,
      artifactType: MediaType.DockerAttestationManifest,
      annotations
    }
  };
}
function referrersTag(digest) {
  return digest.replace(/[^a-zA-Z0-9._-]/g, "-").slice(0, 128);
}
function mergeReferrersIndex(existing, add, name = "the referrers tag") {
  let base = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] };
  if (existing) {
    let parsed;
    try {
      parsed = JSON.parse(existing.toString());
    } catch {
      parsed = void 0;
    }
    const p = parsed;
    if (p?.schemaVersion !== 2 || !Array.isArray(p.manifests) || p.mediaType !== void 0 && p.mediaType !== MediaType.OciIndex) {
      throw new ArchwayError(`${name} holds something other than an OCI image index (the referrers tag schema's); it was left as it is`);
    }
    base = p;
  }
  const manifests = [...base.manifests];
  for (const d of add) {
    const entry2 = {
      mediaType: d.mediaType,
      digest: d.digest,
      size: d.size,
      artifactType: d.artifactType,
      ...d.annotations ? { annotations: d.annotations } : {}
    };
    const at = manifests.findIndex((m) => m.digest === d.digest);
    if (at >= 0) manifests[at] = entry2;
    else manifests.push(entry2);
  }
  const merged = { ...base, schemaVersion: 2, mediaType: MediaType.OciIndex, manifests };
  const bytes = Buffer.from(JSON.stringify(merged));
  const changed = !existing || JSON.stringify(JSON.parse(existing.toString())) !== bytes.toString();
  return { bytes, changed };
}
async function attachProvenance(client, repository, attestation, subject, names) {
  const { dir, manifest } = attestation;
  const fromLayout = (d) => ({ path: blobPath(dir, d.digest), size: d.size });
  const layers = await Promise.all(
    manifest.layers.map(async (d) => {
      if (d.mediaType !== MediaType.InToto) return { descriptor: d, source: fromLayout(d) };
      const restated = restateSubject(await readBlob(dir, d), names, subject.digest);
      if (!restated) return { descriptor: d, source: fromLayout(d) };
      return { descriptor: { ...d, digest: digestOf(restated), size: restated.length }, source: restated };
    })
  );
  const renamed = new Map(manifest.layers.map((d, i) => [d.digest, layers[i].descriptor.digest]));
  const restatedConfig = withDiffIds(await readBlob(dir, manifest.config), renamed);
  const config = restatedConfig ? { descriptor: { ...manifest.config, digest: digestOf(restatedConfig), size: restatedConfig.length }, source: restatedConfig } : { descriptor: manifest.config, source: fromLayout(manifest.config) };
  const blobs = new Map([config, ...layers].map((b) => [b.descriptor.digest, b.source]));
  for (const [digest, source] of blobs) await client.pushBlob(repository, digest, source);
  const doc = referrerManifest({ ...manifest, config: config.descriptor, layers: layers.map((l) => l.descriptor) }, subject);
  await client.putManifest(repository, doc.descriptor.digest, doc.bytes, MediaType.OciManifest);
  const listed = await client.referrers(repository, subject.digest);
  if (listed.some((d) => d.digest === doc.descriptor.digest)) return { referrer: doc.descriptor, via: "referrers API" };
  const tag = referrersTag(subject.digest);
  const existing = await client.headManifest(repository, tag) ? (await client.getManifest(repository, tag)).bytes : void 0;
  const merged = mergeReferrersIndex(existing, [doc.descriptor], `${client.registry}/${repository}:${tag}`);
  if (merged.changed) await client.putManifest(repository, tag, merged.bytes, MediaType.OciIndex);
  return { referrer: doc.descriptor, via: `tag ${tag}` };
}

// src/build/attestations.ts
function wantsAttestation(b) {
  return b.provenance !== false || b.settings.sbom !== false;
}
function checkAttestationStore(b, store) {
  if (store !== "classic") return;
  const why = "since this Docker engine runs the classic image store, which cannot hold attestations; they need the containerd image store (turned on in the engine's daemon.json) or a builder with a BuildKit of its own (the docker-container driver, for one)";
  if (b.provenance) throw new InputError("provenance", provenanceText(b.provenance), `accepted: false here, ${why}`);
  if (b.settings.sbom !== false) throw new InputError("sbom", b.settings.sbom, `accepted: false here, ${why}`);
}
async function requireAttestation(image) {
  const found = await findAttestation(image.dir, image.descriptor.digest);
  if (!found) {
    throw new ArchwayError(
      `provenance/sbom: the saved image of ${formatPlatform(image.platform)} (${image.descriptor.digest}) has no attestation manifest. Nothing was pushed.`
    );
  }
  return found;
}

// src/build/context-credentials.ts
import { readFile } from "node:fs/promises";
import { join } from "node:path";
function ignoresGit(dockerignore) {
  return dockerignore.split("\n").map((l) => l.trim().replace(/^\.\//, "").replace(/\/+$/, "")).some((l) => [".git", "**/.git", ".git/config", ".git/**", ".git/*"].includes(l));
}
function holdsCredentials(gitConfig) {
  return /^\s*extraheader\s*=\s*\S/im.test(gitConfig);
}
var readOrEmpty = (path) => readFile(path, "utf8").catch(() => "");
async function contextCredentialsWarning(context, file) {
  if (/^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(context) || context === "-") return void 0;
  if (!holdsCredentials(await readOrEmpty(join(context, ".git", "config")))) return void 0;
  const own = file ? await readFile(`${file}.dockerignore`, "utf8").catch(() => void 0) : void 0;
  if (ignoresGit(own ?? await readOrEmpty(join(context, ".dockerignore")))) return void 0;
  return `The build context ${context} holds the job's token in .git/config (actions/checkout's persist-credentials), and no .dockerignore line keeps .git out: a COPY of the whole context puts it into the image. Check out with persist-credentials: false, or add .git to .dockerignore`;
}

// src/build/host.ts
async function inspectBuildHost(builder) {
  const [engineAsked, builderAsked] = await Promise.allSettled([engineInfo(), builderInfo(builder)]);
  if (engineAsked.status === "rejected") throw engineAsked.reason;
  if (builderAsked.status === "rejected") throw builderAsked.reason;
  return { engine: engineAsked.value, builder: builderAsked.value };
}
var CLASSIC_CACHE = { exports: ["inline"], imports: ["registry", "local"] };
var SWITCH = 'turn on the containerd image store (docker/setup-docker-action with daemon-config {"features":{"containerd-snapshotter":true}}) or use a builder of the docker-container driver (docker/setup-buildx-action)';
function checkBuildHost(b, host) {
  checkNodes(host.builder);
  checkBuildKit(b, host);
  checkReach(b, host.builder);
  if (host.builder.driver === "docker" && host.engine.store === "classic") checkClassicStore(b);
}
function checkNodes(builder) {
  const down = builder.nodes.find((n) => n.error);
  if (down)
    throw new EnvironmentError(
      `The ${describeBuilder(builder)} cannot be used: its node ${down.name} (${down.endpoint}) says: ${down.error}; see docker buildx inspect --bootstrap ${builder.name}`
    );
}
function buildKitVersions(host) {
  if (host.builder.driver === "docker") {
    const major = semver.coerce(host.engine.version)?.major ?? 0;
    return { what: `the engine's BuildKit (Docker ${host.engine.version})`, versions: major >= 28 ? [] : ["v0.19.0"] };
  }
  const versions = host.builder.nodes.flatMap((n) => n.buildkit && semver.valid(semver.coerce(n.buildkit)) ? [n.buildkit] : []);
  return { what: describeBuilder(host.builder), versions };
}
var olderThan = (versions, floor) => versions.some((v) => semver.lt(semver.coerce(v) ?? "0.0.0", floor));
function checkBuildKit(b, host) {
  const { what, versions } = buildKitVersions(host);
  if (versions.length === 0 || versions.some((v) => v.startsWith("v0.0.0"))) return;
  const gha = olderThan(versions, "0.20.0") ? cacheEntryWhere(b, (e) => cacheType(e) === "gha") : void 0;
  if (gha)
    throw new InputError(
      gha.input,
      redactCacheEntry(gha.entry),
      `${what} cannot use type=gha: BuildKit before v0.20 speaks only the version 1 API of GitHub's cache service, which GitHub retired in April 2025; use a builder of BuildKit v0.20 or later (docker/setup-buildx-action's default image is), or type=registry`
    );
  if (olderThan(versions, "0.11.0")) {
    const why = `${what} cannot make attestations (BuildKit v0.11 or later can); use a builder of a newer BuildKit`;
    if (b.provenance) throw new InputError("provenance", provenanceText(b.provenance), `accepted: false here: ${why}`);
    if (b.settings.sbom !== false) throw new InputError("sbom", b.settings.sbom, `accepted: false here: ${why}`);
  }
}
var localEndpoint = (endpoint) => /^(unix|npipe):|^tcp:\/\/(localhost|127\.[\d.]+|\[::1\])(:|\/|$)/.test(endpoint);
function sharesHostNetwork(builder) {
  switch (builder.driver) {
    case "docker":
      return true;
    case "docker-container":
      return builder.nodes.every((n) => n.driverOptions.network === "host");
    case "remote":
      return builder.nodes.every((n) => localEndpoint(n.endpoint));
    default:
      return false;
  }
}
function onThisMachine(driver, endpoint) {
  if (driver !== "docker-container" && driver !== "remote") return false;
  if (localEndpoint(endpoint)) return true;
  return driver === "docker-container" && !/^[a-z]+:\/\//.test(endpoint);
}
function nodesMissingEmulators(builder, emulated) {
  return builder.nodes.flatMap((n) => {
    if (!onThisMachine(builder.driver, n.endpoint) || n.platforms.length === 0) return [];
    const missing = emulated.filter((p) => !n.platforms.includes(p));
    return missing.length ? [{ node: n.name, missing }] : [];
  });
}
function missingEmulatorsWarning(builder, nodes) {
  const which = nodes.map((n) => `${n.node} (${n.missing.join(", ")})`).join("; ");
  return `The ${describeBuilder(builder)} started before the emulators were registered and does not list them yet: ${which}. Its RUN steps for those platforms may run under an emulator of its own image rather than the QEMU registered here, which the tests use. Register them before the builder starts (this action with only platforms, before docker/setup-buildx-action), or restart it (docker buildx stop ${builder.name})`;
}
async function builderEmulatorsWarning(builder, emulated) {
  if (builder.driver === "docker" || emulated.length === 0) return void 0;
  const now = await builderInfo(builder.name);
  const missing = nodesMissingEmulators(now, emulated);
  return missing.length ? missingEmulatorsWarning(now, missing) : void 0;
}
function builderPushTarget(b, builder) {
  if (builder.driver === "docker" || !b.push) return void 0;
  const [first] = targetsOf(b);
  if (!first) return void 0;
  if (b.credentials && first.registry === b.image.registry) return void 0;
  if (isInsecureRegistry(first.registry) && !sharesHostNetwork(builder)) return void 0;
  return { registry: first.registry, repository: first.repository };
}
function checkReach(b, builder) {
  if (sharesHostNetwork(builder)) return;
  const way = builder.driver === "docker-container" ? `create it with --driver-opt network=host (docker/setup-buildx-action: driver-opts: network=host)` : "use a registry it can reach by name";
  const loopback = cacheEntryWhere(b, (e) => {
    const ref = registryRef(e);
    return ref !== void 0 && isInsecureRegistry(ref.split("/")[0]);
  });
  if (loopback)
    throw new InputError(
      loopback.input,
      redactCacheEntry(loopback.entry),
      `the ${describeBuilder(builder)} runs BuildKit in a network of its own and cannot reach a registry on this machine's loopback; ${way}`
    );
}
function cacheEntryWhere(b, is) {
  for (const [input, entries] of [
    ["cache-to", b.settings.cacheTo],
    ["cache-from", b.settings.cacheFrom]
  ]) {
    const entry2 = entries.find(is);
    if (entry2 !== void 0) return { input, entry: entry2 };
  }
  return void 0;
}
function checkClassicStore(b) {
  checkAttestationStore(b, "classic");
  const here = "on this engine (classic image store, docker driver)";
  for (const entry2 of b.settings.cacheTo) {
    const type = cacheType(entry2);
    if (!CLASSIC_CACHE.exports.includes(type))
      throw new InputError(
        "cache-to",
        entry2,
        `accepted ${here}: type=inline, read back by the next run with cache-from: type=registry,ref=<a tag it published>; for type=${type}, ${SWITCH}`
      );
  }
  for (const entry2 of b.settings.cacheFrom) {
    const type = cacheType(entry2);
    if (!CLASSIC_CACHE.imports.includes(type))
      throw new InputError("cache-from", entry2, `accepted ${here}: type=registry or type=local; for type=${type}, ${SWITCH}`);
  }
}
async function checkedBuildHost(b) {
  const host = await inspectBuildHost(b.builder);
  checkBuildHost(b, host);
  const leak = await contextCredentialsWarning(b.context, b.file);
  if (leak) warning(leak);
  return host;
}

// src/publish/runner-facts.ts
import { readFile as readFile2 } from "node:fs/promises";
async function runnerFacts(env = process.env) {
  return { serverUrl: env.GITHUB_SERVER_URL, repository: env.GITHUB_REPOSITORY, sha: env.GITHUB_SHA, created: await createdTime(env) };
}
async function createdTime(env) {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1e3).toISOString();
  if (env.GITHUB_WORKSPACE) {
    const git = await run("git", ["-C", env.GITHUB_WORKSPACE, "log", "-1", "--format=%cI"], { allowFailure: true }).catch(() => void 0);
    const iso = git?.exitCode === 0 ? git.stdout.trim() : "";
    if (iso) return new Date(iso).toISOString();
  }
  if (env.GITHUB_EVENT_PATH) {
    try {
      const event = JSON.parse(await readFile2(env.GITHUB_EVENT_PATH, "utf8"));
      if (event.head_commit?.timestamp) return new Date(event.head_commit.timestamp).toISOString();
    } catch {
    }
  }
  return void 0;
}

// src/coordination/matrix.ts
function matrixRelease(build, all, env = process.env) {
  const runId = env.GITHUB_RUN_ID;
  if (!runId) throw new ArchwayError("GITHUB_RUN_ID is not set; a matrix of jobs (the build input) is coordinated per workflow run");
  const { kind, line } = chooseStore(env, targetsOf(build)[0]);
  return {
    release: {
      key: releaseKey(runId, build.tags.map(formatReference), all),
      attempt: attemptOf(env.GITHUB_RUN_ATTEMPT),
      platforms: all.map(formatPlatform),
      publish: build.mode !== "stage",
      store: kind
    },
    line
  };
}
async function startRelease(build, all, share) {
  const { release, line } = matrixRelease(build, all);
  info(line);
  const store = await storeOf(release, targetsOf(build), build);
  await store.write(share.map((platform) => ({ state: "started", platform, attempt: release.attempt })));
  info(`Recorded ${formatPlatforms(share)} as started in attempt ${release.attempt} of release ${release.key}`);
  return release;
}
async function merge(build, all) {
  const { release: state, line } = matrixRelease({ ...build, mode: "merge" }, all);
  const release = releaseOf(state);
  const notes = indexNotes(build.annotations, await runnerFacts());
  const outcome = await group("Publish the index from the staged platforms", async () => {
    info(line);
    const o = await mergeStaged(targetsOf(build), release, notes, build);
    for (const l of o.lines) info(l);
    return o;
  });
  const index = outcome.index;
  if (!index) throw new ArchwayError("no index was published");
  const images = outcome.images?.map((i) => ({ platform: formatPlatform(i.platform), digest: i.manifest.digest }));
  await writeSummary(mergeSummary(index.digest, build.tags.map(formatReference)));
  return { image: build.image, tags: build.tags, images, digest: index.digest };
}

// src/emulation/binfmt.ts
import { access, readdir, readFile as readFile3, writeFile } from "node:fs/promises";
import { join as join2 } from "node:path";
async function sameProgram(a, b) {
  if (a === b) return true;
  try {
    const [x, y] = await Promise.all([readFile3(a), readFile3(b)]);
    return x.equals(y);
  } catch {
    return false;
  }
}
function entryName(emulator) {
  return `qemu-${emulator}`;
}
function wantedEntry(emulator, interpreter, flags) {
  const m = binfmtMagic(emulator);
  if (!m) throw new Error(`no binfmt_misc magic known for ${emulator}`);
  return { name: entryName(emulator), interpreter, magic: m.magic, mask: m.mask, offset: 0, flags };
}
var escapeHex = (hex) => hex.replace(/../g, (b) => `\\x${b}`);
function registrationLine(e) {
  if (e.interpreter.includes(":")) throw new EnvironmentError(`binfmt_misc interpreter path ${e.interpreter} contains a colon`);
  return `:${e.name}:M:${e.offset || ""}:${escapeHex(e.magic)}:${escapeHex(e.mask)}:${e.interpreter}:${e.flags}`;
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
  /**
   * Throws, in one line, when this process can write binfmt_misc neither as root nor through
   * password-less sudo (`sudo -n true` fails, or there is no sudo): asked before anything is
   * downloaded, so that such a host gets nothing but the reason.
   */
  async checkAccess() {
    if (this.root) return;
    let reason;
    try {
      const sudo = await run("sudo", ["-n", "true"], { allowFailure: true });
      if (sudo.exitCode === 0) return;
      reason = `it exited with ${sudo.exitCode}: ${outputTail(sudo, 200)}`;
    } catch (err) {
      reason = /unable to locate executable/i.test(errorMessage(err)) ? "there is no sudo on PATH" : errorMessage(err);
    }
    throw new EnvironmentError(
      `Registering emulators with binfmt_misc needs root or password-less sudo: this step does not run as root, and "sudo -n true" failed (${reason}); nothing was downloaded`
    );
  }
  async mounted() {
    return access(join2(this.dir, "register")).then(
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
      return parseEntryFile(name, await readFile3(join2(this.dir, name), "utf8"));
    } catch {
      return void 0;
    }
  }
  async list() {
    return (await readdir(this.dir)).filter((n) => n !== "register" && n !== "status").sort();
  }
  async write(file, text) {
    const path = join2(this.dir, file);
    if (this.root) await writeFile(path, text);
    else await run("sudo", ["-n", "tee", path], { input: Buffer.from(text) });
  }
  /**
   * Makes `wanted` the host's entry: left alone when identical, replaced when different.
   * Another process registering the same emulator at the same moment is not an error when its
   * interpreter is the same program, byte for byte (another runner's copy of the same QEMU); an
   * entry that runs another program is never taken for ours.
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
      const sameMatch = now?.enabled && now.magic === wanted.magic && now.mask === wanted.mask && now.offset === wanted.offset;
      if (now && sameMatch && await sameProgram(now.interpreter, wanted.interpreter)) return "kept";
      const there = now ? ` (the entry there runs ${now.interpreter}, not ${wanted.interpreter})` : "";
      throw new EnvironmentError(`registering ${wanted.name} with binfmt_misc failed: ${errorMessage(err)}${there}`, { cause: err });
    }
    return before ? "replaced" : "registered";
  }
};

// src/emulation/qemu/memo.ts
import { mkdir, readFile as readFile4, writeFile as writeFile2 } from "node:fs/promises";
import { join as join3 } from "node:path";
var MEMO_TTL_MS = 24 * 60 * 60 * 1e3;
function memoFile(toolCache, k) {
  const id = sha256Hex(Buffer.from(`${k.query.text}
${k.mirror}
${k.runnerArch}`)).slice(0, 16);
  return join3(qemuRoot(toolCache), "resolved", `${id}.json`);
}
async function recall(toolCache, k, now) {
  try {
    const m = JSON.parse(await readFile4(memoFile(toolCache, k), "utf8"));
    const age = now.getTime() - Date.parse(m.resolvedAt);
    if (m.query !== k.query.text || m.mirror !== k.mirror || m.runnerArch !== k.runnerArch || !(age >= 0 && age < MEMO_TTL_MS))
      return void 0;
    return m.debianVersion;
  } catch {
    return void 0;
  }
}
async function remember(toolCache, k, debianVersion, now) {
  const file = memoFile(toolCache, k);
  await mkdir(join3(file, ".."), { recursive: true });
  const m = { query: k.query.text, mirror: k.mirror, runnerArch: k.runnerArch, debianVersion, resolvedAt: now.toISOString() };
  await writeFile2(file, `${JSON.stringify(m)}
`);
}

// src/emulation/qemu/setup.ts
var cold = {
  actionsCache: async () => {
    const [{ cacheKey, restore }, { restoreQemu }] = await Promise.all([import("./chunks/actions-cache-ARDLGVRR.js"), import("./chunks/restore-RGO44W25.js")]);
    return { cacheKey, restore, restoreQemu };
  },
  archive: async () => {
    const [{ resolveQemu }, { ensureInstalled }, { keptDir, keeper }, { DEBIAN_ARCHIVE_KEYS }, { download }] = await Promise.all([
      import("./chunks/resolve-KWAFIOX3.js"),
      import("./chunks/install-XUT6CCJT.js"),
      import("./chunks/kept-JW3BXQUW.js"),
      import("./chunks/debian-keys-IFXZVAXQ.js"),
      import("./chunks/download-I7KNPMLT.js")
    ]);
    return {
      resolveQemu,
      ensureInstalled,
      keptDir,
      keeper,
      DEBIAN_ARCHIVE_KEYS,
      download: (url) => download(url)
    };
  }
};
async function setupQemu(o) {
  const memoKey = { query: o.query, mirror: o.mirror, runnerArch: o.runnerArch };
  const fromToolCache = async () => {
    const version = o.query.kind === "exact" ? o.query.text : await recall(o.toolCache, memoKey, o.now);
    if (!version) return void 0;
    const found = await lookup(o.toolCache, version, o.runnerArch, o.needed);
    if (found.state === "altered") {
      o.log.warning(`${found.path} differs from the SHA-256 recorded when it was cached; fetching QEMU ${version} again`);
      await evict(o.toolCache, version, o.runnerArch);
    }
    if (found.state === "partial")
      o.log.info(`QEMU ${version} in the tool cache has no ${found.missing.map((e) => `qemu-${e}`).join(", ")} yet: adding it from the .deb`);
    return found.state === "ok" ? found.installed : void 0;
  };
  const local = await fromToolCache();
  if (local) return checked({ installed: local, source: "tool cache", cachePaths: [] }, o.needed);
  const archive = await cold.archive();
  const keys = o.keys ?? archive.DEBIAN_ARCHIVE_KEYS;
  const remembered = (installed) => o.query.kind === "exact" ? Promise.resolve() : remember(o.toolCache, memoKey, installed.debianVersion, o.now);
  const installOptions = { mirror: o.mirror, toolCache: o.toolCache, runnerArch: o.runnerArch, emulators: o.cacheable, needed: o.needed };
  let keep;
  if (o.useActionsCache) {
    const actionsCache = await cold.actionsCache();
    const key = actionsCache.cacheKey(memoKey, o.now);
    const dir = archive.keptDir(o.toolCache, key);
    const restored = await actionsCache.restoreQemu({
      ...installOptions,
      key,
      dir,
      query: o.query,
      keys,
      now: o.now,
      log: o.log,
      restore: actionsCache.restore
    });
    if (restored.state === "ok") {
      await remembered(restored.installed);
      return checked({ installed: restored.installed, source: "Actions cache", cachePaths: [] }, o.needed);
    }
    if (restored.state === "miss") keep = { key, dir };
  }
  const download = o.fetch ?? archive.download;
  const keeping = keep ? archive.keeper(download, o.mirror, keep.dir) : void 0;
  try {
    const fetch = keeping?.fetch ?? download;
    const pkg = await archive.resolveQemu(o.query, {
      mirror: o.mirror,
      arch: o.runnerArch,
      keys,
      fetch,
      now: o.now,
      warn: (m) => o.log.warning(m)
    });
    const { installed, reused, unpacked } = await archive.ensureInstalled(pkg, { ...installOptions, fetch });
    if (unpacked.length > 0) o.log.info(`Unpacked ${unpacked.map((e) => `qemu-${e}`).join(", ")} from the .deb`);
    await remembered(installed);
    const save = keep && !reused ? keep : void 0;
    if (save) await keeping?.commit(pkg.suite, installed);
    return checked(
      { installed, source: reused ? "tool cache" : "Debian archive", saveKey: save?.key, cachePaths: save ? [save.dir] : [] },
      o.needed
    );
  } finally {
    await keeping?.discard();
  }
}
function checked(setup, needed) {
  const missing = needed.filter((e) => !(e in setup.installed.binaries));
  if (missing.length > 0) {
    throw new ArchwayError(
      `QEMU ${setup.installed.debianVersion} (${setup.installed.package}) has no emulator for ${missing.map((m) => `qemu-${m}`).join(", ")}; choose another qemu-version`
    );
  }
  return setup;
}

// src/emulation/emulation.ts
function planEmulation(all, own, platforms, runnerArch) {
  const needed = new Set(emulatorsNeeded(platforms, runnerArch));
  const groups = /* @__PURE__ */ new Map();
  const byEmulator = /* @__PURE__ */ new Map();
  for (const p of platforms) {
    const name = formatPlatform(p);
    const mine = own.get(name);
    const emulator = qemuArch(p);
    if (!needed.has(emulator)) {
      if (mine)
        throw new InputError(
          "qemu-version",
          `${name}=${mine.text}`,
          `accepted: a version for a platform emulated on this ${runnerArch} host; ${name} runs natively`
        );
      continue;
    }
    const query = mine ?? all;
    const other = byEmulator.get(emulator);
    if (other && other.text !== query.text)
      throw new InputError(
        "qemu-version",
        `${name}=${query.text}`,
        `accepted: the same version for platforms that share qemu-${emulator} (${other.platform} runs under ${other.text})`
      );
    byEmulator.set(emulator, { text: query.text, platform: name });
    const group2 = groups.get(query.text) ?? { query, emulators: /* @__PURE__ */ new Set(), platforms: [] };
    group2.emulators.add(emulator);
    group2.platforms.push(name);
    groups.set(query.text, group2);
  }
  return [...groups.values()].sort((a, b) => Number(b.query.text === all.text) - Number(a.query.text === all.text)).map((g) => ({ query: g.query, emulators: [...g.emulators], platforms: g.platforms }));
}
function runnerToolCache() {
  const toolCache = process.env.RUNNER_TOOL_CACHE;
  if (!toolCache) throw new EnvironmentError("RUNNER_TOOL_CACHE is not set; Archway runs as a GitHub Actions step, which sets it");
  return toolCache;
}
function setupOptions(inputs, runnerArch, toolCache, info2) {
  return {
    mirror: inputs.qemuMirror,
    runnerArch,
    cacheable: emulatorsNeeded(ALL_PLATFORMS, runnerArch),
    toolCache,
    useActionsCache: inputs.cache,
    now: /* @__PURE__ */ new Date(),
    log: { warning: (m) => warning(m), info: info2 }
  };
}
async function setUpEmulation(inputs, platforms, runnerArch, binfmt = new Binfmt()) {
  const planned = planEmulation(inputs.qemuVersion, inputs.qemuVersionFor, platforms, runnerArch);
  if (planned.length === 0) {
    info(`Every platform to build (${formatPlatforms(platforms)}) runs natively on this ${runnerArch} host; no emulation set up`);
    return void 0;
  }
  const toolCache = runnerToolCache();
  await binfmt.checkAccess();
  const groups = [];
  for (const g of planned) {
    const started = Date.now();
    const title = planned.length === 1 ? "QEMU" : `QEMU ${g.query.text} for ${g.platforms.join(", ")}`;
    groups.push(
      await group(title, async () => {
        const setup = await setupQemu({
          ...setupOptions(inputs, runnerArch, toolCache, (m) => info(m)),
          query: g.query,
          needed: g.emulators
        });
        const q = setup.installed;
        info(
          `QEMU ${q.qemuVersion}: Debian ${q.package} ${q.debianVersion} from ${q.suite} (${q.codename}), .deb SHA-256 ${q.debSha256}`
        );
        info(`Source: ${setup.source}${setup.source === "Debian archive" ? ` (${q.url})` : ""}`);
        const registered = await registerEmulators(q, g.emulators, inputs.binfmtFlags, (m) => info(m), binfmt);
        info(`Set up in ${secondsSince(started).toFixed(2)} s`);
        return { setup, platforms: g.platforms, registered };
      })
    );
  }
  return { groups };
}
async function swapEmulator(inputs, runnerArch, platform, inUse, log) {
  const toolCache = runnerToolCache();
  const emulator = qemuArch(platform);
  for (const text of ["latest", "stable"]) {
    const setup = await setupQemu({ ...setupOptions(inputs, runnerArch, toolCache, log), query: { kind: text, text }, needed: [emulator] });
    const q = setup.installed;
    if (q.debianVersion === inUse) continue;
    log(`QEMU ${q.qemuVersion} (${text}): Debian ${q.package} ${q.debianVersion}, .deb SHA-256 ${q.debSha256}, from the ${setup.source}`);
    await registerEmulators(q, [emulator], inputs.binfmtFlags, log);
    return { platform: formatPlatform(platform), from: inUse ?? "(unknown)", to: q.debianVersion, setup };
  }
  return void 0;
}
function qemuVersionsOf(emulation) {
  return new Map(emulation?.groups.flatMap((g) => g.platforms.map((p) => [p, g.setup.installed.debianVersion])) ?? []);
}
function emulatedPlatforms(platforms, runnerArch) {
  return new Set(platforms.map(formatPlatform).filter((p) => needsEmulation(p, runnerArch)));
}
async function registerEmulators(installed, needed, flags, log, binfmt = new Binfmt()) {
  if (await binfmt.ensureMounted()) log(`Mounted binfmt_misc at ${binfmt.dir}`);
  const out = [];
  for (const emulator of needed) {
    const entry2 = wantedEntry(emulator, binaryPath(installed, emulator), flags);
    const outcome = await binfmt.ensure(entry2);
    out.push({ name: entry2.name, interpreter: entry2.interpreter, outcome });
  }
  const by = (o) => out.filter((r) => r.outcome === o).map((r) => r.name);
  const parts = ["registered", "replaced", "unchanged", "kept"].filter((o) => by(o).length).map((o) => `${o} ${by(o).join(", ")}`);
  log(`binfmt_misc (flags ${flags || "none"}): ${parts.join("; ")}`);
  for (const name of by("replaced")) log(`Replaced an existing, different ${name} entry`);
  for (const name of by("kept")) log(`Kept the ${name} entry another process registered at the same moment, for the same binaries`);
  return out;
}

// src/emulation/job.ts
var entriesOf = (setups) => setups.flatMap((s) => s.saveKey ? [{ key: s.saveKey, paths: s.cachePaths }] : []);
async function emulateFor(inputs, share) {
  const runnerArch = hostDebianArch();
  const emulation = await setUpEmulation(inputs, share, runnerArch);
  const qemuVersions = qemuVersionsOf(emulation);
  const swaps = [];
  return {
    runnerArch,
    emulation,
    qemuVersions,
    swaps,
    emulated: emulatedPlatforms(share, runnerArch),
    swapEmulator: async (p, log) => {
      const swap = await swapEmulator(inputs, runnerArch, p, qemuVersions.get(formatPlatform(p)), log);
      if (swap) {
        swaps.push(swap);
        qemuVersions.set(swap.platform, swap.to);
      }
      return swap;
    },
    cacheEntries: () => entriesOf([...(emulation?.groups ?? []).map((g) => g.setup), ...swaps.map((s) => s.setup)])
  };
}

// src/pipeline.ts
import { mkdir as mkdir7, mkdtemp, rm as rm3 } from "node:fs/promises";
import { availableParallelism as availableParallelism3, freemem } from "node:os";
import { join as join10 } from "node:path";

// src/action/log-group.ts
function printGroup(name, lines2) {
  startGroup(name);
  for (const line of lines2) info(line);
  endGroup();
}
async function grouped(name, work) {
  const lines2 = [];
  try {
    return await work((line) => lines2.push(line));
  } finally {
    printGroup(name, lines2);
  }
}

// src/docker/test-run.ts
var SIGNALS = { 139: "SIGSEGV", 132: "SIGILL", 135: "SIGBUS" };
function outcomeOf(exitCode, output) {
  if (exitCode === 0) return { kind: "passed" };
  const qemu = /qemu: uncaught target signal (\d+)/.exec(output);
  const bySignal = qemu ? { 11: "SIGSEGV", 4: "SIGILL", 7: "SIGBUS" }[Number(qemu[1])] : SIGNALS[exitCode];
  return bySignal ? { kind: "crashed", exitCode, signal: bySignal } : { kind: "failed", exitCode };
}
function lastLines(text, n = 20) {
  return text.split("\n").map((l) => l.trimEnd()).filter((l) => l !== "").slice(-n);
}
function testArgv(image, platform, command) {
  return ["run", "--rm", "--init", "--network", "none", "--platform", formatPlatform(platform), "--entrypoint", "sh", image, "-c", command];
}
async function runTest(image, platform, command, echo) {
  const started = Date.now();
  const r = await docker(testArgv(image, platform, command), { allowFailure: true });
  const output = `${r.stdout}${r.stderr}`;
  for (const line of output.split("\n")) if (line.trim()) echo(line);
  return { platform, outcome: outcomeOf(r.exitCode, output), seconds: secondsSince(started), tail: lastLines(output) };
}

// src/emulation/emulator-crash.ts
function crashed(output) {
  const step = /did not complete successfully: exit code: (\d+)/.exec(output)?.[1];
  return outcomeOf(Number(step ?? 1), output).kind === "crashed";
}
function failedBuild(err) {
  if (err instanceof CommandError) return err;
  const cause = err?.cause;
  return cause instanceof CommandError ? cause : void 0;
}
function crashedBuildPlatform(err, emulated) {
  const build = failedBuild(err);
  if (!build || !crashed(`${build.result.stdout}
${build.result.stderr}`)) return void 0;
  const flag = /--platform (\S+)/.exec(build.command)?.[1];
  if (!flag) return void 0;
  const candidates = parsePlatformList(flag).filter((p) => emulated.has(formatPlatform(p)));
  return candidates.length === 1 ? candidates[0] : void 0;
}
var pinAdvice = (name, version) => `to use that QEMU for ${name} from the start: qemu-version: ${name}=${version}`;

// src/build/after-crash.ts
async function buildAgainAfterACrash(o, work) {
  try {
    return await work();
  } catch (err) {
    const p = o.swapEmulator ? crashedBuildPlatform(err, o.emulated) : void 0;
    if (!p || !o.swapEmulator) throw err;
    const swapEmulator2 = o.swapEmulator;
    const name = formatPlatform(p);
    const from = o.qemuVersions.get(name) ?? "(unknown)";
    const swap = await grouped(`Build ${name} again under another QEMU`, async (log) => {
      log(`A build step for ${name} crashed under QEMU ${from}`);
      return swapEmulator2(p, log);
    });
    if (!swap) throw err;
    try {
      const done = await work();
      warning(
        `${name}: a build step crashed under QEMU ${from} and the build passed under QEMU ${swap.to}; ${pinAdvice(name, swap.to)}`
      );
      return done;
    } catch (again) {
      throw new ArchwayError(
        `The build of ${name} crashed under QEMU ${from}, and under QEMU ${swap.to} it failed again: ${errorMessage(again)}`,
        { cause: again }
      );
    }
  }
}

// src/build/one-build.ts
import { mkdir as mkdir5, rm as rm2 } from "node:fs/promises";
import { join as join7 } from "node:path";

// src/docker/buildx.ts
var NO_SETTINGS = {
  addHosts: [],
  allow: [],
  buildContexts: [],
  cacheFrom: [],
  cacheTo: [],
  noCache: false,
  noCacheFilters: [],
  pull: false,
  sbom: false,
  secrets: [],
  secretEnvs: [],
  secretFiles: [],
  ssh: [],
  ulimit: []
};
var each = (flag, values) => values.flatMap((v) => [flag, v]);
function buildArgv(spec, platforms, tag, secretFiles = /* @__PURE__ */ new Map()) {
  const s = spec.settings ?? NO_SETTINGS;
  const missing = s.secrets.find((x) => !secretFiles.has(x.id));
  if (missing) throw new Error(`build secret ${missing.id} has no file`);
  return [
    "buildx",
    "build",
    ...spec.builder ? ["--builder", spec.builder] : [],
    "--platform",
    platforms.map(formatPlatform).join(","),
    ...spec.file ? ["--file", spec.file] : [],
    ...spec.target ? ["--target", spec.target] : [],
    ...spec.buildArgs.flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]),
    ...spec.labels.flatMap(([k, v]) => ["--label", `${k}=${v}`]),
    ...each("--add-host", s.addHosts),
    ...each("--allow", s.allow),
    ...each("--build-context", s.buildContexts),
    ...each("--cache-from", s.cacheFrom),
    ...each("--cache-to", s.cacheTo),
    ...s.network ? ["--network", s.network] : [],
    ...s.noCache ? ["--no-cache"] : [],
    ...each("--no-cache-filter", s.noCacheFilters),
    ...s.pull ? ["--pull"] : [],
    ...s.secrets.flatMap((x) => ["--secret", `id=${x.id},src=${secretFiles.get(x.id)}`]),
    ...s.secretEnvs.flatMap((x) => ["--secret", `id=${x.id},env=${x.env}`]),
    ...s.secretFiles.flatMap((x) => ["--secret", `id=${x.id},src=${x.path}`]),
    ...s.shmSize ? ["--shm-size", s.shmSize] : [],
    ...each("--ssh", s.ssh),
    ...each("--ulimit", s.ulimit),
    // Off unless asked for. When on (containerd store only), buildx stores one attestation
    // manifest per platform (unknown/unknown); it is published as an OCI referrer, never in the index.
    spec.provenance ? `--provenance=mode=${spec.provenance}` : "--provenance=false",
    `--sbom=${s.sbom === false ? "false" : s.sbom}`,
    "--load",
    "--tag",
    tag,
    spec.context
  ];
}

// src/oci/platform-archive.ts
var import_tar_stream = __toESM(require_tar_stream(), 1);
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
function archiveDocuments(image, name) {
  const blob = (digest) => `blobs/${digest.replace(":", "/")}`;
  const tag = name.slice(name.lastIndexOf(":") + 1);
  const index = {
    schemaVersion: 2,
    mediaType: MediaType.OciIndex,
    manifests: [{ ...image.descriptor, annotations: { "io.containerd.image.name": name, [Annotation.RefName]: tag } }]
  };
  const dockerManifest = [
    { Config: blob(image.manifest.config.digest), RepoTags: [name], Layers: image.manifest.layers.map((l) => blob(l.digest)) }
  ];
  return { index, dockerManifest };
}
function archiveBlobs(image) {
  const all = [image.descriptor, image.manifest.config, ...image.manifest.layers];
  const seen = /* @__PURE__ */ new Set();
  return all.filter((d) => !seen.has(d.digest) && seen.add(d.digest)).map((d) => ({ digest: d.digest, size: d.size }));
}
var entry = (p, name, data) => new Promise((resolve, reject) => p.entry({ name, mode: 420 }, data, (err) => err ? reject(err) : resolve()));
function platformArchive(image, name) {
  const p = (0, import_tar_stream.pack)();
  const { index, dockerManifest } = archiveDocuments(image, name);
  const fill = async () => {
    await entry(p, "oci-layout", JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    await entry(p, "index.json", JSON.stringify(index));
    await entry(p, "manifest.json", JSON.stringify(dockerManifest));
    for (const b of archiveBlobs(image)) {
      const sink = p.entry({ name: `blobs/${b.digest.replace(":", "/")}`, size: b.size, mode: 420 });
      await pipeline(createReadStream(blobPath(image.dir, b.digest)), sink);
    }
    p.finalize();
  };
  fill().catch((err) => p.destroy(err));
  return Readable.from(p);
}

// src/docker/image-io.ts
async function saveLayout(ref, dir) {
  await runPiped({ command: "docker", args: ["save", ref] }, { command: "tar", args: ["-x", "-f", "-", "-C", dir] });
}
async function loadPlatform(image, ref) {
  await runPiped(platformArchive(image, ref), { command: "docker", args: ["load"] });
}
async function pullPlatform(byDigest) {
  await docker(["pull", "--quiet", byDigest]);
  return imageId(byDigest);
}
async function imageId(ref) {
  return (await docker(["image", "inspect", "--format", "{{.Id}}", ref])).stdout.trim();
}
function expectedImageId(store, top, config) {
  return store === "containerd" ? top.digest : config.digest;
}

// src/docker/build-record.ts
import { readFile as readFile5 } from "node:fs/promises";
async function buildRecordRef(metadataFile) {
  const doc = JSON.parse(await readFile5(metadataFile, "utf8"));
  const ref = doc["buildx.build.ref"];
  return typeof ref === "string" && ref.split("/").length === 3 ? ref : void 0;
}
async function pushedDigest(metadataFile) {
  const doc = JSON.parse(await readFile5(metadataFile, "utf8"));
  const digest = doc["containerimage.digest"];
  if (typeof digest !== "string" || !/^sha256:[a-f0-9]{64}$/.test(digest))
    throw new Error(`the build's metadata (${metadataFile}) gives no digest of what it pushed`);
  return digest;
}
var nodeOf = (recordRef) => recordRef.split("/")[1];
async function readBuildRecord(recordRef) {
  const [builder, , ref] = recordRef.split("/");
  const history = ["buildx", "history", "--builder", builder];
  const inspected = JSON.parse((await docker([...history, "inspect", "--format", "json", ref])).stdout);
  const attached = (inspected.Attachments ?? []).filter((a) => a.Digest && a.Type?.startsWith("https://slsa.dev/provenance/"));
  const provenance = await Promise.all(
    attached.map(async (a) => JSON.parse((await docker([...history, "inspect", "attachment", ref, a.Digest])).stdout))
  );
  const logs = await docker([...history, "logs", "--progress=rawjson", ref]);
  return { statusStream: logs.stderr || logs.stdout, provenance };
}

// src/oci/fetch.ts
import { mkdir as mkdir2, writeFile as writeFile3 } from "node:fs/promises";
import { join as join4 } from "node:path";
var DOWNLOADS_AT_ONCE = 6;
async function readPushed(client, repository, top) {
  const documents = /* @__PURE__ */ new Map();
  const blobs = /* @__PURE__ */ new Map();
  const images = [];
  const visit = async (d, depth) => {
    if (documents.has(d.digest)) return;
    if (depth > 2) throw new LayoutError(`${repository}@${top.digest}: indexes nest deeper than a build pushes them`);
    if (d.size > MAX_JSON_BLOB) throw new LayoutError(`${repository}@${d.digest} is ${d.size} bytes, more than a manifest may be`);
    const { bytes } = await client.getManifest(repository, d.digest);
    documents.set(d.digest, bytes);
    if (isIndexMediaType(d.mediaType)) {
      const index = JSON.parse(bytes.toString());
      for (const child of index.manifests ?? []) {
        if (child.platform && !isAttestation(child) && isManifestMediaType(child.mediaType)) images.push(child);
        await visit(child, depth + 1);
      }
    } else if (isManifestMediaType(d.mediaType)) {
      const manifest = JSON.parse(bytes.toString());
      for (const b of [manifest.config, ...manifest.layers ?? []]) blobs.set(b.digest, b);
    } else throw new LayoutError(`${repository}@${d.digest} is a ${d.mediaType}, neither an image index nor a manifest`);
  };
  await visit(top, 0);
  if (isManifestMediaType(top.mediaType)) images.push(top);
  return { repository, top, documents, images, blobs: [...blobs.values()] };
}
function pushedManifest(pushed, platform) {
  if (isManifestMediaType(pushed.top.mediaType)) return pushed.top;
  const want = platformKey(platform);
  const found = pushed.images.filter((d) => d.platform && platformKey(d.platform) === want);
  if (found.length !== 1)
    throw new LayoutError(
      `${pushed.repository}@${pushed.top.digest} names ${found.length} manifests for ${want}, where the build pushed one`
    );
  return found[0];
}
async function startFetch(client, pushed, dir) {
  for (const algorithm of new Set([...pushed.documents.keys(), ...pushed.blobs.map((b) => b.digest)].map((d) => d.split(":")[0])))
    await mkdir2(join4(dir, "blobs", algorithm), { recursive: true });
  await Promise.all([...pushed.documents].map(([digest, bytes]) => writeFile3(blobPath(dir, digest), bytes)));
  await writeFile3(join4(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  await writeFile3(join4(dir, "index.json"), JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [pushed.top] }));
  const each2 = new Map(pushed.blobs.map((b) => [b.digest, deferred()]));
  const done = quiet(
    mapLimit(pushed.blobs, DOWNLOADS_AT_ONCE, (b) => {
      const one = each2.get(b.digest);
      return client.downloadBlob(pushed.repository, b.digest, b.size, blobPath(dir, b.digest)).then(one.resolve, (err) => {
        one.reject(err);
        throw err;
      });
    }).then(() => {
      const bytes = [...pushed.documents.values()].reduce((n, b) => n + b.length, 0) + pushed.blobs.reduce((n, b) => n + b.size, 0);
      return { blobs: pushed.documents.size + pushed.blobs.length, bytes };
    })
  );
  for (const d of each2.values()) d.promise.catch(() => void 0);
  const blobs = async (digests) => {
    await Promise.all(
      digests.map((digest) => {
        const one = each2.get(digest);
        if (!one) throw new LayoutError(`${pushed.repository}@${pushed.top.digest} names no blob ${digest}`);
        return one.promise;
      })
    );
  };
  const image = (manifest) => {
    const bytes = pushed.documents.get(manifest.digest);
    if (!bytes) return Promise.reject(new LayoutError(`${pushed.repository}@${pushed.top.digest} names no manifest ${manifest.digest}`));
    const m = JSON.parse(bytes.toString());
    return blobs([m.config, ...m.layers ?? []].map((b) => b.digest));
  };
  return { done, blobs, image };
}
function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

// src/build/nodes.ts
var keyOf = (listed) => {
  const [os, architecture, variant] = listed.split("/");
  return platformKey({ os, architecture, variant });
};
function nodesOfBuild(nodes, platforms) {
  if (nodes.length === 0 || nodes.some((n) => n.error || n.platforms.length === 0)) return void 0;
  const keys = platforms.map(platformKey);
  const firstListing = (key, listed) => nodes.findIndex((n) => listed(n).some((l) => keyOf(l) === key));
  const strict = keys.map((k) => firstListing(k, (n) => n.preferred));
  if (strict.every((i) => i >= 0)) return strict;
  const loose = keys.map((k) => firstListing(k, (n) => [...n.preferred, ...n.platforms]));
  return loose.every((i) => i >= 0) ? loose : void 0;
}
function buildsPerNode(nodes, platforms) {
  const alone = platforms.map((p) => nodesOfBuild(nodes, [p])?.[0]);
  const byNode = /* @__PURE__ */ new Map();
  platforms.forEach((p, i) => {
    const at = alone[i];
    byNode.set(at, [...byNode.get(at) ?? [], p]);
  });
  return [...byNode].flatMap(([at, group2]) => {
    const one = (ps) => ({ platforms: ps, node: at === void 0 ? void 0 : nodes[at].name });
    if (at === void 0) return group2.map((p) => one([p]));
    const together = nodesOfBuild(nodes, group2);
    return together?.every((i) => i === at) ? [one(group2)] : group2.map((p) => one([p]));
  });
}

// src/build/plan.ts
var BUILDS_PER_CORE = 2;
var MEMORY_PER_BUILD = 1024 ** 3;
function buildsAtOnce(count2, cores, memory) {
  return Math.max(1, Math.min(count2, BUILDS_PER_CORE * Math.max(1, cores), Math.floor(memory / MEMORY_PER_BUILD)));
}
function planBuild(engine, builder, platforms, cores, memory, emulated = /* @__PURE__ */ new Set(), attested = false, pushTo) {
  const base = { store: engine.store, builder, platforms };
  if (builder.driver !== "docker") {
    const builds = builder.nodes.length > 1 && platforms.length > 1 ? buildsPerNode(builder.nodes, platforms) : [];
    if (pushTo) return builds.length > 1 ? { ...base, kind: "pushed-each", pushTo, builds } : { ...base, kind: "pushed", pushTo };
    return builds.length > 1 ? { ...base, kind: "layout-each", builds } : { ...base, kind: "oci-layout" };
  }
  if (engine.store === "containerd") return { ...base, kind: "multi-platform", layout: attested ? "same-export" : "from-cache" };
  const isEmulated = (p) => emulated.has(formatPlatform(p));
  const slowestFirst = platforms.filter(isEmulated).sort((a, b) => qemuCost(b) - qemuCost(a));
  const startOrder = [...slowestFirst, ...platforms.filter((p) => !isEmulated(p))];
  return { ...base, kind: "side-by-side", atOnce: buildsAtOnce(platforms.length, cores, memory), startOrder };
}
var count = (n, one, many) => n === 1 ? `one ${one}` : `${n} ${many}`;
function perNode(builds) {
  if (builds.every((b) => b.platforms.length === 1)) return "one per platform";
  return `one per node (${builds.map((b) => `${b.node ?? "a node"}: ${formatPlatforms(b.platforms)}`).join("; ")})`;
}
function describePlan(plan) {
  const n = plan.platforms.length;
  const store = `${plan.store} image store`;
  const builder = plan.builder.name === "default" ? "" : `${describeBuilder(plan.builder)}, `;
  switch (plan.kind) {
    case "multi-platform":
      return `Build plan: ${builder}${store}, one build of ${count(n, "platform", "platforms")}, the OCI layout written ${plan.layout === "from-cache" ? "from the build cache" : "by the same export"}`;
    case "side-by-side":
      return n === 1 ? `Build plan: ${builder}${store}, one build` : `Build plan: ${builder}${store}, ${n} builds side by side (at most ${plan.atOnce} at once)`;
    case "oci-layout":
      return `Build plan: ${builder}one build of ${count(n, "platform", "platforms")} exported as an OCI layout, each platform loaded into the ${store} for its tests`;
    case "layout-each":
      return `Build plan: ${builder}${plan.builds.length} builds at once, ${perNode(plan.builds)}, each sent by buildx to its node and exported as an OCI layout of its own, each platform loaded into the ${store} for its tests`;
    case "pushed":
      return `Build plan: ${builder}one build of ${count(n, "platform", "platforms")} pushed by digest to ${pushedTo(plan.pushTo)} by the builder (untagged until every platform passes), each platform pulled back by its digest into the ${store} for its tests, the image fetched back as an OCI layout meanwhile`;
    case "pushed-each":
      return `Build plan: ${builder}${plan.builds.length} builds at once, ${perNode(plan.builds)}, each sent by buildx to its node and pushed by digest to ${pushedTo(plan.pushTo)} by it (untagged until every platform passes), each platform pulled back by its digest into the ${store} for its tests and fetched back as an OCI layout meanwhile`;
  }
}
var pushedTo = (t) => `${t.registry}/${t.repository}`;
function pushArgv(loadArgv, to) {
  const at = loadArgv.indexOf("--tag");
  if (at < 0 || loadArgv.indexOf("--tag", at + 1) >= 0) throw new Error("a build command line has one --tag");
  const untagged = [...loadArgv.slice(0, at), ...loadArgv.slice(at + 2)];
  const name = csvField(`name=${pushedTo(to)}`);
  return replaceLoad(untagged, [`type=image,${name},push-by-digest=true,name-canonical=true,push=true,oci-mediatypes=true`]);
}
function layoutArgv(loadArgv, dir) {
  return replaceLoad(loadArgv, [layoutOutput(dir)]);
}
function recordArgv(argv, file) {
  const at = argv.indexOf("build");
  if (at < 0) throw new Error("a build command line has build");
  return [...argv.slice(0, at + 1), "--metadata-file", file, ...argv.slice(at + 1)];
}
function ociLoadArgv(loadArgv) {
  return replaceLoad(loadArgv, [ENGINE_OCI]);
}
function loadAndLayoutArgv(loadArgv, dir) {
  return replaceLoad(loadArgv, [ENGINE_OCI, layoutOutput(dir)]);
}
var ENGINE_OCI = "type=docker,oci-mediatypes=true";
var layoutOutput = (dir) => `type=oci,${csvField(`dest=${dir}`)},tar=false`;
function replaceLoad(loadArgv, outputs) {
  const at = loadArgv.indexOf("--load");
  if (at < 0 || loadArgv.indexOf("--load", at + 1) >= 0) throw new Error("a build command line has one --load");
  return [...loadArgv.slice(0, at), ...outputs.flatMap((o) => ["--output", o]), ...loadArgv.slice(at + 1)];
}
var csvField = (field) => /[",\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
var platformSlug = (p) => formatPlatform(p).replace(/^linux\//, "").replace(/\//g, "");
function localRef(plan, tag, p) {
  return plan.kind === "multi-platform" ? tag : `${tag}-${platformSlug(p)}`;
}

// src/build/run.ts
import { mkdir as mkdir4 } from "node:fs/promises";
import { join as join6 } from "node:path";

// src/docker/secret-files.ts
import { mkdir as mkdir3, rm, writeFile as writeFile4 } from "node:fs/promises";
import { join as join5 } from "node:path";
async function withSecretFiles(secrets, dir, build) {
  if (secrets.length === 0) return build(/* @__PURE__ */ new Map());
  await mkdir3(dir, { recursive: true, mode: 448 });
  try {
    const files = /* @__PURE__ */ new Map();
    for (const [i, s] of secrets.entries()) {
      const path = join5(dir, `secret-${i}`);
      await writeFile4(path, s.value, { mode: 384 });
      files.set(s.id, path);
    }
    return await build(files);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// src/build/run.ts
var withSecrets = (run3, work) => withSecretFiles(run3.b.settings.secrets, join6(run3.scratch, "secrets"), work);
async function recordOf(metadata) {
  return buildRecordRef(metadata).catch(() => void 0);
}
async function savedImage(dir) {
  const { manifests } = await readLayoutIndex(dir);
  if (manifests.length !== 1) throw new LayoutError(`the OCI layout ${dir} names ${manifests.length} images, not one`);
  return manifests[0];
}
async function layoutDir(run3, name) {
  const dir = join6(run3.scratch, name);
  await mkdir4(dir, { recursive: true });
  return dir;
}
var lines = (text) => text ? text.replace(/\n$/, "").split("\n") : [];
function requireSameImage(ref, id, want) {
  if (id !== want)
    throw new VerificationError(
      `the engine's image ${ref} is ${id}, but its OCI layout holds ${want}: the image tested would not be the one pushed`
    );
}
var commandLines = (argv, out) => [
  `[command]docker ${argv.join(" ")}`,
  ...lines(out.stdout),
  ...lines(out.stderr)
];

// src/build/hand-on.ts
async function saveOne(run3, p, ref, dir, buildSeconds) {
  const imageId2 = await imageId(ref);
  const started = Date.now();
  const layout = quiet(
    (async () => {
      await saveLayout(ref, dir);
      const top = await savedImage(dir);
      const image = await findPlatformImage(dir, p);
      requireSameImage(ref, imageId2, expectedImageId(run3.plan.store, top, image.manifest.config));
      const notes = [
        `Saved as an OCI layout in ${formatSeconds(secondsSince(started))} (docker save ${ref}, streamed into the layout: no archive written), while the test ran`,
        `The engine's image ${imageId2} is the layout's`
      ];
      return { image, notes };
    })()
  );
  return { platform: p, imageId: imageId2, layout, buildSeconds, sharedBuild: false };
}
async function loadOne(run3, p, image, ref, build) {
  const started = Date.now();
  await loadPlatform(image, ref);
  const imageId2 = await imageId(ref);
  requireSameImage(ref, imageId2, expectedImageId(run3.plan.store, image.descriptor, image.manifest.config));
  const notes = [
    `Loaded into the engine in ${formatSeconds(secondsSince(started))} (this platform alone, streamed from the layout); it is ${imageId2}`
  ];
  return { platform: p, imageId: imageId2, layout: Promise.resolve({ image, notes }), buildSeconds: build.seconds, sharedBuild: build.shared };
}
async function pullBack(client, to, metadata, dir) {
  const digest = await pushedDigest(metadata);
  const top = await client.headManifest(to.repository, digest);
  if (!top) throw new VerificationError(`the builder pushed ${pushedTo(to)}@${digest}, but the registry does not have it`);
  const pushed = await readPushed(client, to.repository, top);
  const started = Date.now();
  const fetching = await startFetch(client, pushed, dir);
  return { to, digest, pushed, fetching, started };
}
async function pullOne(run3, p, back, dir, build) {
  const manifest = pushedManifest(back.pushed, p);
  const fetched = quiet(back.fetching.image(manifest).then(() => secondsSince(back.started)));
  const started = Date.now();
  const ref = `${pushedTo(back.to)}@${manifest.digest}`;
  run3.engineNames.add(ref);
  const imageId2 = await pullPlatform(ref);
  const pulled = `Pulled into the engine by its digest ${manifest.digest} in ${formatSeconds(secondsSince(started))}; it is ${imageId2}`;
  const layout = quiet(
    fetched.then(async (took) => {
      const image = await findPlatformImage(dir, p);
      if (image.descriptor.digest !== manifest.digest)
        throw new VerificationError(
          `the engine pulled ${manifest.digest} for ${formatPlatform(p)}, but its OCI layout holds ${image.descriptor.digest}: the image tested would not be the one pushed`
        );
      requireSameImage(ref, imageId2, expectedImageId(run3.plan.store, image.descriptor, image.manifest.config));
      const blobs = [image.manifest.config, ...image.manifest.layers];
      const mb = blobs.reduce((n, b) => n + b.size, 0) / 1e6;
      const note = `Pushed by the builder as ${pushedTo(back.to)}@${back.digest}; this platform's ${blobs.length} blobs (${mb.toFixed(1)} MB) fetched back into the OCI layout ${formatSeconds(took)} after the fetch began, each checked against its digest`;
      return { image, notes: [note, pulled] };
    })
  );
  return { platform: p, imageId: imageId2, layout, buildSeconds: build.seconds, sharedBuild: build.shared };
}

// src/build/one-build.ts
async function buildAll(run3, argv, how) {
  const started = Date.now();
  const metadata = join7(run3.scratch, "metadata.json");
  await withSecrets(
    run3,
    (files) => group(`Build ${formatPlatforms(run3.plan.platforms)} (${how})`, () => docker(recordArgv(argv(files), metadata), { echo: true }))
  );
  const took = secondsSince(started);
  info(`Built ${run3.plan.platforms.length} platform(s) in ${formatSeconds(took)}`);
  return { took, recordRef: await recordOf(metadata), metadata };
}
async function multiPlatform(run3, each2) {
  const { plan, b, tag } = run3;
  const dir = await layoutDir(run3, "layout");
  const attested = plan.kind === "multi-platform" && plan.layout === "same-export";
  const { took, recordRef } = await buildAll(
    run3,
    (files) => (attested ? loadAndLayoutArgv : ociLoadArgv)(buildArgv(b, plan.platforms, tag, files), dir),
    `one build, ${plan.store} image store${attested ? ", loaded and written as an OCI layout" : ""}`
  );
  const imageId2 = await imageId(tag);
  const written = attested ? Promise.resolve({ top: await savedImage(dir), how: "Written as an OCI layout by the same export as the engine's image" }) : writeLayout(run3, dir, imageId2);
  const checked2 = quiet(
    written.then((w) => {
      requireSameImage(tag, imageId2, expectedImageId(plan.store, w.top, w.top));
      return w;
    })
  );
  const gate = limiter(run3.parallel);
  return settleAll(
    plan.platforms.map(
      (p) => gate(async () => {
        const layout = checked2.then(async (w) => {
          const image = await findPlatformImage(dir, p);
          const notes = [
            w.how,
            `The engine's image ${imageId2} is the layout's (${image.descriptor.digest} is its ${formatPlatform(p)} manifest)`
          ];
          return { image, notes };
        });
        return each2({ platform: p, imageId: imageId2, layout, buildSeconds: took, sharedBuild: true, recordRef });
      })
    )
  );
}
async function writeLayout(run3, dir, engine) {
  const { plan, b, tag } = run3;
  const again = { ...b, settings: { ...b.settings, cacheFrom: [], cacheTo: [], noCache: false, noCacheFilters: [], pull: false } };
  return grouped("Write the OCI layout from the build cache", async (log) => {
    const started = Date.now();
    await withSecrets(run3, async (files) => {
      const argv = layoutArgv(buildArgv(again, plan.platforms, tag, files), dir);
      const out = await docker(argv, { allowFailure: true });
      for (const line of commandLines(argv, out)) log(line);
      if (out.exitCode !== 0) throw new CommandError(`docker ${argv.join(" ")}`, out);
    });
    const top = await savedImage(dir);
    if (top.digest === engine) {
      const how2 = `Written as an OCI layout from the build cache in ${formatSeconds(secondsSince(started))} (the engine's image, not read back from the engine)`;
      log(how2);
      return { top, how: how2 };
    }
    log(`The export from the build cache is ${top.digest}, not the engine's image ${engine}: saving the engine's image instead`);
    await rm2(dir, { recursive: true, force: true });
    await mkdir5(dir);
    const saved = Date.now();
    await saveLayout(tag, dir);
    const how = `Saved as an OCI layout in ${formatSeconds(secondsSince(saved))} (docker save ${tag}, streamed into the layout), the export from the build cache not being the same image`;
    log(how);
    return { top: await savedImage(dir), how };
  });
}
async function pushedOnce(run3, to, each2) {
  const { plan, b, tag } = run3;
  const dir = await layoutDir(run3, "layout");
  const { took, recordRef, metadata } = await buildAll(
    run3,
    (files) => pushArgv(buildArgv(b, plan.platforms, tag, files), to),
    `one build, builder ${plan.builder.name}, pushed by digest to ${pushedTo(to)}`
  );
  const back = await pullBack(await connect(to.registry, b), to, metadata, dir);
  const gate = limiter(run3.parallel);
  const results = await settleAll(
    plan.platforms.map((p) => gate(async () => each2({ ...await pullOne(run3, p, back, dir, { seconds: took, shared: true }), recordRef })))
  );
  await back.fetching.done;
  return results;
}
async function ociLayout(run3, each2) {
  const { plan, b, tag } = run3;
  const dir = await layoutDir(run3, "layout");
  const { took, recordRef } = await buildAll(
    run3,
    (files) => layoutArgv(buildArgv(b, plan.platforms, tag, files), dir),
    `one build, builder ${plan.builder.name}, exported as an OCI layout`
  );
  const gate = limiter(run3.parallel);
  return settleAll(
    plan.platforms.map(
      (p) => gate(
        async () => each2({
          ...await loadOne(run3, p, await findPlatformImage(dir, p), localRef(plan, tag, p), { seconds: took, shared: true }),
          recordRef
        })
      )
    )
  );
}

// src/build/side-by-side.ts
import { join as join8 } from "node:path";
var SAVED_FROM_ENGINE = {
  argv: (argv) => argv,
  handOn: async (run3, dir, build) => (p, ref) => saveOne(run3, p, ref, dir, build.seconds)
};
var LOADED_FROM_LAYOUT = {
  argv: (argv, dir) => layoutArgv(argv, dir),
  handOn: async (run3, dir, build) => async (p, ref) => loadOne(run3, p, await findPlatformImage(dir, p), ref, build)
};
function pushedByNode(to) {
  let client;
  const fetches = [];
  return {
    argv: (argv) => pushArgv(argv, to),
    handOn: async (run3, dir, build, metadata) => {
      client ??= connect(to.registry, run3.b);
      const back = await pullBack(await client, to, metadata, dir);
      fetches.push(back.fetching.done);
      return (p) => pullOne(run3, p, back, dir, build);
    },
    rest: () => Promise.all(fetches)
  };
}
async function sideBySide(run3, units, atOnce, how, each2) {
  const { plan, b, tag } = run3;
  const buildGate = limiter(atOnce);
  const nextGate = limiter(run3.parallel);
  const started = Date.now();
  const failed = [];
  const next = /* @__PURE__ */ new Map();
  const slug = (unit) => unit.map(platformSlug).join("-");
  const dirs = new Map(await Promise.all(units.map(async (u) => [u, await layoutDir(run3, `layout-${slug(u)}`)])));
  const buildOne = async (unit, files) => {
    if (failed.length > 0) return;
    const dir = dirs.get(unit);
    const metadata = join8(run3.scratch, `metadata-${slug(unit)}.json`);
    const ref = unit.length === 1 ? localRef(plan, tag, unit[0]) : tag;
    const argv = recordArgv(how.argv(buildArgv(ownCache(b, unit, plan.platforms), unit, ref, files), dir), metadata);
    const from = secondsSince(started);
    const out = await docker(argv, { allowFailure: true });
    const to = secondsSince(started);
    const span = `from +${from.toFixed(1)} s to +${to.toFixed(1)} s of the builds`;
    const outcome = out.exitCode === 0 ? `Built ${formatPlatforms(unit)} in ${formatSeconds(to - from)} (${span})` : `Failed (${span})`;
    printGroup(`Build ${formatPlatforms(unit)}`, [...commandLines(argv, out), outcome]);
    if (out.exitCode !== 0) {
      failed.push({ platforms: unit, error: new CommandError(`docker ${argv.join(" ")}`, out) });
      return;
    }
    const recordRef = await recordOf(metadata);
    const ready = quiet(how.handOn(run3, dir, { seconds: to - from, shared: unit.length > 1 }, metadata));
    for (const p of unit) {
      const handedOn = nextGate(async () => each2({ ...await (await ready)(p, localRef(plan, tag, p)), recordRef }));
      next.set(formatPlatform(p), settled(handedOn));
    }
  };
  await withSecrets(run3, (files) => settleAll(units.map((u) => buildGate(() => buildOne(u, files)))));
  const ended = /* @__PURE__ */ new Map();
  for (const [key, result] of next) ended.set(key, await result);
  if (failed.length > 0) throw buildFailure(failed);
  const rejected = [...ended.values()].find((r) => r.status === "rejected");
  if (rejected) throw rejected.reason;
  await how.rest?.();
  return plan.platforms.map((p) => ended.get(formatPlatform(p)).value);
}
function ownCache(b, unit, platforms) {
  if (unit.length >= platforms.length || b.settings.cacheTo.length === 0) return b;
  const { from, to } = withMatrixScope({ from: b.settings.cacheFrom, to: b.settings.cacheTo }, ghaScope(unit));
  return { ...b, settings: { ...b.settings, cacheFrom: from, cacheTo: to } };
}
function buildFailure(failed) {
  if (failed.length === 1) return failed[0].error;
  const first = failed[0];
  return new ArchwayError(
    `The builds of ${formatPlatforms(failed.flatMap((f) => f.platforms))} failed; ${formatPlatforms(first.platforms)}: ${first.error.message}`,
    { cause: first.error }
  );
}

// src/build/build.ts
async function buildEach(run3, each2) {
  switch (run3.plan.kind) {
    case "multi-platform":
      return multiPlatform(run3, each2);
    case "side-by-side":
      return sideBySide(
        run3,
        run3.plan.startOrder.map((p) => [p]),
        run3.plan.atOnce,
        SAVED_FROM_ENGINE,
        each2
      );
    case "layout-each":
      return sideBySide(run3, unitsOf(run3.plan.builds), run3.plan.builds.length, LOADED_FROM_LAYOUT, each2);
    case "oci-layout":
      return ociLayout(run3, each2);
    case "pushed":
      return pushedOnce(run3, run3.plan.pushTo, each2);
    case "pushed-each":
      return sideBySide(run3, unitsOf(run3.plan.builds), run3.plan.builds.length, pushedByNode(run3.plan.pushTo), each2);
  }
}
var unitsOf = (builds) => builds.map((b) => b.platforms);

// src/build/cost.ts
var isObject = (v) => typeof v === "object" && v !== null;
function parseStatusStream(text) {
  const values = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") {
      if (depth++ === 0) start = i;
    } else if (c === "}" && depth > 0 && --depth === 0) values.push(JSON.parse(text.slice(start, i + 1)));
  }
  return values;
}
function buildConfigOf(doc) {
  if (!isObject(doc)) return void 0;
  const predicate = isObject(doc.predicate) ? doc.predicate : doc;
  if (isObject(predicate.buildConfig)) return predicate.buildConfig;
  const def = predicate.buildDefinition;
  const internal = isObject(def) && isObject(def.internalParameters) ? def.internalParameters : void 0;
  return internal && isObject(internal.buildConfig) ? internal.buildConfig : void 0;
}
function opsOfProvenance(docs) {
  const ops = /* @__PURE__ */ new Map();
  for (const doc of docs) {
    const config = buildConfigOf(doc);
    if (!config || !Array.isArray(config.llbDefinition) || !isObject(config.digestMapping)) continue;
    const byId = /* @__PURE__ */ new Map();
    for (const step of config.llbDefinition) {
      if (!isObject(step) || typeof step.id !== "string" || !isObject(step.op)) continue;
      const body = isObject(step.op.Op) ? step.op.Op : {};
      const p = step.op.platform;
      const platform = isObject(p) ? platformKey({
        os: String(p.OS ?? ""),
        architecture: String(p.Architecture ?? ""),
        variant: p.Variant ? String(p.Variant) : void 0
      }) : void 0;
      byId.set(step.id, { exec: "exec" in body, platform });
    }
    for (const [digest, id] of Object.entries(config.digestMapping)) {
      const op = typeof id === "string" ? byId.get(id) : void 0;
      if (op) ops.set(digest, op);
    }
  }
  return ops;
}
var NAME = /^\[(?:(\S+\/\S+) )?(\S+) \d+\/\d+\] (.*)$/s;
function stepOf(name) {
  const m = NAME.exec(name);
  if (!m) return { step: name };
  return { step: name.replace(/^\[\S+\/\S+ /, "["), stage: m[2] };
}
function runSteps(stream, ops) {
  const seen = /* @__PURE__ */ new Map();
  for (const message of stream) {
    const vertexes = isObject(message) && Array.isArray(message.vertexes) ? message.vertexes : [];
    for (const v of vertexes) {
      if (!v.digest || !v.name) continue;
      const entry2 = seen.get(v.digest) ?? { name: v.name, intervals: /* @__PURE__ */ new Map(), cached: false };
      seen.set(v.digest, entry2);
      if (v.cached) entry2.cached = true;
      if (v.started && v.completed) entry2.intervals.set(v.started, (Date.parse(v.completed) - Date.parse(v.started)) / 1e3);
    }
  }
  const steps = [];
  for (const [digest, v] of seen) {
    const op = ops.get(digest);
    if (!op?.exec || !op.platform || v.cached) continue;
    const seconds = [...v.intervals.values()].reduce((a, b) => a + b, 0);
    steps.push({ name: v.name, ...stepOf(v.name), platform: op.platform, seconds });
  }
  return steps;
}
var sum = (steps) => steps.reduce((a, s) => a + s.seconds, 0);
function emulationCost(steps, emulated) {
  const platforms = [...new Set(steps.map((s) => s.platform))];
  const native = platforms.filter((p) => !emulated(p));
  const costs = platforms.map((platform) => {
    const own = steps.filter((s) => s.platform === platform);
    const base = { platform, emulated: emulated(platform), runSeconds: sum(own) };
    if (!base.emulated) return base;
    for (const n of native) {
      const theirs = new Map(steps.filter((s) => s.platform === n).map((s) => [s.step, s.seconds]));
      const shared = own.filter((s) => theirs.has(s.step));
      if (shared.length === 0) continue;
      const nativeSeconds2 = shared.reduce((a, s) => a + (theirs.get(s.step) ?? 0), 0);
      return { ...base, against: { platform: n, seconds: sum(shared), nativeSeconds: nativeSeconds2 } };
    }
    return base;
  });
  const nativeSeconds = /* @__PURE__ */ new Map();
  for (const s of steps) if (!emulated(s.platform) && !nativeSeconds.has(s.step)) nativeSeconds.set(s.step, s.seconds);
  const stages = /* @__PURE__ */ new Map();
  for (const s of steps.filter((x) => emulated(x.platform))) {
    const stage = s.stage ?? s.step;
    const c = stages.get(stage) ?? { by: /* @__PURE__ */ new Map(), added: 0, compared: true };
    const native2 = nativeSeconds.get(s.step);
    c.by.set(s.platform, (c.by.get(s.platform) ?? 0) + s.seconds);
    c.added += Math.max(0, s.seconds - (native2 ?? 0));
    c.compared &&= native2 !== void 0;
    stages.set(stage, c);
  }
  return {
    platforms: costs,
    stages: [...stages].map(([stage, c]) => ({
      stage,
      seconds: [...c.by.values()].reduce((a, b) => a + b, 0),
      added: c.added,
      compared: c.compared,
      byPlatform: [...c.by]
    })).sort((a, b) => b.added - a.added)
  };
}

// src/build/cost-records.ts
async function recordedRunSteps(recordRef) {
  const record = await readBuildRecord(recordRef);
  return runSteps(parseStatusStream(record.statusStream), opsOfProvenance(record.provenance));
}
var BuildRecords = class {
  #reads = /* @__PURE__ */ new Map();
  /** Starts reading a build's record; its failure waits for `cost` to report it. */
  read(ref) {
    if (!this.#reads.has(ref)) this.#reads.set(ref, quiet(recordedRunSteps(ref)));
  }
  /**
   * What the builds' RUN steps cost per platform they ran as; undefined, with a line saying why,
   * when a record cannot be read (it is a report: the job goes on).
   */
  async cost(built, runnerArch) {
    const refs = [...new Set(built.flatMap((b) => b.recordRef ? [b.recordRef] : []))];
    if (refs.length === 0) {
      info("What emulation cost is not shown: buildx gave no reference of its record of the build");
      return void 0;
    }
    try {
      const steps = await Promise.all(refs.map((ref) => this.#reads.get(ref) ?? recordedRunSteps(ref)));
      return emulationCost(steps.flat(), (p) => needsEmulation(p, runnerArch));
    } catch (err) {
      info(`What emulation cost is not shown: BuildKit's record of the build could not be read (${errorMessage(err)})`);
      return void 0;
    }
  }
};

// src/image-test/after-crash.ts
async function testAgainAfterCrashes(checked2, test, o) {
  const out = [...checked2];
  for (const [i, c] of checked2.entries()) {
    const name = formatPlatform(c.platform);
    const crash = c.test?.outcome;
    const swapEmulator2 = o.swapEmulator;
    if (crash?.kind !== "crashed" || !o.emulated.has(name) || !swapEmulator2 || !test) continue;
    const again = await grouped(`Test ${name} again under another QEMU`, async (log) => {
      log(`The test crashed with ${crash.signal} under QEMU ${o.qemuVersions.get(name) ?? "(unknown)"}`);
      const swap = await swapEmulator2(c.platform, log);
      if (!swap) {
        log("The archive holds no other QEMU to try");
        return void 0;
      }
      const result = await runTest(c.imageId, c.platform, test, log);
      log(`Test ${result.outcome.kind} in ${formatSeconds(result.seconds)} under QEMU ${swap.to}`);
      return { test: result, retry: { signal: crash.signal, from: swap.from, to: swap.to } };
    });
    if (!again) continue;
    out[i] = { ...c, ...again };
    if (again.test.outcome.kind === "passed")
      warning(
        `${name}: the test crashed under QEMU ${again.retry.from} and passed under QEMU ${again.retry.to}; ${pinAdvice(name, again.retry.to)}`
      );
  }
  return out;
}

// src/image-test/check.ts
var passed = (test, arch) => (!test || test.outcome.kind === "passed") && (!arch || archOk(arch));
async function checkPlatform(built, b, log, prepare, stop) {
  const { platform } = built;
  const testLines = [];
  const testing = b.test ? runTest(built.imageId, platform, b.test, (line) => testLines.push(line)) : Promise.resolve(void 0);
  const inLayout = built.layout.then(({ image, notes }) => {
    const node = built.recordRef ? `, built on node ${nodeOf(built.recordRef)}` : "";
    log(`Image ${image.descriptor.digest} (${image.manifest.layers.length} layers)${node}`);
    for (const note of notes) log(note);
    return image;
  });
  const verifying = inLayout.then((image) => b.verifyArch ? verifyImageArch(image, { ignore: b.verifyArchIgnore }) : void 0);
  const preparing = quiet(prepare ? inLayout.then((image) => prepare(image, stop.signal)) : Promise.resolve(void 0));
  const [tested, verified] = await Promise.allSettled([testing, verifying]);
  for (const line of testLines) log(line);
  if (tested.status === "rejected" || verified.status === "rejected" || !passed(tested.value, verified.value)) stop.abort();
  const prepared = await settled(preparing);
  if (tested.status === "rejected") throw tested.reason;
  if (verified.status === "rejected") throw verified.reason;
  if (prepared.status === "rejected" && !stop.signal.aborted) throw prepared.reason;
  const [test, arch] = [tested.value, verified.value];
  if (test) log(`Test ${test.outcome.kind} in ${formatSeconds(test.seconds)}`);
  if (arch) log(archLogLine(arch));
  return {
    platform,
    image: await inLayout,
    imageId: built.imageId,
    test,
    arch,
    prepared: prepared.status === "fulfilled" ? prepared.value : void 0,
    buildSeconds: built.buildSeconds,
    sharedBuild: built.sharedBuild,
    recordRef: built.recordRef
  };
}

// src/image-test/failures.ts
function failureLines(c, o) {
  const name = formatPlatform(c.platform);
  const out = [];
  const tail = (t2) => t2.tail.length ? `; last lines: ${t2.tail.slice(-5).join(" | ")}` : "";
  const t = c.test;
  if (t?.outcome.kind === "failed") out.push(`Tests failed on ${name} with exit code ${t.outcome.exitCode}${tail(t)}`);
  if (t?.outcome.kind === "crashed" && c.retry) {
    out.push(
      `Tests crashed on ${name} with ${c.retry.signal} under QEMU ${c.retry.from}, and again with ${t.outcome.signal} (exit code ${t.outcome.exitCode}) under QEMU ${c.retry.to}: not an emulator bug of one version${tail(t)}`
    );
  } else if (t?.outcome.kind === "crashed") {
    const emulated = o.emulated.has(name);
    const hint = emulated ? ` under QEMU ${o.qemuVersions.get(name) ?? "(unknown)"}; an emulator crash depends on the QEMU version: try another qemu-version for it (${name}=latest, ${name}=7.2, or stable, 10.0, ... for every platform)` : "";
    out.push(`Tests crashed on ${name} with ${t.outcome.signal} (exit code ${t.outcome.exitCode})${hint}${tail(t)}`);
  }
  if (c.arch && !archOk(c.arch)) out.push(`Architecture check failed: ${archFailure(c.arch)}`);
  return out;
}
function nothingPublished(plan) {
  if (plan.kind !== "pushed" && plan.kind !== "pushed-each") return "Nothing was pushed.";
  return `Nothing was tagged: what the builder pushed to ${pushedTo(plan.pushTo)} stays by digest only, untagged, for the registry's garbage collection.`;
}
function requireAllPassed(checked2, plan, o) {
  const failures = checked2.flatMap((c) => failureLines(c, o));
  if (failures.length > 0) throw new ArchwayError(`${failures.join("; ")}. ${nothingPublished(plan)}`);
}

// src/publish/push-image.ts
import { mkdir as mkdir6 } from "node:fs/promises";
import { join as join9 } from "node:path";

// src/publish/compress.ts
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { promisify } from "node:util";
import { constants, crc32, deflateRaw, gzip } from "node:zlib";
var BLOCK_SIZE = 4 * 1024 * 1024;
var SAMPLE_SIZE = 64 * 1024;
var LEVEL = constants.Z_BEST_SPEED;
var STORE_ABOVE = 0.97;
var gzipAsync = promisify(gzip);
var deflateRawAsync = promisify(deflateRaw);
async function blockLevel(block) {
  const sample = block.subarray(0, SAMPLE_SIZE);
  if (sample.length === 0) return LEVEL;
  const packed = await deflateRawAsync(sample, { level: LEVEL });
  return packed.length > STORE_ABOVE * sample.length ? constants.Z_NO_COMPRESSION : LEVEL;
}
async function wouldStoreAll(path, size) {
  if (size === 0) return false;
  const file = await open(path, "r");
  try {
    for (let at = 0; at < size; at += BLOCK_SIZE) {
      const sample = Buffer.alloc(Math.min(SAMPLE_SIZE, size - at));
      const { bytesRead } = await file.read(sample, 0, sample.length, at);
      if (await blockLevel(sample.subarray(0, bytesRead)) !== constants.Z_NO_COMPRESSION) return false;
    }
    return true;
  } finally {
    await file.close();
  }
}
async function gzipBlock(block) {
  const level = await blockLevel(block);
  return level === constants.Z_NO_COMPRESSION ? storedMember(block) : [await gzipAsync(block, { level })];
}
var MAX_STORED = 65535;
function storedMember(data) {
  const blocks = Math.max(1, Math.ceil(data.length / MAX_STORED));
  const parts = [Buffer.from([31, 139, 8, 0, 0, 0, 0, 0, 4, 3])];
  for (let i = 0; i < blocks; i++) {
    const part = data.subarray(i * MAX_STORED, (i + 1) * MAX_STORED);
    const head = Buffer.alloc(5);
    head[0] = i === blocks - 1 ? 1 : 0;
    head.writeUInt16LE(part.length, 1);
    head.writeUInt16LE(part.length ^ 65535, 3);
    parts.push(head, part);
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data), 0);
  trailer.writeUInt32LE(data.length % 2 ** 32, 4);
  parts.push(trailer);
  return parts;
}
async function* blocksOf(chunks, size = BLOCK_SIZE) {
  let held = [];
  let length = 0;
  let any = false;
  for await (const chunk of chunks) {
    let rest = chunk;
    while (length === 0 && rest.length >= size) {
      yield rest.subarray(0, size);
      any = true;
      rest = rest.subarray(size);
    }
    while (length + rest.length >= size) {
      const take = size - length;
      held.push(rest.subarray(0, take));
      rest = rest.subarray(take);
      yield Buffer.concat(held, size);
      any = true;
      held = [];
      length = 0;
    }
    if (rest.length > 0) {
      held.push(rest);
      length += rest.length;
    }
  }
  if (length > 0 || !any) yield Buffer.concat(held, length);
}
async function gzipToFile(source, dest, { inFlight = availableParallelism() + 1, signal } = {}) {
  const file = await open(dest, "w");
  const hash = createHash("sha256");
  let size = 0;
  const queue = [];
  const writeNext = async () => {
    const member = await queue.shift();
    for (const part of member) {
      hash.update(part);
      size += part.length;
    }
    await file.writev(member);
  };
  try {
    for await (const block of blocksOf(source)) {
      signal?.throwIfAborted();
      queue.push(quiet(gzipBlock(block)));
      if (queue.length >= inFlight) await writeNext();
    }
    while (queue.length > 0) await writeNext();
  } finally {
    await Promise.allSettled(queue);
    await file.close();
  }
  return { digest: `sha256:${hash.digest("hex")}`, size };
}

// src/publish/oci-manifest.ts
var OCI_EQUIVALENT = {
  [MediaType.DockerConfig]: MediaType.OciConfig,
  [MediaType.DockerLayerGzip]: MediaType.OciLayerGzip,
  [MediaType.DockerLayerZstd]: MediaType.OciLayerZstd,
  [MediaType.DockerLayer]: MediaType.OciLayer
};
function uncompressedLayers(manifest) {
  return manifest.layers.filter((l) => l.mediaType === MediaType.OciLayer || l.mediaType === MediaType.DockerLayer);
}
function ociManifest(manifest, original, replaced = /* @__PURE__ */ new Map(), annotations = {}) {
  const rename = (d) => {
    const swapped = replaced.get(d.digest);
    if (swapped) return { mediaType: swapped.mediaType, digest: swapped.digest, size: swapped.size };
    return { ...d, mediaType: OCI_EQUIVALENT[d.mediaType] ?? d.mediaType };
  };
  const config = rename(manifest.config);
  const layers = manifest.layers.map(rename);
  const built = manifest.annotations ?? {};
  const notes = sortedAnnotations(Object.entries({ ...built, ...annotations }));
  const unchanged = manifest.mediaType === MediaType.OciManifest && config.mediaType === manifest.config.mediaType && layers.every((l, i) => l.digest === manifest.layers[i].digest && l.mediaType === manifest.layers[i].mediaType) && Object.entries(annotations).every(([k, v]) => built[k] === v);
  const bytes = unchanged ? original : Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config,
      layers,
      ...Object.keys(notes).length ? { annotations: notes } : {}
    })
  );
  return { bytes, descriptor: { mediaType: MediaType.OciManifest, digest: digestOf(bytes), size: bytes.length } };
}

// src/publish/push-image.ts
var PARALLEL_BLOBS = 4;
async function gzipLayer(image, layer, scratch, signal) {
  const path = join9(scratch, `${layer.digest.replace(":", "-")}.tar.gz`);
  const { digest, size } = await gzipToFile(blobStream(image.dir, layer, BLOCK_SIZE), path, { signal });
  return { descriptor: { mediaType: MediaType.OciLayerGzip, digest, size }, path };
}
async function prepareImage(image, scratch, annotations = {}, signal) {
  await mkdir6(scratch, { recursive: true });
  const replaced = /* @__PURE__ */ new Map();
  const paths = /* @__PURE__ */ new Map();
  for (const layer of uncompressedLayers(image.manifest)) {
    if (await wouldStoreAll(blobPath(image.dir, layer.digest), layer.size)) continue;
    const gz = await gzipLayer(image, layer, scratch, signal);
    replaced.set(layer.digest, gz.descriptor);
    paths.set(gz.descriptor.digest, gz.path);
  }
  const doc = ociManifest(image.manifest, await readBlob(image.dir, image.descriptor), replaced, annotations);
  const manifest = JSON.parse(doc.bytes.toString());
  const unique = new Map([manifest.config, ...manifest.layers].map((d) => [d.digest, d]));
  const blobs = [...unique.values()].map((d) => ({
    digest: d.digest,
    size: d.size,
    path: paths.get(d.digest) ?? blobPath(image.dir, d.digest)
  }));
  return { doc: { ...doc, compressedSize: blobs.reduce((n, b) => n + b.size, 0) }, blobs };
}
async function pushImage(client, repository, prepared) {
  await mapLimit(prepared.blobs, PARALLEL_BLOBS, (b) => client.pushBlob(repository, b.digest, { path: b.path, size: b.size }));
  const { doc } = prepared;
  await client.putManifest(repository, doc.descriptor.digest, doc.bytes, doc.descriptor.mediaType);
  return doc;
}

// src/publish/push-platforms.ts
import { availableParallelism as availableParallelism2 } from "node:os";
var PARALLEL = Math.max(2, availableParallelism2());
async function pushPlatforms(b, checked2, prepare) {
  const published = /* @__PURE__ */ new Map();
  const prepared = await mapLimit(checked2, PARALLEL, async (c) => c.prepared ?? prepare(c.platform, c.image));
  const attestations = wantsAttestation(b) ? await mapLimit(checked2, PARALLEL, (c) => requireAttestation(c.image)) : void 0;
  for (const target of targetsOf(b)) {
    const client = await connect(target.registry, b);
    const docs = await mapLimit(
      checked2,
      PARALLEL,
      (c, i) => grouped(`Push ${formatPlatform(c.platform)} to ${target.registry}/${target.repository}`, async (log) => {
        const started = Date.now();
        const d = await pushImage(client, target.repository, prepared[i]);
        log(`Pushed ${d.descriptor.digest} (${d.compressedSize} bytes) in ${formatSeconds(secondsSince(started))}`);
        const added = Object.keys(b.annotations.manifest[formatPlatform(c.platform)] ?? {}).length;
        if (added)
          log(
            `Its manifest is the tested image's (${c.image.descriptor.digest}) with ${added} annotations, over the same config and layer contents`
          );
        if (attestations) {
          const versions = target.tags.length > 0 ? target.tags : [d.descriptor.digest];
          const names = versions.map((v) => imagePurl(target.registry, target.repository, v, formatPlatform(c.platform)));
          const a = await attachProvenance(client, target.repository, attestations[i], d.descriptor, names);
          log(`Attestations ${a.referrer.digest} attached to ${d.descriptor.digest} as an OCI referrer (${a.via})`);
        }
        return d;
      })
    );
    for (const [i, c] of checked2.entries()) published.set(formatPlatform(c.platform), docs[i]);
  }
  return published;
}

// src/pipeline.ts
function localTag(repository, env = process.env, pid = process.pid) {
  const name = repository.split("/").pop().replace(/[^a-z0-9._-]/g, "-");
  return `archway.local/${name}:${env.GITHUB_RUN_ID ?? "run"}-${env.GITHUB_RUN_ATTEMPT ?? "1"}-${pid}`;
}
var availableMemory = () => process.availableMemory?.() ?? freemem();
async function runPipeline(b, platforms, o) {
  const { engine, builder } = o.host;
  info(`Docker ${engine.version}, ${engine.store} image store, builder ${builder.name} (${builder.driver} driver)`);
  const cores = availableParallelism3();
  const memory = availableMemory();
  const plan = planBuild(engine, builder, platforms, cores, memory, o.emulated, wantsAttestation(b), builderPushTarget(b, builder));
  info(describePlan(plan));
  const tag = localTag(b.image.repository);
  await mkdir7(o.tempDir, { recursive: true });
  const scratch = await mkdtemp(join10(o.tempDir, "archway-"));
  const engineNames = /* @__PURE__ */ new Set();
  const run3 = { plan, b, tag, scratch, parallel: buildsAtOnce(platforms.length, cores, memory), engineNames };
  try {
    const stopPreparing = new AbortController();
    const prepare = (p, image, signal) => prepareImage(image, join10(scratch, platformSlug(p)), b.annotations.manifest[formatPlatform(p)] ?? {}, signal);
    const records = new BuildRecords();
    const firstChecks = await buildAgainAfterACrash(
      o,
      () => buildEach(
        run3,
        (built) => grouped(`Test and verify ${formatPlatform(built.platform)}`, (log) => {
          if (o.emulated.size > 0 && built.recordRef) records.read(built.recordRef);
          const preparing = b.push ? (image, signal) => prepare(built.platform, image, signal) : void 0;
          return checkPlatform(built, b, log, preparing, stopPreparing);
        })
      )
    );
    const checked2 = await testAgainAfterCrashes(firstChecks, b.test, o);
    const cost = o.emulated.size > 0 ? await records.cost(checked2, o.runnerArch) : void 0;
    const report = cost ? costLines(cost, testTimes(checked2)) : [];
    if (report.length) printGroup("What emulation cost", report);
    requireAllPassed(checked2, plan, o);
    const published = b.push ? await pushPlatforms(b, checked2, prepare) : void 0;
    const results = checked2.map((c) => ({
      platform: c.platform,
      buildSeconds: c.buildSeconds,
      sharedBuild: c.sharedBuild,
      test: c.test,
      retry: c.retry,
      arch: c.arch,
      published: published?.get(formatPlatform(c.platform)),
      node: c.recordRef ? nodeOf(c.recordRef) : void 0
    }));
    return { engine, plan, platforms: results, cost };
  } finally {
    await removeLocalImages([...new Set(platforms.map((p) => localRef(plan, tag, p))), ...engineNames]);
    await rm3(scratch, { recursive: true, force: true });
  }
}
async function removeLocalImages(refs) {
  const out = await docker(["image", "rm", ...refs], { allowFailure: true });
  if (out.exitCode !== 0 && !/No such image/i.test(out.stderr))
    info(`Could not remove the local images ${refs.join(", ")}: ${out.stderr.trim()}`);
}

// src/publish/pending.ts
async function pendingPublish(build, pipeline2, all, release) {
  const share = build.share ?? all;
  const images = pipeline2.platforms.flatMap((r) => r.published ? [{ platform: r.platform, manifest: r.published.descriptor }] : []);
  if (images.length !== share.length) throw new ArchwayError("not every platform was pushed; no index");
  const notes = indexNotes(build.annotations, await runnerFacts());
  const state = {
    targets: targetsOf(build),
    images: images.map(({ platform, manifest: m }) => ({
      platform: formatPlatform(platform),
      mediaType: m.mediaType,
      digest: m.digest,
      size: m.size
    })),
    ...notes
  };
  const tags = build.tags.map(formatReference).join(", ");
  if (build.share) {
    if (!release) throw new ArchwayError("a matrix job has no release to stage its platforms for");
    info(
      `The post step stages ${formatPlatforms(share)} once the job has succeeded; the job of this run that stages the last platform publishes the index as ${tags}`
    );
    return { ...state, release };
  }
  const digest = buildIndex(images, notes.annotations, notes.descriptorAnnotations).digest;
  info(`Index ${digest}: the post step publishes it as ${tags} once the job has succeeded`);
  return { ...state, digest };
}

// src/main.ts
async function run2() {
  await runStep("Archway failed", () => main(getInputs()));
}
async function main(inputs) {
  const { build, platforms: all } = inputs;
  setPlatformsOutput(all);
  if (build?.mode === "merge") return setImageOutputs(await merge(build, all));
  const buildHost = build ? await checkedBuildHost(build) : void 0;
  const release = build?.share && build.push ? await startRelease(build, all, build.share) : void 0;
  const job = await emulateFor(inputs, build?.share ?? all);
  if (job.emulation) setQemuOutputs(job.emulation.groups[0].setup.installed, job.qemuVersions);
  const facts = { platforms: all.map(formatPlatform), runnerArch: job.runnerArch, emulation: job.emulation };
  if (!build || !buildHost) {
    saveState({ qemuCaches: job.cacheEntries() });
    return writeSummary(renderSummary(facts));
  }
  let pipeline2;
  let publish;
  try {
    pipeline2 = await buildAndPush(inputs, build, buildHost, job);
    if (build.push) publish = await pendingPublish(build, pipeline2, all, release);
  } finally {
    saveState({ qemuCaches: job.cacheEntries(), publish });
    if (job.emulation && job.swaps.length > 0) setQemuOutputs(job.emulation.groups[0].setup.installed, job.qemuVersions);
  }
  setImageOutputs({ image: build.image, tags: build.tags, images: publish?.images, digest: publish?.digest });
  const index = publish?.digest ? { digest: publish.digest, tags: build.tags.map(formatReference), pushed: false } : void 0;
  await writeSummary(renderSummary({ ...facts, pipeline: pipeline2, index }));
}
async function buildAndPush(inputs, build, host, job) {
  const stale = await builderEmulatorsWarning(host.builder, [...job.emulated]);
  if (stale) warning(stale);
  return runPipeline(build, build.share ?? inputs.platforms, { ...job, tempDir: runnerTemp(), host });
}

// src/entrypoints/main.ts
await run2();
