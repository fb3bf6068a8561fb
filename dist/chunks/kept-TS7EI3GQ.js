import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  keeper,
  keptDir,
  keptFetcher,
  keptSuite,
  readKept
} from "./chunk-AYRQXDRQ.js";
import "./chunk-3KZECZRO.js";
import "./chunk-ZCJDHQZA.js";
import "./chunk-IR6WKKZB.js";
import "./chunk-4P72JFZH.js";
import "./chunk-XG46GAN3.js";
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
