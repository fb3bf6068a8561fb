import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  keptDebPath,
  keptEmulatorsDir,
  keptFetcher,
  readKept
} from "./chunk-GGP2XCLZ.js";
import "./chunk-SLB43Q4Y.js";
import {
  ensureInstalled
} from "./chunk-WMTCGLD5.js";
import {
  discardWrittenSince,
  snapshot
} from "./chunk-EX32TN2U.js";
import {
  quiet
} from "./chunk-WPJLAUQR.js";
import "./chunk-WNYJYB2X.js";
import "./chunk-UW7OQIEV.js";
import "./chunk-ZZOUXBOC.js";
import "./chunk-64H2USGQ.js";
import "./chunk-IR6WKKZB.js";
import {
  fetchHashed
} from "./chunk-D5HHU3RE.js";
import "./chunk-WQR6LQPS.js";
import "./chunk-BZQWVCNM.js";
import {
  VerificationError,
  errorMessage
} from "./chunk-4GAVUGPR.js";
import "./chunk-QFDZJLFJ.js";

// src/emulation/qemu/restore.ts
import { rm } from "node:fs/promises";
async function restoreQemu(o) {
  await rm(o.dir, { recursive: true, force: true });
  const before = await snapshot(o.toolCache);
  const hit = await o.restore([o.dir], o.key, o.log);
  const written = await discardWrittenSince(o.toolCache, before);
  try {
    if (!hit) {
      if (written.length > 0) o.log.info(`Discarded what the failed restore left in the tool cache: ${written.join(", ")}`);
      return { state: "miss" };
    }
    if (written.length > 0)
      throw new VerificationError(`it wrote into the tool cache's qemu folder (${list(written)}), which a genuine entry never does`);
    const deb = await keptDeb(o.dir);
    const pkg = await readKept(o.dir, o.query, { arch: o.runnerArch, keys: o.keys, now: o.now, warn: (m) => o.log.warning(m) });
    if (!pkg) {
      o.log.info(
        `The Actions cache entry ${o.key} holds no Debian files to check QEMU against (an older format): QEMU is fetched from the Debian archive`
      );
      return { state: "refused" };
    }
    const { installed, unpacked, taken } = await ensureInstalled(pkg, {
      ...o,
      fetch: keptFetcher,
      from: o.dir,
      keptEmulators: keptEmulatorsDir(o.dir),
      deb
    });
    const how = [
      taken.length > 0 ? `${emulatorList(taken)} it keeps by the MD5 the .deb's md5sums give` : "",
      unpacked.length > 0 ? `${emulatorList(unpacked)} unpacked from the .deb` : ""
    ].filter(Boolean);
    o.log.info(
      `Checked the Actions cache entry along Debian's chain: the InRelease of ${pkg.suite} signed by an archive key, its Packages index and the .deb by SHA-256${how.length > 0 ? `, ${how.join(", ")}` : ""}`
    );
    return { state: "ok", installed };
  } catch (err) {
    o.log.warning(
      `Refused the QEMU entry restored from the Actions cache under ${o.key}: ${errorMessage(err)}; fetching QEMU from the Debian archive (delete the entry to let a good one be saved)`
    );
    return { state: "refused" };
  } finally {
    await rm(o.dir, { recursive: true, force: true });
  }
}
async function keptDeb(dir) {
  const url = await keptDebPath(dir);
  return url ? { url, read: quiet(fetchHashed(keptFetcher, url, "the kept .deb")) } : void 0;
}
var emulatorList = (names) => names.map((n) => `qemu-${n}`).join(", ");
function list(paths) {
  return paths.length > 3 ? `${paths.slice(0, 3).join(", ")} and ${paths.length - 3} more` : paths.join(", ");
}
export {
  restoreQemu
};
