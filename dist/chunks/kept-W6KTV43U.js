import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  completeKept,
  keeper,
  keptDir,
  keptEmulatorsDir,
  keptFetcher,
  keptSuite,
  readKept
} from "./chunk-LTD2Y74E.js";
import "./chunk-RC2TD7ZA.js";
import "./chunk-N2LDSVMS.js";
import "./chunk-P66M5DIW.js";
import "./chunk-ATW73TXN.js";
import "./chunk-KPBE2AOE.js";
import "./chunk-ZCJDHQZA.js";
import "./chunk-IR6WKKZB.js";
import "./chunk-4N2PG2EK.js";
import "./chunk-W5BM67ER.js";
import "./chunk-6PV27GIQ.js";
import "./chunk-BZQWVCNM.js";
import "./chunk-WXXSKNG5.js";
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
