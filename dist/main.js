import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  ATTESTATION_MANIFEST,
  Annotation,
  MediaType,
  buildIndex,
  cacheType,
  connect,
  getInputs,
  indexNotes,
  isAttestation,
  isImageConfigMediaType,
  isIndexMediaType,
  isManifestMediaType,
  layerCompression,
  limiter,
  mapLimit,
  mergeStaged,
  mergeSummary,
  releaseKey,
  releaseOf,
  renderSummary,
  saveState,
  settleAll,
  sortedAnnotations,
  targetsOf,
  writeSummary
} from "./chunks/chunk-HJFZSFPZ.js";
import {
  ALL_PLATFORMS,
  binfmtMagic,
  emulatorsNeeded,
  formatPlatform,
  formatReference,
  hostDebianArch,
  platformFacts,
  platformKey,
  provenanceText,
  qemuArch,
  qemuCost,
  runStep
} from "./chunks/chunk-VVEVX4YM.js";
import "./chunks/chunk-ZCJDHQZA.js";
import {
  binaryPath,
  discardWrittenSince,
  evict,
  lookup,
  qemuRoot,
  snapshot
} from "./chunks/chunk-UQJLSGCV.js";
import {
  EM,
  armArchLevel,
  armEabiVersion,
  armFloatAbi,
  describeElf,
  machineName,
  parseElf,
  readArmAttributes
} from "./chunks/chunk-RIXKIOPU.js";
import {
  CommandError,
  outputTail,
  run,
  runPiped
} from "./chunks/chunk-QVV7OG4N.js";
import {
  digestOf,
  sha256Hex
} from "./chunks/chunk-6PV27GIQ.js";
import {
  ArchwayError,
  EnvironmentError,
  InputError,
  VerificationError,
  errorMessage
} from "./chunks/chunk-WXXSKNG5.js";
import {
  endGroup,
  group,
  info,
  setOutput,
  startGroup,
  warning
} from "./chunks/chunk-4MOIXKYJ.js";
import "./chunks/chunk-IR6WKKZB.js";
import "./chunks/chunk-7GJN7XK5.js";
import {
  __commonJS,
  __require,
  __toESM
} from "./chunks/chunk-QFDZJLFJ.js";

// node_modules/events-universal/default.js
var require_default = __commonJS({
  "node_modules/events-universal/default.js"(exports, module) {
    module.exports = __require("events");
  }
});

// node_modules/fast-fifo/fixed-size.js
var require_fixed_size = __commonJS({
  "node_modules/fast-fifo/fixed-size.js"(exports, module) {
    module.exports = class FixedFIFO {
      constructor(hwm) {
        if (!(hwm > 0) || (hwm - 1 & hwm) !== 0) throw new Error("Max size for a FixedFIFO should be a power of two");
        this.buffer = new Array(hwm);
        this.mask = hwm - 1;
        this.top = 0;
        this.btm = 0;
        this.next = null;
      }
      clear() {
        this.top = this.btm = 0;
        this.next = null;
        this.buffer.fill(void 0);
      }
      push(data) {
        if (this.buffer[this.top] !== void 0) return false;
        this.buffer[this.top] = data;
        this.top = this.top + 1 & this.mask;
        return true;
      }
      shift() {
        const last = this.buffer[this.btm];
        if (last === void 0) return void 0;
        this.buffer[this.btm] = void 0;
        this.btm = this.btm + 1 & this.mask;
        return last;
      }
      peek() {
        return this.buffer[this.btm];
      }
      isEmpty() {
        return this.buffer[this.btm] === void 0;
      }
    };
  }
});

// node_modules/fast-fifo/index.js
var require_fast_fifo = __commonJS({
  "node_modules/fast-fifo/index.js"(exports, module) {
    var FixedFIFO = require_fixed_size();
    module.exports = class FastFIFO {
      constructor(hwm) {
        this.hwm = hwm || 16;
        this.head = new FixedFIFO(this.hwm);
        this.tail = this.head;
        this.length = 0;
      }
      clear() {
        this.head = this.tail;
        this.head.clear();
        this.length = 0;
      }
      push(val) {
        this.length++;
        if (!this.head.push(val)) {
          const prev = this.head;
          this.head = prev.next = new FixedFIFO(2 * this.head.buffer.length);
          this.head.push(val);
        }
      }
      shift() {
        if (this.length !== 0) this.length--;
        const val = this.tail.shift();
        if (val === void 0 && this.tail.next) {
          const next = this.tail.next;
          this.tail.next = null;
          this.tail = next;
          return this.tail.shift();
        }
        return val;
      }
      peek() {
        const val = this.tail.peek();
        if (val === void 0 && this.tail.next) return this.tail.next.peek();
        return val;
      }
      isEmpty() {
        return this.length === 0;
      }
    };
  }
});

// node_modules/b4a/index.js
var require_b4a = __commonJS({
  "node_modules/b4a/index.js"(exports, module) {
    function isBuffer(value) {
      return Buffer.isBuffer(value) || value instanceof Uint8Array;
    }
    function isEncoding(encoding) {
      return Buffer.isEncoding(encoding);
    }
    function alloc(size, fill3, encoding) {
      return Buffer.alloc(size, fill3, encoding);
    }
    function allocUnsafe(size) {
      return Buffer.allocUnsafe(size);
    }
    function allocUnsafeSlow(size) {
      return Buffer.allocUnsafeSlow(size);
    }
    function byteLength(string, encoding) {
      return Buffer.byteLength(string, encoding);
    }
    function compare(a, b) {
      return Buffer.compare(a, b);
    }
    function concat(buffers, totalLength) {
      return Buffer.concat(buffers, totalLength);
    }
    function copy(source, target2, targetStart, start, end) {
      return toBuffer(source).copy(target2, targetStart, start, end);
    }
    function equals(a, b) {
      return toBuffer(a).equals(b);
    }
    function fill2(buffer, value, offset, end, encoding) {
      return toBuffer(buffer).fill(value, offset, end, encoding);
    }
    function from(value, encodingOrOffset, length) {
      return Buffer.from(value, encodingOrOffset, length);
    }
    function includes(buffer, value, byteOffset, encoding) {
      return toBuffer(buffer).includes(value, byteOffset, encoding);
    }
    function indexOf(buffer, value, byfeOffset, encoding) {
      return toBuffer(buffer).indexOf(value, byfeOffset, encoding);
    }
    function lastIndexOf(buffer, value, byteOffset, encoding) {
      return toBuffer(buffer).lastIndexOf(value, byteOffset, encoding);
    }
    function swap16(buffer) {
      return toBuffer(buffer).swap16();
    }
    function swap32(buffer) {
      return toBuffer(buffer).swap32();
    }
    function swap64(buffer) {
      return toBuffer(buffer).swap64();
    }
    function toBuffer(buffer) {
      if (Buffer.isBuffer(buffer)) return buffer;
      return Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    }
    function toString(buffer, encoding, start, end) {
      return toBuffer(buffer).toString(encoding, start, end);
    }
    function toHex(buffer, start, end) {
      return toBuffer(buffer).toString("hex", start, end);
    }
    function write(buffer, string, offset, length, encoding) {
      return toBuffer(buffer).write(string, offset, length, encoding);
    }
    function readDoubleBE(buffer, offset) {
      return toBuffer(buffer).readDoubleBE(offset);
    }
    function readDoubleLE(buffer, offset) {
      return toBuffer(buffer).readDoubleLE(offset);
    }
    function readFloatBE(buffer, offset) {
      return toBuffer(buffer).readFloatBE(offset);
    }
    function readFloatLE(buffer, offset) {
      return toBuffer(buffer).readFloatLE(offset);
    }
    function readInt32BE(buffer, offset) {
      return toBuffer(buffer).readInt32BE(offset);
    }
    function readInt32LE(buffer, offset) {
      return toBuffer(buffer).readInt32LE(offset);
    }
    function readUInt32BE(buffer, offset) {
      return toBuffer(buffer).readUInt32BE(offset);
    }
    function readUInt32LE(buffer, offset) {
      return toBuffer(buffer).readUInt32LE(offset);
    }
    function writeDoubleBE(buffer, value, offset) {
      return toBuffer(buffer).writeDoubleBE(value, offset);
    }
    function writeDoubleLE(buffer, value, offset) {
      return toBuffer(buffer).writeDoubleLE(value, offset);
    }
    function writeFloatBE(buffer, value, offset) {
      return toBuffer(buffer).writeFloatBE(value, offset);
    }
    function writeFloatLE(buffer, value, offset) {
      return toBuffer(buffer).writeFloatLE(value, offset);
    }
    function writeInt32BE(buffer, value, offset) {
      return toBuffer(buffer).writeInt32BE(value, offset);
    }
    function writeInt32LE(buffer, value, offset) {
      return toBuffer(buffer).writeInt32LE(value, offset);
    }
    function writeUInt32BE(buffer, value, offset) {
      return toBuffer(buffer).writeUInt32BE(value, offset);
    }
    function writeUInt32LE(buffer, value, offset) {
      return toBuffer(buffer).writeUInt32LE(value, offset);
    }
    module.exports = {
      isBuffer,
      isEncoding,
      alloc,
      allocUnsafe,
      allocUnsafeSlow,
      byteLength,
      compare,
      concat,
      copy,
      equals,
      fill: fill2,
      from,
      includes,
      indexOf,
      lastIndexOf,
      swap16,
      swap32,
      swap64,
      toBuffer,
      toString,
      toHex,
      write,
      readDoubleBE,
      readDoubleLE,
      readFloatBE,
      readFloatLE,
      readInt32BE,
      readInt32LE,
      readUInt32BE,
      readUInt32LE,
      writeDoubleBE,
      writeDoubleLE,
      writeFloatBE,
      writeFloatLE,
      writeInt32BE,
      writeInt32LE,
      writeUInt32BE,
      writeUInt32LE
    };
  }
});

// node_modules/text-decoder/lib/pass-through-decoder.js
var require_pass_through_decoder = __commonJS({
  "node_modules/text-decoder/lib/pass-through-decoder.js"(exports, module) {
    var b4a = require_b4a();
    module.exports = class PassThroughDecoder {
      constructor(encoding) {
        this.encoding = encoding;
      }
      get remaining() {
        return 0;
      }
      decode(data) {
        return b4a.toString(data, this.encoding);
      }
      flush() {
        return "";
      }
    };
  }
});

// node_modules/text-decoder/lib/utf8-decoder.js
var require_utf8_decoder = __commonJS({
  "node_modules/text-decoder/lib/utf8-decoder.js"(exports, module) {
    var b4a = require_b4a();
    module.exports = class UTF8Decoder {
      constructor() {
        this._reset();
      }
      get remaining() {
        return this.bytesSeen;
      }
      decode(data) {
        if (data.byteLength === 0) return "";
        if (this.bytesNeeded === 0 && trailingIncomplete(data, 0) === 0) {
          this.bytesSeen = trailingBytesSeen(data);
          return b4a.toString(data, "utf8");
        }
        let result = "";
        let start = 0;
        if (this.bytesNeeded > 0) {
          while (start < data.byteLength) {
            const byte = data[start];
            if (byte < this.lowerBoundary || byte > this.upperBoundary) {
              result += "\uFFFD";
              this._reset();
              break;
            }
            this.lowerBoundary = 128;
            this.upperBoundary = 191;
            this.codePoint = this.codePoint << 6 | byte & 63;
            this.bytesSeen++;
            start++;
            if (this.bytesSeen === this.bytesNeeded) {
              result += String.fromCodePoint(this.codePoint);
              this._reset();
              break;
            }
          }
          if (this.bytesNeeded > 0) return result;
        }
        const trailing = trailingIncomplete(data, start);
        const end = data.byteLength - trailing;
        if (end > start) result += b4a.toString(data, "utf8", start, end);
        for (let i = end; i < data.byteLength; i++) {
          const byte = data[i];
          if (this.bytesNeeded === 0) {
            if (byte <= 127) {
              this.bytesSeen = 0;
              result += String.fromCharCode(byte);
            } else if (byte >= 194 && byte <= 223) {
              this.bytesNeeded = 2;
              this.bytesSeen = 1;
              this.codePoint = byte & 31;
            } else if (byte >= 224 && byte <= 239) {
              if (byte === 224) this.lowerBoundary = 160;
              else if (byte === 237) this.upperBoundary = 159;
              this.bytesNeeded = 3;
              this.bytesSeen = 1;
              this.codePoint = byte & 15;
            } else if (byte >= 240 && byte <= 244) {
              if (byte === 240) this.lowerBoundary = 144;
              else if (byte === 244) this.upperBoundary = 143;
              this.bytesNeeded = 4;
              this.bytesSeen = 1;
              this.codePoint = byte & 7;
            } else {
              this.bytesSeen = 1;
              result += "\uFFFD";
            }
            continue;
          }
          if (byte < this.lowerBoundary || byte > this.upperBoundary) {
            result += "\uFFFD";
            i--;
            this._reset();
            continue;
          }
          this.lowerBoundary = 128;
          this.upperBoundary = 191;
          this.codePoint = this.codePoint << 6 | byte & 63;
          this.bytesSeen++;
          if (this.bytesSeen === this.bytesNeeded) {
            result += String.fromCodePoint(this.codePoint);
            this._reset();
          }
        }
        return result;
      }
      flush() {
        const result = this.bytesNeeded > 0 ? "\uFFFD" : "";
        this._reset();
        return result;
      }
      _reset() {
        this.codePoint = 0;
        this.bytesNeeded = 0;
        this.bytesSeen = 0;
        this.lowerBoundary = 128;
        this.upperBoundary = 191;
      }
    };
    function trailingIncomplete(data, start) {
      const len = data.byteLength;
      if (len <= start) return 0;
      const limit = Math.max(start, len - 4);
      let i = len - 1;
      while (i > limit && (data[i] & 192) === 128) i--;
      if (i < start) return 0;
      const byte = data[i];
      let needed;
      if (byte <= 127) return 0;
      if (byte >= 194 && byte <= 223) needed = 2;
      else if (byte >= 224 && byte <= 239) needed = 3;
      else if (byte >= 240 && byte <= 244) needed = 4;
      else return 0;
      const available = len - i;
      return available < needed ? available : 0;
    }
    function trailingBytesSeen(data) {
      const len = data.byteLength;
      if (len === 0) return 0;
      const last = data[len - 1];
      if (last <= 127) return 0;
      if ((last & 192) !== 128) return 1;
      const limit = Math.max(0, len - 4);
      let i = len - 2;
      while (i >= limit && (data[i] & 192) === 128) i--;
      if (i < 0) return 1;
      const first = data[i];
      let needed;
      if (first >= 194 && first <= 223) needed = 2;
      else if (first >= 224 && first <= 239) needed = 3;
      else if (first >= 240 && first <= 244) needed = 4;
      else return 1;
      if (len - i !== needed) return 1;
      if (needed >= 3) {
        const second = data[i + 1];
        if (first === 224 && second < 160) return 1;
        if (first === 237 && second > 159) return 1;
        if (first === 240 && second < 144) return 1;
        if (first === 244 && second > 143) return 1;
      }
      return 0;
    }
  }
});

// node_modules/text-decoder/index.js
var require_text_decoder = __commonJS({
  "node_modules/text-decoder/index.js"(exports, module) {
    var PassThroughDecoder = require_pass_through_decoder();
    var UTF8Decoder = require_utf8_decoder();
    module.exports = class TextDecoder {
      constructor(encoding = "utf8") {
        this.encoding = normalizeEncoding(encoding);
        switch (this.encoding) {
          case "utf8":
            this.decoder = new UTF8Decoder();
            break;
          case "utf16le":
          case "base64":
            throw new Error("Unsupported encoding: " + this.encoding);
          default:
            this.decoder = new PassThroughDecoder(this.encoding);
        }
      }
      get remaining() {
        return this.decoder.remaining;
      }
      push(data) {
        if (typeof data === "string") return data;
        return this.decoder.decode(data);
      }
      // For Node.js compatibility
      write(data) {
        return this.push(data);
      }
      end(data) {
        let result = "";
        if (data) result = this.push(data);
        result += this.decoder.flush();
        return result;
      }
    };
    function normalizeEncoding(encoding) {
      encoding = encoding.toLowerCase();
      switch (encoding) {
        case "utf8":
        case "utf-8":
          return "utf8";
        case "ucs2":
        case "ucs-2":
        case "utf16le":
        case "utf-16le":
          return "utf16le";
        case "latin1":
        case "binary":
          return "latin1";
        case "base64":
        case "ascii":
        case "hex":
          return encoding;
        default:
          throw new Error("Unknown encoding: " + encoding);
      }
    }
  }
});

// node_modules/streamx/lib/errors.js
var require_errors = __commonJS({
  "node_modules/streamx/lib/errors.js"(exports, module) {
    module.exports = class StreamError extends Error {
      constructor(msg, code, fn = StreamError) {
        super(msg);
        this.code = code;
        if (Error.captureStackTrace) {
          Error.captureStackTrace(this, fn);
        }
      }
      static isStreamDestroyed(err2) {
        return err2 && err2.code === "STREAM_DESTROYED";
      }
      static isPrematureClose(err2) {
        return err2 && err2.code === "PREMATURE_CLOSE";
      }
      static isAborted(err2) {
        return err2 && err2.code === "ABORTED";
      }
      static isBadArgument(err2) {
        return err2 && err2.code === "BAD_ARGUMENT";
      }
      get name() {
        return "StreamError";
      }
      static STREAM_DESTROYED() {
        return new StreamError("Stream was destroyed", "STREAM_DESTROYED", StreamError.STREAM_DESTROYED);
      }
      static PREMATURE_CLOSE(msg = "Premature close") {
        return new StreamError(msg, "PREMATURE_CLOSE", StreamError.PREMATURE_CLOSE);
      }
      static ABORTED() {
        return new StreamError("Stream aborted", "ABORTED", StreamError.ABORTED);
      }
      static BAD_ARGUMENT(msg = "Bad argument") {
        return new StreamError(msg, "BAD_ARGUMENT", StreamError.BAD_ARGUMENT);
      }
    };
  }
});

