import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  available,
  cacheKey,
  restore,
  save
} from "./chunk-EYJ3WKHZ.js";
import "./chunk-6MP5SEOQ.js";
import "./chunk-WXXSKNG5.js";
import "./chunk-7J353CZK.js";
import "./chunk-IR6WKKZB.js";
import "./chunk-7GJN7XK5.js";
import "./chunk-QFDZJLFJ.js";
export {
  available,
  cacheKey,
  restore,
  save
};
