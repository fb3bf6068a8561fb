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
} from "./chunk-ZZOUXBOC.js";
import "./chunk-64H2USGQ.js";
import "./chunk-IR6WKKZB.js";
import "./chunk-D5HHU3RE.js";
import "./chunk-WQR6LQPS.js";
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