// node_modules/streamx/index.js
var require_streamx = __commonJS({
  "node_modules/streamx/index.js"(exports, module) {
    var { EventEmitter } = require_default();
    var FIFO = require_fast_fifo();
    var TextDecoder = require_text_decoder();
    var StreamError = require_errors();
    var qmt = typeof queueMicrotask === "undefined" ? (fn) => global.process.nextTick(fn) : queueMicrotask;
    var MAX = (1 << 29) - 1;
    var OPENING = 1;
    var PREDESTROYING = 2;
    var DESTROYING = 4;
    var DESTROYED = 8;
    var NOT_OPENING = MAX ^ OPENING;
    var NOT_PREDESTROYING = MAX ^ PREDESTROYING;
    var READ_ACTIVE = 1 << 4;
    var READ_UPDATING = 2 << 4;
    var READ_PRIMARY = 4 << 4;
    var READ_QUEUED = 8 << 4;
    var READ_RESUMED = 16 << 4;
    var READ_PIPE_DRAINED = 32 << 4;
    var READ_ENDING = 64 << 4;
    var READ_EMIT_DATA = 128 << 4;
    var READ_EMIT_READABLE = 256 << 4;
    var READ_EMITTED_READABLE = 512 << 4;
    var READ_DONE = 1024 << 4;
    var READ_NEXT_TICK = 2048 << 4;
    var READ_NEEDS_PUSH = 4096 << 4;
    var READ_READ_AHEAD = 8192 << 4;
    var READ_FLOWING = READ_RESUMED | READ_PIPE_DRAINED;
    var READ_ACTIVE_AND_NEEDS_PUSH = READ_ACTIVE | READ_NEEDS_PUSH;
    var READ_PRIMARY_AND_ACTIVE = READ_PRIMARY | READ_ACTIVE;
    var READ_EMIT_READABLE_AND_QUEUED = READ_EMIT_READABLE | READ_QUEUED;
    var READ_RESUMED_READ_AHEAD = READ_RESUMED | READ_READ_AHEAD;
    var READ_NOT_ACTIVE = MAX ^ READ_ACTIVE;
    var READ_NON_PRIMARY = MAX ^ READ_PRIMARY;
    var READ_NON_PRIMARY_AND_PUSHED = MAX ^ (READ_PRIMARY | READ_NEEDS_PUSH);
    var READ_PUSHED = MAX ^ READ_NEEDS_PUSH;
    var READ_PAUSED = MAX ^ READ_RESUMED;
    var READ_NOT_QUEUED = MAX ^ (READ_QUEUED | READ_EMITTED_READABLE);
    var READ_NOT_ENDING = MAX ^ READ_ENDING;
    var READ_PIPE_NOT_DRAINED = MAX ^ READ_FLOWING;
    var READ_NOT_NEXT_TICK = MAX ^ READ_NEXT_TICK;
    var READ_NOT_UPDATING = MAX ^ READ_UPDATING;
    var READ_NO_READ_AHEAD = MAX ^ READ_READ_AHEAD;
    var READ_PAUSED_NO_READ_AHEAD = MAX ^ READ_RESUMED_READ_AHEAD;
    var WRITE_ACTIVE = 1 << 18;
    var WRITE_UPDATING = 2 << 18;
    var WRITE_PRIMARY = 4 << 18;
    var WRITE_QUEUED = 8 << 18;
    var WRITE_UNDRAINED = 16 << 18;
    var WRITE_DONE = 32 << 18;
    var WRITE_EMIT_DRAIN = 64 << 18;
    var WRITE_NEXT_TICK = 128 << 18;
    var WRITE_WRITING = 256 << 18;
    var WRITE_FINISHING = 512 << 18;
    var WRITE_CORKED = 1024 << 18;
    var WRITE_NOT_ACTIVE = MAX ^ (WRITE_ACTIVE | WRITE_WRITING);
    var WRITE_NON_PRIMARY = MAX ^ WRITE_PRIMARY;
    var WRITE_NOT_FINISHING = MAX ^ (WRITE_ACTIVE | WRITE_FINISHING);
    var WRITE_DRAINED = MAX ^ WRITE_UNDRAINED;
    var WRITE_NOT_QUEUED = MAX ^ WRITE_QUEUED;
    var WRITE_NOT_NEXT_TICK = MAX ^ WRITE_NEXT_TICK;
    var WRITE_NOT_UPDATING = MAX ^ WRITE_UPDATING;
    var WRITE_NOT_CORKED = MAX ^ WRITE_CORKED;
    var ACTIVE = READ_ACTIVE | WRITE_ACTIVE;
    var NOT_ACTIVE = MAX ^ ACTIVE;
    var DONE = READ_DONE | WRITE_DONE;
    var DESTROY_STATUS = DESTROYING | DESTROYED | PREDESTROYING;
    var OPEN_STATUS = DESTROY_STATUS | OPENING;
    var AUTO_DESTROY = DESTROY_STATUS | DONE;
    var NON_PRIMARY = WRITE_NON_PRIMARY & READ_NON_PRIMARY;
    var ACTIVE_OR_TICKING = WRITE_NEXT_TICK | READ_NEXT_TICK;
    var TICKING = ACTIVE_OR_TICKING & NOT_ACTIVE;
    var IS_OPENING = OPEN_STATUS | TICKING;
    var READ_PRIMARY_STATUS = OPEN_STATUS | READ_ENDING | READ_DONE;
    var READ_STATUS = OPEN_STATUS | READ_DONE | READ_QUEUED;
    var READ_ENDING_STATUS = OPEN_STATUS | READ_ENDING | READ_QUEUED;
    var READ_READABLE_STATUS = OPEN_STATUS | READ_EMIT_READABLE | READ_QUEUED | READ_EMITTED_READABLE;
    var SHOULD_NOT_READ = OPEN_STATUS | READ_ACTIVE | READ_ENDING | READ_DONE | READ_NEEDS_PUSH | READ_READ_AHEAD;
    var READ_BACKPRESSURE_STATUS = DESTROY_STATUS | READ_ENDING | READ_DONE;
    var READ_UPDATE_SYNC_STATUS = READ_UPDATING | OPEN_STATUS | READ_NEXT_TICK | READ_PRIMARY;
    var READ_NEXT_TICK_OR_OPENING = READ_NEXT_TICK | OPENING;
    var WRITE_PRIMARY_STATUS = OPEN_STATUS | WRITE_FINISHING | WRITE_DONE;
    var WRITE_QUEUED_AND_UNDRAINED = WRITE_QUEUED | WRITE_UNDRAINED;
    var WRITE_QUEUED_AND_ACTIVE = WRITE_QUEUED | WRITE_ACTIVE;
    var WRITE_DRAIN_STATUS = WRITE_QUEUED | WRITE_UNDRAINED | OPEN_STATUS | WRITE_ACTIVE;
    var WRITE_STATUS = OPEN_STATUS | WRITE_ACTIVE | WRITE_QUEUED | WRITE_CORKED;
    var WRITE_PRIMARY_AND_ACTIVE = WRITE_PRIMARY | WRITE_ACTIVE;
    var WRITE_ACTIVE_AND_WRITING = WRITE_ACTIVE | WRITE_WRITING;
    var WRITE_FINISHING_STATUS = OPEN_STATUS | WRITE_FINISHING | WRITE_QUEUED_AND_ACTIVE | WRITE_DONE;
    var WRITE_BACKPRESSURE_STATUS = WRITE_UNDRAINED | DESTROY_STATUS | WRITE_FINISHING | WRITE_DONE;
    var WRITE_UPDATE_SYNC_STATUS = WRITE_UPDATING | OPEN_STATUS | WRITE_NEXT_TICK | WRITE_PRIMARY;
    var WRITE_DROP_DATA = WRITE_FINISHING | WRITE_DONE | DESTROY_STATUS;
    var asyncIterator = Symbol.asyncIterator || /* @__PURE__ */ Symbol("asyncIterator");
    var WritableState = class {
      constructor(stream, { highWaterMark = 16384, map = null, mapWritable, byteLength, byteLengthWritable } = {}) {
        this.stream = stream;
        this.queue = new FIFO();
        this.highWaterMark = highWaterMark;
        this.buffered = 0;
        this.error = null;
        this.pipeline = null;
        this.drains = null;
        this.byteLength = byteLengthWritable || byteLength || defaultByteLength;
        this.map = mapWritable || map;
        this.afterWrite = afterWrite.bind(this);
        this.afterUpdateNextTick = updateWriteNT.bind(this);
      }
      get ending() {
        return (this.stream._duplexState & WRITE_FINISHING) !== 0;
      }
      get ended() {
        return (this.stream._duplexState & WRITE_DONE) !== 0;
      }
      push(data) {
        if ((this.stream._duplexState & WRITE_DROP_DATA) !== 0) return false;
        if (this.map !== null) data = this.map(data);
        this.buffered += this.byteLength(data);
        this.queue.push(data);
        if (this.buffered < this.highWaterMark) {
          this.stream._duplexState |= WRITE_QUEUED;
          return true;
        }
        this.stream._duplexState |= WRITE_QUEUED_AND_UNDRAINED;
        return false;
      }
      shift() {
        const data = this.queue.shift();
        this.buffered -= this.byteLength(data);
        if (this.buffered === 0) this.stream._duplexState &= WRITE_NOT_QUEUED;
        return data;
      }
      end(data) {
        if (typeof data === "function") {
          this.stream.once("finish", data);
        } else if (data !== void 0 && data !== null) {
          this.push(data);
        }
        this.stream._duplexState = (this.stream._duplexState | WRITE_FINISHING) & WRITE_NON_PRIMARY;
      }
      autoBatch(data, cb) {
        const buffer = [];
        const stream = this.stream;
        buffer.push(data);
        while ((stream._duplexState & WRITE_STATUS) === WRITE_QUEUED_AND_ACTIVE) {
          buffer.push(stream._writableState.shift());
        }
        if ((stream._duplexState & OPEN_STATUS) !== 0) return cb(null);
        stream._writev(buffer, cb);
      }
      update() {
        const stream = this.stream;
        stream._duplexState |= WRITE_UPDATING;
        do {
          while ((stream._duplexState & WRITE_STATUS) === WRITE_QUEUED) {
            const data = this.shift();
            stream._duplexState |= WRITE_ACTIVE_AND_WRITING;
            stream._write(data, this.afterWrite);
          }
          if ((stream._duplexState & WRITE_PRIMARY_AND_ACTIVE) === 0) this.updateNonPrimary();
        } while (this.continueUpdate() === true);
        stream._duplexState &= WRITE_NOT_UPDATING;
      }
      updateNonPrimary() {
        const stream = this.stream;
        if ((stream._duplexState & WRITE_FINISHING_STATUS) === WRITE_FINISHING) {
          stream._duplexState = stream._duplexState | WRITE_ACTIVE;
          stream._final(afterFinal.bind(this));
          return;
        }
        if ((stream._duplexState & DESTROY_STATUS) === DESTROYING) {
          if ((stream._duplexState & ACTIVE_OR_TICKING) === 0) {
            stream._duplexState |= ACTIVE;
            stream._destroy(afterDestroy.bind(this));
          }
          return;
        }
        if ((stream._duplexState & IS_OPENING) === OPENING) {
          stream._duplexState = (stream._duplexState | ACTIVE) & NOT_OPENING;
          stream._open(afterOpen.bind(this));
        }
      }
      continueUpdate() {
        if ((this.stream._duplexState & WRITE_NEXT_TICK) === 0) return false;
        this.stream._duplexState &= WRITE_NOT_NEXT_TICK;
        return true;
      }
      updateCallback() {
        if ((this.stream._duplexState & WRITE_UPDATE_SYNC_STATUS) === WRITE_PRIMARY) {
          this.update();
        } else {
          this.updateNextTick();
        }
      }
      updateNextTick() {
        if ((this.stream._duplexState & WRITE_NEXT_TICK) !== 0) return;
        this.stream._duplexState |= WRITE_NEXT_TICK;
        if ((this.stream._duplexState & WRITE_UPDATING) === 0) qmt(this.afterUpdateNextTick);
      }
    };
    var ReadableState = class {
      constructor(stream, { highWaterMark = 16384, map = null, mapReadable, byteLength, byteLengthReadable } = {}) {
        this.stream = stream;
        this.queue = new FIFO();
        this.highWaterMark = highWaterMark === 0 ? 1 : highWaterMark;
        this.buffered = 0;
        this.readAhead = highWaterMark > 0;
        this.error = null;
        this.pipeline = null;
        this.byteLength = byteLengthReadable || byteLength || defaultByteLength;
        this.map = mapReadable || map;
        this.pipeTo = null;
        this.afterRead = afterRead.bind(this);
        this.afterUpdateNextTick = updateReadNT.bind(this);
      }
      get ending() {
        return (this.stream._duplexState & READ_ENDING) !== 0;
      }
      get ended() {
        return (this.stream._duplexState & READ_DONE) !== 0;
      }
      pipe(pipeTo, cb) {
        if (this.pipeTo !== null) throw StreamError.BAD_ARGUMENT("Can only pipe to one destination");
        if (typeof cb !== "function") cb = null;
        this.stream._duplexState |= READ_PIPE_DRAINED;
        this.pipeTo = pipeTo;
        this.pipeline = new Pipeline(this.stream, pipeTo, cb);
        if (cb) this.stream.on("error", noop);
        if (isStreamx(pipeTo)) {
          pipeTo._writableState.pipeline = this.pipeline;
          if (cb) pipeTo.on("error", noop);
          pipeTo.on("finish", this.pipeline.finished.bind(this.pipeline));
        } else {
          const onerror = this.pipeline.done.bind(this.pipeline, pipeTo);
          const onclose = this.pipeline.done.bind(this.pipeline, pipeTo, null);
          pipeTo.on("error", onerror);
          pipeTo.on("close", onclose);
          pipeTo.on("finish", this.pipeline.finished.bind(this.pipeline));
        }
        pipeTo.on("drain", afterDrain.bind(this));
        this.stream.emit("piping", pipeTo);
        pipeTo.emit("pipe", this.stream);
      }
      push(data) {
        const stream = this.stream;
        if (data === null) {
          this.highWaterMark = 0;
          stream._duplexState = (stream._duplexState | READ_ENDING) & READ_NON_PRIMARY_AND_PUSHED;
          return false;
        }
        if (this.map !== null) {
          data = this.map(data);
          if (data === null) {
            stream._duplexState &= READ_PUSHED;
            return this.buffered < this.highWaterMark;
          }
        }
        this.buffered += this.byteLength(data);
        this.queue.push(data);
        stream._duplexState = (stream._duplexState | READ_QUEUED) & READ_PUSHED;
        return this.buffered < this.highWaterMark;
      }
      shift() {
        const data = this.queue.shift();
        this.buffered -= this.byteLength(data);
        if (this.buffered === 0) {
          this.stream._duplexState &= READ_NOT_QUEUED;
        }
        return data;
      }
      unshift(data) {
        const pending = [this.map !== null ? this.map(data) : data];
        while (this.buffered > 0) pending.push(this.shift());
        for (let i = 0; i < pending.length - 1; i++) {
          const data2 = pending[i];
          this.buffered += this.byteLength(data2);
          this.queue.push(data2);
        }
        this.push(pending[pending.length - 1]);
      }
      read() {
        const stream = this.stream;
        if ((stream._duplexState & READ_STATUS) === READ_QUEUED) {
          const data = this.shift();
          if (this.pipeTo !== null && this.pipeTo.write(data) === false) {
            stream._duplexState &= READ_PIPE_NOT_DRAINED;
          }
          if ((stream._duplexState & READ_EMIT_DATA) !== 0) {
            stream.emit("data", data);
          }
          return data;
        }
        if (this.readAhead === false) {
          stream._duplexState |= READ_READ_AHEAD;
          this.updateNextTick();
        }
        return null;
      }
      drain() {
        const stream = this.stream;
        while ((stream._duplexState & READ_STATUS) === READ_QUEUED && (stream._duplexState & READ_FLOWING) !== 0) {
          const data = this.shift();
          if (this.pipeTo !== null && this.pipeTo.write(data) === false) {
            stream._duplexState &= READ_PIPE_NOT_DRAINED;
          }
          if ((stream._duplexState & READ_EMIT_DATA) !== 0) {
            stream.emit("data", data);
          }
        }
      }
      update() {
        const stream = this.stream;
        stream._duplexState |= READ_UPDATING;
        do {
          this.drain();
          while (this.buffered < this.highWaterMark && (stream._duplexState & SHOULD_NOT_READ) === READ_READ_AHEAD) {
            stream._duplexState |= READ_ACTIVE_AND_NEEDS_PUSH;
            stream._read(this.afterRead);
            this.drain();
          }
          if ((stream._duplexState & READ_READABLE_STATUS) === READ_EMIT_READABLE_AND_QUEUED) {
            stream._duplexState |= READ_EMITTED_READABLE;
            stream.emit("readable");
          }
          if ((stream._duplexState & READ_PRIMARY_AND_ACTIVE) === 0) {
            this.updateNonPrimary();
          }
        } while (this.continueUpdate() === true);
        stream._duplexState &= READ_NOT_UPDATING;
      }
      updateNonPrimary() {
        const stream = this.stream;
        if ((stream._duplexState & READ_ENDING_STATUS) === READ_ENDING) {
          stream._duplexState = (stream._duplexState | READ_DONE) & READ_NOT_ENDING;
          stream.emit("end");
          if ((stream._duplexState & AUTO_DESTROY) === DONE) {
            stream._duplexState |= DESTROYING;
          }
          if (this.pipeTo !== null) {
            this.pipeTo.end();
          }
        }
        if ((stream._duplexState & DESTROY_STATUS) === DESTROYING) {
          if ((stream._duplexState & ACTIVE_OR_TICKING) === 0) {
            stream._duplexState |= ACTIVE;
            stream._destroy(afterDestroy.bind(this));
          }
          return;
        }
        if ((stream._duplexState & IS_OPENING) === OPENING) {
          stream._duplexState = (stream._duplexState | ACTIVE) & NOT_OPENING;
          stream._open(afterOpen.bind(this));
        }
      }
      continueUpdate() {
        if ((this.stream._duplexState & READ_NEXT_TICK) === 0) return false;
        this.stream._duplexState &= READ_NOT_NEXT_TICK;
        return true;
      }
      updateCallback() {
        if ((this.stream._duplexState & READ_UPDATE_SYNC_STATUS) === READ_PRIMARY) {
          this.update();
        } else {
          this.updateNextTick();
        }
      }
      updateNextTickIfOpen() {
        if ((this.stream._duplexState & READ_NEXT_TICK_OR_OPENING) !== 0) return;
        this.stream._duplexState |= READ_NEXT_TICK;
        if ((this.stream._duplexState & READ_UPDATING) === 0) qmt(this.afterUpdateNextTick);
      }
      updateNextTick() {
        if ((this.stream._duplexState & READ_NEXT_TICK) !== 0) return;
        this.stream._duplexState |= READ_NEXT_TICK;
        if ((this.stream._duplexState & READ_UPDATING) === 0) qmt(this.afterUpdateNextTick);
      }
    };
    var TransformState = class {
      constructor(stream) {
        this.data = null;
        this.afterTransform = afterTransform.bind(stream);
        this.afterFinal = null;
      }
    };
    var Pipeline = class {
      constructor(src, dst, cb) {
        this.from = src;
        this.to = dst;
        this.afterPipe = cb;
        this.error = null;
        this.pipeToFinished = false;
      }
      finished() {
        this.pipeToFinished = true;
      }
      done(stream, err2) {
        if (err2) this.error = err2;
        if (stream === this.to) {
          this.to = null;
          if (this.from !== null) {
            if ((this.from._duplexState & READ_DONE) === 0 || !this.pipeToFinished) {
              this.from.destroy(this.error || StreamError.PREMATURE_CLOSE("Writable stream closed"));
            }
            return;
          }
        }
        if (stream === this.from) {
          this.from = null;
          if (this.to !== null) {
            if ((stream._duplexState & READ_DONE) === 0) {
              this.to.destroy(this.error || StreamError.PREMATURE_CLOSE("Readable stream closed"));
            }
            return;
          }
        }
        if (this.afterPipe !== null) this.afterPipe(this.error);
        this.to = this.from = this.afterPipe = null;
      }
    };
    function afterDrain() {
      this.stream._duplexState |= READ_PIPE_DRAINED;
      this.updateCallback();
    }
    function afterFinal(err2) {
      const stream = this.stream;
      if (err2) stream.destroy(err2);
      if ((stream._duplexState & DESTROY_STATUS) === 0) {
        stream._duplexState |= WRITE_DONE;
        stream.emit("finish");
      }
      if ((stream._duplexState & AUTO_DESTROY) === DONE) {
        stream._duplexState |= DESTROYING;
      }
      stream._duplexState &= WRITE_NOT_FINISHING;
      if ((stream._duplexState & WRITE_UPDATING) === 0) {
        this.update();
      } else {
        this.updateNextTick();
      }
    }
    function afterDestroy(err2) {
      const stream = this.stream;
      if (!err2 && !StreamError.isStreamDestroyed(this.error)) err2 = this.error;
      if (err2) stream.emit("error", err2);
      stream._duplexState |= DESTROYED;
      stream.emit("close");
      const rs = stream._readableState;
      const ws = stream._writableState;
      if (rs !== null && rs.pipeline !== null) {
        rs.pipeline.done(stream, err2);
      }
      if (ws !== null) {
        while (ws.drains !== null && ws.drains.length > 0) {
          ws.drains.shift().resolve(false);
        }
        if (ws.pipeline !== null) {
          ws.pipeline.done(stream, err2);
        }
      }
    }
    function afterWrite(err2) {
      const stream = this.stream;
      if (err2) stream.destroy(err2);
      stream._duplexState &= WRITE_NOT_ACTIVE;
      if (this.drains !== null) tickDrains(this.drains);
      if ((stream._duplexState & WRITE_DRAIN_STATUS) === WRITE_UNDRAINED) {
        stream._duplexState &= WRITE_DRAINED;
        if ((stream._duplexState & WRITE_EMIT_DRAIN) === WRITE_EMIT_DRAIN) {
          stream.emit("drain");
        }
      }
      this.updateCallback();
    }
    function afterRead(err2) {
      if (err2) this.stream.destroy(err2);
      this.stream._duplexState &= READ_NOT_ACTIVE;
      if (this.readAhead === false && (this.stream._duplexState & READ_RESUMED) === 0) {
        this.stream._duplexState &= READ_NO_READ_AHEAD;
      }
      this.updateCallback();
    }
    function updateReadNT() {
      if ((this.stream._duplexState & READ_UPDATING) === 0) {
        this.stream._duplexState &= READ_NOT_NEXT_TICK;
        this.update();
      }
    }
    function updateWriteNT() {
      if ((this.stream._duplexState & WRITE_UPDATING) === 0) {
        this.stream._duplexState &= WRITE_NOT_NEXT_TICK;
        this.update();
      }
    }
    function tickDrains(drains) {
      for (let i = 0; i < drains.length; i++) {
        if (--drains[i].writes === 0) {
          drains.shift().resolve(true);
          i--;
        }
      }
    }
    function afterOpen(err2) {
      const stream = this.stream;
      if (err2) stream.destroy(err2);
      if ((stream._duplexState & DESTROYING) === 0) {
        if ((stream._duplexState & READ_PRIMARY_STATUS) === 0) {
          stream._duplexState |= READ_PRIMARY;
        }
        if ((stream._duplexState & WRITE_PRIMARY_STATUS) === 0) {
          stream._duplexState |= WRITE_PRIMARY;
        }
        stream.emit("open");
      }
      stream._duplexState &= NOT_ACTIVE;
      if (stream._writableState !== null) {
        stream._writableState.updateCallback();
      }
      if (stream._readableState !== null) {
        stream._readableState.updateCallback();
      }
    }
    function afterTransform(err2, data) {
      if (data !== void 0 && data !== null) this.push(data);
      this._writableState.afterWrite(err2);
    }
    function newListener(name) {
      if (this._readableState !== null) {
        if (name === "data") {
          this._duplexState |= READ_EMIT_DATA | READ_RESUMED_READ_AHEAD;
          this._readableState.updateNextTick();
        }
        if (name === "readable") {
          this._duplexState |= READ_EMIT_READABLE;
          this._readableState.updateNextTick();
        }
      }
      if (this._writableState !== null) {
        if (name === "drain") {
          this._duplexState |= WRITE_EMIT_DRAIN;
          this._writableState.updateNextTick();
        }
      }
    }
    var Stream = class extends EventEmitter {
      constructor(opts) {
        super();
        this._duplexState = 0;
        this._readableState = null;
        this._writableState = null;
        if (opts) {
          if (opts.open) this._open = opts.open;
          if (opts.destroy) this._destroy = opts.destroy;
          if (opts.predestroy) this._predestroy = opts.predestroy;
          if (opts.signal) opts.signal.addEventListener("abort", abort.bind(this));
        }
        this.on("newListener", newListener);
      }
      _open(cb) {
        cb(null);
      }
      _destroy(cb) {
        cb(null);
      }
      _predestroy() {
      }
      get readable() {
        return this._readableState !== null ? true : void 0;
      }
      get writable() {
        return this._writableState !== null ? true : void 0;
      }
      get destroyed() {
        return (this._duplexState & DESTROYED) !== 0;
      }
      get destroying() {
        return (this._duplexState & DESTROY_STATUS) !== 0;
      }
      destroy(err2) {
        if ((this._duplexState & DESTROY_STATUS) === 0) {
          if (!err2) err2 = StreamError.STREAM_DESTROYED();
          this._duplexState = (this._duplexState | DESTROYING) & NON_PRIMARY;
          if (this._readableState !== null) {
            this._readableState.highWaterMark = 0;
            this._readableState.error = err2;
          }
          if (this._writableState !== null) {
            this._writableState.highWaterMark = 0;
            this._writableState.error = err2;
          }
          this._duplexState |= PREDESTROYING;
          this._predestroy();
          this._duplexState &= NOT_PREDESTROYING;
          if (this._readableState !== null) {
            this._readableState.updateNextTick();
          }
          if (this._writableState !== null) {
            this._writableState.updateNextTick();
          }
        }
      }
    };
    var Readable3 = class _Readable extends Stream {
      constructor(opts) {
        super(opts);
        this._duplexState |= OPENING | WRITE_DONE | READ_READ_AHEAD;
        this._readableState = new ReadableState(this, opts);
        if (opts) {
          if (this._readableState.readAhead === false) this._duplexState &= READ_NO_READ_AHEAD;
          if (opts.read) this._read = opts.read;
          if (opts.eagerOpen) this._readableState.updateNextTick();
          if (opts.encoding) this.setEncoding(opts.encoding);
        }
      }
      static deferred(fn, opts) {
        const out = new PassThrough2(opts);
        fn().then((src) => {
          if (src === null) return out.end();
          if (out.destroying) return;
          pipeline4(src, out, noop);
        }).catch((err2) => out.destroy(err2));
        return out;
      }
      setEncoding(encoding) {
        const dec = new TextDecoder(encoding);
        const map = this._readableState.map || echo;
        this._readableState.map = mapOrSkip;
        return this;
        function mapOrSkip(data) {
          const next = dec.push(data);
          return next === "" && (data.byteLength !== 0 || dec.remaining > 0) ? null : map(next);
        }
      }
      _read(cb) {
        cb(null);
      }
      pipe(dest, cb) {
        this._readableState.updateNextTick();
        this._readableState.pipe(dest, cb);
        return dest;
      }
      read() {
        this._readableState.updateNextTick();
        return this._readableState.read();
      }
      push(data) {
        this._readableState.updateNextTickIfOpen();
        return this._readableState.push(data);
      }
      unshift(data) {
        this._readableState.updateNextTickIfOpen();
        return this._readableState.unshift(data);
      }
      resume() {
        this._duplexState |= READ_RESUMED_READ_AHEAD;
        this._readableState.updateNextTick();
        return this;
      }
      pause() {
        this._duplexState &= this._readableState.readAhead === false ? READ_PAUSED_NO_READ_AHEAD : READ_PAUSED;
        return this;
      }
      static _fromAsyncIterator(ite, opts) {
        let destroy;
        const rs = new _Readable({
          ...opts,
          read(cb) {
            ite.next().then(push).then(cb.bind(null, null)).catch(cb);
          },
          predestroy() {
            destroy = ite.return();
          },
          destroy(cb) {
            if (!destroy) return cb(null);
            destroy.then(cb.bind(null, null)).catch(cb);
          }
        });
        return rs;
        function push(data) {
          if (data.done) rs.push(null);
          else rs.push(data.value);
        }
      }
      static from(data, opts) {
        if (isReadStreamx(data)) return data;
        if (data[asyncIterator]) return this._fromAsyncIterator(data[asyncIterator](), opts);
        if (!Array.isArray(data)) data = data === void 0 ? [] : [data];
        let i = 0;
        return new _Readable({
          ...opts,
          read(cb) {
            this.push(i === data.length ? null : data[i++]);
            cb(null);
          }
        });
      }
      static isBackpressured(rs) {
        return (rs._duplexState & READ_BACKPRESSURE_STATUS) !== 0 || rs._readableState.buffered >= rs._readableState.highWaterMark;
      }
      static isPaused(rs) {
        return (rs._duplexState & READ_RESUMED) === 0;
      }
      [asyncIterator]() {
        const stream = this;
        let error = null;
        let promiseResolve = null;
        let promiseReject = null;
        this.on("error", (err2) => {
          error = err2;
        });
        this.on("readable", onreadable);
        this.on("close", onclose);
        return {
          [asyncIterator]() {
            return this;
          },
          next() {
            return new Promise(function(resolve, reject) {
              promiseResolve = resolve;
              promiseReject = reject;
              const data = stream.read();
              if (data !== null) ondata(data);
              else if ((stream._duplexState & DESTROYED) !== 0) ondata(null);
            });
          },
          return() {
            return destroy(null);
          },
          throw(err2) {
            return destroy(err2);
          }
        };
        function onreadable() {
          if (promiseResolve !== null) ondata(stream.read());
        }
        function onclose() {
          if (promiseResolve !== null) ondata(null);
        }
        function ondata(data) {
          if (promiseReject === null) return;
          if (error) {
            promiseReject(error);
          } else if (data === null && (stream._duplexState & READ_DONE) === 0) {
            promiseReject(StreamError.STREAM_DESTROYED());
          } else {
            promiseResolve({ value: data, done: data === null });
          }
          promiseReject = promiseResolve = null;
        }
        function destroy(err2) {
          stream.destroy(err2);
          return new Promise((resolve, reject) => {
            if (stream._duplexState & DESTROYED) return resolve({ value: void 0, done: true });
            stream.once("close", function() {
              if (err2) reject(err2);
              else resolve({ value: void 0, done: true });
            });
          });
        }
      }
    };
    var Writable = class extends Stream {
      constructor(opts) {
        super(opts);
        this._duplexState |= OPENING | READ_DONE;
        this._writableState = new WritableState(this, opts);
        if (opts) {
          if (opts.writev) this._writev = opts.writev;
          if (opts.write) this._write = opts.write;
          if (opts.final) this._final = opts.final;
          if (opts.eagerOpen) this._writableState.updateNextTick();
        }
      }
      cork() {
        this._duplexState |= WRITE_CORKED;
      }
      uncork() {
        this._duplexState &= WRITE_NOT_CORKED;
        this._writableState.updateNextTick();
      }
      _writev(batch, cb) {
        cb(null);
      }
      _write(data, cb) {
        this._writableState.autoBatch(data, cb);
      }
      _final(cb) {
        cb(null);
      }
      static isBackpressured(ws) {
        return (ws._duplexState & WRITE_BACKPRESSURE_STATUS) !== 0;
      }
      static drained(ws) {
        if (ws.destroyed) return Promise.resolve(false);
        const state = ws._writableState;
        const pending = isWritev(ws) ? Math.min(1, state.queue.length) : state.queue.length;
        const writes = pending + (ws._duplexState & WRITE_WRITING ? 1 : 0);
        if (writes === 0) return Promise.resolve(true);
        if (state.drains === null) state.drains = [];
        return new Promise((resolve) => {
          state.drains.push({ writes, resolve });
        });
      }
      write(data) {
        this._writableState.updateNextTick();
        return this._writableState.push(data);
      }
      end(data) {
        this._writableState.updateNextTick();
        this._writableState.end(data);
        return this;
      }
    };
    var Duplex = class extends Readable3 {
      // and Writable
      constructor(opts) {
        super(opts);
        this._duplexState = OPENING | this._duplexState & READ_READ_AHEAD;
        this._writableState = new WritableState(this, opts);
        if (opts) {
          if (opts.writev) this._writev = opts.writev;
          if (opts.write) this._write = opts.write;
          if (opts.final) this._final = opts.final;
        }
      }
      cork() {
        this._duplexState |= WRITE_CORKED;
      }
      uncork() {
        this._duplexState &= WRITE_NOT_CORKED;
        this._writableState.updateNextTick();
      }
      _writev(batch, cb) {
        cb(null);
      }
      _write(data, cb) {
        this._writableState.autoBatch(data, cb);
      }
      _final(cb) {
        cb(null);
      }
      write(data) {
        this._writableState.updateNextTick();
        return this._writableState.push(data);
      }
      end(data) {
        this._writableState.updateNextTick();
        this._writableState.end(data);
        return this;
      }
    };
    var Transform3 = class extends Duplex {
      constructor(opts) {
        super(opts);
        this._transformState = new TransformState(this);
        if (opts) {
          if (opts.transform) this._transform = opts.transform;
          if (opts.flush) this._flush = opts.flush;
        }
      }
      _write(data, cb) {
        if (this._readableState.buffered >= this._readableState.highWaterMark) {
          this._transformState.data = data;
        } else {
          this._transform(data, this._transformState.afterTransform);
        }
      }
      _read(cb) {
        if (this._transformState.data !== null) {
          const data = this._transformState.data;
          this._transformState.data = null;
          cb(null);
          this._transform(data, this._transformState.afterTransform);
        } else {
          cb(null);
        }
      }
      destroy(err2) {
        super.destroy(err2);
        if (this._transformState.data !== null) {
          this._transformState.data = null;
          this._transformState.afterTransform();
        }
      }
      _transform(data, cb) {
        cb(null, data);
      }
      _flush(cb) {
        cb(null);
      }
      _final(cb) {
        this._transformState.afterFinal = cb;
        this._flush(transformAfterFlush.bind(this));
      }
    };
    var PassThrough2 = class extends Transform3 {
    };
    function transformAfterFlush(err2, data) {
      const cb = this._transformState.afterFinal;
      if (err2) return cb(err2);
      if (data !== null && data !== void 0) this.push(data);
      this.push(null);
      cb(null);
    }
    function pipelinePromise(...streams) {
      return new Promise((resolve, reject) => {
        return pipeline4(...streams, (err2) => {
          if (err2) return reject(err2);
          resolve();
        });
      });
    }
    function pipeline4(stream, ...streams) {
      const all = Array.isArray(stream) ? [...stream, ...streams] : [stream, ...streams];
      const done = all.length && typeof all[all.length - 1] === "function" ? all.pop() : null;
      if (all.length < 2) throw StreamError.BAD_ARGUMENT("Pipeline requires at least 2 streams");
      let src = all[0];
      let dest = null;
      let error = null;
      for (let i = 1; i < all.length; i++) {
        dest = all[i];
        if (isStreamx(src)) {
          src.pipe(dest, onerror);
        } else {
          errorHandle(src, true, i > 1, onerror);
          src.pipe(dest);
        }
        src = dest;
      }
      if (done) {
        let fin = false;
        const autoDestroy = isStreamx(dest) || !!(dest._writableState && dest._writableState.autoDestroy);
        dest.on("error", (err2) => {
          if (error === null) error = err2;
        });
        dest.on("finish", () => {
          fin = true;
          if (!autoDestroy) done(error);
        });
        if (autoDestroy) {
          dest.on("close", () => done(error || (fin ? null : StreamError.PREMATURE_CLOSE())));
        }
      }
      return dest;
      function errorHandle(s, rd, wr, onerror2) {
        s.on("error", onerror2);
        s.on("close", onclose);
        function onclose() {
          if (rd && s._readableState && !s._readableState.ended) {
            return onerror2(StreamError.PREMATURE_CLOSE());
          }
          if (wr && s._writableState && !s._writableState.ended) {
            return onerror2(StreamError.PREMATURE_CLOSE());
          }
        }
      }
      function onerror(err2) {
        if (!err2 || error) return;
        error = err2;
        for (const s of all) {
          s.destroy(err2);
        }
      }
    }
    function echo(s) {
      return s;
    }
    function isStream(stream) {
      return !!stream._readableState || !!stream._writableState;
    }
    function isStreamx(stream) {
      return typeof stream._duplexState === "number" && isStream(stream);
    }
    function isEnding(stream) {
      return !!stream._readableState && stream._readableState.ending;
    }
    function isEnded(stream) {
      return !!stream._readableState && stream._readableState.ended;
    }
    function isFinishing(stream) {
      return !!stream._writableState && stream._writableState.ending;
    }
    function isFinished(stream) {
      return !!stream._writableState && stream._writableState.ended;
    }
    function getStreamError(stream, opts = {}) {
      const err2 = stream._readableState && stream._readableState.error || stream._writableState && stream._writableState.error;
      return !opts.all && StreamError.isStreamDestroyed(err2) ? null : err2;
    }
    function isReadStreamx(stream) {
      return isStreamx(stream) && stream.readable;
    }
    function isDisturbed(stream) {
      return (stream._duplexState & OPENING) !== OPENING || (stream._duplexState & DESTROYING) === DESTROYING || (stream._duplexState & ACTIVE_OR_TICKING) !== 0;
    }
    function isTypedArray(data) {
      return typeof data === "object" && data !== null && typeof data.byteLength === "number";
    }
    function defaultByteLength(data) {
      return isTypedArray(data) ? data.byteLength : 1024;
    }
    function noop() {
    }
    function abort() {
      this.destroy(StreamError.ABORTED());
    }
    function isWritev(s) {
      return s._writev !== Writable.prototype._writev && s._writev !== Duplex.prototype._writev;
    }
    module.exports = {
      pipeline: pipeline4,
      pipelinePromise,
      isStream,
      isStreamx,
      isEnding,
      isEnded,
      isFinishing,
      isFinished,
      isDisturbed,
      getStreamError,
      Stream,
      Writable,
      Readable: Readable3,
      Duplex,
      Transform: Transform3,
      // Export PassThrough for compatibility with Node.js core's stream module
      PassThrough: PassThrough2
    };
  }
});

