import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  ensureInstalled,
  install,
  packagePath
} from "./chunk-LQR7H7LR.js";
import "./chunk-CLHB73CL.js";
import "./chunk-ATW73TXN.js";
import "./chunk-4P72JFZH.js";
import "./chunk-XG46GAN3.js";
import "./chunk-6PV27GIQ.js";
import "./chunk-WXXSKNG5.js";
import "./chunk-7GJN7XK5.js";
import "./chunk-QFDZJLFJ.js";
export {
  ensureInstalled,
  install,
  packagePath
};
