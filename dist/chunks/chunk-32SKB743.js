import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  RETRYABLE_STATUSES,
  RegistryError,
  isRetryableNetworkError,
  parseErrorBody,
  parseRetryAfter,
  redactUrl,
  retryPolicyFromEnv,
  withRetry
} from "./chunk-DZ36BXRR.js";
import {
  DOCKER_HUB,
  algorithmOf,
  dashedPlatform,
  formatPlatform,
  imageContext,
  isDigest,
  isInsecureRegistry,
  optional,
  parse,
  parseArchIgnore,
  parseBinfmtFlags,
  parseBoolean,
  parseContext,
  parseFile,
  parseImage,
  parseKeyValues,
  parseList,
  parseMirror,
  parseName,
  parsePlatform,
  parsePlatformList,
  parsePlatforms,
  parseProvenance,
  parseQemuVersions,
  parseTags,
  platformFacts,
  platformKey,
  platformOrder,
  registryApiHost,
  ruleForeignElf,
  validateDigest,
  validateManifestRef,
  validateRegistry,
  validateRepository
} from "./chunk-7VKCA2L2.js";
import {
  debug,
  getInput,
  getState,
  group,
  info,
  saveState,
  setSecret,
  summary
} from "./chunk-F3BWMWNQ.js";
import {
  mapLimit
} from "./chunk-WPJLAUQR.js";
import {
  EM,
  armArchLevel,
  armEabiVersion,
  armFloatAbi,
  describeElf,
  machineName,
  parseElf,
  readArmAttributes
} from "./chunk-WNYJYB2X.js";
import {
  digestOf,
  sha256Hex
} from "./chunk-UW7OQIEV.js";
import {
  CommandError,
  outputTail,
  run
} from "./chunk-WQR6LQPS.js";
import {
  ArchwayError,
  EnvironmentError,
  InputError,
  VerificationError,
  errorMessage,
  oneLine
} from "./chunk-4GAVUGPR.js";
import {
  __commonJS,
  __require,
  __toESM
} from "./chunk-QFDZJLFJ.js";

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
    function alloc(size2, fill3, encoding) {
      return Buffer.alloc(size2, fill3, encoding);
    }
    function allocUnsafe(size2) {
      return Buffer.allocUnsafe(size2);
    }
    function allocUnsafeSlow(size2) {
      return Buffer.allocUnsafeSlow(size2);
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
    var Readable2 = class _Readable extends Stream {
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
          pipeline3(src, out, noop);
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
    var Duplex = class extends Readable2 {
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
        return pipeline3(...streams, (err2) => {
          if (err2) return reject(err2);
          resolve();
        });
      });
    }
    function pipeline3(stream, ...streams) {
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
      pipeline: pipeline3,
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
      Readable: Readable2,
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
      const size2 = decodeOct(buf, 124, 12);
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
        size: size2,
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
    var { Writable, Readable: Readable2, getStreamError } = require_streamx();
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
      shiftFirst(size2) {
        return this.buffered === 0 ? null : this._next(size2);
      }
      shift(size2) {
        if (size2 > this.buffered) return null;
        if (size2 === 0) return EMPTY;
        let chunk = this._next(size2);
        if (size2 === chunk.byteLength) return chunk;
        const chunks = [chunk];
        while ((size2 -= chunk.byteLength) > 0) {
          chunk = this._next(size2);
          chunks.push(chunk);
        }
        return b4a.concat(chunks);
      }
      _next(size2) {
        const buf = this.queue.peek();
        const rem = buf.byteLength - this._offset;
        if (size2 >= rem) {
          const sub = this._offset ? buf.subarray(this._offset, buf.byteLength) : buf;
          this.queue.shift();
          this._offset = 0;
          this.buffered -= rem;
          this.shifted += rem;
          return sub;
        }
        this.buffered -= size2;
        this.shifted += size2;
        return buf.subarray(this._offset, this._offset += size2);
      }
    };
    var Source = class extends Readable2 {
      constructor(self, header2, offset) {
        super();
        this.header = header2;
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
        function onentry(header2, stream, callback) {
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
    function overflow(size2) {
      size2 &= 511;
      return size2 && 512 - size2;
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
    var { Readable: Readable2, Writable, getStreamError } = require_streamx();
    var b4a = require_b4a();
    var constants = require_constants();
    var headers = require_headers();
    var DMODE = 493;
    var FMODE = 420;
    var END_OF_TAR = b4a.alloc(1024);
    var Sink = class extends Writable {
      constructor(pack, header2, callback) {
        super({ mapWritable, eagerOpen: true });
        this.written = 0;
        this.header = header2;
        this._callback = callback;
        this._linkname = null;
        this._isLinkname = header2.type === "symlink" && !header2.linkname;
        this._isVoid = header2.type !== "file" && header2.type !== "contiguous-file";
        this._finished = false;
        this._pack = pack;
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
    var Pack = class extends Readable2 {
      constructor(opts) {
        super(opts);
        this._drain = noop;
        this._finalized = false;
        this._finalizing = false;
        this._pending = [];
        this._stream = null;
      }
      entry(header2, buffer, callback) {
        if (this._finalized || this.destroying) throw new Error("already finalized or destroyed");
        if (typeof buffer === "function") {
          callback = buffer;
          buffer = null;
        }
        if (!callback) callback = noop;
        if (!header2.size || header2.type === "symlink") header2.size = 0;
        if (!header2.type) header2.type = modeToType(header2.mode);
        if (!header2.mode) header2.mode = header2.type === "directory" ? DMODE : FMODE;
        if (!header2.uid) header2.uid = 0;
        if (!header2.gid) header2.gid = 0;
        if (!header2.mtime) header2.mtime = /* @__PURE__ */ new Date();
        if (typeof buffer === "string") buffer = b4a.from(buffer);
        const sink = new Sink(this, header2, callback);
        if (b4a.isBuffer(buffer)) {
          header2.size = buffer.byteLength;
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
      _encode(header2) {
        if (!header2.pax) {
          const buf = headers.encode(header2);
          if (buf) {
            this.push(buf);
            return;
          }
        }
        this._encodePax(header2);
      }
      _encodePax(header2) {
        const paxHeader = headers.encodePax({
          name: header2.name,
          linkname: header2.linkname,
          pax: header2.pax
        });
        const newHeader = {
          name: "PaxHeader",
          mode: header2.mode,
          uid: header2.uid,
          gid: header2.gid,
          size: paxHeader.byteLength,
          mtime: header2.mtime,
          type: "pax-header",
          linkname: header2.linkname && "PaxHeader",
          uname: header2.uname,
          gname: header2.gname,
          devmajor: header2.devmajor,
          devminor: header2.devminor
        };
        this.push(headers.encode(newHeader));
        this.push(paxHeader);
        overflow(this, paxHeader.byteLength);
        newHeader.size = header2.size;
        newHeader.type = header2.type;
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
    module.exports = function pack(opts) {
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
    function overflow(self, size2) {
      size2 &= 511;
      if (size2) self.push(END_OF_TAR.subarray(0, 512 - size2));
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

// src/action/state.ts
var STATE_VERSION = 4;
var KEY = "archway";
function saveState2(state) {
  saveState(KEY, JSON.stringify({ version: STATE_VERSION, ...state }));
}
function loadState() {
  const raw = getState(KEY);
  if (!raw) return void 0;
  try {
    const s = JSON.parse(raw);
    return s.version === STATE_VERSION ? s : void 0;
  } catch {
    return void 0;
  }
}

// src/shared/time.ts
var secondsSince = (start) => (Date.now() - start) / 1e3;
var formatSeconds = (n) => `${n.toFixed(1)} s`;

// src/build/cost-report.ts
function testTimes(results) {
  return results.map((r) => ({ platform: formatPlatform(r.platform), seconds: r.test?.seconds }));
}
var COSTLY_STAGE_SECONDS = 1;
var COSTLY_STAGE_SHARE = 1 / 3;
var STAGES_NAMED = 3;
var times = (a, b) => `${(a / b).toFixed(1)}x`;
function costlyStages(cost) {
  return cost.stages.filter((s) => s.added >= COSTLY_STAGE_SECONDS && s.added >= COSTLY_STAGE_SHARE * s.seconds).slice(0, STAGES_NAMED);
}
function costLines(cost, tests) {
  const byPlatform = new Map(cost.platforms.map((p) => [p.platform, p]));
  const order = [...tests.map((t) => t.platform), ...cost.platforms.map((p) => p.platform).filter((p) => !tests.some((t) => t.platform === p))];
  const testOf = new Map(tests.map((t) => [t.platform, t.seconds]));
  const nativeTest = tests.find((t) => t.seconds !== void 0 && byPlatform.get(t.platform)?.emulated === false);
  const anyEmulated = cost.platforms.some((p) => p.emulated && p.runSeconds > 0);
  if (!anyEmulated && !tests.some((t) => byPlatform.get(t.platform)?.emulated)) return [];
  const rows = order.map((platform) => {
    const c = byPlatform.get(platform);
    const emulated = c?.emulated ?? false;
    const runs = c === void 0 ? "none" : formatSeconds(c.runSeconds);
    const against = c?.against && c.against.nativeSeconds > 0 ? ` (${times(c.against.seconds, c.against.nativeSeconds)} the same steps as ${c.against.platform})` : "";
    const t = testOf.get(platform);
    const testRatio = t !== void 0 && emulated && nativeTest?.seconds ? ` (${times(t, nativeTest.seconds)} ${nativeTest.platform}'s)` : "";
    const test = t === void 0 ? testOf.has(platform) ? "none" : "" : `${formatSeconds(t)}${testRatio}`;
    const where = c === void 0 ? "" : emulated ? "QEMU" : "native";
    return `| ${platform} | ${where} | ${runs}${against} | ${test} |`;
  });
  const lines = [
    "**What emulation cost**: seconds of RUN steps per platform they ran as (steps of different platforms run at the same time), and of the tests.",
    "",
    "| Platform | Ran | RUN steps | Tests |",
    "| --- | --- | --- | --- |",
    ...rows
  ];
  const costly = costlyStages(cost);
  if (costly.length > 0) {
    const named = costly.map(
      (s) => `\`${s.stage}\` ${formatSeconds(s.seconds)} under QEMU${s.compared ? `, ${formatSeconds(s.added)} more than natively` : ""} (${s.byPlatform.map(([p, n]) => `${p} ${formatSeconds(n)}`).join(", ")})`
    );
    lines.push(
      "",
      `Costliest emulated stages: ${named.join("; ")}. Their RUN steps run under QEMU. A stage that compiles can run natively instead: \`FROM --platform=$BUILDPLATFORM\` for it, a cross-compiler for \`$TARGETPLATFORM\` (\`GOOS=$TARGETOS GOARCH=$TARGETARCH\`, a \`gcc-<triplet>\` toolchain, \`rustup target add\`), and \`COPY --from=\` its output into the image.`
    );
  }
  return lines;
}

// src/docker/engine.ts
async function docker(args, options = {}) {
  const plugin = args[0] === "buildx" ? await buildxPlugin() : void 0;
  if (!plugin) return run("docker", args, options);
  try {
    return await run(plugin, args.slice(1), options);
  } catch (err2) {
    if (err2 instanceof CommandError) throw new CommandError(["docker", ...args].join(" "), err2.result);
    throw err2;
  }
}
var info2;
var dockerInfo = () => info2 ??= run("docker", ["info", "--format", "{{json .ServerVersion}}	{{json .DriverStatus}}	{{json .ClientInfo.Plugins}}"], {
  allowFailure: true
});
async function buildxPlugin() {
  if (process.env.DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND) return void 0;
  const out = await dockerInfo().catch(() => void 0);
  return out?.exitCode === 0 ? pluginPath(out.stdout.trim().split("	")[2] ?? "", "buildx") : void 0;
}
function pluginPath(json, name) {
  let plugins;
  try {
    plugins = JSON.parse(json);
  } catch {
    return void 0;
  }
  const found = Array.isArray(plugins) ? plugins.find((p) => p?.Name === name && !p.Err) : void 0;
  return typeof found?.Path === "string" && found.Path.startsWith("/") ? found.Path : void 0;
}
function storeFromDriverStatus(driverStatus) {
  const pairs = Array.isArray(driverStatus) ? driverStatus : [];
  return pairs.some((p) => Array.isArray(p) && p[0] === "driver-type" && String(p[1]).startsWith("io.containerd.snapshotter")) ? "containerd" : "classic";
}
async function engineInfo() {
  let out;
  try {
    out = await dockerInfo();
    if (out.exitCode !== 0) throw new CommandError("docker info", out);
  } catch (err2) {
    throw new EnvironmentError(`The Docker daemon does not answer (docker info failed): ${errorMessage(err2)}`, { cause: err2 });
  }
  const [version, status] = out.stdout.trim().split("	");
  return { version: JSON.parse(version), store: storeFromDriverStatus(JSON.parse(status)) };
}

// src/docker/builder.ts
function parseDriverOptions(text) {
  const out = {};
  for (const m of text.matchAll(/([\w.-]+)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g))
    out[m[1]] = m[2] !== void 0 ? m[2].replace(/\\(.)/g, "$1") : m[3];
  return out;
}
var fieldOf = (line) => {
  const m = /^([A-Z][\w ]*?):[ \t]*(.*?)[ \t]*$/.exec(line);
  return m ? [m[1], m[2]] : void 0;
};
function parseBuilderInspect(text) {
  const lines = text.split("\n");
  const nodesAt = lines.findIndex((l) => /^Nodes:\s*$/.test(l));
  const head = nodesAt < 0 ? lines : lines.slice(0, nodesAt);
  const headField = (key) => head.map(fieldOf).find((f) => f?.[0] === key)?.[1];
  const name = headField("Name");
  const driver = headField("Driver");
  if (!name || !driver) return void 0;
  const nodes = [];
  let node;
  for (const line of nodesAt < 0 ? [] : lines.slice(nodesAt + 1)) {
    if (/^\s/.test(line)) continue;
    const f = fieldOf(line);
    if (!f) continue;
    const [key, value] = f;
    if (key === "Name") {
      node = { name: value, endpoint: "", platforms: [], preferred: [], driverOptions: {} };
      nodes.push(node);
      continue;
    }
    if (!node) continue;
    switch (key) {
      case "Endpoint":
        node.endpoint = value;
        break;
      case "Status":
        node.status = value;
        break;
      case "BuildKit version":
        node.buildkit = value;
        break;
      case "Error":
        node.error = value;
        break;
      case "Driver Options":
        node.driverOptions = parseDriverOptions(value);
        break;
      case "Platforms": {
        const listed = value.split(",").map((p) => p.trim());
        node.platforms = listed.map((p) => p.replace(/\*$/, "")).filter(Boolean);
        node.preferred = listed.filter((p) => p.endsWith("*")).map((p) => p.slice(0, -1));
        break;
      }
    }
  }
  return { name, driver, nodes };
}
async function builderInfo(name) {
  const named = name ? [name] : [];
  const ask = async (bootstrap) => {
    const out2 = await docker(["buildx", "inspect", ...bootstrap ? ["--bootstrap"] : [], ...named], { allowFailure: true });
    return { out: out2, info: out2.exitCode === 0 ? parseBuilderInspect(out2.stdout) : void 0 };
  };
  let { out, info: info3 } = await ask(false);
  if (info3 && info3.driver !== "docker" && info3.nodes.some((n) => !n.error && n.status !== "running")) ({ out, info: info3 } = await ask(true));
  if (!info3) {
    const which = name ? `The builder "${name}"` : "The current buildx builder";
    throw new EnvironmentError(`${which} cannot be used: docker buildx inspect${name ? ` ${name}` : ""} says ${outputTail(out, 300)}`);
  }
  return info3;
}
function describeBuilder(b) {
  const versions = [...new Set(b.nodes.flatMap((n) => n.buildkit && !n.buildkit.startsWith("v0.0.0") ? [n.buildkit] : []))];
  const facts = [
    `${b.driver} driver`,
    ...b.nodes.length > 1 ? [`${b.nodes.length} nodes`] : [],
    ...versions.length ? [`BuildKit ${versions.join(", ")}`] : []
  ];
  return `builder ${b.name} (${facts.join(", ")})`;
}

// src/oci/layer.ts
import { createHash as createHash2 } from "node:crypto";
import { PassThrough, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
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
var import_tar_stream = __toESM(require_tar_stream(), 1);

// src/oci/layout.ts
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";

// src/oci/types.ts
var MediaType = {
  OciIndex: "application/vnd.oci.image.index.v1+json",
  OciManifest: "application/vnd.oci.image.manifest.v1+json",
  OciConfig: "application/vnd.oci.image.config.v1+json",
  OciLayer: "application/vnd.oci.image.layer.v1.tar",
  OciLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  OciLayerZstd: "application/vnd.oci.image.layer.v1.tar+zstd",
  OciLayerNondistributable: "application/vnd.oci.image.layer.nondistributable.v1.tar",
  OciLayerNondistributableGzip: "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
  OciLayerNondistributableZstd: "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
  OciEmpty: "application/vnd.oci.empty.v1+json",
  DockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  DockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  DockerConfig: "application/vnd.docker.container.image.v1+json",
  DockerLayer: "application/vnd.docker.image.rootfs.diff.tar",
  DockerLayerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip",
  DockerLayerZstd: "application/vnd.docker.image.rootfs.diff.tar.zstd",
  DockerForeignLayerGzip: "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
  /** The layers of a buildx attestation manifest: one in-toto statement each (SLSA provenance, SBOM). */
  InToto: "application/vnd.in-toto+json",
  /**
   * The `artifactType` of a published attestation referrer: buildkit's own type for an attestation
   * manifest (what it gives with `oci-artifact=true`), which buildx imagetools and Docker Scout know.
   */
  DockerAttestationManifest: "application/vnd.docker.attestation.manifest.v1+json",
  /** The `artifactType` of a matrix job's staging manifest. */
  ArchwayStage: "application/vnd.archway.stage.v1+json"
};
var EMPTY_JSON = Buffer.from("{}");
var EMPTY_DESCRIPTOR = {
  mediaType: MediaType.OciEmpty,
  digest: "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
  size: 2
};
var Annotation = {
  ReferenceType: "vnd.docker.reference.type",
  ReferenceDigest: "vnd.docker.reference.digest",
  RefName: "org.opencontainers.image.ref.name",
  Created: "org.opencontainers.image.created"
};
var ATTESTATION_MANIFEST = "attestation-manifest";
var INDEX_TYPES = /* @__PURE__ */ new Set([MediaType.OciIndex, MediaType.DockerManifestList]);
var MANIFEST_TYPES = /* @__PURE__ */ new Set([MediaType.OciManifest, MediaType.DockerManifest]);
var CONFIG_TYPES = /* @__PURE__ */ new Set([MediaType.OciConfig, MediaType.DockerConfig]);
function isIndexMediaType(mediaType) {
  return mediaType !== void 0 && INDEX_TYPES.has(mediaType);
}
function isManifestMediaType(mediaType) {
  return mediaType !== void 0 && MANIFEST_TYPES.has(mediaType);
}
function isImageConfigMediaType(mediaType) {
  return mediaType !== void 0 && CONFIG_TYPES.has(mediaType);
}
function isAttestation(d) {
  return d.annotations?.[Annotation.ReferenceType] === ATTESTATION_MANIFEST;
}
var LAYER_COMPRESSION = {
  [MediaType.OciLayer]: "none",
  [MediaType.OciLayerGzip]: "gzip",
  [MediaType.OciLayerZstd]: "zstd",
  [MediaType.OciLayerNondistributable]: "none",
  [MediaType.OciLayerNondistributableGzip]: "gzip",
  [MediaType.OciLayerNondistributableZstd]: "zstd",
  [MediaType.DockerLayer]: "none",
  [MediaType.DockerLayerGzip]: "gzip",
  [MediaType.DockerLayerZstd]: "zstd",
  [MediaType.DockerForeignLayerGzip]: "gzip"
};
function layerCompression(mediaType) {
  return LAYER_COMPRESSION[mediaType];
}

// src/oci/layout.ts
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
function blobStream(dir, descriptor, chunkSize) {
  const path = blobPath(dir, descriptor.digest);
  return Readable.from(verifiedChunks(dir, path, descriptor, chunkSize), { objectMode: false });
}
async function* verifiedChunks(dir, path, descriptor, chunkSize) {
  const [algorithm, hex] = descriptor.digest.split(":");
  const hash = createHash(algorithm);
  let size2 = 0;
  let file;
  try {
    await stat(path);
    file = createReadStream(path, { highWaterMark: chunkSize });
  } catch (err2) {
    throw new LayoutError(`blob ${descriptor.digest} is missing from the OCI layout ${dir}`, { cause: err2 });
  }
  for await (const chunk of file) {
    size2 += chunk.length;
    if (size2 > descriptor.size) {
      file.destroy();
      throw new VerificationError(`blob ${descriptor.digest} is longer than the ${descriptor.size} bytes its descriptor says`);
    }
    hash.update(chunk);
    yield chunk;
  }
  if (size2 !== descriptor.size)
    throw new VerificationError(`blob ${descriptor.digest} has ${size2} bytes, its descriptor says ${descriptor.size}`);
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
var MAX_SYMLINKS = 40;
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
      } else if (change.kind === "symlink") this.set(path, { kind: "symlink", target: change.target });
      else this.set(path, change.kind === "file" ? { kind: "file", data: change.data } : { kind: "other" });
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
  /**
   * Follows `path` (absolute, or relative to `/`) through the image's symbolic links, in every
   * component, as the kernel would inside the container: `/bin/sh` with `/bin -> usr/bin` and
   * `/usr/bin/sh -> busybox` is `/usr/bin/busybox`. Returns the real absolute path and what is
   * there, or undefined when a component is missing, not a directory, or the links loop.
   */
  resolve(path) {
    let todo = path.split("/").filter((s) => s !== "" && s !== ".");
    const done = [];
    const nodes = [this.root];
    let hops = 0;
    while (todo.length > 0) {
      const [part, ...rest] = todo;
      todo = rest;
      if (part === "..") {
        if (done.length > 0) {
          done.pop();
          nodes.pop();
        }
        continue;
      }
      const dir = nodes[nodes.length - 1];
      if (dir.kind !== "dir") return void 0;
      const node = dir.children.get(part);
      if (!node) return void 0;
      if (node.kind === "symlink") {
        if (++hops > MAX_SYMLINKS) return void 0;
        const target2 = node.target.split("/").filter((s) => s !== "" && s !== ".");
        if (node.target.startsWith("/")) {
          done.length = 0;
          nodes.length = 1;
        }
        todo = [...target2, ...todo];
        continue;
      }
      done.push(part);
      nodes.push(node);
    }
    const last = nodes[nodes.length - 1];
    const real = `/${done.join("/")}`;
    if (last.kind === "file") return { path: real, kind: "file", data: last.data };
    return { path: real, kind: last.kind === "dir" ? "dir" : "other" };
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
  const stream = new Transform({
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
  const hash = createHash2(algorithm);
  return new Transform({
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
var READ_CHUNK = 1024 * 1024;
async function scanLayer(dir, layer, diffId, inspect) {
  const changes = emptyChanges();
  const tar = (0, import_tar_stream.extract)();
  const source = blobStream(dir, layer, READ_CHUNK);
  const sameBytes = layerCompression(layer.mediaType) === "none" && layer.digest === diffId;
  const piping = sameBytes ? pipeline(source, tar) : pipeline(source, decompressorFor(layer), diffIdCheck(diffId, layer.digest), tar);
  piping.catch(() => void 0);
  try {
    for await (const entry of tar) {
      const h = entry.header;
      if (h.type === "file" || h.type === "contiguous-file")
        addEntry(changes, h.name, { kind: "file", data: await inspect(h.name, entry, h.size, h.mode ?? 0) });
      else {
        if (h.type === "directory") addEntry(changes, h.name, { kind: "dir" });
        else if (h.type === "link") addEntry(changes, h.name, { kind: "link", target: h.linkname });
        else if (h.type === "symlink") addEntry(changes, h.name, { kind: "symlink", target: h.linkname ?? "" });
        else addEntry(changes, h.name, { kind: "other" });
        entry.resume();
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
async function inspectFile(content, platform, maxArmFile, fileMode = 420) {
  let chunks = [];
  let have = 0;
  let mode = "head";
  let header2;
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
      header2 = notElf ? void 0 : parseElf(head);
      mode = header2 && needsWholeFile(header2, platform) ? "whole" : "drain";
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
    header2 = parseElf(head);
  } else if (notElf) return NOT_ELF;
  if (!header2) return { elf: true, ok: false, found: "a malformed or truncated ELF header", mode: fileMode };
  const arm = mode === "whole" && !tooBig ? readArmAttributes(Buffer.concat(chunks)) : void 0;
  return { elf: true, type: header2.type, machine: header2.machine, mode: fileMode, ...checkElf(header2, platform, arm) };
}
var ACCEPTED_SHOWN = 10;
async function verifyImageArch(image, options = {}) {
  const { platform } = image;
  const maxArmFile = options.maxArmFile ?? 256 * 1024 * 1024;
  const fs = await scanImage(image, (_path, content, _size, mode) => inspectFile(content, platform, maxArmFile, mode));
  const context = imageContext(image.config, platform, (p) => fs.resolve(p), options.ignore);
  let filesChecked = 0;
  let elfChecked = 0;
  const mismatches = [];
  const byReason = {};
  const first = [];
  let acceptedCount = 0;
  for (const [path, v] of fs.files()) {
    filesChecked++;
    if (!v.elf) continue;
    elfChecked++;
    if (v.ok) continue;
    const ruling = ruleForeignElf({ path, type: v.type, machine: v.machine, mode: v.mode }, context);
    const file = { path, found: v.found, reason: ruling.reason };
    if (ruling.refused) mismatches.push(file);
    else {
      acceptedCount++;
      byReason[ruling.reason] = (byReason[ruling.reason] ?? 0) + 1;
      if (first.length < ACCEPTED_SHOWN) first.push(file);
    }
  }
  return {
    platform,
    expected: expectedElf(platform),
    filesChecked,
    elfChecked,
    mismatches,
    accepted: { count: acceptedCount, byReason, first },
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
    const shown = report.mismatches.slice(0, max).map((m) => `${m.path} (${m.found}, ${m.reason})`).join(", ");
    const more = n > max ? ` and ${n - max} more` : "";
    parts.push(`${n} of ${report.elfChecked} ELF files ${n === 1 ? "is" : "are"} not ${report.expected}: ${shown}${more}`);
  }
  return `${formatPlatform(report.platform)}: ${parts.join("; ")}`;
}
function archAccepted(report, max = 3) {
  const { count, byReason, first } = report.accepted;
  if (count === 0) return void 0;
  const reasons = Object.entries(byReason).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([reason, n]) => `${n} ${reason}`).join(", ");
  const shown = first.slice(0, max).map((m) => `${m.path} (${m.found}, ${m.reason})`).join(", ");
  const more = count > Math.min(max, first.length) ? ` and ${count - Math.min(max, first.length)} more` : "";
  return `${count} ELF ${count === 1 ? "file" : "files"} of another architecture accepted (${reasons}): ${shown}${more}`;
}
function archLogLine(report) {
  const accepted = archAccepted(report);
  if (!archOk(report)) return `Architecture: ${archFailure(report)}${accepted ? `; ${accepted}` : ""}`;
  if (!accepted) return `Architecture: ${report.elfChecked} ELF files of ${report.filesChecked} files are all ${report.expected}`;
  const own = report.elfChecked - report.accepted.count;
  return `Architecture: ${own} of ${report.elfChecked} ELF files (of ${report.filesChecked} files) are ${report.expected}; ${accepted}`;
}

// src/action/summary.ts
function emulationLine(f) {
  if (!f.emulation) return `**Archway**: ${f.platforms.join(", ")}: all native on this ${f.runnerArch} host, no emulation needed.`;
  const { groups } = f.emulation;
  const each = groups.map((g) => {
    const q = g.setup.installed;
    const qemu = `QEMU ${q.qemuVersion} (Debian \`${q.debianVersion}\`, ${q.codename}, from the ${g.setup.source}) emulates ${g.registered.map((r) => r.name).join(", ")}`;
    return groups.length === 1 ? qemu : `${qemu} (${g.platforms.join(", ")})`;
  });
  return `**Archway**: ${each.join("; ")}${groups.length === 1 ? "" : ","} for ${f.platforms.join(", ")} on this ${f.runnerArch} host.`;
}
function size(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}
function row(r, nodes) {
  const build = `${formatSeconds(r.buildSeconds)}${r.sharedBuild ? " (shared)" : ""}`;
  const retried = r.retry ? `, under QEMU \`${r.retry.to}\` after a crash under \`${r.retry.from}\`` : "";
  const test = r.test ? `${r.test.outcome.kind} (${formatSeconds(r.test.seconds)}${retried})` : "none";
  const accepted = r.arch?.accepted.count ? `, ${r.arch.accepted.count} of another architecture accepted` : "";
  const arch = r.arch ? archOk(r.arch) ? `ok (${r.arch.elfChecked} ELF${accepted})` : `**failed** (${r.arch.mismatches.length} files${accepted})` : "off";
  const digest = r.published ? `\`${r.published.descriptor.digest}\`` : "not pushed";
  const bytes = r.published ? size(r.published.compressedSize) : "";
  const node = nodes ? ` ${r.node ? `\`${r.node}\`` : "unknown"} |` : "";
  return `| ${formatPlatform(r.platform)} |${node} ${build} | ${test} | ${arch} | ${digest} | ${bytes} |`;
}
function renderSummary(f) {
  const lines = [emulationLine(f)];
  if (f.pipeline) {
    const { builder } = f.pipeline.plan;
    const nodes = builder.driver !== "docker";
    lines.push(
      "",
      ...nodes ? [`Built on ${describeBuilder(builder)}.`, ""] : [],
      `| Platform |${nodes ? " Node |" : ""} Build | Test | Architecture | Digest | Compressed |`,
      `| --- |${nodes ? " --- |" : ""} --- | --- | --- | --- | --- |`,
      ...f.pipeline.platforms.map((r) => row(r, nodes))
    );
    const notes = f.pipeline.platforms.flatMap((r) => {
      if (!r.arch) return [];
      const failure = archFailure(r.arch);
      const accepted = archAccepted(r.arch, 5);
      return [
        ...failure ? [`- Architecture check failed: ${failure}`] : [],
        ...accepted ? [`- ${formatPlatform(r.platform)}: ${accepted}`] : []
      ];
    });
    if (notes.length) lines.push("", ...notes);
    const cost = f.pipeline.cost ? costLines(f.pipeline.cost, testTimes(f.pipeline.platforms)) : [];
    if (cost.length) lines.push("", ...cost);
  }
  if (f.index) {
    lines.push(
      "",
      `Index \`${f.index.digest}\` ${f.index.pushed ? "published" : "to be published by the post step"} as ${f.index.tags.map((t) => `\`${t}\``).join(", ")}.`
    );
  }
  if (f.emulation) lines.push("", f.emulation.groups.map((g) => `QEMU \`${g.setup.installed.debianVersion}\``).join(", "));
  return `${lines.join("\n")}
`;
}
function mergeSummary(digest, tags) {
  return `**Archway**: index \`${digest}\` published as ${tags.map((t) => `\`${t}\``).join(", ")} from the platforms this run staged.
`;
}
function publishedSummary(lines) {
  return `
${lines.join("\n\n")}
`;
}
async function writeSummary(markdown) {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await summary.addRaw(markdown, true).write();
}

// src/inputs/action-defaults.generated.ts
var ACTION_DEFAULTS = {
  platforms: "all",
  "qemu-version": "stable",
  "qemu-mirror": "http://deb.debian.org/debian",
  "binfmt-flags": "FP",
  cache: "true",
  image: "",
  tags: "latest",
  context: ".",
  file: "",
  "build-args": "",
  target: "",
  labels: "",
  annotations: "",
  test: "",
  push: "false",
  username: "",
  password: "",
  "verify-arch": "true",
  "verify-arch-ignore": "",
  provenance: "false",
  builder: "",
  "cache-from": "",
  "cache-to": "",
  secrets: "",
  "secret-envs": "",
  "secret-files": "",
  ssh: "",
  "build-contexts": "",
  "no-cache": "false",
  "no-cache-filters": "",
  pull: "false",
  network: "",
  "shm-size": "",
  ulimit: "",
  "add-hosts": "",
  allow: "",
  sbom: "false",
  "github-token": "${{ github.token }}",
  build: "",
  mode: "auto"
};

// src/inputs/annotations.ts
var INPUT = "annotations";
var ACCEPTED = "accepted: KEY=VALUE lines as docker/metadata-action writes them, each with no level or index: (the index), manifest: (each platform's manifest) or manifest-descriptor: (its entry in the index); manifest[PLATFORM]: and manifest-descriptor[PLATFORM]: for one platform";
var INDEX_DESCRIPTOR = "accepted: index:, manifest: or manifest-descriptor: lines, not index-descriptor: (buildx writes it only into an OCI layout's index.json; a registry has no descriptor of the index to annotate, so leave it out of DOCKER_METADATA_ANNOTATIONS_LEVELS)";
var LEVEL = /^([a-z-]+)(?:\[([^\]]*)\])?$/;
function levelsOf(prefix, line, platforms) {
  return prefix.split(",").map((part) => {
    const m = LEVEL.exec(part);
    if (m?.[1] === "index-descriptor") throw new InputError(INPUT, line, INDEX_DESCRIPTOR);
    if (!m || m[1] !== "index" && m[1] !== "manifest" && m[1] !== "manifest-descriptor") throw new InputError(INPUT, line, ACCEPTED);
    const level = m[1];
    if (m[2] === void 0) return { level };
    if (level === "index")
      throw new InputError(
        INPUT,
        line,
        "accepted: a platform only on manifest[PLATFORM]: or manifest-descriptor[PLATFORM]:; the index is one for every platform"
      );
    const requested = platforms.map(formatPlatform);
    const platform = parsePlatform(m[2]);
    if (!platform || !requested.includes(formatPlatform(platform)))
      throw new InputError(INPUT, line, `accepted: in ${level}[PLATFORM]:, a platform of "platforms" (${requested.join(", ")})`);
    return { level, platform: formatPlatform(platform) };
  });
}
function sortedAnnotations(entries) {
  return Object.fromEntries([...entries].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0));
}
function parseAnnotations(text, platforms) {
  const index = [];
  const all = { manifest: /* @__PURE__ */ new Map(), "manifest-descriptor": /* @__PURE__ */ new Map() };
  const one = { manifest: /* @__PURE__ */ new Map(), "manifest-descriptor": /* @__PURE__ */ new Map() };
  for (const [left, value] of parseKeyValues(INPUT, text)) {
    const line = `${left}=${value}`;
    const colon = left.indexOf(":");
    const key = colon < 0 ? left : left.slice(colon + 1);
    if (key === "") throw new InputError(INPUT, line, ACCEPTED);
    const levels = colon < 0 ? [{ level: "index" }] : levelsOf(left.slice(0, colon), line, platforms);
    for (const { level, platform } of levels) {
      if (level === "index") index.push([key, value]);
      else if (platform === void 0) all[level].set(key, value);
      else {
        const byPlatform = one[level].get(platform) ?? /* @__PURE__ */ new Map();
        one[level].set(platform, byPlatform.set(key, value));
      }
    }
  }
  const resolve = (level) => Object.fromEntries(
    platforms.map(formatPlatform).map((p) => [p, sortedAnnotations(new Map([...all[level], ...one[level].get(p) ?? []]))]).filter(([, notes]) => Object.keys(notes).length > 0)
  );
  return { index, manifest: resolve("manifest"), manifestDescriptor: resolve("manifest-descriptor") };
}

// src/inputs/build-settings.ts
import { existsSync, statSync } from "node:fs";

// src/build/cache-entries.ts
function fields(entry) {
  try {
    const [record = []] = parse(entry, { relax_quotes: true, relax_column_count: true });
    return record.map((f) => {
      const at = f.indexOf("=");
      return at < 0 ? [f.trim().toLowerCase(), ""] : [f.slice(0, at).trim().toLowerCase(), f.slice(at + 1)];
    });
  } catch {
    return void 0;
  }
}
var isGha = (f) => f.some(([k, v]) => k === "type" && v === "gha");
function cacheType(entry) {
  if (!entry.includes("=")) return "registry";
  return fields(entry)?.find(([k]) => k === "type")?.[1] || void 0;
}
function redactCacheEntry(entry) {
  return entry.replace(/((?:^|,)\s*"?[\w-]*(?:token|secret|password|key)[\w-]*=)[^,"]*/gi, "$1***");
}
function hasGhaEntry(entries) {
  return entries.some((e) => isGha(fields(e) ?? []));
}
function ghaScope(platforms) {
  return platforms.map(dashedPlatform).join("_");
}
function registryRef(entry) {
  if (cacheType(entry) !== "registry") return void 0;
  return entry.includes("=") ? fields(entry)?.find(([k]) => k === "ref")?.[1] : entry.trim();
}
function scopedRef(ref, scope) {
  if (ref.includes("@")) return ref;
  const name = ref.slice(ref.lastIndexOf("/") + 1);
  return name.includes(":") ? `${ref}-${scope}` : `${ref}:${scope}`;
}
function withMatrixScope(cache, scope) {
  const exported = new Set(cache.to.map(registryRef).filter((r) => r !== void 0));
  const scoped = (entry) => {
    const ref = registryRef(entry);
    if (ref === void 0 || !exported.has(ref)) return entry;
    return entry.includes("=") ? entry.replace(`ref=${ref}`, `ref=${scopedRef(ref, scope)}`) : scopedRef(ref, scope);
  };
  return { from: withGhaScope(cache.from, scope).map(scoped), to: withGhaScope(cache.to, scope).map(scoped) };
}
function withGhaScope(entries, scope) {
  return entries.map((e) => {
    const f = fields(e);
    return f && isGha(f) && !f.some(([k]) => k === "scope") ? `${e},scope=${scope}` : e;
  });
}
function ghaTokens(entries) {
  return entries.flatMap((e) => {
    const f = fields(e);
    return f && isGha(f) ? f.filter(([k, v]) => (k === "token" || k === "ghtoken") && v !== "").map(([, v]) => v) : [];
  });
}

// src/inputs/build-settings.ts
var ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
function idAnd(input, line, what, secret = false) {
  const at = line.indexOf("=");
  const id = at > 0 ? line.slice(0, at) : "";
  const rest = line.slice(at + 1);
  if (!ID.test(id) || rest === "") {
    throw new InputError(
      input,
      secret ? `${id || "***"}=***` : line,
      `accepted: id=${what} items, the id of letters, digits, ".", "_" and "-"`
    );
  }
  return [id, rest];
}
function matching(input, items, pattern, accepted) {
  const bad = items.find((i) => !pattern.test(i));
  if (bad !== void 0) throw new InputError(input, bad, `accepted: ${accepted}`);
  return items;
}
function maskBuildSecrets(read, env = process.env) {
  for (const line of read("secrets").split("\n")) {
    const value = line.slice(line.indexOf("=") + 1).trim();
    if (value) setSecret(value);
  }
  const token = read("github-token").trim();
  if (token) setSecret(token);
  const cacheEntries = ["cache-from", "cache-to"].flatMap((name) => read(name).split("\n"));
  for (const t of ghaTokens(cacheEntries)) setSecret(t);
  const runtime = env.ACTIONS_RUNTIME_TOKEN;
  if (runtime && hasGhaEntry(cacheEntries)) setSecret(runtime);
}
function parseSbom(value) {
  if (/^(false|False|FALSE)$/.test(value)) return false;
  if (/^(true|True|TRUE)$/.test(value)) return "true";
  if (/^[a-z-]+=[^\s,]+(,[a-z-]+=[^\s,]+)*$/.test(value)) return value;
  throw new InputError(
    "sbom",
    value,
    "accepted: false, true (an SBOM attestation per platform), or buildx SBOM attributes such as generator=IMAGE"
  );
}
function readBuildSettings(get, read, context, env = process.env, share) {
  const list = (name, o) => parseList(name, get(name), o);
  const cacheList = (name) => {
    const entries = list(name, { ignoreComma: true });
    for (const e of entries)
      if (!cacheType(e))
        throw new InputError(
          name,
          redactCacheEntry(e),
          "accepted: type=registry|local|inline|gha|s3|azblob and its fields, or an image reference"
        );
    return entries;
  };
  const given = { from: cacheList("cache-from"), to: cacheList("cache-to") };
  const cache = share ? withMatrixScope(given, ghaScope(share)) : given;
  const token = read("github-token").trim();
  const secrets = list("secrets", { ignoreComma: true }).map((line) => {
    const [id, value] = idAnd("secrets", line, "value", true);
    return { id, value };
  });
  const secretEnvs = list("secret-envs").map((line) => {
    const [id, name] = idAnd("secret-envs", line, "ENV_NAME");
    if (env[name] === void 0)
      throw new InputError("secret-envs", line, `accepted: id=ENV_NAME of a variable set in the step's environment (${name} is not)`);
    return { id, env: name };
  });
  const secretFiles = list("secret-files", { ignoreComma: true }).map((line) => {
    const [id, path] = idAnd("secret-files", line, "path");
    if (!existsSync(path) || !statSync(path).isFile()) throw new InputError("secret-files", line, "accepted: id=path of a file that exists");
    return { id, path };
  });
  const gitHost = githubHost(env);
  const gitToken = token && isGitUrlOn(context, gitHost) && !secrets.some((s) => /^GIT_AUTH_TOKEN(\.|$)/.test(s.id));
  return {
    addHosts: matching("add-hosts", list("add-hosts"), /^[^\s:=]+[:=][0-9a-fA-F.:]+$/, "host:ip (or host=ip) items"),
    allow: matching("allow", list("allow"), /^(network\.host|security\.insecure)$/, "network.host, security.insecure"),
    buildContexts: matching(
      "build-contexts",
      list("build-contexts", { ignoreComma: true }),
      /^[^\s=]+=\S+$/,
      "name=path-or-reference items"
    ),
    cacheFrom: cache.from,
    cacheTo: cache.to,
    network: optionalMatching("network", get("network"), /^[A-Za-z0-9][A-Za-z0-9._-]*$/, "default, none, host, or a network name"),
    noCache: parseBoolean("no-cache", get("no-cache")),
    noCacheFilters: matching("no-cache-filters", list("no-cache-filters"), /^[A-Za-z0-9][A-Za-z0-9._-]*$/, "build stage names"),
    pull: parseBoolean("pull", get("pull")),
    sbom: parseSbom(get("sbom")),
    secrets: gitToken ? [...secrets, { id: `GIT_AUTH_TOKEN.${gitHost}`, value: token }] : secrets,
    secretEnvs,
    secretFiles,
    shmSize: optionalMatching("shm-size", get("shm-size"), /^\d+(\.\d+)?[bkmgBKMG]?$/, "a size such as 2g or 512m"),
    ssh: matching("ssh", list("ssh"), /^[A-Za-z0-9][A-Za-z0-9._-]*(=\S+)?$/, "default, or id=path items (an agent socket or keys)"),
    ulimit: matching(
      "ulimit",
      list("ulimit", { ignoreComma: true }),
      /^[a-z]+=-?\d+(:-?\d+)?$/,
      "type=soft[:hard] items such as nofile=1024:1024"
    )
  };
}
function optionalMatching(input, value, pattern, accepted) {
  if (value === "") return void 0;
  if (!pattern.test(value)) throw new InputError(input, value, `accepted: ${accepted}`);
  return value;
}
function githubHost(env) {
  try {
    return new URL(env.GITHUB_SERVER_URL || "https://github.com").host;
  } catch {
    return "github.com";
  }
}
function isGitUrlOn(context, host) {
  try {
    return /^https?:$/.test(new URL(context).protocol) && new URL(context).host === host;
  } catch {
    return false;
  }
}

// src/inputs/inputs.ts
var readInput = (name) => getInput(name);
function withDefaults(read) {
  return (name) => read(name).trim() || (ACTION_DEFAULTS[name] ?? "");
}
function getInputs(read = readInput) {
  const get = withDefaults(read);
  const password = read("password");
  if (password) setSecret(password);
  maskBuildSecrets(read);
  const platforms = parsePlatforms(get("platforms"));
  const qemu = parseQemuVersions(get("qemu-version"), platforms, ACTION_DEFAULTS["qemu-version"]);
  return {
    platforms,
    qemuVersion: qemu.all,
    qemuVersionFor: qemu.byPlatform,
    qemuMirror: parseMirror(get("qemu-mirror")),
    binfmtFlags: parseBinfmtFlags(get("binfmt-flags")),
    cache: parseBoolean("cache", get("cache")),
    ...buildInputs(get, read, password, platforms)
  };
}
function getCredentials(read = readInput) {
  const password = read("password");
  if (password) setSecret(password);
  const username = read("username").trim();
  return { image: parseImage(read("image").trim()), credentials: username && password ? { username, password } : void 0 };
}
var BUILD_ONLY = [
  "tags",
  "file",
  "build-args",
  "target",
  "labels",
  "annotations",
  "test",
  "username",
  "password",
  "builder",
  "build",
  "mode",
  "add-hosts",
  "allow",
  "build-contexts",
  "cache-from",
  "cache-to",
  "network",
  "no-cache",
  "no-cache-filters",
  "pull",
  "sbom",
  "secrets",
  "secret-envs",
  "secret-files",
  "shm-size",
  "ssh",
  "ulimit",
  "verify-arch-ignore"
];
function buildInputs(get, read, password, platforms) {
  const imageText = get("image");
  const push = parseBoolean("push", get("push"));
  const verifyArch = parseBoolean("verify-arch", get("verify-arch"));
  const verifyArchIgnore = parseArchIgnore(get("verify-arch-ignore"));
  const provenance = parseProvenance(get("provenance"));
  if (imageText === "") {
    const stray = BUILD_ONLY.find((name) => get(name) !== ACTION_DEFAULTS[name]) ?? (push ? "push" : provenance ? "provenance" : void 0);
    if (stray)
      throw new InputError("image", "", `accepted: an image name such as ghcr.io/acme/app; it is required when "${stray}" is given`);
    return {};
  }
  const image = parseImage(imageText);
  const username = get("username");
  if (username === "" !== (password === "")) {
    throw new InputError(
      username ? "password" : "username",
      "",
      "accepted: username and password given together, or neither (then the docker config credentials are used)"
    );
  }
  const context = parseContext(get("context"));
  const shareMode = shareAndMode(get("build"), get("mode"), platforms);
  return {
    build: {
      image,
      tags: parseTags(get("tags"), image),
      context,
      file: optional(get("file"), parseFile),
      buildArgs: parseKeyValues("build-args", get("build-args")),
      target: optional(get("target"), (v) => parseName("target", v)),
      labels: parseKeyValues("labels", get("labels")),
      annotations: parseAnnotations(get("annotations"), platforms),
      test: optional(get("test"), (v) => v),
      push,
      credentials: username ? { username, password } : void 0,
      verifyArch,
      verifyArchIgnore,
      provenance,
      builder: optional(get("builder"), (v) => parseName("builder", v)),
      ...shareMode,
      settings: readBuildSettings(get, read, context, process.env, shareMode.share)
    }
  };
}
function shareAndMode(buildText, modeText, platforms) {
  if (modeText !== "auto" && modeText !== "stage" && modeText !== "merge") {
    throw new InputError(
      "mode",
      modeText,
      "accepted: auto (publish once every platform is there), stage (only stage this job's share, for a merge job) or merge (publish what the run staged)"
    );
  }
  const mode = modeText;
  if (mode === "stage" && buildText === "")
    throw new InputError("build", "", "accepted: this job's share of platforms; mode: stage needs it");
  if (buildText === "") return { mode };
  if (mode === "merge") throw new InputError("build", buildText, "accepted: nothing with mode: merge, which builds no platform");
  let share;
  try {
    share = parsePlatformList(buildText);
  } catch {
    share = [];
  }
  const all = new Set(platforms.map(formatPlatform));
  const outside = share.map(formatPlatform).filter((p) => !all.has(p));
  if (share.length === 0 || outside.length > 0) {
    throw new InputError(
      "build",
      buildText,
      `accepted: this job's share of platforms (${[...all].join(", ")}), such as \${{ matrix.platform }}`
    );
  }
  return { share, mode };
}

// src/coordination/cache-service.ts
var SERVICE = "github.actions.results.api.v1.CacheService";
var RECORD_VERSION = sha256Hex("archway-matrix-record-1");
var TIMEOUT_MS = 3e4;
function cacheServiceOf(env) {
  const url = env.ACTIONS_RESULTS_URL;
  const token = env.ACTIONS_RUNTIME_TOKEN;
  if (!env.ACTIONS_CACHE_SERVICE_V2)
    return {
      why: env.ACTIONS_CACHE_URL ? "only the older cache service (ACTIONS_CACHE_URL) is given" : "ACTIONS_CACHE_SERVICE_V2 is not set"
    };
  if (!url) return { why: "ACTIONS_RESULTS_URL is not set" };
  if (!token) return { why: "ACTIONS_RUNTIME_TOKEN is not set" };
  return { access: { url, token } };
}
var CacheServiceError = class extends ArchwayError {
  constructor(call, status, detail, options) {
    super(`the Actions cache service's ${call} failed: ${oneLine(detail)}`, options);
    this.call = call;
    this.status = status;
  }
  call;
  status;
};
var retryable = (err2) => err2 instanceof CacheServiceError ? err2.status === void 0 ? isRetryableNetworkError(err2.cause) : RETRYABLE_STATUSES.has(err2.status) : isRetryableNetworkError(err2);
async function send(call, url, init) {
  let res;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err2) {
    const cause = err2.cause ?? err2;
    throw new CacheServiceError(
      call,
      void 0,
      err2 instanceof Error ? `${err2.message} (${cause.message ?? cause})` : String(err2),
      {
        cause
      }
    );
  }
  return { status: res.status, text: await res.text() };
}
async function twirp(access, method, body) {
  return withRetry(
    access.retry ?? retryPolicyFromEnv(),
    async () => {
      const url = new URL(`/twirp/${SERVICE}/${method}`, access.url).href;
      const { status, text } = await send(method, url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${access.token}` },
        body: JSON.stringify(body)
      });
      let parsed = {};
      try {
        parsed = JSON.parse(text || "{}");
      } catch {
        if (status < 300) throw new CacheServiceError(method, status, `the answer is not JSON: ${text.slice(0, 80)}`);
      }
      if (status >= 300)
        throw new CacheServiceError(
          method,
          status,
          `HTTP ${status} ${String(parsed.code ?? "")} ${String(parsed.msg ?? text.slice(0, 80))}`.trim()
        );
      return parsed;
    },
    { retryable }
  );
}
var field = (o, proto) => o[proto] ?? o[proto.replace(/_([a-z])/g, (_, c) => c.toUpperCase())];
async function lookupKey(access, key, restoreKeys) {
  const answer = await twirp(access, "GetCacheEntryDownloadURL", { key, restore_keys: restoreKeys, version: RECORD_VERSION });
  if (!answer.ok) return void 0;
  const matched = field(answer, "matched_key");
  return typeof matched === "string" && matched !== "" ? matched : void 0;
}
async function createEntry(access, key, content) {
  let created;
  try {
    created = await twirp(access, "CreateCacheEntry", { key, version: RECORD_VERSION });
  } catch (err2) {
    if (err2 instanceof CacheServiceError && err2.status === 409) return "exists";
    throw err2;
  }
  const upload = field(created, "signed_upload_url");
  if (!created.ok || typeof upload !== "string")
    throw new CacheServiceError("CreateCacheEntry", 200, String(created.message ?? "the service refused the entry"));
  await withRetry(
    access.retry ?? retryPolicyFromEnv(),
    async () => {
      const { status, text } = await send("upload", upload, {
        method: "PUT",
        headers: { "x-ms-blob-type": "BlockBlob", "content-type": "application/octet-stream" },
        body: new Uint8Array(content)
      });
      if (status !== 201 && status !== 200) throw new CacheServiceError("upload", status, `HTTP ${status} ${text.slice(0, 120)}`);
    },
    { retryable }
  );
  try {
    const done = await twirp(access, "FinalizeCacheEntryUpload", { key, version: RECORD_VERSION, size_bytes: String(content.length) });
    if (!done.ok) throw new CacheServiceError("FinalizeCacheEntryUpload", 200, String(done.message ?? "the service refused to finalize"));
  } catch (err2) {
    if (err2 instanceof CacheServiceError && err2.status === 409) return "exists";
    throw err2;
  }
  return "created";
}

// src/coordination/records.ts
function releaseKey(runId, tags, platforms) {
  const what = `${[...tags].sort().join(",")}
${platforms.map(formatPlatform).sort().join(",")}`;
  return `${runId}-${sha256Hex(what).slice(0, 12)}`;
}
var KEY_MAX_LENGTH = 512;
var ATTEMPTS_PER_LOOKUP = 4;
var MEDIA_CODES = { oci: MediaType.OciManifest, docker: MediaType.DockerManifest };
function platformPrefix(release, platform) {
  return `archway-matrix-${release}-${dashedPlatform(platform)}-`;
}
var attemptPrefix = (release, platform, attempt) => `${platformPrefix(release, platform)}a${attempt}-`;
function recordKey(release, r) {
  const at = attemptPrefix(release, r.platform, r.attempt);
  let key;
  if (r.state === "started") key = `${at}started`;
  else {
    const code = Object.keys(MEDIA_CODES).find((c) => MEDIA_CODES[c] === r.image.mediaType);
    const hex = /^sha256:([0-9a-f]{64})$/.exec(r.image.digest)?.[1];
    if (!code || !hex || !Number.isSafeInteger(r.image.size) || r.image.size < 0)
      throw new ArchwayError(`cannot record ${formatPlatform(r.platform)}'s image ${r.image.mediaType} ${r.image.digest} ${r.image.size}`);
    key = `${at}done-${code}-${hex}-${r.image.size}`;
  }
  if (key.length > KEY_MAX_LENGTH || key.includes(","))
    throw new ArchwayError(`the record key ${key} is longer than ${KEY_MAX_LENGTH} characters or has a comma`);
  return key;
}
function parseRecordKey(key, release, platform) {
  const prefix = platformPrefix(release, platform);
  if (!key.startsWith(prefix)) return void 0;
  const m = /^a([1-9]\d{0,5})-(?:(started)|done-([a-z]+)-([0-9a-f]{64})-(0|[1-9]\d{0,14}))$/.exec(key.slice(prefix.length));
  if (!m) return void 0;
  const attempt = Number(m[1]);
  if (m[2]) return { state: "started", platform, attempt };
  const mediaType = MEDIA_CODES[m[3]];
  if (!mediaType) return void 0;
  return { state: "done", platform, attempt, image: { mediaType, digest: `sha256:${m[4]}`, size: Number(m[5]) } };
}
function lookupPlan(release, platform, attempt) {
  if (!Number.isInteger(attempt) || attempt < 1) throw new ArchwayError(`bad run attempt ${attempt}`);
  const plan = [];
  for (let top = attempt; top >= 1; top -= ATTEMPTS_PER_LOOKUP) {
    const attempts = Array.from({ length: Math.min(ATTEMPTS_PER_LOOKUP, top) }, (_, i) => top - i);
    plan.push({
      key: `${attemptPrefix(release, platform, top)}lookup`,
      restoreKeys: attempts.flatMap((a) => [`${attemptPrefix(release, platform, a)}done-`, `${attemptPrefix(release, platform, a)}started`])
    });
  }
  return plan;
}
function verdictOf(platform, records) {
  const own = records.filter((r) => formatPlatform(r.platform) === formatPlatform(platform));
  if (own.length === 0) return { platform, waiting: "not staged" };
  const latest = Math.max(...own.map((r) => r.attempt));
  const done = own.find((r) => r.attempt === latest && r.state === "done");
  if (done?.state === "done") return { platform, image: done.image, attempt: latest };
  return { platform, attempt: latest, waiting: "started, not done" };
}
function attemptOf(text) {
  if (text === void 0 || text === "") return 1;
  if (!/^[1-9]\d{0,5}$/.test(text)) throw new ArchwayError(`GITHUB_RUN_ATTEMPT is ${text}, not a run attempt number`);
  return Number(text);
}

// src/coordination/cache-store.ts
var CacheRecords = class {
  constructor(access, release) {
    this.access = access;
    this.release = release;
  }
  access;
  release;
  /** Each record's entry holds the record as JSON, for whoever looks; only its key is ever read. */
  async write(records) {
    await mapLimit(
      records,
      4,
      (r) => createEntry(this.access, recordKey(this.release, r), Buffer.from(JSON.stringify({ ...r, platform: formatPlatform(r.platform) })))
    );
  }
  async read(platforms, attempt) {
    return mapLimit(platforms, 8, async (platform) => {
      for (const lookup2 of lookupPlan(this.release, platform, attempt)) {
        const key = await lookupKey(this.access, lookup2.key, lookup2.restoreKeys);
        if (key === void 0) continue;
        const record = parseRecordKey(key, this.release, platform);
        if (!record) throw new ArchwayError(`the Actions cache holds ${key}, which is not a record of ${formatPlatform(platform)}`);
        return verdictOf(platform, [record]);
      }
      return verdictOf(platform, []);
    });
  }
};

// src/coordination/registry-store.ts
var A = {
  attempt: "io.archway.attempt",
  platform: "io.archway.platform",
  release: "io.archway.release",
  state: "io.archway.state"
};
function stageTag(release, platform) {
  return `archway-stage-${release}-${dashedPlatform(platform)}`;
}
function stageManifest(release, r) {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      artifactType: MediaType.ArchwayStage,
      config: EMPTY_DESCRIPTOR,
      layers: [EMPTY_DESCRIPTOR],
      ...r.state === "done" ? { subject: { mediaType: r.image.mediaType, digest: r.image.digest, size: r.image.size } } : {},
      annotations: { [A.attempt]: String(r.attempt), [A.platform]: formatPlatform(r.platform), [A.release]: release, [A.state]: r.state }
    })
  );
}
function readStageManifest(bytes, release) {
  try {
    const doc = JSON.parse(bytes.toString());
    const a = doc.annotations ?? {};
    const platform = parsePlatform(a[A.platform] ?? "");
    const attempt = /^[1-9]\d{0,5}$/.test(a[A.attempt] ?? "") ? Number(a[A.attempt]) : void 0;
    if (doc.artifactType !== MediaType.ArchwayStage || a[A.release] !== release || !platform || !attempt) return void 0;
    if (a[A.state] === "started" && !doc.subject) return { state: "started", platform, attempt };
    const s = doc.subject;
    if (a[A.state] !== "done" || !s) return void 0;
    return { state: "done", platform, attempt, image: { mediaType: s.mediaType, digest: s.digest, size: s.size } };
  } catch {
    return void 0;
  }
}
var RegistryRecords = class {
  constructor(client, repository, release) {
    this.client = client;
    this.repository = repository;
    this.release = release;
  }
  client;
  repository;
  release;
  /** The staging manifests the last read found, for the clean-up. */
  found = [];
  async write(records) {
    await this.client.pushBlob(this.repository, EMPTY_DESCRIPTOR.digest, EMPTY_JSON);
    await mapLimit(
      records,
      8,
      (r) => this.client.putManifest(this.repository, stageTag(this.release, r.platform), stageManifest(this.release, r), MediaType.OciManifest)
    );
  }
  async read(platforms) {
    const found = [];
    const verdicts = await mapLimit(platforms, 8, async (platform) => {
      const tag = stageTag(this.release, platform);
      const m = await this.client.getManifest(this.repository, tag).catch((err2) => {
        if (err2 instanceof RegistryError && err2.status === 404) return void 0;
        throw err2;
      });
      const record = m && readStageManifest(m.bytes, this.release);
      if (!m || !record || formatPlatform(record.platform) !== formatPlatform(platform)) return verdictOf(platform, []);
      found.push({ tag, digest: m.digest, bytes: m.bytes });
      return verdictOf(platform, [record]);
    });
    this.found = found;
    return verdicts;
  }
  /**
   * Deletes the staging manifests read, and with them their tags, and the started records of
   * `platforms` up to `attempt` (untagged once done replaced them); false where the registry
   * does not delete. One at a time, then a check: the distribution registry can answer a DELETE
   * that races another change to the repository's tags with an error after removing the
   * manifest but not its tag, so a staging tag still listed is put back and deleted again.
   */
  async cleanUp(platforms, attempt) {
    const mine = this.found;
    for (const m of mine) {
      if (await this.client.deleteManifest(this.repository, m.digest).catch(() => void 0) === false) return false;
    }
    for (const platform of platforms)
      for (let a = 1; a <= attempt; a++) {
        const digest = digestOf(stageManifest(this.release, { state: "started", platform, attempt: a }));
        await this.client.deleteManifest(this.repository, digest).catch(() => void 0);
      }
    const listed = new Set(await this.client.listTags(this.repository).catch(() => []));
    for (const m of mine.filter((x) => listed.has(x.tag))) {
      await this.client.putManifest(this.repository, m.digest, m.bytes, MediaType.OciManifest).then(() => this.client.deleteManifest(this.repository, m.digest)).catch(() => void 0);
    }
    if (!mine.some((m) => listed.has(m.tag))) return true;
    const still = new Set(await this.client.listTags(this.repository).catch(() => mine.map((m) => m.tag)));
    return !mine.some((m) => still.has(m.tag));
  }
};

// src/coordination/store.ts
function chooseStore(env, place) {
  const service = cacheServiceOf(env);
  if ("access" in service)
    return {
      kind: "actions-cache",
      line: "Matrix records: this run's Actions cache (nothing of the coordination is written to the registry)"
    };
  return {
    kind: "registry",
    line: `Matrix records: staging tags in ${place.registry}/${place.repository}, since the Actions cache service is not available (${service.why}); they are deleted after publishing where the registry allows it`
  };
}
async function openStore(kind, release, place, client, env = process.env) {
  if (kind === "actions-cache") {
    const service = cacheServiceOf(env);
    if (!("access" in service)) throw new ArchwayError(`the matrix's records are in the Actions cache, and ${service.why} in this step`);
    const records2 = new CacheRecords(service.access, release);
    return {
      kind,
      where: "this run's Actions cache",
      write: (r) => records2.write(r),
      read: (p, a) => records2.read(p, a),
      cleanUp: async () => "The records stay in this run's Actions cache until GitHub evicts them; the registry holds nothing of them"
    };
  }
  const records = new RegistryRecords(await client(), place.repository, release);
  return {
    kind,
    where: `${place.registry}/${place.repository}`,
    write: (r) => records.write(r),
    read: (p) => records.read(p),
    cleanUp: async (p, a) => await records.cleanUp(p, a) ? "Deleted the staging tags" : "The registry does not delete the staging tags (archway-stage-*); they point at small artifacts, not at the images"
  };
}

// src/registry/blob-upload.ts
import { stat as stat3 } from "node:fs/promises";

// src/registry/auth.ts
var TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;
function parseChallenges(value) {
  if (value === void 0) return [];
  if (typeof value !== "string") return value.flatMap((v) => parseChallenges(v));
  const s = value;
  let i = 0;
  const skip = (chars) => {
    while (i < s.length && chars.test(s[i])) i++;
  };
  const token = () => {
    const start = i;
    while (i < s.length && TOKEN.test(s[i])) i++;
    return s.slice(start, i);
  };
  const paramAhead = () => {
    const save2 = i;
    const name = token();
    skip(/[ \t]/);
    const yes = name !== "" && s[i] === "=";
    i = save2;
    return yes;
  };
  const challenges = [];
  while (i < s.length) {
    skip(/[ \t,]/);
    const scheme = token();
    if (scheme === "") {
      i++;
      continue;
    }
    const params = {};
    skip(/[ \t]/);
    while (i < s.length && paramAhead()) {
      const name = token().toLowerCase();
      skip(/[ \t]/);
      i++;
      skip(/[ \t]/);
      let val = "";
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === "\\" && i + 1 < s.length) i++;
          val += s[i++];
        }
        i++;
      } else {
        val = token();
      }
      params[name] = val;
      skip(/[ \t]/);
      if (s[i] !== ",") break;
      i++;
      skip(/[ \t,]/);
    }
    challenges.push({ scheme: scheme.toLowerCase(), params });
  }
  return challenges;
}
function basicAuthorization(c) {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString("base64")}`;
}
function repositoryScope(repository, actions) {
  return `repository:${repository}:${actions}`;
}
var RegistryAuth = class {
  constructor(o) {
    this.o = o;
    this.basic = o.credentials ? basicAuthorization(o.credentials) : void 0;
    if (o.credentials) o.secrets.add(o.credentials.password).add(this.basic.slice("Basic ".length));
  }
  o;
  challenge;
  tokens = /* @__PURE__ */ new Map();
  basic;
  /** The Authorization value for a request needing `scopes`, before any 401: none until a challenge was seen. */
  async authorization(scopes) {
    const c = this.challenge;
    if (!c) return void 0;
    if (c.scheme === "basic") return this.basic;
    return `Bearer ${(await this.token(c, scopes, false)).token}`;
  }
  /**
   * Reads the challenge of a 401 answer to a request that carried `sent`; returns the
   * Authorization to send the request once more with, or undefined when another try cannot
   * help (no credentials for Basic, the same credentials or token refused again).
   */
  async challenged(res, scopes, sent) {
    const challenges = parseChallenges(res.headers["www-authenticate"]);
    const bearer = challenges.find((c) => c.scheme === "bearer" && c.params.realm);
    if (bearer) {
      this.challenge = bearer;
      const asked = bearer.params.scope ? bearer.params.scope.split(" ") : [];
      const wanted = [...scopes, ...asked.filter((a) => a !== "" && !covered(a, scopes))];
      const fresh = await this.reusable(wanted, sent) ?? `Bearer ${(await this.token(bearer, wanted, true)).token}`;
      if (wanted.length !== scopes.length) this.tokens.set(scopeKey(scopes), this.tokens.get(scopeKey(wanted)));
      return fresh === sent ? void 0 : fresh;
    }
    if (challenges.some((c) => c.scheme === "basic") && this.basic) {
      this.challenge = { scheme: "basic", params: {} };
      return sent === this.basic ? void 0 : this.basic;
    }
    return void 0;
  }
  /** A token for `scopes` that is fetched or being fetched, still valid, and not the one just refused. */
  async reusable(scopes, refused) {
    const t = await this.tokens.get(scopeKey(scopes))?.catch(() => void 0);
    if (!t || t.expiresAt <= (this.o.now ?? Date.now)()) return void 0;
    const value = `Bearer ${t.token}`;
    return value === refused ? void 0 : value;
  }
  token(c, scopes, renew) {
    const key = scopeKey(scopes);
    const now = this.o.now ?? Date.now;
    const cached = this.tokens.get(key);
    if (cached && !renew) {
      return cached.then((t) => t.expiresAt > now() ? t : this.token(c, scopes, true));
    }
    const pending = this.fetchToken(c, scopes);
    this.tokens.set(key, pending);
    pending.catch(() => {
      if (this.tokens.get(key) === pending) this.tokens.delete(key);
    });
    return pending;
  }
  async fetchToken(c, scopes) {
    let realm;
    try {
      realm = new URL(c.params.realm);
    } catch (cause) {
      throw new RegistryError({
        method: "GET",
        url: this.o.registry,
        cause: new Error(`the token realm "${c.params.realm}" is not a URL`, { cause })
      });
    }
    if (realm.protocol !== "https:" && realm.protocol !== "http:") {
      throw new RegistryError({ method: "GET", url: realm, cause: new Error(`the token realm is not http(s)`) });
    }
    if (c.params.service) realm.searchParams.set("service", c.params.service);
    for (const s of scopes) realm.searchParams.append("scope", s);
    const headers = {};
    if (this.basic) {
      const safe = realm.protocol === "https:" || realm.host === this.o.registry.host || isInsecureRegistry(realm.host);
      if (!safe) {
        throw new RegistryError({
          method: "GET",
          url: realm,
          cause: new Error(`refusing to send the credentials for ${this.o.registry.host} to a plain-HTTP token realm on ${realm.host}`)
        });
      }
      headers.authorization = this.basic;
    }
    const res = await this.o.get(realm, headers);
    const secrets = this.o.secrets;
    if (res.status !== 200) {
      throw new RegistryError({ method: "GET", url: realm, status: res.status, codes: parseErrorBody(res.body), secrets });
    }
    let answer;
    try {
      answer = JSON.parse(res.body.toString());
    } catch {
      answer = {};
    }
    const token = typeof answer.token === "string" && answer.token ? answer.token : typeof answer.access_token === "string" ? answer.access_token : "";
    if (!token) throw new RegistryError({ method: "GET", url: realm, status: res.status, text: "the answer holds no token", secrets });
    secrets.add(token);
    const lifetime = typeof answer.expires_in === "number" && answer.expires_in > 0 ? answer.expires_in : 60;
    this.o.log?.(`Got a token for ${scopes.join(" ") || "the registry"} from ${realm.host} (valid ${lifetime} s)`);
    return { token, expiresAt: (this.o.now ?? Date.now)() + lifetime * 1e3 - Math.min(1e4, lifetime * 1e3 / 2) };
  }
};
function covered(scope, scopes) {
  const split = (s) => [s.slice(0, s.lastIndexOf(":")), s.slice(s.lastIndexOf(":") + 1).split(",")];
  const [resource, actions] = split(scope);
  return scopes.some((s) => {
    const [r, a] = split(s);
    return r === resource && actions.every((x) => a.includes(x));
  });
}
function scopeKey(scopes) {
  return [...scopes].sort().join(" ");
}

// src/registry/blobs.ts
import { rm } from "node:fs/promises";
async function blobExists(api, repo, digest) {
  validateRepository(repo);
  validateDigest(digest);
  return checkExistingBlob(api, repo, digest, [repositoryScope(repo, "pull")]);
}
async function getBlob(api, repo, digest) {
  validateRepository(repo);
  validateDigest(digest);
  const res = await api.call({ method: "GET", url: api.url(`/v2/${repo}/blobs/${digest}`), scopes: [repositoryScope(repo, "pull")] });
  if (res.status !== 200) throw api.error("GET", res);
  const actual = digestOf(res.body, algorithmOf(digest));
  if (actual !== digest) throw new VerificationError(`Blob ${repo}@${digest} from ${api.registry} has the digest ${actual}: refused`);
  return res.body;
}
async function downloadBlob(api, repo, digest, size2, path) {
  validateRepository(repo);
  validateDigest(digest);
  const res = await api.call({
    method: "GET",
    url: api.url(`/v2/${repo}/blobs/${digest}`),
    scopes: [repositoryScope(repo, "pull")],
    saveTo: { path, algorithm: algorithmOf(digest) }
  });
  if (res.status !== 200 || !res.saved) throw api.error("GET", res);
  if (res.saved.digest !== digest || res.saved.size !== size2) {
    await rm(path, { force: true });
    throw new VerificationError(
      `Blob ${repo}@${digest} from ${api.registry} has ${res.saved.size} bytes (${size2} expected) with the digest ${res.saved.digest}: refused`
    );
  }
}
async function checkExistingBlob(api, repo, digest, scopes) {
  const res = await api.call({ method: "HEAD", url: api.url(`/v2/${repo}/blobs/${digest}`), scopes });
  if (res.status === 200) return true;
  if (res.status === 404) return false;
  throw api.error("HEAD", res);
}

// src/registry/transport.ts
import { createHash as createHash3 } from "node:crypto";
import { createReadStream as createReadStream2, createWriteStream } from "node:fs";
import { stat as stat2 } from "node:fs/promises";
import * as http from "node:http";
import * as https from "node:https";
import { Transform as Transform2 } from "node:stream";
import { pipeline as pipeline2 } from "node:stream/promises";
var DEFAULT_TIMEOUT_MS = 3e4;
var MAX_REDIRECTS = 5;
var TransportError = class extends ArchwayError {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
  code;
};
function bodySize(body) {
  return body === void 0 ? 0 : Buffer.isBuffer(body) ? body.length : body.size;
}
function header(res, name) {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
function sameOrigin(a, b) {
  return a.origin === b.origin;
}
async function send2(request, options = {}) {
  const { url, method, body } = request;
  const client = url.protocol === "https:" ? https : url.protocol === "http:" ? http : void 0;
  if (!client) throw new TransportError(`${url.protocol} is not http: or https:`, "EPROTOCOL");
  if (body !== void 0 && !Buffer.isBuffer(body)) {
    const size2 = (await stat2(body.path)).size;
    if (size2 < (body.offset ?? 0) + body.size) {
      throw new TransportError(`${body.path} has ${size2} bytes, fewer than the ${(body.offset ?? 0) + body.size} to send`, "ESHORTFILE");
    }
  }
  const headers = { ...request.headers };
  if (body !== void 0 || !["GET", "HEAD", "DELETE"].includes(method)) headers["content-length"] = String(bodySize(body));
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const readTimeoutMs = options.readTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err2, res) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      if (err2) reject(err2);
      else resolve(res);
    };
    const req = client.request(url, { method, headers });
    const connectTimer = setTimeout(
      () => req.destroy(new TransportError(`no connection to ${url.host} within ${connectTimeoutMs} ms`, "ETIMEDOUT")),
      connectTimeoutMs
    );
    req.on("socket", (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer);
      else socket.once(url.protocol === "https:" ? "secureConnect" : "connect", () => clearTimeout(connectTimer));
    });
    req.setTimeout(readTimeoutMs, () => req.destroy(new TransportError(`${url.host} was silent for ${readTimeoutMs} ms`, "ETIMEDOUT")));
    req.on("error", (err2) => finish(err2));
    req.on("response", (res) => {
      clearTimeout(connectTimer);
      if (request.saveTo && res.statusCode === 200) {
        save(res, request.saveTo).then(
          (saved) => finish(void 0, { status: 200, headers: res.headers, body: Buffer.alloc(0), url, saved }),
          (err2) => finish(err2)
        );
        return;
      }
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("error", (err2) => finish(err2));
      res.on("close", () => {
        if (!res.complete) finish(Object.assign(new Error("the connection closed before the whole answer arrived"), { code: "ECONNRESET" }));
      });
      res.on("end", () => finish(void 0, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), url }));
    });
    if (body === void 0 || bodySize(body) === 0) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else {
      const offset = body.offset ?? 0;
      const stream = createReadStream2(body.path, { start: offset, end: offset + body.size - 1 });
      stream.on("error", (err2) => req.destroy(err2));
      stream.pipe(req);
    }
  });
}
async function save(res, to) {
  const hash = createHash3(to.algorithm);
  let size2 = 0;
  const hashing = new Transform2({
    transform(chunk, _encoding, done) {
      hash.update(chunk);
      size2 += chunk.length;
      done(null, chunk);
    }
  });
  await pipeline2(res, hashing, createWriteStream(to.path));
  if (!res.complete) throw Object.assign(new Error("the connection closed before the whole answer arrived"), { code: "ECONNRESET" });
  return { size: size2, digest: `${to.algorithm}:${hash.digest("hex")}` };
}
var REDIRECTS = /* @__PURE__ */ new Set([301, 302, 303, 307, 308]);
async function sendFollowingRedirects(request, options = {}) {
  const origin = request.url;
  const max = options.maxRedirects ?? MAX_REDIRECTS;
  let current = { ...request, headers: lowerCaseKeys(request.headers ?? {}) };
  for (let hop = 0; ; hop++) {
    const res = await send2(current, options);
    const location = header(res, "location");
    if (!REDIRECTS.has(res.status) || location === void 0) return res;
    if (hop >= max) throw new TransportError(`more than ${max} redirects from ${origin.host}`, "EREDIRECTS");
    const next = new URL(location, current.url);
    if (options.sameOriginOnly && !sameOrigin(next, origin)) {
      throw new TransportError(`${origin.host} redirected ${current.method} to another host, ${next.host}: refused`, "ECROSSORIGIN");
    }
    let { method, body } = current;
    const headers = { ...current.headers };
    if (res.status === 303 && method !== "HEAD" || (res.status === 301 || res.status === 302) && method === "POST") {
      method = "GET";
      body = void 0;
      delete headers["content-type"];
    }
    if (!sameOrigin(next, origin)) delete headers.authorization;
    current = { ...current, method, url: next, headers, body };
  }
}
function lowerCaseKeys(headers) {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

// src/registry/blob-upload.ts
var OCTETS = { "content-type": "application/octet-stream" };
async function pushBlob(api, repo, digest, source, options, chunking) {
  validateRepository(repo);
  validateDigest(digest);
  const from = options.mountFrom !== void 0 && options.mountFrom !== repo ? validateRepository(options.mountFrom) : void 0;
  const size2 = await sourceSize(repo, digest, source);
  const scopes = [repositoryScope(repo, "pull,push"), ...from ? [repositoryScope(from, "pull")] : []];
  if (await checkExistingBlob(api, repo, digest, scopes)) {
    api.log(`Blob ${digest} is already in ${repo}`);
    return;
  }
  const upload = { repo, digest, scopes, from };
  let session;
  try {
    await withRetry(
      api.retryPolicy,
      async () => {
        if (session) {
          const state = await uploadStatus(api, upload, session, size2);
          if (state === "gone") {
            session = void 0;
            if (await checkExistingBlob(api, repo, digest, scopes)) {
              api.log(`Blob ${digest} is in ${repo}: the upload whose answer was lost committed it`);
              return;
            }
          } else if (state === "unknown") {
            await cancelUpload(api, upload, session);
            session = void 0;
          }
        }
        if (!session) {
          session = await initiateUpload(api, upload, chunking.size);
          if (!session) return;
        }
        const how = await streamBlob(api, upload, session, source, size2, chunking.threshold);
        session = void 0;
        api.log(`Blob ${digest} (${size2} bytes) uploaded to ${repo} in ${how}`);
      },
      { onRetry: (err2, n, wait) => api.log(`Upload of ${digest} to ${repo} goes on (retry ${n}) in ${wait} ms: ${errorMessage(err2)}`) }
    );
  } catch (err2) {
    if (session) await cancelUpload(api, upload, session);
    if (err2 instanceof RegistryError && await checkExistingBlob(api, repo, digest, scopes).catch(() => false)) return;
    throw err2;
  }
}
async function initiateUpload(api, u, chunkSize) {
  const pairs = u.from ? [
    ["mount", u.digest],
    ["from", u.from]
  ] : [];
  const start = withQuery(api.url(`/v2/${u.repo}/blobs/uploads/`), pairs);
  const res = await api.call({ method: "POST", url: start, scopes: u.scopes, retry: false });
  if (res.status === 201 && u.from) {
    api.log(`Blob ${u.digest} mounted into ${u.repo} from ${u.from}`);
    return void 0;
  }
  const least = Number(header(res, "oci-chunk-min-length"));
  return {
    location: api.location("POST", res, 202),
    chunkSize: Number.isSafeInteger(least) && least > chunkSize ? least : chunkSize,
    offset: 0,
    chunks: 0
  };
}
async function uploadStatus(api, u, s, size2) {
  const res = await api.call({ method: "GET", url: s.location, scopes: u.scopes });
  if (res.status === 404) {
    api.log(`Upload session of ${u.digest} is gone (${api.error("GET", res).message}): a new one is opened`);
    return "gone";
  }
  const offset = res.status === 204 ? rangeOffset(header(res, "range")) : void 0;
  if (offset === void 0 || offset > size2) {
    api.log(
      `Upload session of ${u.digest}: the registry's answer to GET gives no usable offset (${res.status}, Range ${header(res, "range")})`
    );
    return "unknown";
  }
  const location = header(res, "location");
  if (location) s.location = new URL(location, res.url);
  s.offset = offset;
  api.log(`Upload session of ${u.digest} holds ${offset} of ${size2} bytes: it goes on from there`);
  return "open";
}
function rangeOffset(range) {
  const m = /^(?:bytes=)?0-(\d+)$/.exec(range?.trim() ?? "");
  if (!m) return void 0;
  const last = Number(m[1]);
  return last === 0 ? 0 : last + 1;
}
async function streamBlob(api, u, s, source, size2, threshold) {
  if (s.offset === 0 && size2 <= threshold) {
    await commitBlob(api, u, s.location, source);
    return "one PUT";
  }
  while (s.offset < size2) {
    const offset = s.offset;
    const n = Math.min(s.chunkSize, size2 - offset);
    const body = Buffer.isBuffer(source) ? source.subarray(offset, offset + n) : { path: source.path, offset, size: n };
    const res = await api.call({
      method: "PATCH",
      url: s.location,
      scopes: u.scopes,
      retry: false,
      headers: { ...OCTETS, "content-range": `${offset}-${offset + n - 1}` },
      body
    });
    s.location = api.location("PATCH", res, 202);
    s.offset = offset + n;
    s.chunks++;
  }
  await commitBlob(api, u, s.location, void 0);
  return `${s.chunks} chunks`;
}
async function commitBlob(api, u, location, body) {
  const headers = body === void 0 ? void 0 : OCTETS;
  const res = await api.call({
    method: "PUT",
    url: withQuery(location, [["digest", u.digest]]),
    scopes: u.scopes,
    headers,
    body,
    retry: false
  });
  if (res.status !== 201) throw api.error("PUT", res);
}
async function cancelUpload(api, u, s) {
  try {
    const res = await api.call({ method: "DELETE", url: s.location, scopes: u.scopes, retry: false });
    api.log(`Upload session of ${u.digest} cancelled: ${res.status}`);
  } catch (err2) {
    api.log(`Upload session of ${u.digest} could not be cancelled: ${errorMessage(err2)}`);
  }
}
function withQuery(url, pairs) {
  const u = new URL(url);
  const text = pairs.map(([k, v]) => `${queryText(k)}=${queryText(v)}`).join("&");
  if (text) u.search = u.search ? `${u.search}&${text}` : `?${text}`;
  return u;
}
var queryText = (s) => encodeURIComponent(s).replace(/%3A/gi, ":").replace(/%2F/gi, "/");
async function sourceSize(repo, digest, source) {
  if (Buffer.isBuffer(source)) {
    const actual = digestOf(source, algorithmOf(digest));
    if (actual !== digest) throw new VerificationError(`Blob for ${repo}: the bytes given have the digest ${actual}, not ${digest}`);
    return source.length;
  }
  const { size: size2 } = await stat3(source.path);
  if (size2 !== source.size) throw new VerificationError(`Blob ${digest} for ${repo}: ${source.path} has ${size2} bytes, not ${source.size}`);
  return size2;
}

// src/registry/manifests.ts
var MANIFEST_ACCEPT = [MediaType.OciIndex, MediaType.OciManifest, MediaType.DockerManifestList, MediaType.DockerManifest].join(
  ", "
);
var GENERIC_TYPES = /* @__PURE__ */ new Set(["", "application/json", "application/octet-stream", "text/plain"]);
async function headManifest(api, repo, ref) {
  validateRepository(repo);
  validateManifestRef(ref);
  const res = await api.call({
    method: "HEAD",
    url: api.url(`/v2/${repo}/manifests/${ref}`),
    scopes: [repositoryScope(repo, "pull")],
    headers: { accept: MANIFEST_ACCEPT }
  });
  if (res.status === 404) return void 0;
  if (res.status !== 200) throw api.error("HEAD", res);
  const digest = header(res, "docker-content-digest");
  const size2 = Number(header(res, "content-length") ?? NaN);
  const mediaType = bareMediaType(header(res, "content-type"));
  if (digest && isDigest(digest) && Number.isInteger(size2) && mediaType && !GENERIC_TYPES.has(mediaType)) {
    if (isDigest(ref) && algorithmOf(digest) === algorithmOf(ref) && digest !== ref) {
      throw new VerificationError(`Manifest ${repo}@${ref} on ${api.registry}: the registry gives its digest as ${digest}`);
    }
    return { digest: isDigest(ref) ? ref : digest, mediaType, size: size2 };
  }
  const m = await getManifest(api, repo, ref);
  return { digest: m.digest, mediaType: m.mediaType, size: m.bytes.length };
}
async function getManifest(api, repo, ref) {
  validateRepository(repo);
  validateManifestRef(ref);
  const res = await api.call({
    method: "GET",
    url: api.url(`/v2/${repo}/manifests/${ref}`),
    scopes: [repositoryScope(repo, "pull")],
    headers: { accept: MANIFEST_ACCEPT }
  });
  if (res.status !== 200) throw api.error("GET", res);
  const algorithm = isDigest(ref) ? algorithmOf(ref) : "sha256";
  const digest = digestOf(res.body, algorithm);
  if (isDigest(ref) && digest !== ref) {
    throw new VerificationError(`Manifest ${repo}@${ref} from ${api.registry}: the bytes sent have the digest ${digest}: refused`);
  }
  const claimed = header(res, "docker-content-digest");
  if (claimed && algorithmOf(claimed) === algorithm && claimed !== digest) {
    throw new VerificationError(
      `Manifest ${repo}:${ref} from ${api.registry}: the registry names it ${claimed} but the bytes sent have the digest ${digest}: refused`
    );
  }
  return { bytes: res.body, mediaType: manifestMediaType(header(res, "content-type"), res.body), digest };
}
async function putManifest(api, repo, ref, bytes, mediaType) {
  validateRepository(repo);
  validateManifestRef(ref);
  if (!/^[\w.+-]+\/[\w.+-]+$/.test(mediaType)) throw new ArchwayError(`"${mediaType}" is not a media type (type/subtype)`);
  const digest = digestOf(bytes);
  if (isDigest(ref) && digestOf(bytes, algorithmOf(ref)) !== ref) {
    throw new VerificationError(`Manifest for ${repo}@${ref}: the bytes to send have the digest ${digestOf(bytes, algorithmOf(ref))}`);
  }
  const res = await api.call({
    method: "PUT",
    url: api.url(`/v2/${repo}/manifests/${ref}`),
    scopes: [repositoryScope(repo, "pull,push")],
    headers: { "content-type": mediaType },
    body: bytes,
    sameOriginOnly: true
  });
  if (![200, 201, 202].includes(res.status)) throw api.error("PUT", res);
  const claimed = header(res, "docker-content-digest");
  if (claimed && algorithmOf(claimed) === "sha256" && claimed !== digest) {
    throw new VerificationError(
      `Manifest ${repo}:${ref} on ${api.registry}: the registry stored it as ${claimed}, but the bytes sent have the digest ${digest}`
    );
  }
  api.log(`Manifest ${digest} (${mediaType}) is in ${repo}${isDigest(ref) ? "" : ` as ${ref}`}`);
  return digest;
}
async function deleteManifest(api, repo, digest) {
  validateRepository(repo);
  validateDigest(digest);
  const res = await api.call({
    method: "DELETE",
    url: api.url(`/v2/${repo}/manifests/${digest}`),
    scopes: [repositoryScope(repo, "delete")]
  });
  if ([200, 202, 204].includes(res.status)) return true;
  if (res.status === 405 || parseErrorBody(res.body).some((c) => c.code === "UNSUPPORTED")) return false;
  throw api.error("DELETE", res);
}
function bareMediaType(contentType) {
  return (contentType ?? "").split(";")[0].trim();
}
function manifestMediaType(contentType, bytes) {
  const type = bareMediaType(contentType);
  if (!GENERIC_TYPES.has(type)) return type;
  try {
    const field2 = JSON.parse(bytes.toString()).mediaType;
    return typeof field2 === "string" ? field2 : type;
  } catch {
    return type;
  }
}

// src/registry/referrers.ts
async function referrers(api, repo, digest, artifactType) {
  validateRepository(repo);
  validateDigest(digest);
  const url = api.url(`/v2/${repo}/referrers/${digest}`);
  if (artifactType !== void 0) url.searchParams.set("artifactType", artifactType);
  const found = [];
  for await (const page of api.pages(url, [repositoryScope(repo, "pull")], { accept: MediaType.OciIndex })) {
    const list = page.manifests;
    if (Array.isArray(list)) found.push(...list.filter(isDescriptor));
  }
  return artifactType === void 0 ? found : found.filter((d) => d.artifactType === artifactType);
}
function isDescriptor(d) {
  if (typeof d !== "object" || d === null) return false;
  const o = d;
  return typeof o.mediaType === "string" && typeof o.digest === "string" && typeof o.size === "number";
}

// src/registry/requests.ts
function nextLink(value) {
  if (!value) return void 0;
  for (const m of value.matchAll(/<([^>]*)>([^<]*)/g)) {
    if (/;\s*rel\s*=\s*(?:"[^"]*\bnext\b[^"]*"|next\b)/i.test(m[2])) return m[1];
  }
  return void 0;
}
var RegistryRequests = class {
  /** As given: `ghcr.io`, `127.0.0.1:5000`. */
  registry;
  /** `https://ghcr.io/`, `http://127.0.0.1:5000/`. */
  baseUrl;
  retryPolicy;
  log;
  auth;
  /** Passwords and tokens: scrubbed from every error message. */
  secrets = /* @__PURE__ */ new Set();
  transport;
  userAgent;
  constructor(options) {
    this.registry = validateRegistry(options.registry);
    const insecure = options.insecure ?? isInsecureRegistry(options.registry);
    this.baseUrl = new URL(`${insecure ? "http" : "https"}://${registryApiHost(options.registry)}/`);
    this.retryPolicy = options.retry ?? retryPolicyFromEnv();
    this.transport = { connectTimeoutMs: options.timeoutMs, readTimeoutMs: options.timeoutMs };
    this.userAgent = options.userAgent ?? "archway";
    this.log = options.log ?? (() => {
    });
    this.auth = new RegistryAuth({
      registry: this.baseUrl,
      credentials: options.credentials,
      secrets: this.secrets,
      log: this.log,
      get: (url, headers) => this.exchange({ method: "GET", url, scopes: [], headers }, void 0)
    });
  }
  /** GET /v2/: checks that the registry answers and, with credentials, that they are accepted. */
  async ping() {
    const res = await this.call({ method: "GET", url: this.url("/v2/"), scopes: [] });
    if (res.status !== 200) throw this.error("GET", res);
  }
  url(path) {
    return new URL(path, this.baseUrl);
  }
  /** The Location of an answer with the expected status, resolved against the URL that answered. */
  location(method, res, expected) {
    if (res.status !== expected) throw this.error(method, res);
    const loc = header(res, "location");
    if (!loc)
      throw new RegistryError({ method, url: res.url, status: res.status, text: "the answer has no Location", secrets: this.secrets });
    return new URL(loc, res.url);
  }
  /** Pages of a JSON list, following `Link: <...>; rel="next"`; nothing when the first page is a 404. */
  async *pages(first, scopes, headers) {
    const seen = /* @__PURE__ */ new Set();
    let url = first;
    while (url) {
      seen.add(url.href);
      const res = await this.call({ method: "GET", url, scopes, headers });
      if (res.status === 404 && url === first) return;
      if (res.status !== 200) throw this.error("GET", res);
      try {
        yield JSON.parse(res.body.toString());
      } catch (err2) {
        if (!(err2 instanceof SyntaxError)) throw err2;
        throw new RegistryError({ method: "GET", url: res.url, status: res.status, text: "the answer is not JSON", secrets: this.secrets });
      }
      const next = nextLink(header(res, "link"));
      url = next === void 0 ? void 0 : new URL(next, res.url);
      if (url && seen.has(url.href))
        throw new RegistryError({
          method: "GET",
          url,
          status: res.status,
          text: "the next page link goes round in a circle",
          secrets: this.secrets
        });
    }
  }
  /** A request with the registry's authentication: on a 401 from the registry, one more try with what its challenge asks for. */
  async call(c) {
    const own = sameOrigin(c.url, this.baseUrl);
    const sent = own ? await this.auth.authorization(c.scopes) : void 0;
    const res = await this.exchange(c, sent);
    if (!own || res.status !== 401 || !sameOrigin(res.url, this.baseUrl)) return res;
    const again = await this.auth.challenged(res, c.scopes, sent);
    return again === void 0 ? res : this.exchange(c, again);
  }
  error(method, res) {
    const codes = parseErrorBody(res.body);
    const text = codes.length === 0 ? bodySnippet(res) : void 0;
    return new RegistryError({
      method,
      url: res.url,
      status: res.status,
      codes,
      text,
      retryAfterMs: parseRetryAfter(header(res, "retry-after")),
      secrets: this.secrets
    });
  }
  /** One request with its retries; Authorization, when given, is sent to c.url's origin only. */
  async exchange(c, authorization) {
    const headers = { "user-agent": this.userAgent, ...c.headers };
    if (authorization !== void 0) headers.authorization = authorization;
    const once = async () => {
      let res;
      try {
        res = await sendFollowingRedirects(
          { method: c.method, url: c.url, headers, body: c.body, saveTo: c.saveTo },
          { ...this.transport, sameOriginOnly: c.sameOriginOnly }
        );
      } catch (cause) {
        throw new RegistryError({ method: c.method, url: c.url, cause, secrets: this.secrets });
      }
      this.log(`${c.method} ${redactUrl(res.url)}: ${res.status}`);
      if (RETRYABLE_STATUSES.has(res.status)) throw this.error(c.method, res);
      return res;
    };
    if (c.retry === false) return once();
    return withRetry(this.retryPolicy, once, {
      onRetry: (err2, n, wait) => this.log(`Retry ${n} of ${c.method} ${redactUrl(c.url)} in ${wait} ms: ${errorMessage(err2)}`)
    });
  }
};
function bodySnippet(res) {
  const text = res.body.subarray(0, 200).toString().replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
  return text === "" ? void 0 : text;
}

// src/registry/tags.ts
async function listTags(api, repo) {
  validateRepository(repo);
  const tags = [];
  for await (const page of api.pages(api.url(`/v2/${repo}/tags/list`), [repositoryScope(repo, "pull")], {})) {
    const list = page.tags;
    if (Array.isArray(list)) tags.push(...list.filter((t) => typeof t === "string"));
  }
  return tags;
}

// src/registry/client.ts
var MiB = 1024 * 1024;
var DEFAULT_CHUNKED_UPLOAD_THRESHOLD = 64 * MiB;
var DEFAULT_CHUNK_SIZE = 16 * MiB;
var RegistryClient = class {
  /** As given: `ghcr.io`, `127.0.0.1:5000`. */
  registry;
  /** `https://ghcr.io/`, `http://127.0.0.1:5000/`. */
  baseUrl;
  api;
  chunking;
  constructor(options) {
    this.api = new RegistryRequests(options);
    this.registry = this.api.registry;
    this.baseUrl = this.api.baseUrl;
    this.chunking = {
      threshold: options.chunkedUploadThreshold ?? DEFAULT_CHUNKED_UPLOAD_THRESHOLD,
      size: Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE)
    };
  }
  ping() {
    return this.api.ping();
  }
  blobExists(repo, digest) {
    return blobExists(this.api, repo, digest);
  }
  getBlob(repo, digest) {
    return getBlob(this.api, repo, digest);
  }
  /** The blob streamed into the file `path`, checked against its digest and size. */
  downloadBlob(repo, digest, size2, path) {
    return downloadBlob(this.api, repo, digest, size2, path);
  }
  pushBlob(repo, digest, source, options = {}) {
    return pushBlob(this.api, repo, digest, source, options, this.chunking);
  }
  headManifest(repo, ref) {
    return headManifest(this.api, repo, ref);
  }
  getManifest(repo, ref) {
    return getManifest(this.api, repo, ref);
  }
  putManifest(repo, ref, bytes, mediaType) {
    return putManifest(this.api, repo, ref, bytes, mediaType);
  }
  listTags(repo) {
    return listTags(this.api, repo);
  }
  deleteManifest(repo, digest) {
    return deleteManifest(this.api, repo, digest);
  }
  referrers(repo, digest, artifactType) {
    return referrers(this.api, repo, digest, artifactType);
  }
};

// src/registry/docker-config.ts
import { readFile as readFile2 } from "node:fs/promises";
import { homedir } from "node:os";
import { join as join2 } from "node:path";
var DOCKER_HUB_CONFIG_KEY = "https://index.docker.io/v1/";
var DOCKER_HUB_ALIASES = /* @__PURE__ */ new Set([DOCKER_HUB, "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"]);
function dockerConfigPath(options = {}) {
  const dir = (options.env ?? process.env).DOCKER_CONFIG;
  return dir ? join2(dir, "config.json") : join2(options.home ?? homedir(), ".docker", "config.json");
}
function configKeyRegistry(key) {
  const host = key.trim().toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, "").split("/")[0];
  return DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}
function dockerServerAddress(registry) {
  const r = configKeyRegistry(registry);
  return r === DOCKER_HUB ? DOCKER_HUB_CONFIG_KEY : r;
}
async function dockerCredentials(registry, options = {}) {
  const file = dockerConfigPath(options);
  let text;
  try {
    text = await readFile2(file, "utf8");
  } catch (err2) {
    if (err2.code === "ENOENT") return void 0;
    throw new EnvironmentError(`Cannot read the docker config ${file}: ${errorMessage(err2)}`, { cause: err2 });
  }
  return credentialsFromConfig(parseDockerConfig(text, file), registry);
}
function parseDockerConfig(text, file) {
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new EnvironmentError(`The docker config ${file} is not valid JSON`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json))
    throw new EnvironmentError(`The docker config ${file} is not a JSON object`);
  return json;
}
async function credentialsFromConfig(config, registry) {
  const wanted = configKeyRegistry(registry);
  const helper = lookup(config.credHelpers, wanted) ?? config.credsStore;
  if (helper) {
    const found = await fromHelper(helper, dockerServerAddress(registry));
    if (found) return found;
  }
  const entry = lookup(config.auths, wanted);
  if (!entry) return void 0;
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon <= 0) throw new EnvironmentError(`The docker config's "auth" for ${wanted} is not base64 of user:password`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username && entry.password) return { username: entry.username, password: entry.password };
  return void 0;
}
function lookup(map, registry) {
  if (!map) return void 0;
  const keys = Object.keys(map);
  const exact = keys.find((k) => k === registry || registry === DOCKER_HUB && k === DOCKER_HUB_CONFIG_KEY);
  const key = exact ?? keys.find((k) => configKeyRegistry(k) === registry);
  return key === void 0 ? void 0 : map[key];
}
async function fromHelper(name, serverAddress) {
  if (!/^[A-Za-z0-9._-]+$/.test(name))
    throw new EnvironmentError(`The docker config names a credential helper "${name}" that is not a plain name`);
  const command = `docker-credential-${name}`;
  let result;
  try {
    result = await run(command, ["get"], { input: Buffer.from(serverAddress), allowFailure: true });
  } catch (err2) {
    throw new EnvironmentError(`The docker credential helper ${command} could not be run: ${errorMessage(err2)}`, { cause: err2 });
  }
  if (result.exitCode !== 0) {
    if (/credentials not found/i.test(`${result.stdout}
${result.stderr}`)) return void 0;
    const said = oneLine(result.stderr.trim()).slice(0, 200);
    throw new EnvironmentError(`${command} get for ${serverAddress} exited with ${result.exitCode}${said ? `: ${said}` : ""}`);
  }
  let answer;
  try {
    answer = JSON.parse(result.stdout);
  } catch {
    throw new EnvironmentError(`${command} get for ${serverAddress} did not answer with JSON`);
  }
  if (typeof answer.Username !== "string" || typeof answer.Secret !== "string" || answer.Secret === "") return void 0;
  if (answer.Username === "<token>") return void 0;
  return { username: answer.Username, password: answer.Secret };
}