// node_modules/tar-stream/headers.js
var require_headers = __commonJS({
  "node_modules/tar-stream/headers.js"(exports) {
    var b4a = require_b4a();
    var ZEROS = "0000000000000000000";
    var SEVENS = "7777777777777777777";
    var ZERO_OFFSET = "0".charCodeAt(0);
    var USTAR_MAGIC = b4a.from([117, 115, 116, 97, 114, 0]);
    var USTAR_VER = b4a.from([ZERO_OFFSET, ZERO_OFFSET]);
    var GNU_MAGIC = b4a.from([117, 115, 116, 97, 114, 32]);
    var GNU_VER = b4a.from([32, 0]);
    var MASK = 4095;
    var MAGIC_OFFSET = 257;
    var VERSION_OFFSET = 263;
    exports.decodeLongPath = function decodeLongPath(buf, encoding) {
      return decodeStr(buf, 0, buf.length, encoding);
    };
    exports.encodePax = function encodePax(opts) {
      let result = "";
      if (opts.name) result += addLength(" path=" + opts.name + "\n");
      if (opts.linkname) result += addLength(" linkpath=" + opts.linkname + "\n");
      const pax = opts.pax;
      if (pax) {
        for (const key in pax) {
          result += addLength(" " + key + "=" + pax[key] + "\n");
        }
      }
      return b4a.from(result);
    };
    exports.decodePax = function decodePax(buf) {
      const result = {};
      while (buf.length) {
        let i = 0;
        while (i < buf.length && buf[i] !== 32) i++;
        const len = parseInt(b4a.toString(buf.subarray(0, i)), 10);
        if (!len) return result;
        const b = b4a.toString(buf.subarray(i + 1, len - 1));
        const keyIndex = b.indexOf("=");
        if (keyIndex === -1) return result;
        result[b.slice(0, keyIndex)] = b.slice(keyIndex + 1);
        buf = buf.subarray(len);
      }
      return result;
    };
    exports.encode = function encode(opts) {
      const buf = b4a.alloc(512);
      let name = opts.name;
      let prefix = "";
      if (opts.typeflag === 5 && name[name.length - 1] !== "/") name += "/";
      if (b4a.byteLength(name) !== name.length) return null;
      while (b4a.byteLength(name) > 100) {
        const i = name.indexOf("/");
        if (i === -1) return null;
        prefix += prefix ? "/" + name.slice(0, i) : name.slice(0, i);
        name = name.slice(i + 1);
      }
      if (b4a.byteLength(name) > 100 || b4a.byteLength(prefix) > 155) return null;
      if (opts.linkname && b4a.byteLength(opts.linkname) > 100) return null;
      b4a.write(buf, name);
      b4a.write(buf, encodeOct(opts.mode & MASK, 6), 100);
      b4a.write(buf, encodeOct(opts.uid, 6), 108);
      b4a.write(buf, encodeOct(opts.gid, 6), 116);
      encodeSize(opts.size, buf, 124);
      b4a.write(buf, encodeOct(opts.mtime.getTime() / 1e3 | 0, 11), 136);
      buf[156] = ZERO_OFFSET + toTypeflag(opts.type);
      if (opts.linkname) b4a.write(buf, opts.linkname, 157);
      b4a.copy(USTAR_MAGIC, buf, MAGIC_OFFSET);
      b4a.copy(USTAR_VER, buf, VERSION_OFFSET);
      if (opts.uname) b4a.write(buf, opts.uname, 265);
      if (opts.gname) b4a.write(buf, opts.gname, 297);
      b4a.write(buf, encodeOct(opts.devmajor || 0, 6), 329);
      b4a.write(buf, encodeOct(opts.devminor || 0, 6), 337);
      if (prefix) b4a.write(buf, prefix, 345);
      b4a.write(buf, encodeOct(cksum(buf), 6), 148);
      return buf;
    };
    exports.decode = function decode(buf, filenameEncoding, allowUnknownFormat) {
      let typeflag = buf[156] === 0 ? 0 : buf[156] - ZERO_OFFSET;
      let name = decodeStr(buf, 0, 100, filenameEncoding);
      const mode = decodeOct(buf, 100, 8);
      const uid = decodeOct(buf, 108, 8);
      const gid = decodeOct(buf, 116, 8);
      const size = decodeOct(buf, 124, 12);
      const mtime = decodeOct(buf, 136, 12);
      const type = toType(typeflag);
      const linkname = buf[157] === 0 ? null : decodeStr(buf, 157, 100, filenameEncoding);
      const uname = decodeStr(buf, 265, 32);
      const gname = decodeStr(buf, 297, 32);
      const devmajor = decodeOct(buf, 329, 8);
      const devminor = decodeOct(buf, 337, 8);
      const c = cksum(buf);
      if (c === 8 * 32) return null;
      if (c !== decodeOct(buf, 148, 8)) throw new Error("Invalid tar header. Maybe the tar is corrupted or it needs to be gunzipped?");
      if (isUSTAR(buf)) {
        if (buf[345]) name = decodeStr(buf, 345, 155, filenameEncoding) + "/" + name;
      } else if (isGNU(buf)) {
      } else {
        if (!allowUnknownFormat) {
          throw new Error("Invalid tar header: unknown format.");
        }
      }
      if (typeflag === 0 && name && name[name.length - 1] === "/") typeflag = 5;
      return {
        name,
        mode,
        uid,
        gid,
        size,
        byteOffset: 0,
        mtime: new Date(1e3 * mtime),
        type,
        linkname,
        uname,
        gname,
        devmajor,
        devminor,
        pax: null
      };
    };
    function isUSTAR(buf) {
      return b4a.equals(USTAR_MAGIC, buf.subarray(MAGIC_OFFSET, MAGIC_OFFSET + 6));
    }
    function isGNU(buf) {
      return b4a.equals(GNU_MAGIC, buf.subarray(MAGIC_OFFSET, MAGIC_OFFSET + 6)) && b4a.equals(GNU_VER, buf.subarray(VERSION_OFFSET, VERSION_OFFSET + 2));
    }
    function clamp(index, len, defaultValue) {
      if (typeof index !== "number") return defaultValue;
      index = ~~index;
      if (index >= len) return len;
      if (index >= 0) return index;
      index += len;
      if (index >= 0) return index;
      return 0;
    }
    function toType(flag) {
      switch (flag) {
        case 0:
          return "file";
        case 1:
          return "link";
        case 2:
          return "symlink";
        case 3:
          return "character-device";
        case 4:
          return "block-device";
        case 5:
          return "directory";
        case 6:
          return "fifo";
        case 7:
          return "contiguous-file";
        case 72:
          return "pax-header";
        case 55:
          return "pax-global-header";
        case 27:
          return "gnu-long-link-path";
        case 28:
        case 30:
          return "gnu-long-path";
      }
      return null;
    }
    function toTypeflag(flag) {
      switch (flag) {
        case "file":
          return 0;
        case "link":
          return 1;
        case "symlink":
          return 2;
        case "character-device":
          return 3;
        case "block-device":
          return 4;
        case "directory":
          return 5;
        case "fifo":
          return 6;
        case "contiguous-file":
          return 7;
        case "pax-header":
          return 72;
      }
      return 0;
    }
    function indexOf(block, num, offset, end) {
      for (; offset < end; offset++) {
        if (block[offset] === num) return offset;
      }
      return end;
    }
    function cksum(block) {
      let sum = 8 * 32;
      for (let i = 0; i < 148; i++) sum += block[i];
      for (let j = 156; j < 512; j++) sum += block[j];
      return sum;
    }
    function encodeOct(val, n) {
      val = val.toString(8);
      if (val.length > n) return SEVENS.slice(0, n) + " ";
      return ZEROS.slice(0, n - val.length) + val + " ";
    }
    function encodeSizeBin(num, buf, off) {
      buf[off] = 128;
      for (let i = 11; i > 0; i--) {
        buf[off + i] = num & 255;
        num = Math.floor(num / 256);
      }
    }
    function encodeSize(num, buf, off) {
      if (num.toString(8).length > 11) {
        encodeSizeBin(num, buf, off);
      } else {
        b4a.write(buf, encodeOct(num, 11), off);
      }
    }
    function parse256(buf) {
      let positive;
      if (buf[0] === 128) positive = true;
      else if (buf[0] === 255) positive = false;
      else return null;
      const tuple = [];
      let i;
      for (i = buf.length - 1; i > 0; i--) {
        const byte = buf[i];
        if (positive) tuple.push(byte);
        else tuple.push(255 - byte);
      }
      let sum = 0;
      const l = tuple.length;
      for (i = 0; i < l; i++) {
        sum += tuple[i] * Math.pow(256, i);
      }
      return positive ? sum : -1 * sum;
    }
    function decodeOct(val, offset, length) {
      val = val.subarray(offset, offset + length);
      offset = 0;
      if (val[offset] & 128) {
        return parse256(val);
      } else {
        while (offset < val.length && val[offset] === 32) offset++;
        const end = clamp(indexOf(val, 32, offset, val.length), val.length, val.length);
        while (offset < end && val[offset] === 0) offset++;
        if (end === offset) return 0;
        return parseInt(b4a.toString(val.subarray(offset, end)), 8);
      }
    }
    function decodeStr(val, offset, length, encoding) {
      return b4a.toString(val.subarray(offset, indexOf(val, 0, offset, offset + length)), encoding);
    }
    function addLength(str) {
      const len = b4a.byteLength(str);
      let digits = Math.floor(Math.log(len) / Math.log(10)) + 1;
      if (len + digits >= Math.pow(10, digits)) digits++;
      return len + digits + str;
    }
  }
});

