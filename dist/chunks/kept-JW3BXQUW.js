import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  completeEntry,
  completeKept,
  keeper,
  keptDebPath,
  keptDir,
  keptEmulatorsDir,
  keptFetcher,
  keptSuite,
  readKept,
  unpackKeptIndex
} from "./chunk-GGP2XCLZ.js";
import "./chunk-SLB43Q4Y.js";
import "./chunk-WMTCGLD5.js";
import "./chunk-EX32TN2U.js";
import "./chunk-WPJLAUQR.js";
import "./chunk-WNYJYB2X.js";
import "./chunk-UW7OQIEV.js";
import "./chunk-ZZOUXBOC.js";
import "./chunk-64H2USGQ.js";
import "./chunk-IR6WKKZB.js";
import "./chunk-D5HHU3RE.js";
import "./chunk-WQR6LQPS.js";
import "./chunk-BZQWVCNM.js";
import "./chunk-4GAVUGPR.js";
import "./chunk-QFDZJLFJ.js";
export {
  completeEntry,
  completeKept,
  keeper,
  keptDebPath,
  keptDir,
  keptEmulatorsDir,
  keptFetcher,
  keptSuite,
  readKept,
  unpackKeptIndex
};
