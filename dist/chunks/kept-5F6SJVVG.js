import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  completeKept,
  keeper,
  keptDir,
  keptEmulatorsDir,
  keptFetcher,
  keptSuite,
  readKept
} from "./chunk-7X3K5YOH.js";
import "./chunk-SLB43Q4Y.js";
import "./chunk-JMPTS2OR.js";
import "./chunk-EX32TN2U.js";
import "./chunk-WNYJYB2X.js";
import "./chunk-D3JJJAMA.js";
import "./chunk-64H2USGQ.js";
import "./chunk-IR6WKKZB.js";
import "./chunk-L3XENWWB.js";
import "./chunk-WQR6LQPS.js";
import "./chunk-UW7OQIEV.js";
import "./chunk-BZQWVCNM.js";
import "./chunk-4GAVUGPR.js";
import "./chunk-QFDZJLFJ.js";
export {
  completeKept,
  keeper,
  keptDir,
  keptEmulatorsDir,
  keptFetcher,
  keptSuite,
  readKept
};
