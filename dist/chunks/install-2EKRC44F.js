import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  ensureInstalled,
  install,
  md5sumsName,
  packagePath,
  readDeb,
  takeKept
} from "./chunk-G4DVGWAL.js";
import "./chunk-EX32TN2U.js";
import "./chunk-WPJLAUQR.js";
import "./chunk-WNYJYB2X.js";
import "./chunk-MYKXMKJ6.js";
import "./chunk-VWRYO23C.js";
import "./chunk-UW7OQIEV.js";
import "./chunk-UOB4JNN5.js";
import "./chunk-4GAVUGPR.js";
import "./chunk-QFDZJLFJ.js";
export {
  ensureInstalled,
  install,
  md5sumsName,
  packagePath,
  readDeb,
  takeKept
};
