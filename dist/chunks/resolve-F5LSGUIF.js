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
} from "./chunk-D3JJJAMA.js";
import "./chunk-64H2USGQ.js";
import "./chunk-IR6WKKZB.js";
import "./chunk-L3XENWWB.js";
import "./chunk-WQR6LQPS.js";
import "./chunk-UW7OQIEV.js";
import "./chunk-BZQWVCNM.js";
import "./chunk-4GAVUGPR.js";
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