// node_modules/tar-stream/extract.js
var require_extract = __commonJS({
  "node_modules/tar-stream/extract.js"(exports, module) {
    var { Writable, Readable: Readable3, getStreamError } = require_streamx();
    var FIFO = require_fast_fifo();
    var b4a = require_b4a();
    var headers = require_headers();
    var EMPTY = b4a.alloc(0);
    var MAX_HEADER_SIZE = 4 * 1024 * 1024;
    var BufferList = class {
      constructor() {
        this.buffered = 0;
        this.shifted = 0;
        this.queue = new FIFO();
        this._offset = 0;
      }
      push(buffer) {
        this.buffered += buffer.byteLength;
        this.queue.push(buffer);
      }
      shiftFirst(size) {
        return this.buffered === 0 ? null : this._next(size);
      }
      shift(size) {
        if (size > this.buffered) return null;
        if (size === 0) return EMPTY;
        let chunk = this._next(size);
        if (size === chunk.byteLength) return chunk;
        const chunks = [chunk];
        while ((size -= chunk.byteLength) > 0) {
          chunk = this._next(size);
          chunks.push(chunk);
        }
        return b4a.concat(chunks);
      }
      _next(size) {
        const buf = this.queue.peek();
        const rem = buf.byteLength - this._offset;
        if (size >= rem) {
          const sub = this._offset ? buf.subarray(this._offset, buf.byteLength) : buf;
          this.queue.shift();
          this._offset = 0;
          this.buffered -= rem;
          this.shifted += rem;
          return sub;
        }
        this.buffered -= size;
        this.shifted += size;
        return buf.subarray(this._offset, this._offset += size);
      }
    };
    var Source = class extends Readable3 {
      constructor(self, header, offset) {
        super();
        this.header = header;
        this.offset = offset;
        this._parent = self;
      }
      _read(cb) {
        if (this.header.size === 0) {
          this.push(null);
        }
        if (this._parent._stream === this) {
          this._parent._update();
        }
        cb(null);
      }
      _predestroy() {
        this._parent.destroy(getStreamError(this));
      }
      _detach() {
        if (this._parent._stream === this) {
          this._parent._stream = null;
          this._parent._missing = overflow(this.header.size);
          this._parent._update();
        }
      }
      _destroy(cb) {
        this._detach();
        cb(null);
      }
    };
    var Extract = class extends Writable {
      constructor(opts) {
        super(opts);
        if (!opts) opts = {};
        this._buffer = new BufferList();
        this._offset = 0;
        this._header = null;
        this._stream = null;
        this._missing = 0;
        this._longHeader = false;
        this._callback = noop;
        this._locked = false;
        this._finished = false;
        this._pax = null;
        this._paxGlobal = null;
        this._gnuLongPath = null;
        this._gnuLongLinkPath = null;
        this._filenameEncoding = opts.filenameEncoding || "utf-8";
        this._allowUnknownFormat = !!opts.allowUnknownFormat;
        this._unlockBound = this._unlock.bind(this);
      }
      _unlock(err2) {
        this._locked = false;
        if (err2) {
          this.destroy(err2);
          this._continueWrite(err2);
          return;
        }
        this._update();
      }
      _consumeHeader() {
        if (this._locked) return false;
        this._offset = this._buffer.shifted;
        try {
          this._header = headers.decode(this._buffer.shift(512), this._filenameEncoding, this._allowUnknownFormat);
        } catch (err2) {
          this._continueWrite(err2);
          return false;
        }
        if (!this._header) return true;
        this._header.byteOffset = this._buffer.shifted;
        switch (this._header.type) {
          case "gnu-long-path":
          case "gnu-long-link-path":
          case "pax-global-header":
          case "pax-header":
            this._longHeader = true;
            this._missing = this._header.size;
            if (this._missing > MAX_HEADER_SIZE) {
              this._continueWrite(new Error("Header exceeds max size"));
              return false;
            }
            return true;
        }
        this._locked = true;
        this._applyLongHeaders();
        if (!(this._header.size >= 0)) {
          this._continueWrite(new Error("Invalid header"));
          return false;
        }
        if (this._header.size === 0 || this._header.type === "directory") {
          this.emit("entry", this._header, this._createStream(), this._unlockBound);
          return true;
        }
        this._stream = this._createStream();
        this._missing = this._header.size;
        this.emit("entry", this._header, this._stream, this._unlockBound);
        return true;
      }
      _applyLongHeaders() {
        if (this._gnuLongPath) {
          this._header.name = this._gnuLongPath;
          this._gnuLongPath = null;
        }
        if (this._gnuLongLinkPath) {
          this._header.linkname = this._gnuLongLinkPath;
          this._gnuLongLinkPath = null;
        }
        if (this._pax) {
          if (this._pax.path) this._header.name = this._pax.path;
          if (this._pax.linkpath) this._header.linkname = this._pax.linkpath;
          if (this._pax.size) this._header.size = parseInt(this._pax.size, 10);
          this._header.pax = this._pax;
          this._pax = null;
        }
      }
      _decodeLongHeader(buf) {
        switch (this._header.type) {
          case "gnu-long-path":
            this._gnuLongPath = headers.decodeLongPath(buf, this._filenameEncoding);
            break;
          case "gnu-long-link-path":
            this._gnuLongLinkPath = headers.decodeLongPath(buf, this._filenameEncoding);
            break;
          case "pax-global-header":
            this._paxGlobal = headers.decodePax(buf);
            break;
          case "pax-header":
            this._pax = this._paxGlobal === null ? headers.decodePax(buf) : Object.assign({}, this._paxGlobal, headers.decodePax(buf));
            break;
        }
      }
      _consumeLongHeader() {
        this._longHeader = false;
        this._missing = overflow(this._header.size);
        const buf = this._buffer.shift(this._header.size);
        try {
          this._decodeLongHeader(buf);
        } catch (err2) {
          this._continueWrite(err2);
          return false;
        }
        return true;
      }
      _consumeStream() {
        const buf = this._buffer.shiftFirst(this._missing);
        if (buf === null) return false;
        this._missing -= buf.byteLength;
        const drained = this._stream.push(buf);
        if (this._missing === 0) {
          this._stream.push(null);
          if (drained) this._stream._detach();
          return drained && this._locked === false;
        }
        return drained;
      }
      _createStream() {
        return new Source(this, this._header, this._offset);
      }
      _update() {
        while (this._buffer.buffered > 0 && !this.destroying) {
          if (this._missing > 0) {
            if (this._stream !== null) {
              if (this._consumeStream() === false) return;
              continue;
            }
            if (this._longHeader === true) {
              if (this._missing > this._buffer.buffered) break;
              if (this._consumeLongHeader() === false) return false;
              continue;
            }
            const ignore = this._buffer.shiftFirst(this._missing);
            if (ignore !== null) this._missing -= ignore.byteLength;
            continue;
          }
          if (this._buffer.buffered < 512) break;
          if (this._stream !== null || this._consumeHeader() === false) return;
        }
        this._continueWrite(null);
      }
      _continueWrite(err2) {
        const cb = this._callback;
        this._callback = noop;
        cb(err2);
      }
      _write(data, cb) {
        this._callback = cb;
        this._buffer.push(data);
        this._update();
      }
      _final(cb) {
        this._finished = this._missing === 0 && this._buffer.buffered === 0;
        cb(this._finished ? null : new Error("Unexpected end of data"));
      }
      _predestroy() {
        this._continueWrite(null);
      }
      _destroy(cb) {
        if (this._stream) this._stream.destroy(getStreamError(this));
        cb(null);
      }
      [Symbol.asyncIterator]() {
        let error = null;
        let promiseResolve = null;
        let promiseReject = null;
        let entryStream = null;
        let entryCallback = null;
        const extract2 = this;
        this.on("entry", onentry);
        this.on("error", (err2) => {
          error = err2;
        });
        this.on("close", onclose);
        return {
          [Symbol.asyncIterator]() {
            return this;
          },
          next() {
            return new Promise(onnext);
          },
          return() {
            return destroy(null);
          },
          throw(err2) {
            return destroy(err2);
          }
        };
        function consumeCallback(err2) {
          if (!entryCallback) return;
          const cb = entryCallback;
          entryCallback = null;
          cb(err2);
        }
        function onnext(resolve, reject) {
          if (error) {
            return reject(error);
          }
          if (entryStream) {
            resolve({ value: entryStream, done: false });
            entryStream = null;
            return;
          }
          promiseResolve = resolve;
          promiseReject = reject;
          consumeCallback(null);
          if (extract2._finished && promiseResolve) {
            promiseResolve({ value: void 0, done: true });
            promiseResolve = promiseReject = null;
          }
        }
        function onentry(header, stream, callback) {
          entryCallback = callback;
          stream.on("error", noop);
          if (promiseResolve) {
            promiseResolve({ value: stream, done: false });
            promiseResolve = promiseReject = null;
          } else {
            entryStream = stream;
          }
        }
        function onclose() {
          consumeCallback(error);
          if (!promiseResolve) return;
          if (error) promiseReject(error);
          else promiseResolve({ value: void 0, done: true });
          promiseResolve = promiseReject = null;
        }
        function destroy(err2) {
          extract2.destroy(err2);
          consumeCallback(err2);
          return new Promise((resolve, reject) => {
            if (extract2.destroyed) return resolve({ value: void 0, done: true });
            extract2.once("close", function() {
              if (err2) reject(err2);
              else resolve({ value: void 0, done: true });
            });
          });
        }
      }
    };
    module.exports = function extract2(opts) {
      return new Extract(opts);
    };
    function noop() {
    }
    function overflow(size) {
      size &= 511;
      return size && 512 - size;
    }
  }
});

// node_modules/tar-stream/constants.js
var require_constants = __commonJS({
  "node_modules/tar-stream/constants.js"(exports, module) {
    var constants = {
      // just for envs without fs
      S_IFMT: 61440,
      S_IFDIR: 16384,
      S_IFCHR: 8192,
      S_IFBLK: 24576,
      S_IFIFO: 4096,
      S_IFLNK: 40960
    };
    try {
      module.exports = __require("fs").constants || constants;
    } catch {
      module.exports = constants;
    }
  }
});

// node_modules/tar-stream/pack.js
var require_pack = __commonJS({
  "node_modules/tar-stream/pack.js"(exports, module) {
    var { Readable: Readable3, Writable, getStreamError } = require_streamx();
    var b4a = require_b4a();
    var constants = require_constants();
    var headers = require_headers();
    var DMODE = 493;
    var FMODE = 420;
    var END_OF_TAR = b4a.alloc(1024);
    var Sink = class extends Writable {
      constructor(pack2, header, callback) {
        super({ mapWritable, eagerOpen: true });
        this.written = 0;
        this.header = header;
        this._callback = callback;
        this._linkname = null;
        this._isLinkname = header.type === "symlink" && !header.linkname;
        this._isVoid = header.type !== "file" && header.type !== "contiguous-file";
        this._finished = false;
        this._pack = pack2;
        this._openCallback = null;
        if (this._pack._stream === null) this._pack._stream = this;
        else this._pack._pending.push(this);
      }
      _open(cb) {
        this._openCallback = cb;
        if (this._pack._stream === this) this._continueOpen();
      }
      _continuePack(err2) {
        if (this._callback === null) return;
        const callback = this._callback;
        this._callback = null;
        callback(err2);
      }
      _continueOpen() {
        if (this._pack._stream === null) this._pack._stream = this;
        const cb = this._openCallback;
        this._openCallback = null;
        if (cb === null) return;
        if (this._pack.destroying) return cb(new Error("pack stream destroyed"));
        if (this._pack._finalized) return cb(new Error("pack stream is already finalized"));
        this._pack._stream = this;
        if (!this._isLinkname) {
          this._pack._encode(this.header);
        }
        if (this._isVoid) {
          this._finish();
          this._continuePack(null);
        }
        cb(null);
      }
      _write(data, cb) {
        if (this._isLinkname) {
          this._linkname = this._linkname ? b4a.concat([this._linkname, data]) : data;
          return cb(null);
        }
        if (this._isVoid) {
          if (data.byteLength > 0) {
            return cb(new Error("No body allowed for this entry"));
          }
          return cb();
        }
        this.written += data.byteLength;
        if (this._pack.push(data)) return cb();
        this._pack._drain = cb;
      }
      _finish() {
        if (this._finished) return;
        this._finished = true;
        if (this._isLinkname) {
          this.header.linkname = this._linkname ? b4a.toString(this._linkname, "utf-8") : "";
          this._pack._encode(this.header);
        }
        overflow(this._pack, this.header.size);
        this._pack._done(this);
      }
      _final(cb) {
        if (this.written !== this.header.size) {
          return cb(new Error("Size mismatch"));
        }
        this._finish();
        cb(null);
      }
      _getError() {
        return getStreamError(this) || new Error("tar entry destroyed");
      }
      _predestroy() {
        this._pack.destroy(this._getError());
      }
      _destroy(cb) {
        this._pack._done(this);
        this._continuePack(this._finished ? null : this._getError());
        cb();
      }
    };
    var Pack = class extends Readable3 {
      constructor(opts) {
        super(opts);
        this._drain = noop;
        this._finalized = false;
        this._finalizing = false;
        this._pending = [];
        this._stream = null;
      }
      entry(header, buffer, callback) {
        if (this._finalized || this.destroying) throw new Error("already finalized or destroyed");
        if (typeof buffer === "function") {
          callback = buffer;
          buffer = null;
        }
        if (!callback) callback = noop;
        if (!header.size || header.type === "symlink") header.size = 0;
        if (!header.type) header.type = modeToType(header.mode);
        if (!header.mode) header.mode = header.type === "directory" ? DMODE : FMODE;
        if (!header.uid) header.uid = 0;
        if (!header.gid) header.gid = 0;
        if (!header.mtime) header.mtime = /* @__PURE__ */ new Date();
        if (typeof buffer === "string") buffer = b4a.from(buffer);
        const sink = new Sink(this, header, callback);
        if (b4a.isBuffer(buffer)) {
          header.size = buffer.byteLength;
          sink.write(buffer);
          sink.end();
          return sink;
        }
        if (sink._isVoid) {
          return sink;
        }
        return sink;
      }
      finalize() {
        if (this._stream || this._pending.length > 0) {
          this._finalizing = true;
          return;
        }
        if (this._finalized) return;
        this._finalized = true;
        this.push(END_OF_TAR);
        this.push(null);
      }
      _done(stream) {
        if (stream !== this._stream) return;
        this._stream = null;
        if (this._finalizing) this.finalize();
        if (this._pending.length) this._pending.shift()._continueOpen();
      }
      _encode(header) {
        if (!header.pax) {
          const buf = headers.encode(header);
          if (buf) {
            this.push(buf);
            return;
          }
        }
        this._encodePax(header);
      }
      _encodePax(header) {
        const paxHeader = headers.encodePax({
          name: header.name,
          linkname: header.linkname,
          pax: header.pax
        });
        const newHeader = {
          name: "PaxHeader",
          mode: header.mode,
          uid: header.uid,
          gid: header.gid,
          size: paxHeader.byteLength,
          mtime: header.mtime,
          type: "pax-header",
          linkname: header.linkname && "PaxHeader",
          uname: header.uname,
          gname: header.gname,
          devmajor: header.devmajor,
          devminor: header.devminor
        };
        this.push(headers.encode(newHeader));
        this.push(paxHeader);
        overflow(this, paxHeader.byteLength);
        newHeader.size = header.size;
        newHeader.type = header.type;
        this.push(headers.encode(newHeader));
      }
      _doDrain() {
        const drain = this._drain;
        this._drain = noop;
        drain();
      }
      _predestroy() {
        const err2 = getStreamError(this);
        if (this._stream) this._stream.destroy(err2);
        while (this._pending.length) {
          const stream = this._pending.shift();
          stream.destroy(err2);
          stream._continueOpen();
        }
        this._doDrain();
      }
      _read(cb) {
        this._doDrain();
        cb();
      }
    };
    module.exports = function pack2(opts) {
      return new Pack(opts);
    };
    function modeToType(mode) {
      switch (mode & constants.S_IFMT) {
        case constants.S_IFBLK:
          return "block-device";
        case constants.S_IFCHR:
          return "character-device";
        case constants.S_IFDIR:
          return "directory";
        case constants.S_IFIFO:
          return "fifo";
        case constants.S_IFLNK:
          return "symlink";
      }
      return "file";
    }
    function noop() {
    }
    function overflow(self, size) {
      size &= 511;
      if (size) self.push(END_OF_TAR.subarray(0, 512 - size));
    }
    function mapWritable(buf) {
      return b4a.isBuffer(buf) ? buf : b4a.from(buf);
    }
  }
});

// node_modules/tar-stream/index.js
var require_tar_stream = __commonJS({
  "node_modules/tar-stream/index.js"(exports) {
    exports.extract = require_extract();
    exports.pack = require_pack();
  }
});

// src/main.ts
import { tmpdir } from "node:os";

// src/oci/layout.ts
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
var LayoutError = class extends ArchwayError {
};
var MAX_JSON_BLOB = 16 * 1024 * 1024;
var MAX_INDEX_DEPTH = 8;
var DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
function blobPath(dir, digest) {
  if (!DIGEST.test(digest)) throw new VerificationError(`"${digest}" is not a sha256 or sha512 digest`);
  const [algorithm, hex] = digest.split(":");
  return join(dir, "blobs", algorithm, hex);
}
function verifyBlobBytes(descriptor, data) {
  blobPath("", descriptor.digest);
  if (data.length !== descriptor.size)
    throw new VerificationError(`blob ${descriptor.digest} has ${data.length} bytes, its descriptor says ${descriptor.size}`);
  const [algorithm, hex] = descriptor.digest.split(":");
  const actual = createHash(algorithm).update(data).digest("hex");
  if (actual !== hex)
    throw new VerificationError(`blob ${descriptor.digest} does not match its digest (its bytes hash to ${algorithm}:${actual})`);
}
async function readBlob(dir, descriptor, maxSize = MAX_JSON_BLOB) {
  const path = blobPath(dir, descriptor.digest);
  if (descriptor.size > maxSize)
    throw new LayoutError(`blob ${descriptor.digest} is ${descriptor.size} bytes, more than the ${maxSize} read whole`);
  const data = await readFile(path).catch((err2) => {
    throw new LayoutError(`blob ${descriptor.digest} is missing from the OCI layout ${dir}`, { cause: err2 });
  });
  verifyBlobBytes(descriptor, data);
  return data;
}
async function readJsonBlob(dir, descriptor) {
  return parseJson(await readBlob(dir, descriptor), `blob ${descriptor.digest}`);
}
function blobStream(dir, descriptor) {
  const path = blobPath(dir, descriptor.digest);
  return Readable.from(verifiedChunks(dir, path, descriptor), { objectMode: false });
}
async function* verifiedChunks(dir, path, descriptor) {
  const [algorithm, hex] = descriptor.digest.split(":");
  const hash = createHash(algorithm);
  let size = 0;
  let file;
  try {
    await stat(path);
    file = createReadStream(path);
  } catch (err2) {
    throw new LayoutError(`blob ${descriptor.digest} is missing from the OCI layout ${dir}`, { cause: err2 });
  }
  for await (const chunk of file) {
    size += chunk.length;
    if (size > descriptor.size) {
      file.destroy();
      throw new VerificationError(`blob ${descriptor.digest} is longer than the ${descriptor.size} bytes its descriptor says`);
    }
    hash.update(chunk);
    yield chunk;
  }
  if (size !== descriptor.size)
    throw new VerificationError(`blob ${descriptor.digest} has ${size} bytes, its descriptor says ${descriptor.size}`);
  const actual = hash.digest("hex");
  if (actual !== hex)
    throw new VerificationError(`blob ${descriptor.digest} does not match its digest (its bytes hash to ${algorithm}:${actual})`);
}
function parseJson(data, what) {
  try {
    return JSON.parse(data.toString("utf8"));
  } catch (err2) {
    throw new LayoutError(`${what} is not JSON`, { cause: err2 });
  }
}
async function readLayoutIndex(dir) {
  const marker = await readFile(join(dir, "oci-layout")).catch((err2) => {
    throw new LayoutError(`${dir} is not an OCI image layout (no oci-layout file)`, { cause: err2 });
  });
  const version = parseJson(marker, `${dir}/oci-layout`).imageLayoutVersion;
  if (version !== "1.0.0") throw new LayoutError(`${dir}/oci-layout has imageLayoutVersion ${JSON.stringify(version)}, not "1.0.0"`);
  const index = parseJson(
    await readFile(join(dir, "index.json")).catch((err2) => {
      throw new LayoutError(`${dir} is not an OCI image layout (no index.json)`, { cause: err2 });
    }),
    `${dir}/index.json`
  );
  checkIndex(index, `${dir}/index.json`);
  return index;
}
function checkIndex(index, what) {
  if (index?.schemaVersion !== 2 || !Array.isArray(index.manifests))
    throw new LayoutError(`${what} is not an image index (schemaVersion 2 with manifests)`);
}
function checkManifest(manifest, what) {
  if (manifest?.schemaVersion !== 2 || !manifest.config || !Array.isArray(manifest.layers)) {
    throw new LayoutError(`${what} is not an image manifest (schemaVersion 2 with config and layers)`);
  }
}
async function listImages(dir) {
  const found = /* @__PURE__ */ new Map();
  const visit = async (descriptors, depth, seen) => {
    for (const d of descriptors) {
      if (isAttestation(d) || found.has(d.digest)) continue;
      if (isIndexMediaType(d.mediaType)) {
        if (depth >= MAX_INDEX_DEPTH || seen.has(d.digest))
          throw new LayoutError(`image indexes nest too deep (or in a cycle) at ${d.digest}`);
        const child = await readJsonBlob(dir, d);
        checkIndex(child, `index ${d.digest}`);
        await visit(child.manifests, depth + 1, /* @__PURE__ */ new Set([...seen, d.digest]));
      } else if (isManifestMediaType(d.mediaType)) {
        const platform = d.platform ?? await configPlatform(dir, d);
        if (platform) found.set(d.digest, { descriptor: d, platform });
      }
    }
  };
  await visit((await readLayoutIndex(dir)).manifests, 0, /* @__PURE__ */ new Set());
  return [...found.values()];
}
async function configPlatform(dir, descriptor) {
  const manifest = await readJsonBlob(dir, descriptor);
  checkManifest(manifest, `manifest ${descriptor.digest}`);
  if (!isImageConfigMediaType(manifest.config.mediaType)) return void 0;
  const config = await readJsonBlob(dir, manifest.config);
  return { os: config.os ?? "?", architecture: config.architecture ?? "?", ...config.variant ? { variant: config.variant } : {} };
}
function selectImages(images, platform) {
  const want = platformKey(platform);
  return images.filter((i) => platformKey(i.platform) === want);
}
async function findPlatformImage(dir, platform) {
  const images = await listImages(dir);
  const matches = selectImages(images, platform);
  const want = platformKey(platform);
  if (matches.length === 0) {
    const held = images.map((i) => platformKey(i.platform)).join(", ") || "none";
    throw new LayoutError(`the OCI layout ${dir} holds no image for ${want} (it holds: ${held})`);
  }
  if (matches.length > 1)
    throw new LayoutError(
      `the OCI layout ${dir} holds ${matches.length} different images for ${want}: ${matches.map((m) => m.descriptor.digest).join(", ")}`
    );
  const descriptor = matches[0].descriptor;
  const manifest = await readJsonBlob(dir, descriptor);
  checkManifest(manifest, `manifest ${descriptor.digest}`);
  if (!isImageConfigMediaType(manifest.config.mediaType))
    throw new LayoutError(`manifest ${descriptor.digest} has a config of type ${manifest.config.mediaType}, not an image config`);
  const config = await readJsonBlob(dir, manifest.config);
  return { dir, platform, descriptor, manifest, config };
}

