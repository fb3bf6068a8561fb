import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  ALL_SUITES,
  LAYOUTS,
  PACKAGE_NAMES,
  choose,
  describeAvailable,
  resolveQemu,
  staticPackage,
  suitesFor,
  warnIfExpired
} from "./chunk-KPBE2AOE.js";
import "./chunk-ZCJDHQZA.js";
import "./chunk-IR6WKKZB.js";
import "./chunk-4N2PG2EK.js";
import "./chunk-W5BM67ER.js";
import "./chunk-6PV27GIQ.js";
import "./chunk-BZQWVCNM.js";
import "./chunk-WXXSKNG5.js";
import "./chunk-QFDZJLFJ.js";
export {
  ALL_SUITES,
  LAYOUTS,
  PACKAGE_NAMES,
  choose,
  describeAvailable,
  resolveQemu,
  staticPackage,
  suitesFor,
  warnIfExpired
};
