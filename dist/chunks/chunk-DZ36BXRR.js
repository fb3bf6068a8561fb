import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  ArchwayError,
  oneLine
} from "./chunk-4GAVUGPR.js";

// src/registry/retry.ts
import { setTimeout as delay } from "node:timers/promises";

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
  if (url.search === "") return url.toString();
  const query = url.search.slice(1).split("&").map((pair) => {
    const at = pair.indexOf("=");
    const name = at === -1 ? pair : pair.slice(0, at);
    if (pair === "" || HARMLESS_QUERY.has(decodeQueryName(name))) return pair;
    return at === -1 ? "REDACTED" : `${name}=REDACTED`;
  }).join("&");
  url.search = `?${query}`;
  return url.toString();
}
function decodeQueryName(name) {
  try {
    return decodeURIComponent(name.replace(/\+/g, " "));
  } catch {
    return name;
  }
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

// src/registry/retry.ts
var DEFAULT_RETRY_POLICY = { attempts: 5, baseMs: 500, maxMs: 3e4 };
function retryPolicyFromEnv(env = process.env) {
  const v = env.ARCHWAY_RETRY_DELAY_MS;
  return v && /^\d{1,6}$/.test(v) ? { ...DEFAULT_RETRY_POLICY, baseMs: Number(v) } : DEFAULT_RETRY_POLICY;
}
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

export {
  RegistryError,
  parseErrorBody,
  redactUrl,
  retryPolicyFromEnv,
  RETRYABLE_STATUSES,
  isRetryableNetworkError,
  parseRetryAfter,
  withRetry
};