// src/publish/provenance.ts
var MAX_DEPTH = 8;
function attestationsFor(descriptors, subject) {
  const out = /* @__PURE__ */ new Map();
  for (const d of descriptors)
    if (isAttestation(d) && d.annotations?.[Annotation.ReferenceDigest] === subject && !out.has(d.digest)) out.set(d.digest, d);
  return [...out.values()];
}
async function findAttestation(dir, subject) {
  const found = /* @__PURE__ */ new Map();
  const visit = async (descriptors, depth, seen) => {
    for (const d of attestationsFor(descriptors, subject)) found.set(d.digest, d);
    for (const d of descriptors) {
      if (!isIndexMediaType(d.mediaType)) continue;
      if (depth >= MAX_DEPTH || seen.has(d.digest)) throw new LayoutError(`image indexes nest too deep (or in a cycle) at ${d.digest}`);
      const child = await readJsonBlob(dir, d);
      if (child?.schemaVersion !== 2 || !Array.isArray(child.manifests))
        throw new LayoutError(`index ${d.digest} is not an image index (schemaVersion 2 with manifests)`);
      await visit(child.manifests, depth + 1, /* @__PURE__ */ new Set([...seen, d.digest]));
    }
  };
  await visit((await readLayoutIndex(dir)).manifests, 0, /* @__PURE__ */ new Set());
  if (found.size === 0) return void 0;
  if (found.size > 1)
    throw new LayoutError(
      `the OCI layout ${dir} holds ${found.size} different attestation manifests for ${subject}: ${[...found.keys()].join(", ")}`
    );
  const descriptor = [...found.values()][0];
  if (!isManifestMediaType(descriptor.mediaType))
    throw new LayoutError(`attestation ${descriptor.digest} for ${subject} is of type ${descriptor.mediaType}, not an image manifest`);
  const manifest = await readJsonBlob(dir, descriptor);
  if (manifest?.schemaVersion !== 2 || !manifest.config || !Array.isArray(manifest.layers)) {
    throw new LayoutError(`attestation ${descriptor.digest} is not an image manifest (schemaVersion 2 with config and layers)`);
  }
  return { dir, descriptor, manifest };
}
function referrerManifest(attestation, subject) {
  const annotations = { ...attestation.annotations ?? {}, [Annotation.ReferenceType]: ATTESTATION_MANIFEST };
  const doc = {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    artifactType: MediaType.DockerAttestationManifest,
    config: attestation.config,
    layers: attestation.layers,
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations
  };
  const bytes = Buffer.from(JSON.stringify(doc));
  return {
    bytes,
    descriptor: {
      mediaType: MediaType.OciManifest,
      digest: digestOf(bytes),
      size: bytes.length,
      artifactType: MediaType.DockerAttestationManifest,
      annotations
    }
  };
}
function referrersTag(digest) {
  return digest.replace(/[^a-zA-Z0-9._-]/g, "-").slice(0, 128);
}
function mergeReferrersIndex(existing, add, name = "the referrers tag") {
  let base = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] };
  if (existing) {
    let parsed;
    try {
      parsed = JSON.parse(existing.toString());
    } catch {
      parsed = void 0;
    }
    const p = parsed;
    if (p?.schemaVersion !== 2 || !Array.isArray(p.manifests) || p.mediaType !== void 0 && p.mediaType !== MediaType.OciIndex) {
      throw new ArchwayError(`${name} holds something other than an OCI image index (the referrers tag schema's); it was left as it is`);
    }
    base = p;
  }
  const manifests = [...base.manifests];
  for (const d of add) {
    const entry2 = {
      mediaType: d.mediaType,
      digest: d.digest,
      size: d.size,
      artifactType: d.artifactType,
      ...d.annotations ? { annotations: d.annotations } : {}
    };
    const at = manifests.findIndex((m) => m.digest === d.digest);
    if (at >= 0) manifests[at] = entry2;
    else manifests.push(entry2);
  }
  const merged = { ...base, schemaVersion: 2, mediaType: MediaType.OciIndex, manifests };
  const bytes = Buffer.from(JSON.stringify(merged));
  const changed = !existing || JSON.stringify(JSON.parse(existing.toString())) !== bytes.toString();
  return { bytes, changed };
}
async function attachProvenance(client, repository, attestation, subject) {
  const blobs = new Map([attestation.manifest.config, ...attestation.manifest.layers].map((d) => [d.digest, d]));
  for (const b of blobs.values()) await client.pushBlob(repository, b.digest, { path: blobPath(attestation.dir, b.digest), size: b.size });
  const doc = referrerManifest(attestation.manifest, subject);
  await client.putManifest(repository, doc.descriptor.digest, doc.bytes, MediaType.OciManifest);
  const listed = await client.referrers(repository, subject.digest);
  if (listed.some((d) => d.digest === doc.descriptor.digest)) return { referrer: doc.descriptor, via: "referrers API" };
  const tag = referrersTag(subject.digest);
  const existing = await client.headManifest(repository, tag) ? (await client.getManifest(repository, tag)).bytes : void 0;
  const merged = mergeReferrersIndex(existing, [doc.descriptor], `${client.registry}/${repository}:${tag}`);
  if (merged.changed) await client.putManifest(repository, tag, merged.bytes, MediaType.OciIndex);
  return { referrer: doc.descriptor, via: `tag ${tag}` };
}

// src/attestations.ts
function wantsAttestation(b) {
  return b.provenance !== false || b.settings.sbom !== false;
}
function checkAttestationStore(b, store) {
  if (store !== "classic") return;
  const why = "since this Docker engine runs the classic image store, which cannot hold attestations; they need the containerd image store (as GitHub's runners can have) or a builder with a BuildKit of its own (the docker-container driver, for one)";
  if (b.provenance) throw new InputError("provenance", provenanceText(b.provenance), `accepted: false here, ${why}`);
  if (b.settings.sbom !== false) throw new InputError("sbom", b.settings.sbom, `accepted: false here, ${why}`);
}
async function requireAttestation(image) {
  const found = await findAttestation(image.dir, image.descriptor.digest);
  if (!found) {
    throw new ArchwayError(
      `provenance/sbom: the saved image of ${formatPlatform(image.platform)} (${image.descriptor.digest}) has no attestation manifest. Nothing was pushed.`
    );
  }
  return found;
}

// src/docker/engine.ts
function docker(args, options = {}) {
  return run("docker", args, options);
}
function storeFromDriverStatus(driverStatus) {
  const pairs = Array.isArray(driverStatus) ? driverStatus : [];
  return pairs.some((p) => Array.isArray(p) && p[0] === "driver-type" && String(p[1]).startsWith("io.containerd.snapshotter")) ? "containerd" : "classic";
}
async function engineInfo() {
  let out;
  try {
    out = await docker(["info", "--format", "{{json .ServerVersion}}	{{json .DriverStatus}}"]);
  } catch (err2) {
    throw new EnvironmentError(`The Docker daemon does not answer (docker info failed): ${errorMessage(err2)}`, { cause: err2 });
  }
  const [version, status] = out.stdout.trim().split("	");
  return { version: JSON.parse(version), store: storeFromDriverStatus(JSON.parse(status)) };
}

// src/docker/builder.ts
function parseBuilderInspect(text) {
  const field = (key) => new RegExp(`^${key}:[ \\t]*(\\S+)[ \\t]*$`, "m").exec(text)?.[1];
  const name = field("Name");
  const driver = field("Driver");
  return name && driver ? { name, driver } : void 0;
}
async function builderInfo(name) {
  const out = await docker(["buildx", "inspect", ...name ? [name] : []], { allowFailure: true });
  const info2 = out.exitCode === 0 ? parseBuilderInspect(out.stdout) : void 0;
  if (!info2) {
    const which = name ? `The builder "${name}"` : "The current buildx builder";
    throw new EnvironmentError(`${which} cannot be used: docker buildx inspect${name ? ` ${name}` : ""} says ${outputTail(out, 300)}`);
  }
  return info2;
}

// src/build-host.ts
async function inspectBuildHost(builder) {
  const [engineAsked, builderAsked] = await Promise.allSettled([engineInfo(), builderInfo(builder)]);
  if (engineAsked.status === "rejected") throw engineAsked.reason;
  if (builderAsked.status === "rejected") throw builderAsked.reason;
  return { engine: engineAsked.value, builder: builderAsked.value };
}
var CLASSIC_CACHE = { exports: ["inline"], imports: ["registry", "local"] };
var SWITCH = 'turn on the containerd image store (docker/setup-docker-action with daemon-config {"features":{"containerd-snapshotter":true}}) or use a builder of the docker-container driver (docker/setup-buildx-action)';
function checkBuildHost(b, host) {
  if (host.builder.driver !== "docker" || host.engine.store !== "classic") return;
  checkAttestationStore(b, "classic");
  const here = "on this engine (classic image store, docker driver)";
  for (const entry2 of b.settings.cacheTo) {
    const type = cacheType(entry2);
    if (!CLASSIC_CACHE.exports.includes(type))
      throw new InputError(
        "cache-to",
        entry2,
        `accepted ${here}: type=inline, read back by the next run with cache-from: type=registry,ref=<a tag it published>; for type=${type}, ${SWITCH}`
      );
  }
  for (const entry2 of b.settings.cacheFrom) {
    const type = cacheType(entry2);
    if (!CLASSIC_CACHE.imports.includes(type))
      throw new InputError("cache-from", entry2, `accepted ${here}: type=registry or type=local; for type=${type}, ${SWITCH}`);
  }
}

// src/binfmt.ts
import { access, readdir, readFile as readFile2, writeFile } from "node:fs/promises";
import { join as join2 } from "node:path";
function entryName(emulator) {
  return `qemu-${emulator}`;
}
function wantedEntry(emulator, interpreter, flags) {
  const m = binfmtMagic(emulator);
  if (!m) throw new Error(`no binfmt_misc magic known for ${emulator}`);
  return { name: entryName(emulator), interpreter, magic: m.magic, mask: m.mask, offset: 0, flags };
}
var escapeHex = (hex) => hex.replace(/../g, (b) => `\\x${b}`);
function registrationLine(e) {
  if (e.interpreter.includes(":")) throw new EnvironmentError(`binfmt_misc interpreter path ${e.interpreter} contains a colon`);
  return `:${e.name}:M:${e.offset || ""}:${escapeHex(e.magic)}:${escapeHex(e.mask)}:${e.interpreter}:${e.flags}`;
}
function parseEntryFile(name, text) {
  const field = (f) => new RegExp(`^${f}[ :]+(.*)$`, "m").exec(text)?.[1]?.trim() ?? "";
  return {
    name,
    enabled: /^enabled$/m.test(text),
    interpreter: field("interpreter"),
    flags: field("flags"),
    offset: Number(field("offset") || 0),
    magic: field("magic"),
    mask: field("mask")
  };
}
function flagSet(flags) {
  const s = new Set(flags.toUpperCase());
  if (s.has("C")) s.add("O");
  return ["P", "O", "C", "F"].filter((f) => s.has(f)).join("");
}
function sameEntry(existing, wanted) {
  return existing.enabled && existing.interpreter === wanted.interpreter && existing.offset === wanted.offset && existing.magic === wanted.magic && // The kernel prints the magic already masked and the mask in full.
  existing.mask === wanted.mask && flagSet(existing.flags) === flagSet(wanted.flags);
}
var BINFMT_DIR = "/proc/sys/fs/binfmt_misc";
var Binfmt = class {
  constructor(dir = BINFMT_DIR, root = process.getuid?.() === 0) {
    this.dir = dir;
    this.root = root;
  }
  dir;
  root;
  async mounted() {
    return access(join2(this.dir, "register")).then(
      () => true,
      () => false
    );
  }
  async ensureMounted() {
    if (await this.mounted()) return false;
    const args = ["-t", "binfmt_misc", "binfmt_misc", this.dir];
    try {
      await (this.root ? run("mount", args) : run("sudo", ["-n", "mount", ...args]));
    } catch (err2) {
      throw new EnvironmentError(`binfmt_misc is not mounted at ${this.dir} and mounting it failed: ${errorMessage(err2)}`, { cause: err2 });
    }
    return true;
  }
  async read(name) {
    try {
      return parseEntryFile(name, await readFile2(join2(this.dir, name), "utf8"));
    } catch {
      return void 0;
    }
  }
  async list() {
    return (await readdir(this.dir)).filter((n) => n !== "register" && n !== "status").sort();
  }
  async write(file, text) {
    const path = join2(this.dir, file);
    if (this.root) await writeFile(path, text);
    else await run("sudo", ["-n", "tee", path], { input: Buffer.from(text) });
  }
  /**
   * Makes `wanted` the host's entry: left alone when identical, replaced when different.
   * Another process registering the same entry at the same moment is not an error.
   */
  async ensure(wanted) {
    const before = await this.read(wanted.name);
    if (before && sameEntry(before, wanted)) return "unchanged";
    if (before) await this.write(wanted.name, "-1").catch(() => void 0);
    try {
      await this.write("register", registrationLine(wanted));
    } catch (err2) {
      const now = await this.read(wanted.name);
      if (now && sameEntry(now, wanted)) return before ? "replaced" : "registered";
      if (now?.enabled && now.magic === wanted.magic && now.mask === wanted.mask && now.offset === wanted.offset) return "kept";
      throw new EnvironmentError(`registering ${wanted.name} with binfmt_misc failed: ${errorMessage(err2)}`, { cause: err2 });
    }
    return before ? "replaced" : "registered";
  }
};

// src/outputs.ts
function setPlatformsOutput(platforms) {
  setOutput("platforms", platforms.map(formatPlatform).join(","));
}
function setQemuOutputs(q) {
  setOutput("qemu-version", q.debianVersion);
  setOutput("qemu-sha256", q.debSha256);
  setOutput("qemu-path", q.dir);
}
function setImageOutputs(o) {
  setOutput("image", `${o.image.registry}/${o.image.repository}`);
  setOutput("tags", o.tags.map(formatReference).join(","));
  if (o.images) setOutput("platform-digests", JSON.stringify(Object.fromEntries(o.images.map((i) => [i.platform, i.digest]))));
  if (o.digest) setOutput("digest", o.digest);
}

// src/qemu/memo.ts
import { mkdir, readFile as readFile3, writeFile as writeFile2 } from "node:fs/promises";
import { join as join3 } from "node:path";
var MEMO_TTL_MS = 24 * 60 * 60 * 1e3;
function memoFile(toolCache, k) {
  const id = sha256Hex(Buffer.from(`${k.query.text}
${k.mirror}
${k.host}`)).slice(0, 16);
  return join3(qemuRoot(toolCache), "resolved", `${id}.json`);
}
async function recall(toolCache, k, now) {
  try {
    const m = JSON.parse(await readFile3(memoFile(toolCache, k), "utf8"));
    const age = now.getTime() - Date.parse(m.resolvedAt);
    if (m.query !== k.query.text || m.mirror !== k.mirror || m.host !== k.host || !(age >= 0 && age < MEMO_TTL_MS)) return void 0;
    return m.debianVersion;
  } catch {
    return void 0;
  }
}
async function remember(toolCache, k, debianVersion, now) {
  const file = memoFile(toolCache, k);
  await mkdir(join3(file, ".."), { recursive: true });
  const m = { query: k.query.text, mirror: k.mirror, host: k.host, debianVersion, resolvedAt: now.toISOString() };
  await writeFile2(file, `${JSON.stringify(m)}
`);
}

// src/qemu/setup.ts
var cold = {
  actionsCache: () => import("./chunks/actions-cache-MYPVXQKZ.js"),
  archive: async () => {
    const [{ resolveQemu }, { install }, { DEBIAN_ARCHIVE_KEYS }, tc] = await Promise.all([
      import("./chunks/resolve-2RXXBWC7.js"),
      import("./chunks/install-UXC3PLFV.js"),
      import("./chunks/debian-keys-SV6S3MVF.js"),
      import("./chunks/tool-cache-B7ZBSYLW.js")
    ]);
    return { resolveQemu, install, DEBIAN_ARCHIVE_KEYS, download: (url) => tc.downloadTool(url) };
  }
};
async function setupQemu(o) {
  const memoKey = { query: o.query, mirror: o.mirror, host: o.host };
  const cachePaths = [qemuRoot(o.toolCache)];
  const fromToolCache = async () => {
    const version = o.query.kind === "exact" ? o.query.text : await recall(o.toolCache, memoKey, o.now);
    if (!version) return void 0;
    const found = await lookup(o.toolCache, version, o.host, o.needed);
    if (found.state === "altered") {
      o.log.warning(`${found.path} differs from the SHA-256 recorded when it was cached; fetching QEMU ${version} again`);
      await evict(o.toolCache, version, o.host);
    }
    return found.state === "ok" ? found.installed : void 0;
  };
  const local = await fromToolCache();
  if (local) return checked({ installed: local, source: "tool cache", cachePaths }, o.needed);
  let saveKey;
  if (o.useActionsCache) {
    const actionsCache = await cold.actionsCache();
    const key = actionsCache.cacheKey(memoKey, o.now);
    const before = await snapshot(o.toolCache);
    if (await actionsCache.restore(cachePaths, key, o.log)) {
      const restored = await fromToolCache();
      if (restored) return checked({ installed: restored, source: "Actions cache", cachePaths }, o.needed);
    } else {
      const discarded = await discardWrittenSince(o.toolCache, before);
      if (discarded.length > 0) o.log.info(`Discarded what the failed restore left in the tool cache: ${discarded.join(", ")}`);
    }
    saveKey = key;
  }
  const { resolveQemu, install, DEBIAN_ARCHIVE_KEYS, download } = await cold.archive();
  const fetch = o.fetch ?? download;
  const pkg = await resolveQemu(o.query, {
    mirror: o.mirror,
    arch: o.host,
    keys: o.keys ?? DEBIAN_ARCHIVE_KEYS,
    fetch,
    now: o.now,
    warn: (m) => o.log.warning(m)
  });
  const existing = await lookup(o.toolCache, pkg.debianVersion, o.host, o.needed);
  const reuse = existing.state === "ok" && existing.installed.debSha256 === pkg.sha256;
  if (existing.state === "ok" && !reuse) await evict(o.toolCache, pkg.debianVersion, o.host);
  const installed = reuse ? existing.installed : await install(pkg, { mirror: o.mirror, toolCache: o.toolCache, host: o.host, emulators: o.cacheable, fetch });
  if (o.query.kind !== "exact") await remember(o.toolCache, memoKey, pkg.debianVersion, o.now);
  return checked({ installed, source: reuse ? "tool cache" : "Debian archive", saveKey, cachePaths }, o.needed);
}
function checked(setup, needed) {
  const missing = needed.filter((e) => !(e in setup.installed.binaries));
  if (missing.length > 0) {
    throw new ArchwayError(
      `QEMU ${setup.installed.debianVersion} (${setup.installed.package}) has no emulator for ${missing.map((m) => `qemu-${m}`).join(", ")}; choose another qemu-version`
    );
  }
  return setup;
}

// src/emulation.ts
async function setUpEmulation(inputs, platforms, host) {
  const needed = emulatorsNeeded(platforms, host);
  if (needed.length === 0) {
    info(
      `Every platform to build (${platforms.map(formatPlatform).join(", ")}) runs natively on this ${host} host; no emulation set up`
    );
    return void 0;
  }
  const toolCache = process.env.RUNNER_TOOL_CACHE;
  if (!toolCache) throw new EnvironmentError("RUNNER_TOOL_CACHE is not set; Archway runs as a GitHub Actions step, which sets it");
  const started = Date.now();
  const emulation = await group("QEMU", async () => {
    const setup = await setupQemu({
      query: inputs.qemuVersion,
      mirror: inputs.qemuMirror,
      host,
      needed,
      cacheable: emulatorsNeeded(ALL_PLATFORMS, host),
      toolCache,
      useActionsCache: inputs.cache,
      now: /* @__PURE__ */ new Date(),
      log: { warning: (m) => warning(m), info: (m) => info(m) }
    });
    const q = setup.installed;
    info(`QEMU ${q.qemuVersion}: Debian ${q.package} ${q.debianVersion} from ${q.suite} (${q.codename}), .deb SHA-256 ${q.debSha256}`);
    info(`Source: ${setup.source}${setup.source === "Debian archive" ? ` (${q.url})` : ""}`);
    const registered = await registerEmulators(q, needed, inputs.binfmtFlags, (m) => info(m));
    info(`Set up in ${((Date.now() - started) / 1e3).toFixed(2)} s`);
    return { setup, registered };
  });
  setQemuOutputs(emulation.setup.installed);
  return emulation;
}
function emulatedPlatforms(platforms, host) {
  const needed = new Set(emulatorsNeeded(platforms, host));
  return new Set(platforms.filter((p) => needed.has(qemuArch(p))).map(formatPlatform));
}
async function registerEmulators(installed, needed, flags, log, binfmt = new Binfmt()) {
  if (await binfmt.ensureMounted()) log(`Mounted binfmt_misc at ${binfmt.dir}`);
  const out = [];
  for (const emulator of needed) {
    const entry2 = wantedEntry(emulator, binaryPath(installed, emulator), flags);
    const outcome = await binfmt.ensure(entry2);
    out.push({ name: entry2.name, interpreter: entry2.interpreter, outcome });
  }
  const by = (o) => out.filter((r) => r.outcome === o).map((r) => r.name);
  const parts = ["registered", "replaced", "unchanged", "kept"].filter((o) => by(o).length).map((o) => `${o} ${by(o).join(", ")}`);
  log(`binfmt_misc (flags ${flags || "none"}): ${parts.join("; ")}`);
  for (const name of by("replaced")) log(`Replaced an existing, different ${name} entry`);
  for (const name of by("kept")) log(`Kept the ${name} entry another process registered at the same moment, for the same binaries`);
  return out;
}

// src/pipeline.ts
import { mkdir as mkdir5, mkdtemp, rm as rm3 } from "node:fs/promises";
import { availableParallelism, freemem } from "node:os";
import { join as join7 } from "node:path";

// src/build.ts
import { mkdir as mkdir3, rm as rm2 } from "node:fs/promises";
import { join as join5 } from "node:path";

