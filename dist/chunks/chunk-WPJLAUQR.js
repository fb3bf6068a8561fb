import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);

// src/shared/concurrency.ts
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
  const settled2 = await Promise.allSettled(promises);
  const failed = settled2.find((s) => s.status === "rejected");
  if (failed) throw failed.reason;
  return settled2.map((s) => s.value);
}
var settled = (p) => p.then(
  (value) => ({ status: "fulfilled", value }),
  (reason) => ({ status: "rejected", reason })
);
function quiet(promise) {
  promise.catch(() => {
  });
  return promise;
}

export {
  mapLimit,
  limiter,
  settleAll,
  settled,
  quiet
};
