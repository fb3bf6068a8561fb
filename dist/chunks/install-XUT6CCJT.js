import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  ensureInstalled,
  install,
  md5sumsName,
  packagePath,
  takeKept
} from "./chunk-WMTCGLD5.js";
import "./chunk-EX32TN2U.js";
import "./chunk-WPJLAUQR.js";
import "./chunk-WNYJYB2X.js";
import "./chunk-UW7OQIEV.js";
import "./chunk-D5HHU3RE.js";
import "./chunk-WQR6LQPS.js";
import "./chunk-BZQWVCNM.js";
import "./chunk-4GAVUGPR.js";
import "./chunk-QFDZJLFJ.js";
export {
  ensureInstalled,
  install,
  md5sumsName,
  packagePath,
  takeKept
};