// src/build-plan.ts
var BUILDS_PER_CORE = 2;
var MEMORY_PER_BUILD = 1024 ** 3;
function buildsAtOnce(count2, cores, memory) {
  return Math.max(1, Math.min(count2, BUILDS_PER_CORE * Math.max(1, cores), Math.floor(memory / MEMORY_PER_BUILD)));
}
function planBuild(engine, builder, platforms, cores, memory, emulated = /* @__PURE__ */ new Set(), attested = false) {
  const base = { store: engine.store, builder, platforms };
  if (builder.driver !== "docker") return { ...base, kind: "oci-layout" };
  if (engine.store === "containerd") return { ...base, kind: "multi-platform", layout: attested ? "same-export" : "from-cache" };
  const isEmulated = (p) => emulated.has(formatPlatform(p));
  const slowestFirst = platforms.filter(isEmulated).sort((a, b) => qemuCost(b) - qemuCost(a));
  const startOrder = [...slowestFirst, ...platforms.filter((p) => !isEmulated(p))];
  return { ...base, kind: "side-by-side", atOnce: buildsAtOnce(platforms.length, cores, memory), startOrder };
}
var count = (n, one, many) => n === 1 ? `one ${one}` : `${n} ${many}`;
function describePlan(plan) {
  const n = plan.platforms.length;
  const store = `${plan.store} image store`;
  const builder = plan.builder.name === "default" ? "" : `builder ${plan.builder.name} (${plan.builder.driver} driver), `;
  switch (plan.kind) {
    case "multi-platform":
      return `Build plan: ${builder}${store}, one build of ${count(n, "platform", "platforms")}, the OCI layout written ${plan.layout === "from-cache" ? "from the build cache" : "by the same export"}`;
    case "side-by-side":
      return n === 1 ? `Build plan: ${builder}${store}, one build` : `Build plan: ${builder}${store}, ${n} builds side by side (at most ${plan.atOnce} at once)`;
    case "oci-layout":
      return `Build plan: ${builder}one build of ${count(n, "platform", "platforms")} exported as an OCI layout, each platform loaded into the ${store} for its tests`;
  }
}
function layoutArgv(loadArgv, dir) {
  return replaceLoad(loadArgv, [layoutOutput(dir)]);
}
function ociLoadArgv(loadArgv) {
  return replaceLoad(loadArgv, [ENGINE_OCI]);
}
function loadAndLayoutArgv(loadArgv, dir) {
  return replaceLoad(loadArgv, [ENGINE_OCI, layoutOutput(dir)]);
}
var ENGINE_OCI = "type=docker,oci-mediatypes=true";
var layoutOutput = (dir) => `type=oci,${csvField(`dest=${dir}`)},tar=false`;
function replaceLoad(loadArgv, outputs) {
  const at = loadArgv.indexOf("--load");
  if (at < 0 || loadArgv.indexOf("--load", at + 1) >= 0) throw new Error("a build command line has one --load");
  return [...loadArgv.slice(0, at), ...outputs.flatMap((o) => ["--output", o]), ...loadArgv.slice(at + 1)];
}
var csvField = (field) => /[",\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
var platformSlug = (p) => formatPlatform(p).replace(/^linux\//, "").replace(/\//g, "");
function localRef(plan, tag, p) {
  return plan.kind === "multi-platform" ? tag : `${tag}-${platformSlug(p)}`;
}

// src/docker/buildx.ts
var NO_SETTINGS = {
  addHosts: [],
  allow: [],
  buildContexts: [],
  cacheFrom: [],
  cacheTo: [],
  noCache: false,
  noCacheFilters: [],
  pull: false,
  sbom: false,
  secrets: [],
  secretEnvs: [],
  secretFiles: [],
  ssh: [],
  ulimit: []
};
var each = (flag, values) => values.flatMap((v) => [flag, v]);
function buildArgv(spec, platforms, tag, secretFiles = /* @__PURE__ */ new Map()) {
  const s = spec.settings ?? NO_SETTINGS;
  const missing = s.secrets.find((x) => !secretFiles.has(x.id));
  if (missing) throw new Error(`build secret ${missing.id} has no file`);
  return [
    "buildx",
    "build",
    ...spec.builder ? ["--builder", spec.builder] : [],
    "--platform",
    platforms.map(formatPlatform).join(","),
    ...spec.file ? ["--file", spec.file] : [],
    ...spec.target ? ["--target", spec.target] : [],
    ...spec.buildArgs.flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]),
    ...spec.labels.flatMap(([k, v]) => ["--label", `${k}=${v}`]),
    ...each("--add-host", s.addHosts),
    ...each("--allow", s.allow),
    ...each("--build-context", s.buildContexts),
    ...each("--cache-from", s.cacheFrom),
    ...each("--cache-to", s.cacheTo),
    ...s.network ? ["--network", s.network] : [],
    ...s.noCache ? ["--no-cache"] : [],
    ...each("--no-cache-filter", s.noCacheFilters),
    ...s.pull ? ["--pull"] : [],
    ...s.secrets.flatMap((x) => ["--secret", `id=${x.id},src=${secretFiles.get(x.id)}`]),
    ...s.secretEnvs.flatMap((x) => ["--secret", `id=${x.id},env=${x.env}`]),
    ...s.secretFiles.flatMap((x) => ["--secret", `id=${x.id},src=${x.path}`]),
    ...s.shmSize ? ["--shm-size", s.shmSize] : [],
    ...each("--ssh", s.ssh),
    ...each("--ulimit", s.ulimit),
    // Off unless asked for. When on (containerd store only), buildx stores one attestation
    // manifest per platform (unknown/unknown); it is published as an OCI referrer, never in the index.
    spec.provenance ? `--provenance=mode=${spec.provenance}` : "--provenance=false",
    `--sbom=${s.sbom === false ? "false" : s.sbom}`,
    "--load",
    "--tag",
    tag,
    spec.context
  ];
}

// src/oci/platform-archive.ts
var import_tar_stream = __toESM(require_tar_stream(), 1);
import { createReadStream as createReadStream2 } from "node:fs";
import { Readable as Readable2 } from "node:stream";
import { pipeline } from "node:stream/promises";
function archiveDocuments(image, name) {
  const blob = (digest) => `blobs/${digest.replace(":", "/")}`;
  const tag = name.slice(name.lastIndexOf(":") + 1);
  const index = {
    schemaVersion: 2,
    mediaType: MediaType.OciIndex,
    manifests: [{ ...image.descriptor, annotations: { "io.containerd.image.name": name, [Annotation.RefName]: tag } }]
  };
  const dockerManifest = [
    { Config: blob(image.manifest.config.digest), RepoTags: [name], Layers: image.manifest.layers.map((l) => blob(l.digest)) }
  ];
  return { index, dockerManifest };
}
function archiveBlobs(image) {
  const all = [image.descriptor, image.manifest.config, ...image.manifest.layers];
  const seen = /* @__PURE__ */ new Set();
  return all.filter((d) => !seen.has(d.digest) && seen.add(d.digest)).map((d) => ({ digest: d.digest, size: d.size }));
}
var entry = (p, name, data) => new Promise((resolve, reject) => p.entry({ name, mode: 420 }, data, (err2) => err2 ? reject(err2) : resolve()));
function platformArchive(image, name) {
  const p = (0, import_tar_stream.pack)();
  const { index, dockerManifest } = archiveDocuments(image, name);
  const fill2 = async () => {
    await entry(p, "oci-layout", JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    await entry(p, "index.json", JSON.stringify(index));
    await entry(p, "manifest.json", JSON.stringify(dockerManifest));
    for (const b of archiveBlobs(image)) {
      const sink = p.entry({ name: `blobs/${b.digest.replace(":", "/")}`, size: b.size, mode: 420 });
      await pipeline(createReadStream2(blobPath(image.dir, b.digest)), sink);
    }
    p.finalize();
  };
  fill2().catch((err2) => p.destroy(err2));
  return Readable2.from(p);
}

// src/docker/image-io.ts
async function saveLayout(ref, dir) {
  await runPiped({ command: "docker", args: ["save", ref] }, { command: "tar", args: ["-x", "-f", "-", "-C", dir] });
}
async function loadPlatform(image, ref) {
  await runPiped(platformArchive(image, ref), { command: "docker", args: ["load"] });
}
async function imageId(ref) {
  return (await docker(["image", "inspect", "--format", "{{.Id}}", ref])).stdout.trim();
}
function expectedImageId(store, top, config) {
  return store === "containerd" ? top.digest : config.digest;
}
async function sameImage(store, ref, top, config) {
  const id = await imageId(ref);
  const want = expectedImageId(store, top, config);
  if (id !== want)
    throw new VerificationError(
      `the engine's image ${ref} is ${id}, but its OCI layout holds ${want}: the image tested would not be the one pushed`
    );
  return id;
}

// src/docker/secret-files.ts
import { mkdir as mkdir2, rm, writeFile as writeFile3 } from "node:fs/promises";
import { join as join4 } from "node:path";
async function withSecretFiles(secrets, dir, build) {
  if (secrets.length === 0) return build(/* @__PURE__ */ new Map());
  await mkdir2(dir, { recursive: true, mode: 448 });
  try {
    const files = /* @__PURE__ */ new Map();
    for (const [i, s] of secrets.entries()) {
      const path = join4(dir, `secret-${i}`);
      await writeFile3(path, s.value, { mode: 384 });
      files.set(s.id, path);
    }
    return await build(files);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// src/log-group.ts
function printGroup(name, lines2) {
  startGroup(name);
  for (const line of lines2) info(line);
  endGroup();
}
async function grouped(name, work) {
  const lines2 = [];
  try {
    return await work((line) => lines2.push(line));
  } finally {
    printGroup(name, lines2);
  }
}

// src/build.ts
var since = (t) => (Date.now() - t) / 1e3;
var sec = (n) => `${n.toFixed(1)} s`;
var list = (ps) => ps.map(formatPlatform).join(", ");
async function buildEach(run3, each2) {
  switch (run3.plan.kind) {
    case "multi-platform":
      return multiPlatform(run3, each2);
    case "side-by-side":
      return sideBySide(run3, run3.plan.startOrder, run3.plan.atOnce, each2);
    case "oci-layout":
      return ociLayout(run3, each2);
  }
}
var withSecrets = (run3, work) => withSecretFiles(run3.b.settings.secrets, join5(run3.scratch, "secrets"), work);
async function buildAll(run3, argv, how) {
  const started = Date.now();
  await withSecrets(run3, (files) => group(`Build ${list(run3.plan.platforms)} (${how})`, () => docker(argv(files), { echo: true })));
  const took = since(started);
  info(`Built ${run3.plan.platforms.length} platform(s) in ${sec(took)}`);
  return took;
}
async function savedImage(dir) {
  const { manifests } = await readLayoutIndex(dir);
  if (manifests.length !== 1) throw new LayoutError(`the OCI layout ${dir} names ${manifests.length} images, not one`);
  return manifests[0];
}
async function layoutDir(run3, name) {
  const dir = join5(run3.scratch, name);
  await mkdir3(dir, { recursive: true });
  return dir;
}
async function multiPlatform(run3, each2) {
  const { plan, b, tag } = run3;
  const dir = await layoutDir(run3, "layout");
  const attested = plan.kind === "multi-platform" && plan.layout === "same-export";
  const took = await buildAll(
    run3,
    (files) => (attested ? loadAndLayoutArgv : ociLoadArgv)(buildArgv(b, plan.platforms, tag, files), dir),
    `one build, ${plan.store} image store${attested ? ", loaded and written as an OCI layout" : ""}`
  );
  const written = attested ? { top: await savedImage(dir), how: "Written as an OCI layout by the same export as the engine's image" } : await writeLayout(run3, dir);
  const imageId2 = await sameImage(plan.store, tag, written.top, written.top);
  const gate = limiter(run3.parallel);
  return settleAll(
    plan.platforms.map(
      (p) => gate(async () => {
        const image = await findPlatformImage(dir, p);
        const notes = [
          written.how,
          `The engine's image ${imageId2} is the layout's (${image.descriptor.digest} is its ${formatPlatform(p)} manifest)`
        ];
        return each2({ platform: p, image, imageId: imageId2, buildSeconds: took, sharedBuild: true, notes });
      })
    )
  );
}
async function writeLayout(run3, dir) {
  const { plan, b, tag } = run3;
  const again = { ...b, settings: { ...b.settings, cacheFrom: [], cacheTo: [], noCache: false, noCacheFilters: [], pull: false } };
  return group("Write the OCI layout from the build cache", async () => {
    const started = Date.now();
    await withSecrets(run3, (files) => docker(layoutArgv(buildArgv(again, plan.platforms, tag, files), dir), { echo: true }));
    const top = await savedImage(dir);
    const engine = await imageId(tag);
    if (top.digest === engine) {
      const how2 = `Written as an OCI layout from the build cache in ${sec(since(started))} (the engine's image, not read back from the engine)`;
      info(how2);
      return { top, how: how2 };
    }
    info(`The export from the build cache is ${top.digest}, not the engine's image ${engine}: saving the engine's image instead`);
    await rm2(dir, { recursive: true, force: true });
    await mkdir3(dir);
    const saved = Date.now();
    await saveLayout(tag, dir);
    const how = `Saved as an OCI layout in ${sec(since(saved))} (docker save ${tag}, streamed into the layout), the export from the build cache not being the same image`;
    info(how);
    return { top: await savedImage(dir), how };
  });
}
async function sideBySide(run3, startOrder, atOnce, each2) {
  const { plan, b, tag } = run3;
  const buildGate = limiter(atOnce);
  const nextGate = limiter(run3.parallel);
  const started = Date.now();
  const failed = [];
  const next = /* @__PURE__ */ new Map();
  const buildOne = async (p, files) => {
    if (failed.length > 0) return;
    const ref = localRef(plan, tag, p);
    const argv = buildArgv(b, [p], ref, files);
    const from = since(started);
    const out = await docker(argv, { allowFailure: true });
    const to = since(started);
    const span = `from +${from.toFixed(1)} s to +${to.toFixed(1)} s of the builds`;
    const outcome = out.exitCode === 0 ? `Built ${formatPlatform(p)} in ${sec(to - from)} (${span})` : `Failed (${span})`;
    printGroup(`Build ${formatPlatform(p)}`, [`[command]docker ${argv.join(" ")}`, ...lines(out.stdout), ...lines(out.stderr), outcome]);
    if (out.exitCode !== 0) {
      failed.push({ platform: p, error: new CommandError(`docker ${argv.join(" ")}`, out) });
      return;
    }
    const handedOn = nextGate(async () => each2(await saveOne(run3, p, ref, to - from)));
    next.set(formatPlatform(p), settled(handedOn));
  };
  await withSecrets(run3, (files) => settleAll(startOrder.map((p) => buildGate(() => buildOne(p, files)))));
  const ended = /* @__PURE__ */ new Map();
  for (const [key, result] of next) ended.set(key, await result);
  if (failed.length > 0) throw buildFailure(failed);
  const rejected = [...ended.values()].find((r) => r.status === "rejected");
  if (rejected) throw rejected.reason;
  return plan.platforms.map((p) => ended.get(formatPlatform(p)).value);
}
async function saveOne(run3, p, ref, buildSeconds) {
  const dir = await layoutDir(run3, `layout-${platformSlug(p)}`);
  const started = Date.now();
  await saveLayout(ref, dir);
  const top = await savedImage(dir);
  const image = await findPlatformImage(dir, p);
  const imageId2 = await sameImage(run3.plan.store, ref, top, image.manifest.config);
  const notes = [
    `Saved as an OCI layout in ${sec(since(started))} (docker save ${ref}, streamed into the layout: no archive written)`,
    `The engine's image ${imageId2} is the layout's`
  ];
  return { platform: p, image, imageId: imageId2, buildSeconds, sharedBuild: false, notes };
}
function buildFailure(failed) {
  if (failed.length === 1) return failed[0].error;
  const first = failed[0];
  return new ArchwayError(
    `The builds of ${list(failed.map((f) => f.platform))} failed; ${formatPlatform(first.platform)}: ${first.error.message}`,
    { cause: first.error }
  );
}
var lines = (text) => text ? text.replace(/\n$/, "").split("\n") : [];
var settled = (p) => p.then(
  (value) => ({ status: "fulfilled", value }),
  (reason) => ({ status: "rejected", reason })
);
async function ociLayout(run3, each2) {
  const { plan, b, tag } = run3;
  const dir = await layoutDir(run3, "layout");
  const took = await buildAll(
    run3,
    (files) => layoutArgv(buildArgv(b, plan.platforms, tag, files), dir),
    `one build, builder ${plan.builder.name}, exported as an OCI layout`
  );
  const gate = limiter(run3.parallel);
  return settleAll(
    plan.platforms.map(
      (p) => gate(async () => {
        const image = await findPlatformImage(dir, p);
        const ref = localRef(plan, tag, p);
        const started = Date.now();
        await loadPlatform(image, ref);
        const imageId2 = await sameImage(plan.store, ref, image.descriptor, image.manifest.config);
        const notes = [`Loaded into the engine in ${sec(since(started))} (this platform alone, streamed from the layout); it is ${imageId2}`];
        return each2({ platform: p, image, imageId: imageId2, buildSeconds: took, sharedBuild: true, notes });
      })
    )
  );
}

// src/docker/test-run.ts
var SIGNALS = { 139: "SIGSEGV", 132: "SIGILL", 135: "SIGBUS" };
function outcomeOf(exitCode, output) {
  if (exitCode === 0) return { kind: "passed" };
  const qemu = /qemu: uncaught target signal (\d+)/.exec(output);
  const bySignal = qemu ? { 11: "SIGSEGV", 4: "SIGILL", 7: "SIGBUS" }[Number(qemu[1])] : SIGNALS[exitCode];
  return bySignal ? { kind: "crashed", exitCode, signal: bySignal } : { kind: "failed", exitCode };
}
function lastLines(text, n = 20) {
  return text.split("\n").map((l) => l.trimEnd()).filter((l) => l !== "").slice(-n);
}
function testArgv(image, platform, command) {
  return ["run", "--rm", "--init", "--network", "none", "--platform", formatPlatform(platform), "--entrypoint", "sh", image, "-c", command];
}
async function runTest(image, platform, command, echo) {
  const started = Date.now();
  const r = await docker(testArgv(image, platform, command), { allowFailure: true });
  const output = `${r.stdout}${r.stderr}`;
  for (const line of output.split("\n")) if (line.trim()) echo(line);
  return { platform, outcome: outcomeOf(r.exitCode, output), seconds: (Date.now() - started) / 1e3, tail: lastLines(output) };
}

// src/publish/push-image.ts
import { createHash as createHash2 } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir as mkdir4 } from "node:fs/promises";
import { join as join6 } from "node:path";
import { Transform } from "node:stream";
import { pipeline as pipeline2 } from "node:stream/promises";
import { createGzip } from "node:zlib";

// src/publish/oci-manifest.ts
var OCI_EQUIVALENT = {
  [MediaType.DockerConfig]: MediaType.OciConfig,
  [MediaType.DockerLayerGzip]: MediaType.OciLayerGzip,
  [MediaType.DockerLayerZstd]: MediaType.OciLayerZstd,
  [MediaType.DockerLayer]: MediaType.OciLayer
};
function uncompressedLayers(manifest) {
  return manifest.layers.filter((l) => l.mediaType === MediaType.OciLayer || l.mediaType === MediaType.DockerLayer);
}
function ociManifest(manifest, original, replaced = /* @__PURE__ */ new Map(), annotations = {}) {
  const rename = (d) => {
    const swapped = replaced.get(d.digest);
    if (swapped) return { mediaType: swapped.mediaType, digest: swapped.digest, size: swapped.size };
    return { ...d, mediaType: OCI_EQUIVALENT[d.mediaType] ?? d.mediaType };
  };
  const config = rename(manifest.config);
  const layers = manifest.layers.map(rename);
  const built = manifest.annotations ?? {};
  const notes = sortedAnnotations(Object.entries({ ...built, ...annotations }));
  const unchanged = manifest.mediaType === MediaType.OciManifest && config.mediaType === manifest.config.mediaType && layers.every((l, i) => l.digest === manifest.layers[i].digest && l.mediaType === manifest.layers[i].mediaType) && Object.entries(annotations).every(([k, v]) => built[k] === v);
  const bytes = unchanged ? original : Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config,
      layers,
      ...Object.keys(notes).length ? { annotations: notes } : {}
    })
  );
  return { bytes, descriptor: { mediaType: MediaType.OciManifest, digest: digestOf(bytes), size: bytes.length } };
}

// src/publish/push-image.ts
var PARALLEL_BLOBS = 4;
async function gzipLayer(image, layer, scratch) {
  const path = join6(scratch, `${layer.digest.replace(":", "-")}.tar.gz`);
  const hash = createHash2("sha256");
  let size = 0;
  const tap = new Transform({
    transform(chunk, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    }
  });
  await pipeline2(blobStream(image.dir, layer), createGzip(), tap, createWriteStream(path));
  return { descriptor: { mediaType: MediaType.OciLayerGzip, digest: `sha256:${hash.digest("hex")}`, size }, path };
}
async function prepareImage(image, scratch, annotations = {}) {
  await mkdir4(scratch, { recursive: true });
  const replaced = /* @__PURE__ */ new Map();
  const paths = /* @__PURE__ */ new Map();
  for (const layer of uncompressedLayers(image.manifest)) {
    const gz = await gzipLayer(image, layer, scratch);
    replaced.set(layer.digest, gz.descriptor);
    paths.set(gz.descriptor.digest, gz.path);
  }
  const doc = ociManifest(image.manifest, await readBlob(image.dir, image.descriptor), replaced, annotations);
  const manifest = JSON.parse(doc.bytes.toString());
  const unique = new Map([manifest.config, ...manifest.layers].map((d) => [d.digest, d]));
  const blobs = [...unique.values()].map((d) => ({
    digest: d.digest,
    size: d.size,
    path: paths.get(d.digest) ?? blobPath(image.dir, d.digest)
  }));
  return { doc: { ...doc, compressedSize: blobs.reduce((n, b) => n + b.size, 0) }, blobs };
}
async function pushImage(client, repository, prepared) {
  await mapLimit(prepared.blobs, PARALLEL_BLOBS, (b) => client.pushBlob(repository, b.digest, { path: b.path, size: b.size }));
  const { doc } = prepared;
  await client.putManifest(repository, doc.descriptor.digest, doc.bytes, doc.descriptor.mediaType);
  return doc;
}

// src/oci/layer.ts
import { createHash as createHash3 } from "node:crypto";
import { PassThrough, Transform as Transform2 } from "node:stream";
import { pipeline as pipeline3 } from "node:stream/promises";
import * as zlib from "node:zlib";

