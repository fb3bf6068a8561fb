import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  keeper,
  keptDir,
  keptFetcher,
  keptSuite,
  readKept
} from "./chunk-XTILQ56R.js";
import "./chunk-NUHRXLNN.js";
import "./chunk-ZCJDHQZA.js";
import "./chunk-IR6WKKZB.js";
import "./chunk-EHAZ6DDU.js";
import "./chunk-QVV7OG4N.js";
import "./chunk-6PV27GIQ.js";
import "./chunk-WXXSKNG5.js";
import "./chunk-7GJN7XK5.js";
import "./chunk-QFDZJLFJ.js";
export {
  keeper,
  keptDir,
  keptFetcher,
  keptSuite,
  readKept
};