// src/inputs/registries.ts
async function connect(registry, build) {
  const credentials = build.credentials && registry === build.image.registry ? build.credentials : await dockerCredentials(registry);
  if (credentials?.password) setSecret(credentials.password);
  return new RegistryClient({ registry, credentials, timeoutMs: timeoutFromEnv(), log: (line) => debug(line) });
}
function timeoutFromEnv(env = process.env) {
  const v = env.ARCHWAY_REGISTRY_TIMEOUT_MS;
  return v && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : void 0;
}
function targetsOf(build) {
  const out = /* @__PURE__ */ new Map();
  for (const t of build.tags) {
    const key = `${t.registry}/${t.repository}`;
    const entry = out.get(key) ?? { registry: t.registry, repository: t.repository, tags: [] };
    entry.tags.push(t.tag);
    out.set(key, entry);
  }
  return [...out.values()];
}

// src/publish/index-manifest.ts
function buildIndex(images, annotations, descriptorAnnotations = {}) {
  const seen = /* @__PURE__ */ new Set();
  for (const i of images) {
    const key = formatPlatform(i.platform);
    if (seen.has(key)) throw new Error(`two images for ${key}`);
    seen.add(key);
  }
  const manifests = [...images].sort((a, b) => platformOrder(a.platform) - platformOrder(b.platform)).map((i) => {
    const notes2 = sortedAnnotations(Object.entries(descriptorAnnotations[formatPlatform(i.platform)] ?? {}));
    return {
      mediaType: i.manifest.mediaType,
      digest: i.manifest.digest,
      size: i.manifest.size,
      platform: {
        architecture: i.platform.architecture,
        os: i.platform.os,
        ...i.platform.variant ? { variant: i.platform.variant } : {}
      },
      ...Object.keys(notes2).length ? { annotations: notes2 } : {}
    };
  });
  const notes = sortedAnnotations(annotations);
  const doc = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests, ...Object.keys(notes).length ? { annotations: notes } : {} };
  const bytes = Buffer.from(JSON.stringify(doc));
  return { bytes, digest: digestOf(bytes), mediaType: MediaType.OciIndex };
}
function indexAnnotations(user, facts) {
  const out = /* @__PURE__ */ new Map();
  if (facts.serverUrl && facts.repository) out.set("org.opencontainers.image.source", `${facts.serverUrl}/${facts.repository}`);
  if (facts.sha) out.set("org.opencontainers.image.revision", facts.sha);
  if (facts.created) out.set("org.opencontainers.image.created", facts.created);
  for (const [k, v] of user) out.set(k, v);
  return [...out];
}
function indexNotes(user, facts) {
  return { annotations: indexAnnotations(user.index, facts), descriptorAnnotations: user.manifestDescriptor };
}