// node_modules/fzstd/esm/index.mjs
var ab = ArrayBuffer;
var u8 = Uint8Array;
var u16 = Uint16Array;
var i16 = Int16Array;
var i32 = Int32Array;
var slc = function(v, s, e) {
  if (u8.prototype.slice)
    return u8.prototype.slice.call(v, s, e);
  if (s == null || s < 0)
    s = 0;
  if (e == null || e > v.length)
    e = v.length;
  var n = new u8(e - s);
  n.set(v.subarray(s, e));
  return n;
};
var fill = function(v, n, s, e) {
  if (u8.prototype.fill)
    return u8.prototype.fill.call(v, n, s, e);
  if (s == null || s < 0)
    s = 0;
  if (e == null || e > v.length)
    e = v.length;
  for (; s < e; ++s)
    v[s] = n;
  return v;
};
var cpw = function(v, t, s, e) {
  if (u8.prototype.copyWithin)
    return u8.prototype.copyWithin.call(v, t, s, e);
  if (s == null || s < 0)
    s = 0;
  if (e == null || e > v.length)
    e = v.length;
  while (s < e) {
    v[t++] = v[s++];
  }
};
var ec = [
  "invalid zstd data",
  "window size too large (>2046MB)",
  "invalid block type",
  "FSE accuracy too high",
  "match distance too far back",
  "unexpected EOF"
];
var err = function(ind, msg, nt) {
  var e = new Error(msg || ec[ind]);
  e.code = ind;
  if (Error.captureStackTrace)
    Error.captureStackTrace(e, err);
  if (!nt)
    throw e;
  return e;
};
var rb = function(d, b, n) {
  var i = 0, o = 0;
  for (; i < n; ++i)
    o |= d[b++] << (i << 3);
  return o;
};
var b4 = function(d, b) {
  return (d[b] | d[b + 1] << 8 | d[b + 2] << 16 | d[b + 3] << 24) >>> 0;
};
var rzfh = function(dat, w) {
  var n3 = dat[0] | dat[1] << 8 | dat[2] << 16;
  if (n3 == 3126568 && dat[3] == 253) {
    var flg = dat[4];
    var ss = flg >> 5 & 1, cc = flg >> 2 & 1, df = flg & 3, fcf = flg >> 6;
    if (flg & 8)
      err(0);
    var bt = 6 - ss;
    var db = df == 3 ? 4 : df;
    var di = rb(dat, bt, db);
    bt += db;
    var fsb = fcf ? 1 << fcf : ss;
    var fss = rb(dat, bt, fsb) + (fcf == 1 && 256);
    var ws = fss;
    if (!ss) {
      var wb = 1 << 10 + (dat[5] >> 3);
      ws = wb + (wb >> 3) * (dat[5] & 7);
    }
    if (ws > 2145386496)
      err(1);
    var buf = new u8((w == 1 ? fss || ws : w ? 0 : ws) + 12);
    buf[0] = 1, buf[4] = 4, buf[8] = 8;
    return {
      b: bt + fsb,
      y: 0,
      l: 0,
      d: di,
      w: w && w != 1 ? w : buf.subarray(12),
      e: ws,
      o: new i32(buf.buffer, 0, 3),
      u: fss,
      c: cc,
      m: Math.min(131072, ws)
    };
  } else if ((n3 >> 4 | dat[3] << 20) == 25481893) {
    return b4(dat, 4) + 8;
  }
  err(0);
};
var msb = function(val) {
  var bits = 0;
  for (; 1 << bits <= val; ++bits)
    ;
  return bits - 1;
};
var rfse = function(dat, bt, mal) {
  var tpos = (bt << 3) + 4;
  var al = (dat[bt] & 15) + 5;
  if (al > mal)
    err(3);
  var sz = 1 << al;
  var probs = sz, sym = -1, re = -1, i = -1, ht = sz;
  var buf = new ab(512 + (sz << 2));
  var freq = new i16(buf, 0, 256);
  var dstate = new u16(buf, 0, 256);
  var nstate = new u16(buf, 512, sz);
  var bb1 = 512 + (sz << 1);
  var syms = new u8(buf, bb1, sz);
  var nbits = new u8(buf, bb1 + sz);
  while (sym < 255 && probs > 0) {
    var bits = msb(probs + 1);
    var cbt = tpos >> 3;
    var msk = (1 << bits + 1) - 1;
    var val = (dat[cbt] | dat[cbt + 1] << 8 | dat[cbt + 2] << 16) >> (tpos & 7) & msk;
    var msk1fb = (1 << bits) - 1;
    var msv = msk - probs - 1;
    var sval = val & msk1fb;
    if (sval < msv)
      tpos += bits, val = sval;
    else {
      tpos += bits + 1;
      if (val > msk1fb)
        val -= msv;
    }
    freq[++sym] = --val;
    if (val == -1) {
      probs += val;
      syms[--ht] = sym;
    } else
      probs -= val;
    if (!val) {
      do {
        var rbt = tpos >> 3;
        re = (dat[rbt] | dat[rbt + 1] << 8) >> (tpos & 7) & 3;
        tpos += 2;
        sym += re;
      } while (re == 3);
    }
  }
  if (sym > 255 || probs)
    err(0);
  var sympos = 0;
  var sstep = (sz >> 1) + (sz >> 3) + 3;
  var smask = sz - 1;
  for (var s = 0; s <= sym; ++s) {
    var sf = freq[s];
    if (sf < 1) {
      dstate[s] = -sf;
      continue;
    }
    for (i = 0; i < sf; ++i) {
      syms[sympos] = s;
      do {
        sympos = sympos + sstep & smask;
      } while (sympos >= ht);
    }
  }
  if (sympos)
    err(0);
  for (i = 0; i < sz; ++i) {
    var ns = dstate[syms[i]]++;
    var nb = nbits[i] = al - msb(ns);
    nstate[i] = (ns << nb) - sz;
  }
  return [tpos + 7 >> 3, {
    b: al,
    s: syms,
    n: nbits,
    t: nstate
  }];
};
var rhu = function(dat, bt) {
  var i = 0, wc = -1;
  var buf = new u8(292), hb = dat[bt];
  var hw = buf.subarray(0, 256);
  var rc = buf.subarray(256, 268);
  var ri = new u16(buf.buffer, 268);
  if (hb < 128) {
    var _a = rfse(dat, bt + 1, 6), ebt = _a[0], fdt = _a[1];
    bt += hb;
    var epos = ebt << 3;
    var lb = dat[bt];
    if (!lb)
      err(0);
    var st1 = 0, st2 = 0, btr1 = fdt.b, btr2 = btr1;
    var fpos = (++bt << 3) - 8 + msb(lb);
    for (; ; ) {
      fpos -= btr1;
      if (fpos < epos)
        break;
      var cbt = fpos >> 3;
      st1 += (dat[cbt] | dat[cbt + 1] << 8) >> (fpos & 7) & (1 << btr1) - 1;
      hw[++wc] = fdt.s[st1];
      fpos -= btr2;
      if (fpos < epos)
        break;
      cbt = fpos >> 3;
      st2 += (dat[cbt] | dat[cbt + 1] << 8) >> (fpos & 7) & (1 << btr2) - 1;
      hw[++wc] = fdt.s[st2];
      btr1 = fdt.n[st1];
      st1 = fdt.t[st1];
      btr2 = fdt.n[st2];
      st2 = fdt.t[st2];
    }
    if (++wc > 255)
      err(0);
  } else {
    wc = hb - 127;
    for (; i < wc; i += 2) {
      var byte = dat[++bt];
      hw[i] = byte >> 4;
      hw[i + 1] = byte & 15;
    }
    ++bt;
  }
  var wes = 0;
  for (i = 0; i < wc; ++i) {
    var wt = hw[i];
    if (wt > 11)
      err(0);
    wes += wt && 1 << wt - 1;
  }
  var mb = msb(wes) + 1;
  var ts = 1 << mb;
  var rem = ts - wes;
  if (rem & rem - 1)
    err(0);
  hw[wc++] = msb(rem) + 1;
  for (i = 0; i < wc; ++i) {
    var wt = hw[i];
    ++rc[hw[i] = wt && mb + 1 - wt];
  }
  var hbuf = new u8(ts << 1);
  var syms = hbuf.subarray(0, ts), nb = hbuf.subarray(ts);
  ri[mb] = 0;
  for (i = mb; i > 0; --i) {
    var pv = ri[i];
    fill(nb, i, pv, ri[i - 1] = pv + rc[i] * (1 << mb - i));
  }
  if (ri[0] != ts)
    err(0);
  for (i = 0; i < wc; ++i) {
    var bits = hw[i];
    if (bits) {
      var code = ri[bits];
      fill(syms, i, code, ri[bits] = code + (1 << mb - bits));
    }
  }
  return [bt, {
    n: nb,
    b: mb,
    s: syms
  }];
};
var dllt = rfse(/* @__PURE__ */ new u8([
  81,
  16,
  99,
  140,
  49,
  198,
  24,
  99,
  12,
  33,
  196,
  24,
  99,
  102,
  102,
  134,
  70,
  146,
  4
]), 0, 6)[1];
var dmlt = rfse(/* @__PURE__ */ new u8([
  33,
  20,
  196,
  24,
  99,
  140,
  33,
  132,
  16,
  66,
  8,
  33,
  132,
  16,
  66,
  8,
  33,
  68,
  68,
  68,
  68,
  68,
  68,
  68,
  68,
  36,
  9
]), 0, 6)[1];
var doct = rfse(/* @__PURE__ */ new u8([
  32,
  132,
  16,
  66,
  102,
  70,
  68,
  68,
  68,
  68,
  36,
  73,
  2
]), 0, 5)[1];
var b2bl = function(b, s) {
  var len = b.length, bl = new i32(len);
  for (var i = 0; i < len; ++i) {
    bl[i] = s;
    s += 1 << b[i];
  }
  return bl;
};
var llb = /* @__PURE__ */ new u8((/* @__PURE__ */ new i32([
  0,
  0,
  0,
  0,
  16843009,
  50528770,
  134678020,
  202050057,
  269422093
])).buffer, 0, 36);
var llbl = /* @__PURE__ */ b2bl(llb, 0);
var mlb = /* @__PURE__ */ new u8((/* @__PURE__ */ new i32([
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  16843009,
  50528770,
  117769220,
  185207048,
  252579084,
  16
])).buffer, 0, 53);
var mlbl = /* @__PURE__ */ b2bl(mlb, 3);
var dhu = function(dat, out, hu) {
  var len = dat.length, ss = out.length, lb = dat[len - 1], msk = (1 << hu.b) - 1, eb = -hu.b;
  if (!lb)
    err(0);
  var st = 0, btr = hu.b, pos = (len << 3) - 8 + msb(lb) - btr, i = -1;
  for (; pos > eb && i < ss; ) {
    var cbt = pos >> 3;
    var val = (dat[cbt] | dat[cbt + 1] << 8 | dat[cbt + 2] << 16) >> (pos & 7);
    st = (st << btr | val) & msk;
    out[++i] = hu.s[st];
    pos -= btr = hu.n[st];
  }
  if (pos != eb || i + 1 != ss)
    err(0);
};
var dhu4 = function(dat, out, hu) {
  var bt = 6;
  var ss = out.length, sz1 = ss + 3 >> 2, sz2 = sz1 << 1, sz3 = sz1 + sz2;
  dhu(dat.subarray(bt, bt += dat[0] | dat[1] << 8), out.subarray(0, sz1), hu);
  dhu(dat.subarray(bt, bt += dat[2] | dat[3] << 8), out.subarray(sz1, sz2), hu);
  dhu(dat.subarray(bt, bt += dat[4] | dat[5] << 8), out.subarray(sz2, sz3), hu);
  dhu(dat.subarray(bt), out.subarray(sz3), hu);
};
var rzb = function(dat, st, out) {
  var _a;
  var bt = st.b;
  var b0 = dat[bt], btype = b0 >> 1 & 3;
  st.l = b0 & 1;
  var sz = b0 >> 3 | dat[bt + 1] << 5 | dat[bt + 2] << 13;
  var ebt = (bt += 3) + sz;
  if (btype == 1) {
    if (bt >= dat.length)
      return;
    st.b = bt + 1;
    if (out) {
      fill(out, dat[bt], st.y, st.y += sz);
      return out;
    }
    return fill(new u8(sz), dat[bt]);
  }
  if (ebt > dat.length)
    return;
  if (btype == 0) {
    st.b = ebt;
    if (out) {
      out.set(dat.subarray(bt, ebt), st.y);
      st.y += sz;
      return out;
    }
    return slc(dat, bt, ebt);
  }
  if (btype == 2) {
    var b3 = dat[bt], lbt = b3 & 3, sf = b3 >> 2 & 3;
    var lss = b3 >> 4, lcs = 0, s4 = 0;
    if (lbt < 2) {
      if (sf & 1)
        lss |= dat[++bt] << 4 | (sf & 2 && dat[++bt] << 12);
      else
        lss = b3 >> 3;
    } else {
      s4 = sf;
      if (sf < 2)
        lss |= (dat[++bt] & 63) << 4, lcs = dat[bt] >> 6 | dat[++bt] << 2;
      else if (sf == 2)
        lss |= dat[++bt] << 4 | (dat[++bt] & 3) << 12, lcs = dat[bt] >> 2 | dat[++bt] << 6;
      else
        lss |= dat[++bt] << 4 | (dat[++bt] & 63) << 12, lcs = dat[bt] >> 6 | dat[++bt] << 2 | dat[++bt] << 10;
    }
    ++bt;
    var buf = out ? out.subarray(st.y, st.y + st.m) : new u8(st.m);
    var spl = buf.length - lss;
    if (lbt == 0)
      buf.set(dat.subarray(bt, bt += lss), spl);
    else if (lbt == 1)
      fill(buf, dat[bt++], spl);
    else {
      var hu = st.h;
      if (lbt == 2) {
        var hud = rhu(dat, bt);
        lcs += bt - (bt = hud[0]);
        st.h = hu = hud[1];
      } else if (!hu)
        err(0);
      (s4 ? dhu4 : dhu)(dat.subarray(bt, bt += lcs), buf.subarray(spl), hu);
    }
    var ns = dat[bt++];
    if (ns) {
      if (ns == 255)
        ns = (dat[bt++] | dat[bt++] << 8) + 32512;
      else if (ns > 127)
        ns = ns - 128 << 8 | dat[bt++];
      var scm = dat[bt++];
      if (scm & 3)
        err(0);
      var dts = [dmlt, doct, dllt];
      for (var i = 2; i > -1; --i) {
        var md = scm >> (i << 1) + 2 & 3;
        if (md == 1) {
          var rbuf = new u8([0, 0, dat[bt++]]);
          dts[i] = {
            s: rbuf.subarray(2, 3),
            n: rbuf.subarray(0, 1),
            t: new u16(rbuf.buffer, 0, 1),
            b: 0
          };
        } else if (md == 2) {
          _a = rfse(dat, bt, 9 - (i & 1)), bt = _a[0], dts[i] = _a[1];
        } else if (md == 3) {
          if (!st.t)
            err(0);
          dts[i] = st.t[i];
        }
      }
      var _b = st.t = dts, mlt = _b[0], oct = _b[1], llt = _b[2];
      var lb = dat[ebt - 1];
      if (!lb)
        err(0);
      var spos = (ebt << 3) - 8 + msb(lb) - llt.b, cbt = spos >> 3, oubt = 0;
      var lst = (dat[cbt] | dat[cbt + 1] << 8) >> (spos & 7) & (1 << llt.b) - 1;
      cbt = (spos -= oct.b) >> 3;
      var ost = (dat[cbt] | dat[cbt + 1] << 8) >> (spos & 7) & (1 << oct.b) - 1;
      cbt = (spos -= mlt.b) >> 3;
      var mst = (dat[cbt] | dat[cbt + 1] << 8) >> (spos & 7) & (1 << mlt.b) - 1;
      for (++ns; --ns; ) {
        var llc = llt.s[lst];
        var lbtr = llt.n[lst];
        var mlc = mlt.s[mst];
        var mbtr = mlt.n[mst];
        var ofc = oct.s[ost];
        var obtr = oct.n[ost];
        cbt = (spos -= ofc) >> 3;
        var ofp = 1 << ofc;
        var off = ofp + ((dat[cbt] | dat[cbt + 1] << 8 | dat[cbt + 2] << 16 | dat[cbt + 3] << 24) >>> (spos & 7) & ofp - 1);
        cbt = (spos -= mlb[mlc]) >> 3;
        var ml = mlbl[mlc] + ((dat[cbt] | dat[cbt + 1] << 8 | dat[cbt + 2] << 16) >> (spos & 7) & (1 << mlb[mlc]) - 1);
        cbt = (spos -= llb[llc]) >> 3;
        var ll = llbl[llc] + ((dat[cbt] | dat[cbt + 1] << 8 | dat[cbt + 2] << 16) >> (spos & 7) & (1 << llb[llc]) - 1);
        cbt = (spos -= lbtr) >> 3;
        lst = llt.t[lst] + ((dat[cbt] | dat[cbt + 1] << 8) >> (spos & 7) & (1 << lbtr) - 1);
        cbt = (spos -= mbtr) >> 3;
        mst = mlt.t[mst] + ((dat[cbt] | dat[cbt + 1] << 8) >> (spos & 7) & (1 << mbtr) - 1);
        cbt = (spos -= obtr) >> 3;
        ost = oct.t[ost] + ((dat[cbt] | dat[cbt + 1] << 8) >> (spos & 7) & (1 << obtr) - 1);
        if (off > 3) {
          st.o[2] = st.o[1];
          st.o[1] = st.o[0];
          st.o[0] = off -= 3;
        } else {
          var idx = off - (ll != 0);
          if (idx) {
            off = idx == 3 ? st.o[0] - 1 : st.o[idx];
            if (idx > 1)
              st.o[2] = st.o[1];
            st.o[1] = st.o[0];
            st.o[0] = off;
          } else
            off = st.o[0];
        }
        for (var i = 0; i < ll; ++i) {
          buf[oubt + i] = buf[spl + i];
        }
        oubt += ll, spl += ll;
        var stin = oubt - off;
        if (stin < 0) {
          var len = -stin;
          var bs = st.e + stin;
          if (len > ml)
            len = ml;
          for (var i = 0; i < len; ++i) {
            buf[oubt + i] = st.w[bs + i];
          }
          oubt += len, ml -= len, stin = 0;
        }
        for (var i = 0; i < ml; ++i) {
          buf[oubt + i] = buf[stin + i];
        }
        oubt += ml;
      }
      if (oubt != spl) {
        while (spl < buf.length) {
          buf[oubt++] = buf[spl++];
        }
      } else
        oubt = buf.length;
      if (out)
        st.y += oubt;
      else
        buf = slc(buf, 0, oubt);
    } else if (out) {
      st.y += lss;
      if (spl) {
        for (var i = 0; i < lss; ++i) {
          buf[i] = buf[spl + i];
        }
      }
    } else if (spl)
      buf = slc(buf, spl);
    st.b = ebt;
    return buf;
  }
  err(2);
};
var cct = function(bufs, ol) {
  if (bufs.length == 1)
    return bufs[0];
  var buf = new u8(ol);
  for (var i = 0, b = 0; i < bufs.length; ++i) {
    var chk = bufs[i];
    buf.set(chk, b);
    b += chk.length;
  }
  return buf;
};
var Decompress = /* @__PURE__ */ (function() {
  function Decompress2(ondata) {
    this.ondata = ondata;
    this.c = [];
    this.l = 0;
    this.z = 0;
  }
  Decompress2.prototype.push = function(chunk, final) {
    if (typeof this.s == "number") {
      var sub = Math.min(chunk.length, this.s);
      chunk = chunk.subarray(sub);
      this.s -= sub;
    }
    var sl = chunk.length;
    var ncs = sl + this.l;
    if (!this.s) {
      if (final) {
        if (!ncs) {
          this.ondata(new u8(0), true);
          return;
        }
        if (ncs < 5)
          err(5);
      } else if (ncs < 18) {
        this.c.push(chunk);
        this.l = ncs;
        return;
      }
      if (this.l) {
        this.c.push(chunk);
        chunk = cct(this.c, ncs);
        this.c = [];
        this.l = 0;
      }
      if (typeof (this.s = rzfh(chunk)) == "number")
        return this.push(chunk, final);
    }
    if (typeof this.s != "number") {
      if (ncs < (this.z || 3)) {
        if (final)
          err(5);
        this.c.push(chunk);
        this.l = ncs;
        return;
      }
      if (this.l) {
        this.c.push(chunk);
        chunk = cct(this.c, ncs);
        this.c = [];
        this.l = 0;
      }
      if (!this.z && ncs < (this.z = chunk[this.s.b] & 2 ? 4 : 3 + (chunk[this.s.b] >> 3 | chunk[this.s.b + 1] << 5 | chunk[this.s.b + 2] << 13))) {
        if (final)
          err(5);
        this.c.push(chunk);
        this.l = ncs;
        return;
      } else
        this.z = 0;
      for (; ; ) {
        var blk = rzb(chunk, this.s);
        if (!blk) {
          if (final)
            err(5);
          var adc = chunk.subarray(this.s.b);
          this.s.b = 0;
          this.c.push(adc), this.l += adc.length;
          return;
        } else {
          this.ondata(blk, false);
          cpw(this.s.w, 0, blk.length);
          this.s.w.set(blk, this.s.w.length - blk.length);
        }
        if (this.s.l) {
          var rest = chunk.subarray(this.s.b);
          this.s = this.s.c * 4;
          this.push(rest, final);
          return;
        }
      }
    } else if (final)
      err(5);
  };
  return Decompress2;
})();

// src/oci/layer.ts
var import_tar_stream2 = __toESM(require_tar_stream(), 1);

