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
} from "./chunk-WWCO4KGO.js";
import "./chunk-SLB43Q4Y.js";
import "./chunk-G4DVGWAL.js";
import "./chunk-EX32TN2U.js";
import "./chunk-WPJLAUQR.js";
import "./chunk-WNYJYB2X.js";
import "./chunk-G3PNUABC.js";
import "./chunk-64H2USGQ.js";
import "./chunk-IR6WKKZB.js";
import "./chunk-MYKXMKJ6.js";
import "./chunk-VWRYO23C.js";
import "./chunk-UW7OQIEV.js";
import "./chunk-UOB4JNN5.js";
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
