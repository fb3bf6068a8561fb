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
} from "./chunk-G3PNUABC.js";
import "./chunk-64H2USGQ.js";
import "./chunk-IR6WKKZB.js";
import "./chunk-MYKXMKJ6.js";
import "./chunk-VWRYO23C.js";
import "./chunk-UW7OQIEV.js";
import "./chunk-UOB4JNN5.js";
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