// src/publish/publish-index.ts
async function putIndex(client, target2, index, images) {
  const name = `${target2.registry}/${target2.repository}`;
  const missing = (await mapLimit(
    images,
    8,
    async (i) => await client.headManifest(target2.repository, i.manifest.digest) ? void 0 : formatPlatform(i.platform)
  )).filter(Boolean);
  if (missing.length) throw new ArchwayError(`${name} lacks the image of ${missing.join(", ")}; no tag was moved`);
  await mapLimit(target2.tags, 8, (tag) => client.putManifest(target2.repository, tag, index.bytes, index.mediaType));
}
function imagesOf(s) {
  return s.images.map((i) => ({ platform: platformOf(i.platform), manifest: { mediaType: i.mediaType, digest: i.digest, size: i.size } }));
}
function indexFromState(s) {
  const index = buildIndex(imagesOf(s), s.annotations, s.descriptorAnnotations);
  if (s.digest && index.digest !== s.digest)
    throw new ArchwayError(`the index rebuilt in the post step (${index.digest}) differs from the one announced (${s.digest})`);
  return index;
}
var refs = (t) => t.tags.map((tag) => `${t.registry}/${t.repository}:${tag}`).join(", ");
async function publishIndex(s, access) {
  const index = indexFromState(s);
  const images = imagesOf(s);
  const lines = [];
  for (const target2 of s.targets) {
    await putIndex(await connect(target2.registry, access), target2, index, images);
    lines.push(`Published ${index.digest} as ${refs(target2)}`);
  }
  return { index, lines };
}
function releaseOf(r) {
  return { key: r.key, attempt: r.attempt, publish: r.publish, store: r.store, platforms: r.platforms.map(platformOf) };
}
function platformOf(text) {
  const platform = parsePlatform(text);
  if (!platform) throw new ArchwayError(`post state names an unknown platform ${text}`);
  return platform;
}
function storeOf(release, targets, access) {
  const place = targets[0];
  return openStore(release.store, release.key, place, () => connect(place.registry, access));
}
async function stageAndPublish(s, release, access) {
  const own = imagesOf(s);
  const store = await storeOf(release, s.targets, access);
  await store.write(own.map((i) => ({ state: "done", platform: i.platform, attempt: release.attempt, image: i.manifest })));
  const lines = [
    `Staged ${own.map((i) => formatPlatform(i.platform)).join(", ")} for release ${release.key} (attempt ${release.attempt}) in ${store.where}`
  ];
  if (!release.publish) return { lines };
  return { ...await publishStaged(store, s.targets, release, s, access, lines), lines };
}
async function mergeStaged(targets, release, notes, access) {
  const lines = [];
  const outcome = await publishStaged(await storeOf(release, targets, access), targets, release, notes, access, lines);
  if (!outcome) throw new ArchwayError(`${lines[lines.length - 1]}; nothing was published`);
  return { ...outcome, lines };
}
function waitingLine(where, verdicts) {
  const named = (w) => verdicts.filter((v) => v.waiting === w).map((v) => w === "started, not done" ? `${formatPlatform(v.platform)} started in attempt ${v.attempt}` : formatPlatform(v.platform));
  const notStaged = named("not staged");
  const started = named("started, not done");
  if (notStaged.length === 0 && started.length === 0) return void 0;
  const parts = [
    ...notStaged.length ? [`${notStaged.join(", ")} not staged yet by this run`] : [],
    ...started.length ? [`${started.join(", ")} and not done (it runs, or failed): no image of an earlier attempt is taken`] : []
  ];
  return `${where}: ${parts.join("; ")}; the job that stages the last platform publishes the index`;
}
async function publishStaged(store, targets, release, notes, access, lines) {
  const verdicts = await store.read(release.platforms, release.attempt);
  const waiting = waitingLine(store.where, verdicts);
  if (waiting) {
    lines.push(waiting);
    return void 0;
  }
  const images = verdicts.map((v) => ({ platform: v.platform, manifest: v.image }));
  const index = buildIndex(images, notes.annotations, notes.descriptorAnnotations);
  for (const target2 of targets) {
    await putIndex(await connect(target2.registry, access), target2, index, images);
    lines.push(`Every platform is staged: published ${index.digest} as ${refs(target2)}`);
  }
  lines.push(await store.cleanUp(release.platforms, release.attempt));
  return { index, images };
}
async function publishFromState(publish) {
  const access = getCredentials();
  const outcome = await group("Publish the index", async () => {
    const o = publish.release ? await stageAndPublish(publish, releaseOf(publish.release), access) : await publishIndex(publish, access);
    for (const line of o.lines) info(line);
    return o;
  });
  if (outcome.index) await writeSummary(publishedSummary(outcome.lines));
}

export {
  saveState2 as saveState,
  loadState,
  secondsSince,
  formatSeconds,
  testTimes,
  costLines,
  docker,
  engineInfo,
  builderInfo,
  describeBuilder,
  require_tar_stream,
  MediaType,
  Annotation,
  ATTESTATION_MANIFEST,
  isIndexMediaType,
  isManifestMediaType,
  isAttestation,
  LayoutError,
  MAX_JSON_BLOB,
  blobPath,
  readBlob,
  readJsonBlob,
  blobStream,
  readLayoutIndex,
  findPlatformImage,
  verifyImageArch,
  archOk,
  archFailure,
  archLogLine,
  renderSummary,
  mergeSummary,
  writeSummary,
  connect,
  targetsOf,
  cacheType,
  redactCacheEntry,
  ghaScope,
  registryRef,
  withMatrixScope,
  sortedAnnotations,
  buildIndex,
  indexNotes,
  releaseKey,
  attemptOf,
  chooseStore,
  getInputs,
  releaseOf,
  storeOf,
  mergeStaged,
  publishFromState
};
