import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  RETRYABLE_STATUSES,
  isRetryableNetworkError,
  retryPolicyFromEnv,
  withRetry
} from "./chunk-DZ36BXRR.js";
import {
  HttpClient
} from "./chunk-WNQVWJY4.js";
import {
  runnerTemp
} from "./chunk-SLB43Q4Y.js";
import "./chunk-4GAVUGPR.js";
import "./chunk-QFDZJLFJ.js";

// src/emulation/qemu/download.ts
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
var HttpStatusError = class extends Error {
  constructor(status) {
    super(`HTTP ${status}`);
    this.status = status;
  }
  status;
};
function retryableDownload(err) {
  return err instanceof HttpStatusError ? RETRYABLE_STATUSES.has(err.status) : isRetryableNetworkError(err);
}
var SOCKET_TIMEOUT_MS = 6e4;
async function download(url, dir = runnerTemp(), policy = retryPolicyFromEnv()) {
  await mkdir(dir, { recursive: true });
  const dest = join(dir, randomUUID());
  const http = new HttpClient("archway", [], { allowRetries: false, socketTimeout: SOCKET_TIMEOUT_MS });
  try {
    return await withRetry(
      policy,
      async () => {
        const answer = await http.get(url);
        if (answer.message.statusCode !== 200) {
          answer.message.resume();
          throw new HttpStatusError(answer.message.statusCode ?? 0);
        }
        await pipeline(answer.message, createWriteStream(dest));
        return dest;
      },
      { retryable: retryableDownload }
    );
  } catch (err) {
    await rm(dest, { force: true });
    throw err;
  } finally {
    http.dispose();
  }
}
export {
  HttpStatusError,
  download,
  retryableDownload
};