// src/oci/rootfs.ts
function emptyChanges() {
  return { entries: /* @__PURE__ */ new Map(), whiteouts: /* @__PURE__ */ new Set(), opaqueDirs: /* @__PURE__ */ new Set() };
}
function layerPath(name) {
  const parts = name.split("/").filter((s) => s !== "" && s !== ".");
  if (parts.length === 0 || parts.includes("..")) return void 0;
  return parts.join("/");
}
function classifyEntryName(path) {
  const slash = path.lastIndexOf("/");
  const dir = slash < 0 ? "" : path.slice(0, slash);
  const base = path.slice(slash + 1);
  if (!base.startsWith(".wh.")) return { type: "path", path };
  if (base === ".wh..wh..opq") return { type: "opaque", dir };
  if (base.startsWith(".wh..wh.")) return { type: "ignore" };
  const name = base.slice(".wh.".length);
  return { type: "whiteout", path: dir ? `${dir}/${name}` : name };
}
function addEntry(changes, name, change) {
  const path = layerPath(name);
  if (path === void 0) return;
  const kind = classifyEntryName(path);
  if (kind.type === "whiteout") changes.whiteouts.add(kind.path);
  else if (kind.type === "opaque") changes.opaqueDirs.add(kind.dir);
  else if (kind.type === "path") {
    changes.entries.delete(path);
    changes.entries.set(path, change.kind === "link" ? { kind: "link", target: layerPath(change.target) ?? "" } : change);
  }
}
var Rootfs = class {
  root = { kind: "dir", children: /* @__PURE__ */ new Map() };
  /** Applies one layer's changeset on top of the layers applied before it. */
  applyLayer(changes) {
    for (const dir of changes.opaqueDirs) {
      const node = dir === "" ? this.root : this.get(dir);
      if (node?.kind === "dir") node.children.clear();
    }
    for (const path of changes.whiteouts) this.remove(path);
    for (const [path, change] of changes.entries) {
      if (change.kind === "dir") this.ensureDir(path);
      else if (change.kind === "link") {
        const inLayer = changes.entries.get(change.target);
        const target2 = inLayer?.kind === "file" ? inLayer : this.get(change.target);
        this.set(path, target2?.kind === "file" ? { kind: "file", data: target2.data } : { kind: "other" });
      } else this.set(path, change.kind === "file" ? { kind: "file", data: change.data } : { kind: "other" });
    }
  }
  /** Every regular file (hard links included), as `/absolute/path`, in name order. */
  *files() {
    const walk = function* (dir, prefix) {
      for (const name of [...dir.keys()].sort()) {
        const node = dir.get(name);
        if (node.kind === "file") yield [`${prefix}/${name}`, node.data];
        else if (node.kind === "dir") yield* walk(node.children, `${prefix}/${name}`);
      }
    };
    yield* walk(this.root.children, "");
  }
  get(path) {
    let node = this.root;
    for (const part of path.split("/")) {
      if (node?.kind !== "dir") return void 0;
      node = node.children.get(part);
    }
    return node;
  }
  /** The directory that holds `path`, created (replacing any non-directory on the way) as needed. */
  parentOf(path) {
    const parts = path.split("/");
    const name = parts.pop();
    let dir = this.root.children;
    for (const part of parts) {
      let next = dir.get(part);
      if (next?.kind !== "dir") {
        next = { kind: "dir", children: /* @__PURE__ */ new Map() };
        dir.set(part, next);
      }
      dir = next.children;
    }
    return [dir, name];
  }
  set(path, node) {
    const [dir, name] = this.parentOf(path);
    dir.set(name, node);
  }
  ensureDir(path) {
    const [dir, name] = this.parentOf(path);
    if (dir.get(name)?.kind !== "dir") dir.set(name, { kind: "dir", children: /* @__PURE__ */ new Map() });
  }
  remove(path) {
    const slash = path.lastIndexOf("/");
    const parent = slash < 0 ? this.root : this.get(path.slice(0, slash));
    if (parent?.kind === "dir") parent.children.delete(path.slice(slash + 1));
  }
};

// src/oci/layer.ts
var nodeZstd = zlib.createZstdDecompress;
function zstdDecompressor(builtin = nodeZstd ?? null) {
  if (builtin) return builtin();
  const stream = new Transform2({
    transform(chunk, _enc, cb) {
      try {
        decoder.push(chunk);
        cb();
      } catch (err2) {
        cb(zstdError(err2));
      }
    },
    flush(cb) {
      try {
        decoder.push(new Uint8Array(0), true);
        cb();
      } catch (err2) {
        cb(zstdError(err2));
      }
    }
  });
  const decoder = new Decompress((data) => {
    if (data.length > 0) stream.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  });
  return stream;
}
function zstdError(err2) {
  return new VerificationError(`zstd data is corrupt: ${errorMessage(err2)}`, { cause: err2 });
}
function decompressorFor(layer) {
  const compression = layerCompression(layer.mediaType);
  if (compression === "gzip") return zlib.createGunzip();
  if (compression === "none") return new PassThrough();
  if (compression === "zstd") return zstdDecompressor();
  throw new VerificationError(`layer ${layer.digest} has media type ${layer.mediaType}, which is not a filesystem layer Archway can read`);
}
function diffIdCheck(diffId, layer) {
  const [algorithm, hex] = diffId.split(":");
  if (!/^sha(256|512)$/.test(algorithm) || !hex)
    throw new VerificationError(`the config gives layer ${layer} the diff_id "${diffId}", which is not a digest`);
  const hash = createHash3(algorithm);
  return new Transform2({
    transform(chunk, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
    flush(cb) {
      const actual = hash.digest("hex");
      cb(
        actual === hex ? null : new VerificationError(`layer ${layer} uncompresses to ${algorithm}:${actual}, not the config's diff_id ${diffId}`)
      );
    }
  });
}
async function scanLayer(dir, layer, diffId, inspect) {
  const changes = emptyChanges();
  const tar = (0, import_tar_stream2.extract)();
  const source = blobStream(dir, layer);
  const sameBytes = layerCompression(layer.mediaType) === "none" && layer.digest === diffId;
  const piping = sameBytes ? pipeline3(source, tar) : pipeline3(source, decompressorFor(layer), diffIdCheck(diffId, layer.digest), tar);
  piping.catch(() => void 0);
  try {
    for await (const entry2 of tar) {
      const h = entry2.header;
      if (h.type === "file" || h.type === "contiguous-file")
        addEntry(changes, h.name, { kind: "file", data: await inspect(h.name, entry2, h.size) });
      else {
        if (h.type === "directory") addEntry(changes, h.name, { kind: "dir" });
        else if (h.type === "link") addEntry(changes, h.name, { kind: "link", target: h.linkname });
        else addEntry(changes, h.name, { kind: "other" });
        entry2.resume();
      }
    }
  } catch (err2) {
    tar.destroy();
    const pipeErr = await piping.then(
      () => void 0,
      (e) => e
    );
    throw layerError(layer, pipeErr instanceof ArchwayError ? pipeErr : err2 ?? pipeErr);
  }
  await piping.catch((err2) => {
    throw layerError(layer, err2);
  });
  return changes;
}
function layerError(layer, err2) {
  if (err2 instanceof ArchwayError) return err2;
  return new VerificationError(`layer ${layer.digest} could not be read as a tar stream: ${errorMessage(err2)}`, { cause: err2 });
}
async function scanImage(image, inspect) {
  const { layers } = image.manifest;
  const diffIds = image.config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== layers.length) {
    throw new VerificationError(
      `image ${image.descriptor.digest} has ${layers.length} layers but its config lists ${diffIds.length} diff_ids`
    );
  }
  const fs = new Rootfs();
  for (const [i, layer] of layers.entries()) fs.applyLayer(await scanLayer(image.dir, layer, diffIds[i], inspect));
  return fs;
}

// src/verify/arch.ts
function target(platform) {
  return platformFacts(platform).elf;
}
var ARM_LEVEL = { v6: 6, v7: 7 };
function expectedElf(platform) {
  const t = target(platform);
  const base = `${machineName(t.machine)} ${t.bits}-bit ${t.endian === "little" ? "LSB" : "MSB"}`;
  if (t.machine !== EM.ARM) return base;
  return platform.variant === "v6" ? `${base} EABI5 (ARMv6 or older)` : `${base} EABI5 (not soft-float; ARMv7 or older)`;
}
function needsWholeFile(h, platform) {
  return platform.architecture === "arm" && h.machine === EM.ARM && h.bits === 32 && h.endian === "little";
}
function checkElf(h, platform, arm) {
  const t = target(platform);
  const found = describeElf(h, arm);
  if (h.machine !== t.machine || h.bits !== t.bits || h.endian !== t.endian) return { ok: false, found };
  if (t.machine !== EM.ARM) return { ok: true, found };
  if (armEabiVersion(h.flags) !== 5) return { ok: false, found };
  if (platform.variant === "v7" && armFloatAbi(h.flags) === "soft") return { ok: false, found };
  const newest = ARM_LEVEL[platform.variant ?? "v7"] ?? 7;
  if (arm?.cpuArch !== void 0 && armArchLevel(arm.cpuArch) > newest) return { ok: false, found };
  return { ok: true, found };
}
function checkConfigPlatform(config, platform) {
  const found = [config.os ?? "?", config.architecture ?? "?", config.variant].filter(Boolean).join("/");
  return { ok: platformKey(config) === platformKey(platform), found };
}
var HEAD = 64;
var ELF_MAGIC = 2135247942;
var NOT_ELF = Object.freeze({ elf: false });
async function inspectFile(content, platform, maxArmFile) {
  let chunks = [];
  let have = 0;
  let mode = "head";
  let header;
  let notElf = false;
  let tooBig = false;
  for await (const chunk of content) {
    if (mode === "drain") continue;
    chunks.push(chunk);
    have += chunk.length;
    if (mode === "head" && have >= HEAD) {
      const head = Buffer.concat(chunks);
      chunks = [head];
      notElf = head.readUInt32BE(0) !== ELF_MAGIC;
      header = notElf ? void 0 : parseElf(head);
      mode = header && needsWholeFile(header, platform) ? "whole" : "drain";
      if (mode === "drain") chunks = [];
    }
    if (mode === "whole" && have > maxArmFile) {
      tooBig = true;
      mode = "drain";
      chunks = [];
    }
  }
  if (mode === "head") {
    const head = Buffer.concat(chunks);
    if (head.length < 4 || head.readUInt32BE(0) !== ELF_MAGIC) return NOT_ELF;
    header = parseElf(head);
  } else if (notElf) return NOT_ELF;
  if (!header) return { elf: true, ok: false, found: "a malformed or truncated ELF header" };
  const arm = mode === "whole" && !tooBig ? readArmAttributes(Buffer.concat(chunks)) : void 0;
  return { elf: true, ...checkElf(header, platform, arm) };
}
async function verifyImageArch(image, options = {}) {
  const { platform } = image;
  const maxArmFile = options.maxArmFile ?? 256 * 1024 * 1024;
  const fs = await scanImage(image, (_path, content) => inspectFile(content, platform, maxArmFile));
  let filesChecked = 0;
  let elfChecked = 0;
  const mismatches = [];
  for (const [path, v] of fs.files()) {
    filesChecked++;
    if (!v.elf) continue;
    elfChecked++;
    if (!v.ok) mismatches.push({ path, found: v.found });
  }
  return {
    platform,
    expected: expectedElf(platform),
    filesChecked,
    elfChecked,
    mismatches,
    config: checkConfigPlatform(image.config, platform)
  };
}
function archOk(report) {
  return report.config.ok && report.mismatches.length === 0;
}
function archFailure(report, max = 3) {
  if (archOk(report)) return void 0;
  const parts = [];
  if (!report.config.ok) parts.push(`the image config says ${report.config.found}`);
  const n = report.mismatches.length;
  if (n > 0) {
    const shown = report.mismatches.slice(0, max).map((m) => `${m.path} (${m.found})`).join(", ");
    const more = n > max ? ` and ${n - max} more` : "";
    parts.push(`${n} of ${report.elfChecked} ELF files ${n === 1 ? "is" : "are"} not ${report.expected}: ${shown}${more}`);
  }
  return `${formatPlatform(report.platform)}: ${parts.join("; ")}`;
}

// src/pipeline.ts
var seconds = (since2) => (Date.now() - since2) / 1e3;
function localTag(repository, env = process.env, pid = process.pid) {
  const name = repository.split("/").pop().replace(/[^a-z0-9._-]/g, "-");
  return `archway.local/${name}:${env.GITHUB_RUN_ID ?? "run"}-${env.GITHUB_RUN_ATTEMPT ?? "1"}-${pid}`;
}
var PARALLEL = Math.max(2, availableParallelism());
var availableMemory = () => process.availableMemory?.() ?? freemem();
async function runPipeline(b, platforms, o) {
  const { engine, builder } = o.host;
  info(`Docker ${engine.version}, ${engine.store} image store, builder ${builder.name} (${builder.driver} driver)`);
  const cores = availableParallelism();
  const plan = planBuild(engine, builder, platforms, cores, availableMemory(), o.emulated, wantsAttestation(b));
  info(describePlan(plan));
  const tag = localTag(b.image.repository);
  await mkdir5(o.tempDir, { recursive: true });
  const scratch = await mkdtemp(join7(o.tempDir, "archway-"));
  try {
    const testsAtOnce = buildsAtOnce(platforms.length, cores, availableMemory());
    return { engine, plan, platforms: await buildTestPush(b, plan, { ...o, scratch, testsAtOnce }, tag) };
  } finally {
    await removeLocalImages([...new Set(platforms.map((p) => localRef(plan, tag, p)))]);
    await rm3(scratch, { recursive: true, force: true });
  }
}
async function removeLocalImages(refs) {
  const out = await docker(["image", "rm", ...refs], { allowFailure: true });
  if (out.exitCode !== 0 && !/No such image/i.test(out.stderr))
    info(`Could not remove the local images ${refs.join(", ")}: ${out.stderr.trim()}`);
}
async function buildTestPush(b, plan, o, tag) {
  const checked2 = await buildEach(
    { plan, b, tag, scratch: o.scratch, parallel: o.testsAtOnce },
    (built) => grouped(`Test and verify ${formatPlatform(built.platform)}`, async (log) => {
      const { platform: p, image } = built;
      log(`Image ${image.descriptor.digest} (${image.manifest.layers.length} layers)`);
      for (const note of built.notes) log(note);
      const [tested, verified] = await Promise.allSettled([
        b.test ? runTest(built.imageId, p, b.test, log) : void 0,
        b.verifyArch ? verifyImageArch(image) : void 0
      ]);
      if (tested.status === "rejected") throw tested.reason;
      if (verified.status === "rejected") throw verified.reason;
      const [test, arch] = [tested.value, verified.value];
      if (test) log(`Test ${test.outcome.kind} in ${test.seconds.toFixed(1)} s`);
      if (arch)
        log(
          archOk(arch) ? `Architecture: ${arch.elfChecked} ELF files of ${arch.filesChecked} files are all ${arch.expected}` : `Architecture: ${archFailure(arch)}`
        );
      return { platform: p, image, test, arch, buildSeconds: built.buildSeconds, sharedBuild: built.sharedBuild };
    })
  );
  const failures = checked2.flatMap((c) => failureLines(c, o));
  if (failures.length > 0) throw new ArchwayError(`${failures.join("; ")}. Nothing was pushed.`);
  const published = /* @__PURE__ */ new Map();
  if (b.push) {
    const notes = (p) => b.annotations.manifest[formatPlatform(p)] ?? {};
    const prepared = await mapLimit(
      checked2,
      PARALLEL,
      (c) => prepareImage(c.image, join7(o.scratch, platformSlug(c.platform)), notes(c.platform))
    );
    const attestations = wantsAttestation(b) ? await mapLimit(checked2, PARALLEL, (c) => requireAttestation(c.image)) : void 0;
    for (const target2 of targetsOf(b)) {
      const client = await connect(target2.registry, b);
      const docs = await mapLimit(
        checked2,
        PARALLEL,
        (c, i) => grouped(`Push ${formatPlatform(c.platform)} to ${target2.registry}/${target2.repository}`, async (log) => {
          const started = Date.now();
          const d = await pushImage(client, target2.repository, prepared[i]);
          log(`Pushed ${d.descriptor.digest} (${d.compressedSize} bytes) in ${seconds(started).toFixed(1)} s`);
          const added = Object.keys(notes(c.platform)).length;
          if (added)
            log(
              `Its manifest is the tested image's (${c.image.descriptor.digest}) with ${added} annotations, over the same config and layer contents`
            );
          if (attestations) {
            const a = await attachProvenance(client, target2.repository, attestations[i], d.descriptor);
            log(`Attestations ${a.referrer.digest} attached to ${d.descriptor.digest} as an OCI referrer (${a.via})`);
          }
          return d;
        })
      );
      for (const [i, c] of checked2.entries()) published.set(formatPlatform(c.platform), docs[i]);
    }
  }
  return checked2.map((c) => ({
    platform: c.platform,
    buildSeconds: c.buildSeconds,
    sharedBuild: c.sharedBuild,
    test: c.test,
    arch: c.arch,
    published: published.get(formatPlatform(c.platform))
  }));
}
function failureLines(c, o) {
  const name = formatPlatform(c.platform);
  const out = [];
  const tail = (t2) => t2.tail.length ? `; last lines: ${t2.tail.slice(-5).join(" | ")}` : "";
  const t = c.test;
  if (t?.outcome.kind === "failed") out.push(`Tests failed on ${name} with exit code ${t.outcome.exitCode}${tail(t)}`);
  if (t?.outcome.kind === "crashed") {
    const emulated = o.emulated.has(name);
    const hint = emulated ? ` under QEMU ${o.qemuVersion ?? "(unknown)"}; an emulator crash depends on the QEMU version: try another qemu-version (stable, latest, 10.0, 7.2)` : "";
    out.push(`Tests crashed on ${name} with ${t.outcome.signal} (exit code ${t.outcome.exitCode})${hint}${tail(t)}`);
  }
  if (c.arch && !archOk(c.arch)) out.push(`Architecture check failed: ${archFailure(c.arch)}`);
  return out;
}

// src/publish/runner-facts.ts
import { readFile as readFile4 } from "node:fs/promises";
async function runnerFacts(env = process.env) {
  return { serverUrl: env.GITHUB_SERVER_URL, repository: env.GITHUB_REPOSITORY, sha: env.GITHUB_SHA, created: await createdTime(env) };
}
async function createdTime(env) {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1e3).toISOString();
  if (env.GITHUB_WORKSPACE) {
    const git = await run("git", ["-C", env.GITHUB_WORKSPACE, "log", "-1", "--format=%cI"], { allowFailure: true }).catch(() => void 0);
    const iso = git?.exitCode === 0 ? git.stdout.trim() : "";
    if (iso) return new Date(iso).toISOString();
  }
  if (env.GITHUB_EVENT_PATH) {
    try {
      const event = JSON.parse(await readFile4(env.GITHUB_EVENT_PATH, "utf8"));
      if (event.head_commit?.timestamp) return new Date(event.head_commit.timestamp).toISOString();
    } catch {
    }
  }
  return void 0;
}

// src/publish/matrix.ts
function matrixRelease(build, all, env = process.env) {
  const runId = env.GITHUB_RUN_ID;
  if (!runId) throw new ArchwayError("GITHUB_RUN_ID is not set; a matrix of jobs (the build input) is coordinated per workflow run");
  return {
    key: releaseKey(runId, build.tags.map(formatReference), all),
    attempt: env.GITHUB_RUN_ATTEMPT ?? "1",
    platforms: all.map(formatPlatform),
    publish: build.mode !== "stage"
  };
}
async function merge(build, all) {
  const release = releaseOf(matrixRelease({ ...build, mode: "merge" }, all));
  const notes = indexNotes(build.annotations, await runnerFacts());
  const outcome = await group("Publish the index from the staged platforms", async () => {
    const o = await mergeStaged(targetsOf(build), release, notes, build);
    for (const line of o.lines) info(line);
    return o;
  });
  const index = outcome.index;
  if (!index) throw new ArchwayError("no index was published");
  const images = outcome.images?.map((i) => ({ platform: formatPlatform(i.platform), digest: i.manifest.digest }));
  setImageOutputs({ image: build.image, tags: build.tags, images, digest: index.digest });
  await writeSummary(mergeSummary(index.digest, build.tags.map(formatReference)));
}

// src/publish/pending.ts
async function pendingPublish(build, pipeline4, all) {
  const share = build.share ?? all;
  const images = pipeline4.platforms.flatMap((r) => r.published ? [{ platform: r.platform, manifest: r.published.descriptor }] : []);
  if (images.length !== share.length) throw new ArchwayError("not every platform was pushed; no index");
  const notes = indexNotes(build.annotations, await runnerFacts());
  const state = {
    targets: targetsOf(build),
    images: images.map(({ platform, manifest: m }) => ({
      platform: formatPlatform(platform),
      mediaType: m.mediaType,
      digest: m.digest,
      size: m.size
    })),
    ...notes
  };
  const tags = build.tags.map(formatReference).join(", ");
  if (build.share) {
    info(
      `The post step stages ${share.map(formatPlatform).join(", ")} once the job has succeeded; the job of this run that stages the last platform publishes the index as ${tags}`
    );
    return { ...state, release: matrixRelease(build, all) };
  }
  const digest = buildIndex(images, notes.annotations, notes.descriptorAnnotations).digest;
  info(`Index ${digest}: the post step publishes it as ${tags} once the job has succeeded`);
  return { ...state, digest };
}

// src/main.ts
async function run2() {
  await runStep("Archway failed", () => main(getInputs()));
}
async function main(inputs) {
  const { build, platforms: all } = inputs;
  setPlatformsOutput(all);
  if (!build) {
    const { facts, qemuCache } = await emulate(inputs, all);
    saveState({ qemuCache });
    return writeSummary(renderSummary(facts));
  }
  if (build.mode === "merge") return merge(build, all);
  const buildHost = await inspectBuildHost(build.builder);
  checkBuildHost(build, buildHost);
  return buildJob(inputs, build, buildHost);
}
async function emulate(inputs, share) {
  const host = hostDebianArch();
  const emulation = await setUpEmulation(inputs, share, host);
  const facts = { platforms: inputs.platforms.map(formatPlatform), host, emulation };
  const qemuCache = emulation?.setup.saveKey ? { key: emulation.setup.saveKey, paths: emulation.setup.cachePaths } : void 0;
  return { host, emulation, facts, qemuCache };
}
async function buildJob(inputs, build, buildHost) {
  const share = build.share ?? inputs.platforms;
  const { host, emulation, facts, qemuCache } = await emulate(inputs, share);
  let pipeline4;
  let publish;
  try {
    const options = {
      tempDir: process.env.RUNNER_TEMP || tmpdir(),
      qemuVersion: emulation?.setup.installed.debianVersion,
      emulated: emulatedPlatforms(share, host),
      host: buildHost
    };
    pipeline4 = await runPipeline(build, share, options);
    if (build.push) publish = await pendingPublish(build, pipeline4, inputs.platforms);
  } finally {
    saveState({ qemuCache, publish });
  }
  setImageOutputs({ image: build.image, tags: build.tags, images: publish?.images, digest: publish?.digest });
  const index = publish?.digest ? { digest: publish.digest, tags: build.tags.map(formatReference), pushed: false } : void 0;
  await writeSummary(renderSummary({ ...facts, pipeline: pipeline4, index }));
}

// src/entrypoints/main.ts
await run2();
