import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);
import {
  Minimatch,
  debug,
  setFailed
} from "./chunk-F3BWMWNQ.js";
import {
  EM,
  ET
} from "./chunk-WNYJYB2X.js";
import {
  parseDebianVersion
} from "./chunk-64H2USGQ.js";
import {
  require_semver
} from "./chunk-IR6WKKZB.js";
import {
  ArchwayError,
  InputError,
  errorMessage
} from "./chunk-4GAVUGPR.js";
import {
  __toESM
} from "./chunk-QFDZJLFJ.js";

// src/action/step.ts
async function runStep(unexpected, work) {
  try {
    await work();
    return true;
  } catch (err) {
    setFailed(err instanceof ArchwayError ? err.message : `${unexpected}: ${errorMessage(err)}`);
    if (err instanceof Error && !(err instanceof ArchwayError) && err.stack) debug(err.stack);
    return false;
  }
}

// src/inputs/values.ts
import { existsSync, statSync } from "node:fs";

// node_modules/csv-parse/lib/api/CsvError.js
var CsvError = class _CsvError extends Error {
  constructor(code, message, options, ...contexts) {
    if (Array.isArray(message)) message = message.join(" ").trim();
    super(message);
    if (Error.captureStackTrace !== void 0) {
      Error.captureStackTrace(this, _CsvError);
    }
    this.code = code;
    for (const context of contexts) {
      for (const key in context) {
        const value = context[key];
        this[key] = Buffer.isBuffer(value) ? value.toString(options.encoding) : value == null ? value : JSON.parse(JSON.stringify(value));
      }
    }
  }
};

// node_modules/csv-parse/lib/utils/is_object.js
var is_object = function(obj) {
  return typeof obj === "object" && obj !== null && !Array.isArray(obj);
};

// node_modules/csv-parse/lib/api/normalize_columns_array.js
var normalize_columns_array = function(columns) {
  const normalizedColumns = [];
  for (let i = 0, l = columns.length; i < l; i++) {
    const column = columns[i];
    if (column === void 0 || column === null || column === false) {
      normalizedColumns[i] = { disabled: true };
    } else if (typeof column === "string" || typeof column === "number") {
      normalizedColumns[i] = { name: `${column}` };
    } else if (is_object(column)) {
      if (typeof column.name !== "string") {
        throw new CsvError("CSV_OPTION_COLUMNS_MISSING_NAME", [
          "Option columns missing name:",
          `property "name" is required at position ${i}`,
          "when column is an object literal"
        ]);
      }
      normalizedColumns[i] = column;
    } else {
      throw new CsvError("CSV_INVALID_COLUMN_DEFINITION", [
        "Invalid column definition:",
        "expect a string or a literal object,",
        `got ${JSON.stringify(column)} at position ${i}`
      ]);
    }
  }
  return normalizedColumns;
};

// node_modules/csv-parse/lib/utils/ResizeableBuffer.js
var ResizeableBuffer = class {
  constructor(size = 100) {
    this.size = size;
    this.length = 0;
    this.buf = Buffer.allocUnsafe(size);
  }
  prepend(val) {
    if (Buffer.isBuffer(val)) {
      const length = this.length + val.length;
      if (length >= this.size) {
        this.resize();
        if (length >= this.size) {
          throw Error("INVALID_BUFFER_STATE");
        }
      }
      const buf = this.buf;
      this.buf = Buffer.allocUnsafe(this.size);
      val.copy(this.buf, 0);
      buf.copy(this.buf, val.length);
      this.length += val.length;
    } else {
      const length = this.length++;
      if (length === this.size) {
        this.resize();
      }
      const buf = this.clone();
      this.buf[0] = val;
      buf.copy(this.buf, 1, 0, length);
    }
  }
  append(val) {
    const length = this.length++;
    if (length === this.size) {
      this.resize();
    }
    this.buf[length] = val;
  }
  clone() {
    return Buffer.from(this.buf.slice(0, this.length));
  }
  resize() {
    const length = this.length;
    this.size = this.size * 2;
    const buf = Buffer.allocUnsafe(this.size);
    this.buf.copy(buf, 0, 0, length);
    this.buf = buf;
  }
  toString(encoding) {
    if (encoding) {
      return this.buf.toString(encoding, 0, this.length);
    } else {
      return Uint8Array.prototype.slice.call(this.buf.slice(0, this.length));
    }
  }
  toJSON() {
    return this.toString("utf8");
  }
  reset() {
    this.length = 0;
  }
};
var ResizeableBuffer_default = ResizeableBuffer;

// node_modules/csv-parse/lib/api/init_state.js
var init_state = function(options) {
  const timchars = [
    // Basic Latin
    32,
    // [Space](https://www.fileformat.info/info/unicode/char/0020/index.htm)
    9,
    // [CHARACTER TABULATION (HT)](https://www.fileformat.info/info/unicode/char/0009/index.htm)
    10,
    // [LINE FEED (LF)](https://www.fileformat.info/info/unicode/char/000a/index.htm)
    13,
    // [CARRIAGE RETURN (CR)](https://www.fileformat.info/info/unicode/char/000d/index.htm)
    12,
    // [FORM FEED (FF)](https://www.fileformat.info/info/unicode/char/000c/index.htm)
    11,
    // [LINE TABULATION (VT)](https://www.fileformat.info/info/unicode/char/000b/index.htm)
    // Latin-1 Supplement
    160,
    // [NO-BREAK SPACE (NBSP)](https://www.fileformat.info/info/unicode/char/00a0/index.htm)
    // Ogham
    5760,
    // [OGHAM SPACE MARK](https://www.fileformat.info/info/unicode/char/1680/index.htm)
    // General Punctuation
    8192,
    // [EN QUAD](https://www.fileformat.info/info/unicode/char/2000/index.htm)
    8193,
    // [EM QUAD](https://www.fileformat.info/info/unicode/char/2001/index.htm)
    8194,
    // [EN SPACE](https://www.fileformat.info/info/unicode/char/2002/index.htm)
    8195,
    // [EM SPACE](https://www.fileformat.info/info/unicode/char/2003/index.htm)
    8196,
    // [THREE-PER-EM SPACE](https://www.fileformat.info/info/unicode/char/2004/index.htm)
    8197,
    // [FOUR-PER-EM SPACE](https://www.fileformat.info/info/unicode/char/2005/index.htm)
    8198,
    // [SIX-PER-EM SPACE](https://www.fileformat.info/info/unicode/char/2006/index.htm)
    8199,
    // [FIGURE SPACE](https://www.fileformat.info/info/unicode/char/2007/index.htm)
    8200,
    // [PUNCTUATION SPACE](https://www.fileformat.info/info/unicode/char/2008/index.htm)
    8201,
    // [THIN SPACE](https://www.fileformat.info/info/unicode/char/2009/index.htm)
    8202,
    // [HAIR SPACE](https://www.fileformat.info/info/unicode/char/200a/index.htm)
    8232,
    // [LINE SEPARATOR](https://www.fileformat.info/info/unicode/char/2028/index.htm)
    8233,
    // [PARAGRAPH SEPARATOR](https://www.fileformat.info/info/unicode/char/2029/index.htm)
    8239,
    // [NARROW NO-BREAK SPACE (NNBSP)](https://www.fileformat.info/info/unicode/char/202f/index.htm)
    8287,
    // [MEDIUM MATHEMATICAL SPACE (MMSP)](https://www.fileformat.info/info/unicode/char/205f/index.htm)
    12288,
    // [IDEOGRAPHIC SPACE](https://www.fileformat.info/info/unicode/char/3000/index.htm)
    65279
    // [ZERO WIDTH NO-BREAK SPACE (BOM)](https://www.fileformat.info/info/unicode/char/feff/index.htm)
  ].reduce((acc, codepoint) => {
    const encoded = Buffer.from(
      String.fromCharCode(codepoint),
      options.encoding
    );
    if (codepoint !== 63 && encoded.length === 1 && encoded[0] === 63) {
      return acc;
    }
    acc.push(encoded);
    return acc;
  }, []);
  const timcharFirstBytes = new Uint8Array(256);
  for (const t of timchars) timcharFirstBytes[t[0]] = 1;
  return {
    bomSkipped: false,
    bufBytesStart: 0,
    castField: options.cast_function,
    commenting: false,
    delimiterBufPrevious: void 0,
    delimiterDiscovered: false,
    // Current error encountered by a record
    error: void 0,
    enabled: options.from_line === 1,
    escaping: false,
    escapeIsQuote: Buffer.isBuffer(options.escape) && Buffer.isBuffer(options.quote) && Buffer.compare(options.escape, options.quote) === 0,
    // columns can be `false`, `true`, `Array`
    expectedRecordLength: Array.isArray(options.columns) ? options.columns.length : void 0,
    field: new ResizeableBuffer_default(20),
    firstLineToHeaders: options.cast_first_line_to_header,
    needMoreDataSize: Math.max(
      // Skip if the remaining buffer smaller than comment
      options.comment !== null ? options.comment.length : 0,
      ...options.delimiter ? options.delimiter.map((delimiter) => delimiter.length) : [],
      // Auto discovery of delimiter is limited to 1 character
      options.delimiter_auto ? 1 : 0,
      // Skip if the remaining buffer can be escape sequence
      options.quote !== null ? options.quote.length : 0,
      ...timchars.map((t) => t.length)
    ),
    previousBuf: void 0,
    quoting: false,
    stop: false,
    rawBuffer: new ResizeableBuffer_default(100),
    record: [],
    recordHasError: false,
    record_length: 0,
    recordDelimiterMaxLength: options.record_delimiter.length === 0 ? 0 : Math.max(...options.record_delimiter.map((v) => v.length)),
    trimChars: [
      Buffer.from(" ", options.encoding)[0],
      Buffer.from("	", options.encoding)[0]
    ],
    wasQuoting: false,
    wasRowDelimiter: false,
    timchars,
    timcharFirstBytes
  };
};

// node_modules/csv-parse/lib/utils/underscore.js
var underscore = function(str) {
  return str.replace(/([A-Z])/g, function(_, match) {
    return "_" + match.toLowerCase();
  });
};

// node_modules/csv-parse/lib/api/normalize_options.js
var normalize_options = function(opts) {
  const options = {};
  for (const opt in opts) {
    options[underscore(opt)] = opts[opt];
  }
  if (options.encoding === void 0 || options.encoding === true) {
    options.encoding = "utf8";
  } else if (options.encoding === null || options.encoding === false) {
    options.encoding = null;
  } else if (typeof options.encoding !== "string" && options.encoding !== null) {
    throw new CsvError(
      "CSV_INVALID_OPTION_ENCODING",
      [
        "Invalid option encoding:",
        "encoding must be a string or null to return a buffer,",
        `got ${JSON.stringify(options.encoding)}`
      ],
      options
    );
  }
  if (options.bom === void 0 || options.bom === null || options.bom === false) {
    options.bom = false;
  } else if (options.bom !== true) {
    throw new CsvError(
      "CSV_INVALID_OPTION_BOM",
      [
        "Invalid option bom:",
        "bom must be true,",
        `got ${JSON.stringify(options.bom)}`
      ],
      options
    );
  }
  options.cast_function = null;
  if (options.cast === void 0 || options.cast === null || options.cast === false || options.cast === "") {
    options.cast = void 0;
  } else if (typeof options.cast === "function") {
    options.cast_function = options.cast;
    options.cast = true;
  } else if (options.cast !== true) {
    throw new CsvError(
      "CSV_INVALID_OPTION_CAST",
      [
        "Invalid option cast:",
        "cast must be true or a function,",
        `got ${JSON.stringify(options.cast)}`
      ],
      options
    );
  }
  if (options.cast_date === void 0 || options.cast_date === null || options.cast_date === false || options.cast_date === "") {
    options.cast_date = false;
  } else if (options.cast_date === true) {
    options.cast_date = function(value) {
      const date = Date.parse(value);
      return !isNaN(date) ? new Date(date) : value;
    };
  } else if (typeof options.cast_date !== "function") {
    throw new CsvError(
      "CSV_INVALID_OPTION_CAST_DATE",
      [
        "Invalid option cast_date:",
        "cast_date must be true or a function,",
        `got ${JSON.stringify(options.cast_date)}`
      ],
      options
    );
  }
  options.cast_first_line_to_header = void 0;
  if (options.columns === true) {
    options.cast_first_line_to_header = void 0;
  } else if (typeof options.columns === "function") {
    options.cast_first_line_to_header = options.columns;
    options.columns = true;
  } else if (Array.isArray(options.columns)) {
    options.columns = normalize_columns_array(options.columns);
  } else if (options.columns === void 0 || options.columns === null || options.columns === false) {
    options.columns = false;
  } else {
    throw new CsvError(
      "CSV_INVALID_OPTION_COLUMNS",
      [
        "Invalid option columns:",
        "expect an array, a function or true,",
        `got ${JSON.stringify(options.columns)}`
      ],
      options
    );
  }
  if (options.group_columns_by_name === void 0 || options.group_columns_by_name === null || options.group_columns_by_name === false) {
    options.group_columns_by_name = false;
  } else if (options.group_columns_by_name !== true) {
    throw new CsvError(
      "CSV_INVALID_OPTION_GROUP_COLUMNS_BY_NAME",
      [
        "Invalid option group_columns_by_name:",
        "expect an boolean,",
        `got ${JSON.stringify(options.group_columns_by_name)}`
      ],
      options
    );
  } else if (options.columns === false) {
    throw new CsvError(
      "CSV_INVALID_OPTION_GROUP_COLUMNS_BY_NAME",
      [
        "Invalid option group_columns_by_name:",
        "the `columns` mode must be activated."
      ],
      options
    );
  }
  if (options.comment === void 0 || options.comment === null || options.comment === false || options.comment === "") {
    options.comment = null;
  } else {
    if (typeof options.comment === "string") {
      options.comment = Buffer.from(options.comment, options.encoding);
    }
    if (!Buffer.isBuffer(options.comment)) {
      throw new CsvError(
        "CSV_INVALID_OPTION_COMMENT",
        [
          "Invalid option comment:",
          "comment must be a buffer or a string,",
          `got ${JSON.stringify(options.comment)}`
        ],
        options
      );
    }
  }
  if (options.comment_no_infix === void 0 || options.comment_no_infix === null || options.comment_no_infix === false) {
    options.comment_no_infix = false;
  } else if (options.comment_no_infix !== true) {
    throw new CsvError(
      "CSV_INVALID_OPTION_COMMENT",
      [
        "Invalid option comment_no_infix:",
        "value must be a boolean,",
        `got ${JSON.stringify(options.comment_no_infix)}`
      ],
      options
    );
  }
  if (options.delimiter_auto === void 0 || options.delimiter_auto === null || options.delimiter_auto === false) {
    options.delimiter_auto = false;
  } else if (options.delimiter_auto === true) {
    options.delimiter_auto = {};
  } else if (!is_object(options.delimiter_auto)) {
    throw new CsvError(
      "CSV_INVALID_OPTION_DELIMITER_AUTO",
      [
        "Invalid option delimiter_auto:",
        "delimiter_auto must be a boolean or a configuration object,",
        `got ${JSON.stringify(options.delimiter_auto)}`
      ],
      options
    );
  }
  if (options.delimiter_auto) {
    if (options.delimiter_auto.preferred === void 0)
      options.delimiter_auto.preferred = {
        [",".charCodeAt(0)]: 1.8,
        ["	".charCodeAt(0)]: 1.8,
        [";".charCodeAt(0)]: 1.6,
        [" ".charCodeAt(0)]: 1.6,
        [":".charCodeAt(0)]: 1.5,
        [".".charCodeAt(0)]: 1.4,
        ["/".charCodeAt(0)]: 1.4
      };
    else if (!is_object(options.delimiter_auto.preferred)) {
      throw new CsvError(
        "CSV_INVALID_OPTION_DELIMITER_AUTO",
        [
          "Invalid option delimiter_auto:",
          "preferred must be an object,",
          `got ${JSON.stringify(options.delimiter_auto.preferred)}`
        ],
        options
      );
    }
    if (options.delimiter_auto.score === void 0)
      options.delimiter_auto.score = (info, options2) => {
        return (info.total - info.std) * (options2.preferred[info.char_code] || 1);
      };
    else if (typeof options.delimiter_auto.score !== "function") {
      throw new CsvError(
        "CSV_INVALID_OPTION_DELIMITER_AUTO",
        [
          "Invalid option delimiter_auto:",
          "score must be a function,",
          `got ${JSON.stringify(options.delimiter_auto.score)}`
        ],
        options
      );
    }
    if (options.delimiter_auto.size === void 0)
      options.delimiter_auto.size = 2048;
    else if (typeof options.delimiter_auto.size !== "number") {
      throw new CsvError(
        "CSV_INVALID_OPTION_DELIMITER_AUTO",
        [
          "Invalid option delimiter_auto:",
          "size must be a number,",
          `got ${JSON.stringify(options.delimiter_auto.size)}`
        ],
        options
      );
    }
  }
  const delimiter_json = JSON.stringify(options.delimiter);
  if (options.delimiter_auto !== false) {
    options.delimiter = [];
  }
  if (!Array.isArray(options.delimiter)) {
    if (options.delimiter === void 0 || options.delimiter === null || options.delimiter === false) {
      options.delimiter = Buffer.from(",", options.encoding);
    }
    options.delimiter = [options.delimiter];
  }
  options.delimiter = options.delimiter.map(function(delimiter) {
    if (typeof delimiter === "string") {
      delimiter = Buffer.from(delimiter, options.encoding);
    }
    if (!Buffer.isBuffer(delimiter) || delimiter.length === 0) {
      throw new CsvError(
        "CSV_INVALID_OPTION_DELIMITER",
        [
          "Invalid option delimiter:",
          "delimiter must be a non empty string or buffer or array of string|buffer,",
          `got ${delimiter_json}`
        ],
        options
      );
    }
    return delimiter;
  });
  if (options.escape === void 0 || options.escape === true) {
    options.escape = Buffer.from('"', options.encoding);
  } else if (typeof options.escape === "string") {
    options.escape = Buffer.from(options.escape, options.encoding);
  } else if (options.escape === null || options.escape === false) {
    options.escape = null;
  }
  if (options.escape !== null) {
    if (!Buffer.isBuffer(options.escape)) {
      throw new Error(
        `Invalid Option: escape must be a buffer, a string or a boolean, got ${JSON.stringify(options.escape)}`
      );
    }
  }
  if (options.from === void 0 || options.from === null) {
    options.from = 1;
  } else {
    if (typeof options.from === "string" && /\d+/.test(options.from)) {
      options.from = parseInt(options.from);
    }
    if (Number.isInteger(options.from)) {
      if (options.from < 0) {
        throw new Error(
          `Invalid Option: from must be a positive integer, got ${JSON.stringify(opts.from)}`
        );
      }
    } else {
      throw new Error(
        `Invalid Option: from must be an integer, got ${JSON.stringify(options.from)}`
      );
    }
  }
  if (options.from_line === void 0 || options.from_line === null) {
    options.from_line = 1;
  } else {
    if (typeof options.from_line === "string" && /\d+/.test(options.from_line)) {
      options.from_line = parseInt(options.from_line);
    }
    if (Number.isInteger(options.from_line)) {
      if (options.from_line <= 0) {
        throw new Error(
          `Invalid Option: from_line must be a positive integer greater than 0, got ${JSON.stringify(opts.from_line)}`
        );
      }
    } else {
      throw new Error(
        `Invalid Option: from_line must be an integer, got ${JSON.stringify(opts.from_line)}`
      );
    }
  }
  if (options.ignore_last_delimiters === void 0 || options.ignore_last_delimiters === null) {
    options.ignore_last_delimiters = false;
  } else if (typeof options.ignore_last_delimiters === "number") {
    options.ignore_last_delimiters = Math.floor(options.ignore_last_delimiters);
    if (options.ignore_last_delimiters === 0) {
      options.ignore_last_delimiters = false;
    }
  } else if (typeof options.ignore_last_delimiters !== "boolean") {
    throw new CsvError(
      "CSV_INVALID_OPTION_IGNORE_LAST_DELIMITERS",
      [
        "Invalid option `ignore_last_delimiters`:",
        "the value must be a boolean value or an integer,",
        `got ${JSON.stringify(options.ignore_last_delimiters)}`
      ],
      options
    );
  }
  if (options.ignore_last_delimiters === true && options.columns === false) {
    throw new CsvError(
      "CSV_IGNORE_LAST_DELIMITERS_REQUIRES_COLUMNS",
      [
        "The option `ignore_last_delimiters`",
        "requires the activation of the `columns` option"
      ],
      options
    );
  }
  if (options.info === void 0 || options.info === null || options.info === false) {
    options.info = false;
  } else if (options.info !== true) {
    throw new Error(
      `Invalid Option: info must be true, got ${JSON.stringify(options.info)}`
    );
  }
  if (options.max_record_size === void 0 || options.max_record_size === null || options.max_record_size === false) {
    options.max_record_size = 0;
  } else if (Number.isInteger(options.max_record_size) && options.max_record_size >= 0) {
  } else if (typeof options.max_record_size === "string" && /\d+/.test(options.max_record_size)) {
    options.max_record_size = parseInt(options.max_record_size);
  } else {
    throw new Error(
      `Invalid Option: max_record_size must be a positive integer, got ${JSON.stringify(options.max_record_size)}`
    );
  }
  if (options.objname === void 0 || options.objname === null || options.objname === false) {
    options.objname = void 0;
  } else if (Buffer.isBuffer(options.objname)) {
    if (options.objname.length === 0) {
      throw new Error(`Invalid Option: objname must be a non empty buffer`);
    }
    if (options.encoding === null) {
    } else {
      options.objname = options.objname.toString(options.encoding);
    }
  } else if (typeof options.objname === "string") {
    if (options.objname.length === 0) {
      throw new Error(`Invalid Option: objname must be a non empty string`);
    }
  } else if (typeof options.objname === "number") {
  } else {
    throw new Error(
      `Invalid Option: objname must be a string or a buffer, got ${options.objname}`
    );
  }
  if (options.objname !== void 0) {
    if (typeof options.objname === "number") {
      if (options.columns !== false) {
        throw Error(
          "Invalid Option: objname index cannot be combined with columns or be defined as a field"
        );
      }
    } else {
      if (options.columns === false) {
        throw Error(
          "Invalid Option: objname field must be combined with columns or be defined as an index"
        );
      }
    }
  }
  if (options.on_record === void 0 || options.on_record === null) {
    options.on_record = void 0;
  } else if (typeof options.on_record !== "function") {
    throw new CsvError(
      "CSV_INVALID_OPTION_ON_RECORD",
      [
        "Invalid option `on_record`:",
        "expect a function,",
        `got ${JSON.stringify(options.on_record)}`
      ],
      options
    );
  }
  if (options.on_skip !== void 0 && options.on_skip !== null && typeof options.on_skip !== "function") {
    throw new Error(
      `Invalid Option: on_skip must be a function, got ${JSON.stringify(options.on_skip)}`
    );
  }
  if (options.quote === null || options.quote === false || options.quote === "") {
    options.quote = null;
  } else {
    if (options.quote === void 0 || options.quote === true) {
      options.quote = Buffer.from('"', options.encoding);
    } else if (typeof options.quote === "string") {
      options.quote = Buffer.from(options.quote, options.encoding);
    }
    if (!Buffer.isBuffer(options.quote)) {
      throw new Error(
        `Invalid Option: quote must be a buffer or a string, got ${JSON.stringify(options.quote)}`
      );
    }
  }
  if (options.raw === void 0 || options.raw === null || options.raw === false) {
    options.raw = false;
  } else if (options.raw !== true) {
    throw new Error(
      `Invalid Option: raw must be true, got ${JSON.stringify(options.raw)}`
    );
  }
  if (options.record_delimiter === void 0) {
    options.record_delimiter = [];
  } else if (typeof options.record_delimiter === "string" || Buffer.isBuffer(options.record_delimiter)) {
    if (options.record_delimiter.length === 0) {
      throw new CsvError(
        "CSV_INVALID_OPTION_RECORD_DELIMITER",
        [
          "Invalid option `record_delimiter`:",
          "value must be a non empty string or buffer,",
          `got ${JSON.stringify(options.record_delimiter)}`
        ],
        options
      );
    }
    options.record_delimiter = [options.record_delimiter];
  } else if (!Array.isArray(options.record_delimiter)) {
    throw new CsvError(
      "CSV_INVALID_OPTION_RECORD_DELIMITER",
      [
        "Invalid option `record_delimiter`:",
        "value must be a string, a buffer or array of string|buffer,",
        `got ${JSON.stringify(options.record_delimiter)}`
      ],
      options
    );
  }
  options.record_delimiter = options.record_delimiter.map(function(rd, i) {
    if (typeof rd !== "string" && !Buffer.isBuffer(rd)) {
      throw new CsvError(
        "CSV_INVALID_OPTION_RECORD_DELIMITER",
        [
          "Invalid option `record_delimiter`:",
          "value must be a string, a buffer or array of string|buffer",
          `at index ${i},`,
          `got ${JSON.stringify(rd)}`
        ],
        options
      );
    } else if (rd.length === 0) {
      throw new CsvError(
        "CSV_INVALID_OPTION_RECORD_DELIMITER",
        [
          "Invalid option `record_delimiter`:",
          "value must be a non empty string or buffer",
          `at index ${i},`,
          `got ${JSON.stringify(rd)}`
        ],
        options
      );
    }
    if (typeof rd === "string") {
      rd = Buffer.from(rd, options.encoding);
    }
    return rd;
  });
  if (typeof options.relax_column_count === "boolean") {
  } else if (options.relax_column_count === void 0 || options.relax_column_count === null) {
    options.relax_column_count = false;
  } else {
    throw new Error(
      `Invalid Option: relax_column_count must be a boolean, got ${JSON.stringify(options.relax_column_count)}`
    );
  }
  if (typeof options.relax_column_count_less === "boolean") {
  } else if (options.relax_column_count_less === void 0 || options.relax_column_count_less === null) {
    options.relax_column_count_less = false;
  } else {
    throw new Error(
      `Invalid Option: relax_column_count_less must be a boolean, got ${JSON.stringify(options.relax_column_count_less)}`
    );
  }
  if (typeof options.relax_column_count_more === "boolean") {
  } else if (options.relax_column_count_more === void 0 || options.relax_column_count_more === null) {
    options.relax_column_count_more = false;
  } else {
    throw new Error(
      `Invalid Option: relax_column_count_more must be a boolean, got ${JSON.stringify(options.relax_column_count_more)}`
    );
  }
  if (typeof options.relax_quotes === "boolean") {
  } else if (options.relax_quotes === void 0 || options.relax_quotes === null) {
    options.relax_quotes = false;
  } else {
    throw new Error(
      `Invalid Option: relax_quotes must be a boolean, got ${JSON.stringify(options.relax_quotes)}`
    );
  }
  if (typeof options.skip_empty_lines === "boolean") {
  } else if (options.skip_empty_lines === void 0 || options.skip_empty_lines === null) {
    options.skip_empty_lines = false;
  } else {
    throw new Error(
      `Invalid Option: skip_empty_lines must be a boolean, got ${JSON.stringify(options.skip_empty_lines)}`
    );
  }
  if (typeof options.skip_records_with_empty_values === "boolean") {
  } else if (options.skip_records_with_empty_values === void 0 || options.skip_records_with_empty_values === null) {
    options.skip_records_with_empty_values = false;
  } else {
    throw new Error(
      `Invalid Option: skip_records_with_empty_values must be a boolean, got ${JSON.stringify(options.skip_records_with_empty_values)}`
    );
  }
  if (typeof options.skip_records_with_error === "boolean") {
  } else if (options.skip_records_with_error === void 0 || options.skip_records_with_error === null) {
    options.skip_records_with_error = false;
  } else {
    throw new Error(
      `Invalid Option: skip_records_with_error must be a boolean, got ${JSON.stringify(options.skip_records_with_error)}`
    );
  }
  if (options.rtrim === void 0 || options.rtrim === null || options.rtrim === false) {
    options.rtrim = false;
  } else if (options.rtrim !== true) {
    throw new Error(
      `Invalid Option: rtrim must be a boolean, got ${JSON.stringify(options.rtrim)}`
    );
  }
  if (options.ltrim === void 0 || options.ltrim === null || options.ltrim === false) {
    options.ltrim = false;
  } else if (options.ltrim !== true) {
    throw new Error(
      `Invalid Option: ltrim must be a boolean, got ${JSON.stringify(options.ltrim)}`
    );
  }
  if (options.trim === void 0 || options.trim === null || options.trim === false) {
    options.trim = false;
  } else if (options.trim !== true) {
    throw new Error(
      `Invalid Option: trim must be a boolean, got ${JSON.stringify(options.trim)}`
    );
  }
  if (options.trim === true && opts.ltrim !== false) {
    options.ltrim = true;
  } else if (options.ltrim !== true) {
    options.ltrim = false;
  }
  if (options.trim === true && opts.rtrim !== false) {
    options.rtrim = true;
  } else if (options.rtrim !== true) {
    options.rtrim = false;
  }
  if (options.to === void 0 || options.to === null) {
    options.to = -1;
  } else if (options.to !== -1) {
    if (typeof options.to === "string" && /\d+/.test(options.to)) {
      options.to = parseInt(options.to);
    }
    if (Number.isInteger(options.to)) {
      if (options.to <= 0) {
        throw new Error(
          `Invalid Option: to must be a positive integer greater than 0, got ${JSON.stringify(opts.to)}`
        );
      }
    } else {
      throw new Error(
        `Invalid Option: to must be an integer, got ${JSON.stringify(opts.to)}`
      );
    }
  }
  if (options.to_line === void 0 || options.to_line === null) {
    options.to_line = -1;
  } else if (options.to_line !== -1) {
    if (typeof options.to_line === "string" && /\d+/.test(options.to_line)) {
      options.to_line = parseInt(options.to_line);
    }
    if (Number.isInteger(options.to_line)) {
      if (options.to_line <= 0) {
        throw new Error(
          `Invalid Option: to_line must be a positive integer greater than 0, got ${JSON.stringify(opts.to_line)}`
        );
      }
    } else {
      throw new Error(
        `Invalid Option: to_line must be an integer, got ${JSON.stringify(opts.to_line)}`
      );
    }
  }
  return options;
};

// node_modules/csv-parse/lib/utils/delimiter_discover.js
var delimiter_discover = function(records, options) {
  if (!options) {
    ({ delimiter_auto: options } = normalize_options({ delimiter_auto: true }));
  }
  if (typeof records === "string") {
    records = Buffer.from(records);
  }
  if (Buffer.isBuffer(records)) {
    records = ((data) => {
      const records2 = [];
      const parser = transform({ delimiter: [] });
      const push = (record) => records2.push(record);
      const close = () => {
      };
      const error = parser.parse(data, true, push, close);
      if (error !== void 0) throw error;
      return records2;
    })(records);
  }
  const info = Array(127).fill().map(() => ({ lines: [] }));
  records.map(([record], line) => {
    for (let i = 0, l = record.length; i < l; i++) {
      const code = record.charCodeAt(i);
      if (info[code].lines[line] === void 0) info[code].lines[line] = 0;
      info[code].lines[line]++;
    }
  });
  info.map((info2, i) => {
    info2.char_code = i;
    info2.std = std(info2.lines);
    info2.total = info2.lines.reduce((acc, val) => acc + val, 0);
    info2.preferred = !!options.preferred[i];
    info2.score = options.score(info2, options);
  });
  const result = info.reduce(
    (acc, info2) => acc.score > info2.score ? acc : info2,
    {}
  );
  return String.fromCharCode(result.char_code);
};
var std = function(array) {
  const n = array.length;
  if (n === 0) return 0;
  const mean = array.reduce((a, b) => a + b) / n;
  return Math.sqrt(
    array.map((x) => Math.pow(x - mean, 2)).reduce((a, b) => a + b) / n
  );
};

// node_modules/csv-parse/lib/api/index.js
var isRecordEmpty = function(record) {
  return record.every(
    (field) => field == null || field.toString && field.toString().trim() === ""
  );
};
var cr = 13;
var nl = 10;
var boms = {
  // Note, the following are equals:
  // Buffer.from("\ufeff")
  // Buffer.from([239, 187, 191])
  // Buffer.from('EFBBBF', 'hex')
  utf8: Buffer.from([239, 187, 191]),
  // Note, the following are equals:
  // Buffer.from "\ufeff", 'utf16le
  // Buffer.from([255, 254])
  utf16le: Buffer.from([255, 254])
};
var transform = function(original_options = {}) {
  const info = {
    bytes: 0,
    bytes_records: 0,
    comment_lines: 0,
    empty_lines: 0,
    invalid_field_length: 0,
    lines: 1,
    records: 0
  };
  const options = normalize_options(original_options);
  return {
    info,
    original_options,
    options,
    state: init_state(options),
    __needMoreData: function(i, bufLen, end) {
      if (end) return false;
      const { encoding, escape, quote } = this.options;
      const { quoting, needMoreDataSize, recordDelimiterMaxLength } = this.state;
      const numOfCharLeft = bufLen - i - 1;
      const requiredLength = Math.max(
        needMoreDataSize,
        // Skip if the remaining buffer smaller than record delimiter
        // If "record_delimiter" is yet to be discovered:
        // 1. It is equals to `[]` and "recordDelimiterMaxLength" equals `0`
        // 2. We set the length to windows line ending in the current encoding
        // Note, that encoding is known from user or bom discovery at that point
        // recordDelimiterMaxLength,
        recordDelimiterMaxLength === 0 ? Buffer.from("\r\n", encoding).length : recordDelimiterMaxLength,
        // Skip if remaining buffer can be an escaped quote
        quoting ? (escape === null ? 0 : escape.length) + quote.length : 0,
        // Skip if remaining buffer can be record delimiter following the closing quote
        quoting ? quote.length + recordDelimiterMaxLength : 0
      );
      return numOfCharLeft < requiredLength;
    },
    // Central parser implementation
    parse: function(nextBuf, end, push, close) {
      const {
        bom,
        comment_no_infix,
        delimiter_auto,
        encoding,
        from_line,
        ltrim,
        max_record_size,
        raw,
        relax_quotes,
        rtrim,
        skip_empty_lines,
        to,
        to_line
      } = this.options;
      let { comment, escape, quote, record_delimiter } = this.options;
      const {
        bomSkipped,
        delimiterDiscovered,
        delimiterBufPrevious,
        rawBuffer,
        escapeIsQuote
      } = this.state;
      if (!delimiterDiscovered && delimiter_auto) {
        let delimiterBuf;
        if (delimiterBufPrevious === void 0) {
          delimiterBuf = nextBuf;
        } else if (delimiterBufPrevious !== void 0 && nextBuf === void 0) {
          delimiterBuf = delimiterBufPrevious;
        } else {
          delimiterBuf = Buffer.concat([delimiterBufPrevious, nextBuf]);
        }
        nextBuf = void 0;
        if (end || delimiterBuf.length > delimiter_auto.size) {
          this.options.delimiter = [
            Buffer.from(
              delimiter_discover(delimiterBuf, this.options.delimiter_auto)
            )
          ];
          this.state.previousBuf = delimiterBuf;
          this.state.delimiterBufPrevious = void 0;
          this.state.delimiterDiscovered = true;
        } else {
          this.state.delimiterBufPrevious = delimiterBuf;
          return;
        }
      }
      const { previousBuf } = this.state;
      let buf;
      if (previousBuf === void 0) {
        if (nextBuf === void 0) {
          close();
          return;
        } else {
          buf = nextBuf;
        }
      } else if (previousBuf !== void 0 && nextBuf === void 0) {
        buf = previousBuf;
      } else {
        buf = Buffer.concat([previousBuf, nextBuf]);
      }
      if (bomSkipped === false) {
        if (bom === false) {
          this.state.bomSkipped = true;
        } else if (buf.length < 3) {
          if (end === false) {
            this.state.previousBuf = buf;
            return;
          }
        } else {
          for (const encoding2 in boms) {
            if (boms[encoding2].compare(buf, 0, boms[encoding2].length) === 0) {
              const bomLength = boms[encoding2].length;
              this.state.bufBytesStart += bomLength;
              buf = buf.slice(bomLength);
              const options2 = normalize_options({
                ...this.original_options,
                encoding: encoding2
              });
              for (const key in options2) {
                this.options[key] = options2[key];
              }
              ({ comment, escape, quote } = this.options);
              break;
            }
          }
          this.state.bomSkipped = true;
        }
      }
      const bufLen = buf.length;
      let pos;
      for (pos = 0; pos < bufLen; pos++) {
        if (this.__needMoreData(pos, bufLen, end)) {
          break;
        }
        if (this.state.wasRowDelimiter === true) {
          this.info.lines++;
          this.state.wasRowDelimiter = false;
        }
        if (to_line !== -1 && this.info.lines > to_line) {
          this.state.stop = true;
          close();
          return;
        }
        if (this.state.quoting === false && record_delimiter.length === 0) {
          const record_delimiterCount = this.__autoDiscoverRecordDelimiter(
            buf,
            pos
          );
          if (record_delimiterCount) {
            record_delimiter = this.options.record_delimiter;
          }
        }
        const chr = buf[pos];
        if (raw === true) {
          rawBuffer.append(chr);
        }
        if ((chr === cr || chr === nl) && this.state.wasRowDelimiter === false) {
          this.state.wasRowDelimiter = true;
        }
        if (this.state.escaping === true) {
          this.state.escaping = false;
        } else {
          if (escape !== null && this.state.quoting === true && this.__isEscape(buf, pos, chr) && pos + escape.length < bufLen) {
            if (escapeIsQuote) {
              if (this.__isQuote(buf, pos + escape.length)) {
                this.state.escaping = true;
                pos += escape.length - 1;
                continue;
              }
            } else {
              this.state.escaping = true;
              pos += escape.length - 1;
              continue;
            }
          }
          if (this.state.commenting === false && this.__isQuote(buf, pos)) {
            if (this.state.quoting === true) {
              const nextChr = buf[pos + quote.length];
              const isNextChrTrimable = rtrim && this.__isCharTrimable(buf, pos + quote.length);
              const isNextChrComment = comment !== null && this.__compareBytes(comment, buf, pos + quote.length, nextChr);
              const isNextChrDelimiter = this.__isDelimiter(
                buf,
                pos + quote.length,
                nextChr
              );
              const isNextChrRecordDelimiter = record_delimiter.length === 0 ? this.__autoDiscoverRecordDelimiter(buf, pos + quote.length) : this.__isRecordDelimiter(nextChr, buf, pos + quote.length);
              if (escape !== null && this.__isEscape(buf, pos, chr) && this.__isQuote(buf, pos + escape.length)) {
                pos += escape.length - 1;
              } else if (!nextChr || isNextChrDelimiter || isNextChrRecordDelimiter || isNextChrComment || isNextChrTrimable) {
                this.state.quoting = false;
                this.state.wasQuoting = true;
                pos += quote.length - 1;
                continue;
              } else if (relax_quotes === false) {
                const err = this.__error(
                  new CsvError(
                    "CSV_INVALID_CLOSING_QUOTE",
                    [
                      "Invalid Closing Quote:",
                      `got "${String.fromCharCode(nextChr)}"`,
                      `at line ${this.info.lines}`,
                      "instead of delimiter, record delimiter, trimable character",
                      "(if activated) or comment"
                    ],
                    this.options,
                    this.__infoField()
                  )
                );
                if (err !== void 0) return err;
              } else {
                this.state.quoting = false;
                this.state.wasQuoting = true;
                this.state.field.prepend(quote);
                pos += quote.length - 1;
              }
            } else {
              if (this.state.field.length !== 0) {
                if (relax_quotes === false) {
                  const info2 = this.__infoField();
                  const bom2 = Object.keys(boms).map(
                    (b) => boms[b].equals(this.state.field.toString()) ? b : false
                  ).filter(Boolean)[0];
                  const err = this.__error(
                    new CsvError(
                      "INVALID_OPENING_QUOTE",
                      [
                        "Invalid Opening Quote:",
                        `a quote is found on field ${JSON.stringify(info2.column)} at line ${info2.lines}, value is ${JSON.stringify(this.state.field.toString(encoding))}`,
                        bom2 ? `(${bom2} bom)` : void 0
                      ],
                      this.options,
                      info2,
                      {
                        field: this.state.field
                      }
                    )
                  );
                  if (err !== void 0) return err;
                }
              } else {
                this.state.quoting = true;
                pos += quote.length - 1;
                continue;
              }
            }
          }
          if (this.state.quoting === false) {
            const recordDelimiterLength = this.__isRecordDelimiter(
              chr,
              buf,
              pos
            );
            if (recordDelimiterLength !== 0) {
              const skipCommentLine = this.state.commenting && this.state.wasQuoting === false && this.state.record.length === 0 && this.state.field.length === 0;
              if (skipCommentLine) {
                this.info.comment_lines++;
              } else {
                if (this.state.enabled === false && this.info.lines + (this.state.wasRowDelimiter === true ? 1 : 0) >= from_line) {
                  this.state.enabled = true;
                  this.__resetField();
                  this.__resetRecord();
                  pos += recordDelimiterLength - 1;
                  continue;
                }
                if (skip_empty_lines === true && this.state.wasQuoting === false && this.state.record.length === 0 && this.state.field.length === 0) {
                  this.info.empty_lines++;
                  pos += recordDelimiterLength - 1;
                  continue;
                }
                this.info.bytes = this.state.bufBytesStart + pos;
                const errField = this.__onField();
                if (errField !== void 0) return errField;
                this.info.bytes = this.state.bufBytesStart + pos + recordDelimiterLength;
                const errRecord = this.__onRecord(push);
                if (errRecord !== void 0) return errRecord;
                if (to !== -1 && this.info.records >= to) {
                  this.state.stop = true;
                  close();
                  return;
                }
              }
              this.state.commenting = false;
              pos += recordDelimiterLength - 1;
              continue;
            }
            if (this.state.commenting) {
              continue;
            }
            if (comment !== null && (comment_no_infix === false || this.state.record.length === 0 && this.state.field.length === 0)) {
              const commentCount = this.__compareBytes(comment, buf, pos, chr);
              if (commentCount !== 0) {
                this.state.commenting = true;
                continue;
              }
            }
            const delimiterLength = this.__isDelimiter(buf, pos, chr);
            if (delimiterLength !== 0) {
              this.info.bytes = this.state.bufBytesStart + pos;
              const errField = this.__onField();
              if (errField !== void 0) return errField;
              pos += delimiterLength - 1;
              continue;
            }
          }
        }
        if (this.state.commenting === false) {
          if (max_record_size !== 0 && this.state.record_length + this.state.field.length > max_record_size) {
            return this.__error(
              new CsvError(
                "CSV_MAX_RECORD_SIZE",
                [
                  "Max Record Size:",
                  "record exceed the maximum number of tolerated bytes",
                  `of ${max_record_size}`,
                  `at line ${this.info.lines}`
                ],
                this.options,
                this.__infoField()
              )
            );
          }
        }
        const lappend = ltrim === false || this.state.quoting === true || this.state.field.length !== 0 || !this.__isCharTrimable(buf, pos);
        const rappend = rtrim === false || this.state.wasQuoting === false;
        if (lappend === true && rappend === true) {
          this.state.field.append(chr);
        } else if (rtrim === true && !this.__isCharTrimable(buf, pos)) {
          return this.__error(
            new CsvError(
              "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE",
              [
                "Invalid Closing Quote:",
                "found non trimable byte after quote",
                `at line ${this.info.lines}`
              ],
              this.options,
              this.__infoField()
            )
          );
        } else {
          if (lappend === false) {
            pos += this.__isCharTrimable(buf, pos) - 1;
          }
          continue;
        }
      }
      if (end === true) {
        if (this.state.quoting === true) {
          const err = this.__error(
            new CsvError(
              "CSV_QUOTE_NOT_CLOSED",
              [
                "Quote Not Closed:",
                `the parsing is finished with an opening quote at line ${this.info.lines}`
              ],
              this.options,
              this.__infoField()
            )
          );
          if (err !== void 0) return err;
        } else {
          if (this.state.wasQuoting === true || this.state.record.length !== 0 || this.state.field.length !== 0) {
            this.info.bytes = this.state.bufBytesStart + pos;
            const errField = this.__onField();
            if (errField !== void 0) return errField;
            const errRecord = this.__onRecord(push);
            if (errRecord !== void 0) return errRecord;
          } else if (this.state.wasRowDelimiter === true) {
            this.info.empty_lines++;
          } else if (this.state.commenting === true) {
            this.info.comment_lines++;
          }
        }
      } else {
        this.state.bufBytesStart += pos;
        this.state.previousBuf = buf.slice(pos);
      }
      if (this.state.wasRowDelimiter === true) {
        this.info.lines++;
        this.state.wasRowDelimiter = false;
      }
    },
    __onRecord: function(push) {
      const {
        columns,
        group_columns_by_name,
        encoding,
        info: info2,
        from,
        relax_column_count,
        relax_column_count_less,
        relax_column_count_more,
        raw,
        skip_records_with_empty_values
      } = this.options;
      const { enabled, record } = this.state;
      if (enabled === false) {
        return this.__resetRecord();
      }
      const recordLength = record.length;
      if (columns === true) {
        if (skip_records_with_empty_values === true && isRecordEmpty(record)) {
          this.__resetRecord();
          return;
        }
        return this.__firstLineToColumns(record);
      }
      if (columns === false && this.info.records === 0) {
        this.state.expectedRecordLength = recordLength;
      }
      if (recordLength !== this.state.expectedRecordLength) {
        const err = columns === false ? new CsvError(
          "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH",
          [
            "Invalid Record Length:",
            `expect ${this.state.expectedRecordLength},`,
            `got ${recordLength} on line ${this.info.lines}`
          ],
          this.options,
          this.__infoField(),
          {
            record
          }
        ) : new CsvError(
          "CSV_RECORD_INCONSISTENT_COLUMNS",
          [
            "Invalid Record Length:",
            `columns length is ${columns.length},`,
            // rename columns
            `got ${recordLength} on line ${this.info.lines}`
          ],
          this.options,
          this.__infoField(),
          {
            record
          }
        );
        if (relax_column_count === true || relax_column_count_less === true && recordLength < this.state.expectedRecordLength || relax_column_count_more === true && recordLength > this.state.expectedRecordLength) {
          this.info.invalid_field_length++;
          this.state.error = err;
        } else {
          const finalErr = this.__error(err);
          if (finalErr) return finalErr;
        }
      }
      if (skip_records_with_empty_values === true && isRecordEmpty(record)) {
        this.__resetRecord();
        return;
      }
      if (this.state.recordHasError === true) {
        this.__resetRecord();
        this.state.recordHasError = false;
        return;
      }
      this.info.records++;
      if (from === 1 || this.info.records >= from) {
        const { objname } = this.options;
        if (columns !== false) {
          const obj = {};
          for (let i = 0, l = record.length; i < l; i++) {
            if (columns[i] === void 0 || columns[i].disabled) continue;
            if (group_columns_by_name === true && Object.hasOwn(obj, columns[i].name)) {
              if (Array.isArray(obj[columns[i].name])) {
                obj[columns[i].name] = obj[columns[i].name].concat(record[i]);
              } else {
                obj[columns[i].name] = [obj[columns[i].name], record[i]];
              }
            } else {
              Object.defineProperty(obj, columns[i].name, {
                value: record[i],
                enumerable: true,
                writable: true,
                configurable: true
              });
            }
          }
          if (raw === true || info2 === true) {
            const extRecord = Object.assign(
              { record: obj },
              raw === true ? { raw: this.state.rawBuffer.toString(encoding) } : {},
              info2 === true ? { info: this.__infoRecord() } : {}
            );
            const err = this.__push(
              objname === void 0 ? extRecord : [obj[objname], extRecord],
              push
            );
            if (err) {
              return err;
            }
          } else {
            const err = this.__push(
              objname === void 0 ? obj : [obj[objname], obj],
              push
            );
            if (err) {
              return err;
            }
          }
        } else {
          if (raw === true || info2 === true) {
            const extRecord = Object.assign(
              { record },
              raw === true ? { raw: this.state.rawBuffer.toString(encoding) } : {},
              info2 === true ? { info: this.__infoRecord() } : {}
            );
            const err = this.__push(
              objname === void 0 ? extRecord : [record[objname], extRecord],
              push
            );
            if (err) {
              return err;
            }
          } else {
            const err = this.__push(
              objname === void 0 ? record : [record[objname], record],
              push
            );
            if (err) {
              return err;
            }
          }
        }
      }
      this.__resetRecord();
    },
    __firstLineToColumns: function(record) {
      const { firstLineToHeaders } = this.state;
      try {
        const headers = firstLineToHeaders === void 0 ? record : firstLineToHeaders.call(null, record);
        if (!Array.isArray(headers)) {
          return this.__error(
            new CsvError(
              "CSV_INVALID_COLUMN_MAPPING",
              [
                "Invalid Column Mapping:",
                "expect an array from column function,",
                `got ${JSON.stringify(headers)}`
              ],
              this.options,
              this.__infoField(),
              {
                headers
              }
            )
          );
        }
        const normalizedHeaders = normalize_columns_array(headers);
        this.state.expectedRecordLength = normalizedHeaders.length;
        this.options.columns = normalizedHeaders;
        this.__resetRecord();
        return;
      } catch (err) {
        return err;
      }
    },
    __resetRecord: function() {
      if (this.options.raw === true) {
        this.state.rawBuffer.reset();
      }
      this.state.error = void 0;
      this.state.record = [];
      this.state.record_length = 0;
    },
    __onField: function() {
      const { cast, encoding, rtrim, max_record_size } = this.options;
      const { enabled, wasQuoting } = this.state;
      if (enabled === false) {
        return this.__resetField();
      }
      let field = this.state.field.toString(encoding);
      if (rtrim === true && wasQuoting === false) {
        field = field.trimRight();
      }
      if (cast === true) {
        const [err, f] = this.__cast(field);
        if (err !== void 0) return err;
        field = f;
      }
      this.state.record.push(field);
      if (max_record_size !== 0 && typeof field === "string") {
        this.state.record_length += field.length;
      }
      this.__resetField();
    },
    __resetField: function() {
      this.state.field.reset();
      this.state.wasQuoting = false;
    },
    __push: function(record, push) {
      const { on_record } = this.options;
      if (on_record !== void 0) {
        const info2 = this.__infoRecord();
        try {
          record = on_record.call(null, record, info2);
        } catch (err) {
          return err;
        }
        if (record === void 0 || record === null) {
          return;
        }
      }
      this.info.bytes_records += this.info.bytes;
      push(record);
    },
    // Return a tuple with the error and the casted value
    __cast: function(field) {
      const { columns, relax_column_count } = this.options;
      const isColumns = Array.isArray(columns);
      if (isColumns === true && relax_column_count && this.options.columns.length <= this.state.record.length) {
        return [void 0, void 0];
      }
      if (this.state.castField !== null) {
        try {
          const info2 = this.__infoField();
          return [void 0, this.state.castField.call(null, field, info2)];
        } catch (err) {
          return [err];
        }
      }
      if (this.__isFloat(field)) {
        return [void 0, parseFloat(field)];
      } else if (this.options.cast_date !== false) {
        const info2 = this.__infoField();
        return [void 0, this.options.cast_date.call(null, field, info2)];
      }
      return [void 0, field];
    },
    __compareBytes: function(sourceBuf, targetBuf, targetPos, firstByte) {
      if (sourceBuf[0] !== firstByte) return 0;
      const sourceLength = sourceBuf.length;
      for (let i = 1; i < sourceLength; i++) {
        if (sourceBuf[i] !== targetBuf[targetPos + i]) return 0;
      }
      return sourceLength;
    },
    // Helper to test if a character is trimable
    __isCharTrimable: function(buf, pos) {
      const { timchars, timcharFirstBytes } = this.state;
      const first = buf[pos];
      if (first === void 0 || timcharFirstBytes[first] === 0) return 0;
      loop1: for (let i = 0; i < timchars.length; i++) {
        const timchar = timchars[i];
        for (let j = 0; j < timchar.length; j++) {
          if (timchar[j] !== buf[pos + j]) continue loop1;
        }
        return timchar.length;
      }
      return 0;
    },
    __isDelimiter: function(buf, pos, chr) {
      const { delimiter, ignore_last_delimiters } = this.options;
      if (ignore_last_delimiters === true && this.state.record.length === this.options.columns.length - 1) {
        return 0;
      } else if (ignore_last_delimiters !== false && typeof ignore_last_delimiters === "number" && this.state.record.length === ignore_last_delimiters - 1) {
        return 0;
      }
      loop1: for (let i = 0; i < delimiter.length; i++) {
        const del = delimiter[i];
        if (del[0] === chr) {
          for (let j = 1; j < del.length; j++) {
            if (del[j] !== buf[pos + j]) continue loop1;
          }
          return del.length;
        }
      }
      return 0;
    },
    __isEscape: function(buf, pos, chr) {
      const { escape } = this.options;
      if (escape === null) return false;
      const l = escape.length;
      if (escape[0] === chr) {
        for (let i = 0; i < l; i++) {
          if (escape[i] !== buf[pos + i]) {
            return false;
          }
        }
        return true;
      }
      return false;
    },
    __isFloat: function(value) {
      return value - parseFloat(value) + 1 >= 0;
    },
    // Keep it in case we implement the `cast_int` option
    // __isInt(value){
    //   // return Number.isInteger(parseInt(value))
    //   // return !isNaN( parseInt( obj ) );
    //   return /^(\-|\+)?[1-9][0-9]*$/.test(value)
    // }
    __isQuote: function(buf, pos) {
      const { quote } = this.options;
      if (quote === null) return false;
      const l = quote.length;
      for (let i = 0; i < l; i++) {
        if (quote[i] !== buf[pos + i]) {
          return false;
        }
      }
      return true;
    },
    __isRecordDelimiter: function(chr, buf, pos) {
      const { record_delimiter } = this.options;
      const recordDelimiterLength = record_delimiter.length;
      loop1: for (let i = 0; i < recordDelimiterLength; i++) {
        const rd = record_delimiter[i];
        const rdLength = rd.length;
        if (rd[0] !== chr) {
          continue;
        }
        for (let j = 1; j < rdLength; j++) {
          if (rd[j] !== buf[pos + j]) {
            continue loop1;
          }
        }
        return rd.length;
      }
      return 0;
    },
    __autoDiscoverRecordDelimiter: function(buf, pos) {
      const { encoding } = this.options;
      const rds = [
        // Important, the windows line ending must be before mac os 9
        Buffer.from("\r\n", encoding),
        Buffer.from("\n", encoding),
        Buffer.from("\r", encoding)
      ];
      loop: for (let i = 0; i < rds.length; i++) {
        const l = rds[i].length;
        for (let j = 0; j < l; j++) {
          if (rds[i][j] !== buf[pos + j]) {
            continue loop;
          }
        }
        this.options.record_delimiter.push(rds[i]);
        this.state.recordDelimiterMaxLength = rds[i].length;
        return rds[i].length;
      }
      return 0;
    },
    __error: function(msg) {
      const { encoding, raw, skip_records_with_error } = this.options;
      const err = typeof msg === "string" ? new Error(msg) : msg;
      if (skip_records_with_error) {
        this.state.recordHasError = true;
        if (this.options.on_skip !== void 0) {
          try {
            this.options.on_skip(
              err,
              raw ? this.state.rawBuffer.toString(encoding) : void 0
            );
          } catch (err2) {
            return err2;
          }
        }
        return void 0;
      } else {
        return err;
      }
    },
    __infoDataSet: function() {
      return {
        ...this.info,
        columns: this.options.columns
      };
    },
    __infoRecord: function() {
      const { columns, raw, encoding } = this.options;
      return {
        ...this.__infoDataSet(),
        bytes_records: this.info.bytes,
        error: this.state.error,
        header: columns === true,
        index: this.state.record.length,
        raw: raw ? this.state.rawBuffer.toString(encoding) : void 0
      };
    },
    __infoField: function() {
      const { columns } = this.options;
      const isColumns = Array.isArray(columns);
      const bytes_records = this.info.bytes_records;
      return {
        ...this.__infoRecord(),
        bytes_records,
        column: isColumns === true ? columns.length > this.state.record.length ? columns[this.state.record.length].name : null : this.state.record.length,
        quoting: this.state.wasQuoting
      };
    }
  };
};

// node_modules/csv-parse/lib/sync.js
var parse = function(data, opts = {}) {
  if (typeof data === "string") {
    data = Buffer.from(data);
  }
  const records = opts && opts.objname ? /* @__PURE__ */ Object.create(null) : [];
  const parser = transform(opts);
  const push = (record) => {
    if (parser.options.objname === void 0) records.push(record);
    else {
      records[record[0]] = record[1];
    }
  };
  const close = () => {
  };
  const error = parser.parse(data, true, push, close);
  if (error !== void 0) throw error;
  return records;
};

// src/emulation/qemu/query.ts
var import_semver = __toESM(require_semver(), 1);
function parseQemuQuery(value) {
  const text = value.trim();
  const lower = text.toLowerCase();
  if (lower === "stable") return { kind: "stable", text: lower };
  if (lower === "latest") return { kind: "latest", text: lower };
  if (/^\d\S*[:+~-]/.test(text) && parseDebianVersion(text)) {
    return { kind: "exact", text };
  }
  const range = import_semver.default.validRange(text);
  if (range !== null && text !== "" && text !== "*") return { kind: "range", text, range };
  return void 0;
}

// src/registry/reference.ts
var ImageReferenceError = class extends ArchwayError {
  constructor(reference, reason) {
    super(`Image reference "${reference}" is not valid: ${reason}`);
    this.reference = reference;
    this.reason = reason;
  }
  reference;
  reason;
};
var DOCKER_HUB = "docker.io";
var DOCKER_HUB_API = "registry-1.docker.io";
var LEGACY_DOCKER_HUB = "index.docker.io";
var NAME_TOTAL_MAX = 255;
var COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
var TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
var DIGEST = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
var LABEL = "(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])";
var DOMAIN = new RegExp(`^(?:${LABEL}(?:\\.${LABEL})*|\\[[A-Fa-f0-9:]+\\])(?::[0-9]+)?$`);
function parseReference(input) {
  const fail = (reason) => {
    throw new ImageReferenceError(input, reason);
  };
  if (input === "") fail("it is empty");
  if (/\s/.test(input)) fail("it contains white space");
  let rest = input;
  let digest;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) fail(`"${digest}" is not a digest (sha256: and 64 lower-case hex digits, or sha512: and 128)`);
  }
  let tag;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) fail(`"${tag}" is not a tag ([A-Za-z0-9_] then up to 127 of [A-Za-z0-9._-])`);
  }
  const slash = rest.indexOf("/");
  const first = slash < 0 ? "" : rest.slice(0, slash);
  let registry = DOCKER_HUB;
  let path = rest;
  if (slash >= 0 && (/[.:]/.test(first) || first === "localhost" || first !== first.toLowerCase())) {
    if (!DOMAIN.test(first)) fail(`"${first}" is not a registry host[:port]`);
    registry = first.toLowerCase();
    path = rest.slice(slash + 1);
  }
  if (registry === LEGACY_DOCKER_HUB) registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && path !== "" && !path.includes("/")) path = `library/${path}`;
  const problem = repositoryProblem(path);
  if (problem) fail(problem);
  if (registry.length + 1 + path.length > NAME_TOTAL_MAX) fail(`the name is longer than ${NAME_TOTAL_MAX} characters`);
  return { registry, repository: path, ...tag === void 0 ? {} : { tag }, ...digest === void 0 ? {} : { digest } };
}
function formatReference(ref) {
  return `${ref.registry}/${ref.repository}${ref.tag === void 0 ? "" : `:${ref.tag}`}${ref.digest === void 0 ? "" : `@${ref.digest}`}`;
}
function registryApiHost(registry) {
  const host = registry.toLowerCase();
  return host === DOCKER_HUB || host === LEGACY_DOCKER_HUB ? DOCKER_HUB_API : host;
}
function validateRegistry(registry) {
  if (!DOMAIN.test(registry)) throw new ImageReferenceError(registry, "a registry is a host name or address, with an optional :port");
  return registry;
}
function validateRepository(name) {
  const problem = repositoryProblem(name);
  if (problem) throw new ImageReferenceError(name, problem);
  return name;
}
function validateTag(tag) {
  if (!TAG.test(tag)) throw new ImageReferenceError(tag, "a tag is [A-Za-z0-9_] then up to 127 of [A-Za-z0-9._-]");
  return tag;
}
function validateDigest(digest) {
  if (!DIGEST.test(digest)) throw new ImageReferenceError(digest, "a digest is sha256: and 64 lower-case hex digits (or sha512: and 128)");
  return digest;
}
function isDigest(ref) {
  return DIGEST.test(ref);
}
function algorithmOf(digest) {
  return digest.slice(0, digest.indexOf(":"));
}
function validateManifestRef(ref) {
  return ref.includes(":") ? validateDigest(ref) : validateTag(ref);
}
function repositoryProblem(path) {
  if (path === "") return "the repository name is empty";
  if (path.length > NAME_TOTAL_MAX) return `the repository name is longer than ${NAME_TOTAL_MAX} characters`;
  if (path !== path.toLowerCase()) return "the repository name must be lower-case";
  for (const component of path.split("/")) {
    if (!COMPONENT.test(component)) {
      return `"${component}" is not a repository path component (lower-case letters and digits, separated by ".", "_", "__" or dashes)`;
    }
  }
  return void 0;
}
function isInsecureRegistry(registry) {
  const host = hostOf(registry).toLowerCase();
  if (host === "localhost" || host === "::1") return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return m?.slice(1).every((o) => Number(o) <= 255) ?? false;
}
function hostOf(registry) {
  if (registry.startsWith("[")) {
    const end = registry.indexOf("]");
    return end < 0 ? registry : registry.slice(1, end);
  }
  const colon = registry.lastIndexOf(":");
  return colon >= 0 && registry.indexOf(":") === colon ? registry.slice(0, colon) : registry;
}

// src/shared/platform-table.ts
var LE64 = { bits: 64, endian: "little" };
var LE32 = { bits: 32, endian: "little" };
var MASK = "ffffffffffffff00fffffffffffffffffeffffff";
var X86_MASK = "fffffffffffefefcfffffffffffffffffeffffff";
var TABLE = [
  {
    platform: { os: "linux", architecture: "amd64" },
    aliases: ["amd64", "x86_64", "x86-64"],
    qemu: "x86_64",
    debian: "amd64",
    gnu: "x86_64-linux-gnu",
    node: "x64",
    elf: { machine: EM.X86_64, ...LE64 },
    binfmt: { magic: "7f454c4602010100000000000000000002003e00", mask: X86_MASK },
    armRunner: false,
    qemuCost: 1
  },
  {
    platform: { os: "linux", architecture: "arm64" },
    aliases: ["arm64", "arm64/v8", "aarch64"],
    qemu: "aarch64",
    debian: "arm64",
    gnu: "aarch64-linux-gnu",
    node: "arm64",
    elf: { machine: EM.AARCH64, ...LE64 },
    binfmt: { magic: "7f454c460201010000000000000000000200b700", mask: MASK },
    armRunner: true,
    qemuCost: 0.7
  },
  {
    platform: { os: "linux", architecture: "arm", variant: "v7" },
    aliases: ["arm/v7", "arm", "armv7", "armhf"],
    qemu: "arm",
    debian: "armhf",
    gnu: "arm-linux-gnueabihf",
    node: "arm",
    elf: { machine: EM.ARM, ...LE32 },
    binfmt: { magic: "7f454c4601010100000000000000000002002800", mask: MASK },
    armRunner: true,
    qemuCost: 0.6
  },
  {
    platform: { os: "linux", architecture: "arm", variant: "v6" },
    aliases: ["arm/v6", "armv6", "armel"],
    qemu: "arm",
    debian: "armel",
    gnu: "arm-linux-gnueabi",
    node: "arm",
    elf: { machine: EM.ARM, ...LE32 },
    binfmt: { magic: "7f454c4601010100000000000000000002002800", mask: MASK },
    armRunner: false,
    qemuCost: 2.1
  },
  {
    platform: { os: "linux", architecture: "386" },
    aliases: ["386", "i386", "x86"],
    qemu: "i386",
    debian: "i386",
    gnu: "i386-linux-gnu",
    node: "ia32",
    elf: { machine: EM.I386, ...LE32 },
    binfmt: { magic: "7f454c4601010100000000000000000002000300", mask: X86_MASK },
    armRunner: false,
    qemuCost: 1
  },
  {
    platform: { os: "linux", architecture: "s390x" },
    aliases: ["s390x"],
    qemu: "s390x",
    debian: "s390x",
    gnu: "s390x-linux-gnu",
    node: "s390x",
    elf: { machine: EM.S390, bits: 64, endian: "big" },
    binfmt: { magic: "7f454c4602020100000000000000000000020016", mask: "fffffffffffffffcfffffffffffffffffffeffff" },
    armRunner: false,
    qemuCost: 2.4
  },
  {
    platform: { os: "linux", architecture: "ppc64le" },
    aliases: ["ppc64le", "ppc64el"],
    qemu: "ppc64le",
    debian: "ppc64el",
    gnu: "powerpc64le-linux-gnu",
    node: "ppc64",
    elf: { machine: EM.PPC64, ...LE64 },
    binfmt: { magic: "7f454c4602010100000000000000000002001500", mask: "fffffffffffffffcfffffffffffffffffeffff00" },
    armRunner: false,
    qemuCost: 1.1
  },
  {
    platform: { os: "linux", architecture: "riscv64" },
    aliases: ["riscv64"],
    qemu: "riscv64",
    debian: "riscv64",
    gnu: "riscv64-linux-gnu",
    node: "riscv64",
    elf: { machine: EM.RISCV, ...LE64 },
    binfmt: { magic: "7f454c460201010000000000000000000200f300", mask: MASK },
    armRunner: false,
    qemuCost: 2.5
  },
  {
    platform: { os: "linux", architecture: "mips64le" },
    aliases: ["mips64le", "mips64el"],
    qemu: "mips64el",
    debian: "mips64el",
    gnu: "mips64el-linux-gnuabi64",
    node: "mips64el",
    elf: { machine: EM.MIPS, ...LE64 },
    binfmt: { magic: "7f454c4602010100000000000000000002000800", mask: "ffffffffffffff0000fffffffffffffffeffffff" },
    armRunner: false,
    qemuCost: 0.7
  },
  {
    platform: { os: "linux", architecture: "loong64" },
    aliases: ["loong64", "loongarch64"],
    qemu: "loongarch64",
    debian: "loong64",
    gnu: "loongarch64-linux-gnu",
    node: "loong64",
    elf: { machine: EM.LOONGARCH, ...LE64 },
    binfmt: { magic: "7f454c4602010100000000000000000002000201", mask: "fffffffffffffffc00fffffffffffffffeffffff" },
    armRunner: false,
    qemuCost: 0.4
  }
];

// src/shared/platform.ts
var BY_ALIAS = new Map(TABLE.flatMap((f) => f.aliases.map((a) => [a, f])));
var BY_KEY = new Map(TABLE.map((f) => [formatPlatform(f.platform), f]));
var ALL_PLATFORMS = TABLE.map((f) => f.platform);
var SUPPORTED_PLATFORMS = ALL_PLATFORMS.map(formatPlatform);
function qemuCost(p) {
  return BY_KEY.get(formatPlatform(p))?.qemuCost ?? 1;
}
function formatPlatform(p) {
  return [p.os, p.architecture, p.variant].filter(Boolean).join("/");
}
function formatPlatforms(ps) {
  return ps.map(formatPlatform).join(", ");
}
function dashedPlatform(p) {
  return formatPlatform(p).replace(/\//g, "-");
}
function parsePlatform(text) {
  const lower = text.trim().toLowerCase();
  const bare = lower.startsWith("linux/") ? lower.slice("linux/".length) : lower;
  return BY_ALIAS.get(bare)?.platform;
}
var PlatformListError = class extends Error {
  constructor(value) {
    super(`unsupported platform "${value}"`);
    this.value = value;
  }
  value;
};
function parsePlatformList(text) {
  const items = text.split(/[,\n]/).map((s) => s.trim()).filter((s) => s !== "");
  if (items.length === 0) throw new PlatformListError(text);
  const wanted = /* @__PURE__ */ new Set();
  for (const item of items) {
    if (item.toLowerCase() === "all") {
      for (const k of SUPPORTED_PLATFORMS) wanted.add(k);
      continue;
    }
    const p = parsePlatform(item);
    if (!p) throw new PlatformListError(item);
    wanted.add(formatPlatform(p));
  }
  return ALL_PLATFORMS.filter((p) => wanted.has(formatPlatform(p)));
}
function platformFacts(p) {
  const f = BY_KEY.get(formatPlatform(p));
  if (!f) throw new Error(`unsupported platform ${formatPlatform(p)}`);
  return f;
}
function qemuArch(p) {
  return platformFacts(p).qemu;
}
function binfmtMagic(emulator) {
  return TABLE.find((f) => f.qemu === emulator)?.binfmt;
}
function platformOrder(p) {
  return SUPPORTED_PLATFORMS.indexOf(formatPlatform(p));
}
function hostDebianArch(nodeArch = process.arch) {
  if (nodeArch === "x64") return "amd64";
  if (nodeArch === "arm64") return "arm64";
  throw new Error(`Archway runs on amd64 and arm64 hosts; this host is ${nodeArch}`);
}
function emulatorsNeeded(platforms, runnerArch) {
  const native = runnerArch === "amd64" ? /* @__PURE__ */ new Set(["x86_64", "i386"]) : /* @__PURE__ */ new Set(["aarch64"]);
  return [...new Set(platforms.map(qemuArch))].filter((q) => !native.has(q));
}
function needsEmulation(key, runnerArch) {
  const p = parsePlatform(key);
  if (p) return emulatorsNeeded([p], runnerArch).length > 0;
  const arch = key.split("/")[1];
  return !(arch === runnerArch || runnerArch === "amd64" && arch === "386");
}
function platformKey(p) {
  const os = (p.os ?? "?").toLowerCase();
  let arch = (p.architecture ?? "?").toLowerCase();
  let variant = (p.variant ?? "").toLowerCase();
  const known = BY_ALIAS.get(arch);
  if (known) {
    arch = known.platform.architecture;
    if (!variant) variant = known.platform.variant ?? "";
  }
  if (arch === "arm64" && ["8", "v8", "v8.0"].includes(variant)) variant = "";
  if (arch === "amd64" && ["1", "v1"].includes(variant)) variant = "";
  if (arch === "arm" && /^[5-8]$/.test(variant)) variant = `v${variant}`;
  return [os, arch, variant].filter(Boolean).join("/");
}

// src/verify/arch-context.ts
import { posix } from "node:path";

// src/verify/arch-rule.ts
var REFUSED = {
  entrypoint: "the entrypoint",
  path: "a program on PATH",
  nodeModule: "a Node native module in build/Release",
  ownPrebuild: "a prebuilt Node module in the platform's own prebuilds directory",
  library: "a library in the platform's library directories",
  executable: "an executable file"
};
var ACCEPTED = {
  ignored: "in verify-arch-ignore",
  relocatable: "a relocatable object",
  bpf: "an eBPF object",
  notProgram: "neither program nor library",
  otherArchDir: "in another architecture's directory",
  testdata: "test data",
  prebuild: "a prebuilt Node module for another platform",
  notExecutable: "not executable"
};
var refused = (reason) => ({ refused: true, reason });
var accepted = (reason) => ({ refused: false, reason });
var TRIPLET = /^[a-z0-9_]+-linux-(gnu|musl)[a-z0-9]*$/;
var PREBUILD = /^([a-z0-9]+)-([a-z0-9]+)(-[a-z0-9]+)?$/;
function ownLibraryDirs(triplet, bits) {
  const dirs = ["/lib", "/usr/lib", "/usr/local/lib", `/lib/${triplet}`, `/usr/lib/${triplet}`];
  return bits === 64 ? [...dirs, "/lib64", "/usr/lib64"] : dirs;
}
var under = (path, dir) => dir === "/" || path.startsWith(`${dir}/`);
var parent = (path) => path.slice(0, path.lastIndexOf("/")) || "/";
function otherArchHome(path, triplet, nodeArch) {
  const parts = path.split("/").filter(Boolean);
  const dirs = parts.slice(0, -1);
  for (const base of [["usr"], ["usr", "lib"], ["lib"], ["usr", "local", "lib"]]) {
    const t = dirs[base.length];
    if (base.every((b, i) => dirs[i] === b) && t && t !== triplet && TRIPLET.test(t)) return ACCEPTED.otherArchDir;
  }
  if (dirs.some((d) => d === "lib32" || d === "libx32") || path.startsWith("/usr/lib/gcc-cross/")) return ACCEPTED.otherArchDir;
  if (dirs.includes("testdata")) return ACCEPTED.testdata;
  const prebuild = prebuildOf(path);
  if (prebuild && !isOwn(prebuild, nodeArch)) return ACCEPTED.prebuild;
  return void 0;
}
function prebuildOf(path) {
  const dirs = path.split("/").filter(Boolean).slice(0, -1);
  const at = dirs.indexOf("prebuilds");
  const m = at >= 0 ? PREBUILD.exec(dirs[at + 1] ?? "") : null;
  return m ? { os: m[1], arch: m[2] } : void 0;
}
function isOwn(prebuild, nodeArch) {
  return prebuild.os.startsWith("linux") && prebuild.arch === nodeArch;
}
function ruleForeignElf(f, ctx) {
  if (ctx.ignored(f.path)) return accepted(ACCEPTED.ignored);
  if (f.path === ctx.entrypoint) return refused(REFUSED.entrypoint);
  if (f.machine === EM.BPF) return accepted(ACCEPTED.bpf);
  if (f.type === ET.REL) return accepted(ACCEPTED.relocatable);
  if (f.type !== void 0 && f.type !== ET.EXEC && f.type !== ET.DYN) return accepted(ACCEPTED.notProgram);
  const executable = (f.mode & 73) !== 0;
  if (executable && ctx.pathDirs.has(parent(f.path))) return refused(REFUSED.path);
  if (f.path.endsWith(".node")) {
    if (f.path.includes("/build/Release/")) return refused(REFUSED.nodeModule);
    const prebuild = prebuildOf(f.path);
    if (prebuild && isOwn(prebuild, ctx.nodeArch)) return refused(REFUSED.ownPrebuild);
  }
  const home = otherArchHome(f.path, ctx.triplet, ctx.nodeArch);
  if (home) return accepted(home);
  if (f.type !== ET.EXEC && ctx.libraryDirs.some((d) => under(f.path, d))) return refused(REFUSED.library);
  if (executable) return refused(REFUSED.executable);
  return accepted(ACCEPTED.notExecutable);
}

// src/verify/arch-context.ts
var DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
function runtime(config) {
  return config.config ?? {};
}
function pathOf(config) {
  const env = runtime(config).Env ?? [];
  const entry = [...env].reverse().find((e) => e.startsWith("PATH="));
  const path = entry === void 0 ? DEFAULT_PATH : entry.slice("PATH=".length);
  return path.split(":").filter((d) => d.startsWith("/"));
}
function entrypointWord(config) {
  const c = runtime(config);
  const words = c.Entrypoint?.length ? c.Entrypoint : c.Cmd;
  return words?.[0] || void 0;
}
function entrypointPath(config, resolve) {
  const word = entrypointWord(config);
  if (!word) return void 0;
  const file = (p) => {
    const r = resolve(p);
    return r?.kind === "file" ? r.path : void 0;
  };
  if (word.startsWith("/")) return file(word);
  if (word.includes("/")) return file(posix.join("/", runtime(config).WorkingDir || "/", word));
  for (const dir of pathOf(config)) {
    const found = file(`${dir}/${word}`);
    if (found) return found;
  }
  return void 0;
}
function realDir(dir, resolve) {
  const r = resolve(dir);
  return r?.kind === "dir" ? r.path : dir;
}
function ignoreMatcher(globs) {
  const compiled = globs.map((g) => new Minimatch(g, { dot: true }));
  return (path) => compiled.some((m) => m.match(path));
}
function validIgnoreGlob(glob) {
  if (!glob.startsWith("/") || glob.length > 4096) return false;
  try {
    return new Minimatch(glob, { dot: true }).makeRe() !== false;
  } catch {
    return false;
  }
}
function imageContext(config, platform, resolve, ignore = []) {
  const facts = platformFacts(platform);
  const libs = ownLibraryDirs(facts.gnu, facts.elf.bits);
  return {
    entrypoint: entrypointPath(config, resolve),
    pathDirs: new Set(pathOf(config).flatMap((d) => [d.replace(/\/+$/, "") || "/", realDir(d, resolve)])),
    libraryDirs: [.../* @__PURE__ */ new Set([...libs, ...libs.map((d) => realDir(d, resolve))])],
    triplet: facts.gnu,
    nodeArch: facts.node,
    ignored: ignoreMatcher(ignore)
  };
}

// src/inputs/values.ts
function optional(value, parse2) {
  return value === "" ? void 0 : parse2(value);
}
function parseImage(value) {
  let ref;
  try {
    ref = parseReference(value.toLowerCase());
  } catch (err) {
    if (!(err instanceof ImageReferenceError)) throw err;
    throw new InputError("image", value, `accepted: an image name such as ghcr.io/acme/app or 127.0.0.1:5000/app (${err.reason})`);
  }
  if (ref.tag !== void 0 || ref.digest !== void 0)
    throw new InputError("image", value, 'accepted: an image name without tag or digest; give tags in "tags"');
  return ref;
}
function parseTags(value, image) {
  const items = value.split(/[,\n]/).map((s) => s.trim()).filter((s) => s !== "");
  const accepted2 = "accepted: tags such as latest,1.4.2 (comma- or newline-separated) or full references such as ghcr.io/acme/app:1.4.2";
  if (items.length === 0) throw new InputError("tags", value, accepted2);
  const out = /* @__PURE__ */ new Map();
  for (const item of items) {
    let ref;
    try {
      ref = /[/:@]/.test(item) ? parseReference(item) : parseReference(`${image.registry}/${image.repository}:${item}`);
    } catch {
      throw new InputError("tags", item, accepted2);
    }
    if (ref.tag === void 0 || ref.digest !== void 0) throw new InputError("tags", item, accepted2);
    out.set(`${ref.registry}/${ref.repository}:${ref.tag}`, ref);
  }
  return [...out.values()];
}
function parseContext(value) {
  if (/^(https?|git):\/\/|^git@/.test(value)) return value;
  if (!existsSync(value) || !statSync(value).isDirectory())
    throw new InputError("context", value, "accepted: a directory that exists (relative to the workspace) or a Git URL");
  return value;
}
function parseFile(value) {
  if (!existsSync(value) || !statSync(value).isFile()) throw new InputError("file", value, "accepted: the path of a Dockerfile that exists");
  return value;
}
function parseName(input, value) {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value))
    throw new InputError(input, value, 'accepted: a name of letters, digits, ".", "_" and "-"');
  return value;
}
function parseKeyValues(input, value) {
  return value.split("\n").map((l) => l.trim()).filter((l) => l !== "").map((line) => {
    const at = line.indexOf("=");
    if (at <= 0 || /\s/.test(line.slice(0, at))) throw new InputError(input, line, "accepted: KEY=VALUE lines, one per line");
    return [line.slice(0, at), line.slice(at + 1)];
  });
}
function parsePlatforms(value) {
  try {
    return parsePlatformList(value);
  } catch (err) {
    if (!(err instanceof PlatformListError)) throw err;
    throw new InputError(
      "platforms",
      err.value,
      `accepted: ${SUPPORTED_PLATFORMS.join(", ")}, their bare forms (arm64), or all; comma- or newline-separated`
    );
  }
}
var QEMU_QUERIES = "stable, latest, a QEMU version or semver range (11.1, 10.0, 7.2, >=10), or an exact Debian package version (1:11.1.3+ds-1)";
function parseQemuVersion(value) {
  const q = parseQemuQuery(value);
  if (!q) throw new InputError("qemu-version", value, `accepted: ${QEMU_QUERIES}`);
  return q;
}
function parseQemuVersions(value, platforms, fallback) {
  const items = value.split(/[\n,]/).map((i) => i.trim()).filter(Boolean);
  const building = new Set(platforms.map(formatPlatform));
  const byPlatform = /* @__PURE__ */ new Map();
  let all;
  for (const item of items) {
    const at = item.indexOf("=");
    const platform = at > 0 ? parsePlatform(item.slice(0, at).trim()) : void 0;
    if (!platform) {
      if (all)
        throw new InputError(
          "qemu-version",
          item,
          `accepted: one query for every platform (${all.text} is given already), then platform=query lines`
        );
      all = parseQemuVersion(item);
      continue;
    }
    const name = formatPlatform(platform);
    if (!building.has(name))
      throw new InputError("qemu-version", item, `accepted: platform=query for a platform to build (${[...building].join(", ")})`);
    if (byPlatform.has(name)) throw new InputError("qemu-version", item, `accepted: one query per platform (${name} has one already)`);
    const query = parseQemuQuery(item.slice(at + 1));
    if (!query) throw new InputError("qemu-version", item, `accepted: platform=query, the query one of ${QEMU_QUERIES}`);
    byPlatform.set(name, query);
  }
  return { all: all ?? parseQemuVersion(fallback), byPlatform };
}
function parseMirror(value) {
  let url;
  try {
    url = new URL(value);
  } catch {
    url = void 0;
  }
  if (!url || url.protocol !== "http:" && url.protocol !== "https:" || url.username || url.password || url.search || url.hash) {
    throw new InputError(
      "qemu-mirror",
      value,
      "accepted: an http:// or https:// Debian archive base URL without credentials or query, such as http://deb.debian.org/debian"
    );
  }
  return url.href.replace(/\/+$/, "");
}
var BINFMT_FLAGS = ["F", "P", "C", "O"];
function parseBinfmtFlags(value) {
  const chars = [...value.toUpperCase()];
  const ok = chars.every((c) => BINFMT_FLAGS.includes(c)) && new Set(chars).size === chars.length;
  if (!ok) throw new InputError("binfmt-flags", value, "accepted: any subset of the letters F, P, C, O, each at most once (default FP)");
  return BINFMT_FLAGS.filter((f) => chars.includes(f)).join("");
}
function parseProvenance(value) {
  if (/^(false|False|FALSE)$/.test(value)) return false;
  if (/^(true|True|TRUE)$/.test(value) || value === "mode=min") return "min";
  if (value === "mode=max") return "max";
  throw new InputError(
    "provenance",
    value,
    "accepted: false (no attestation), true or mode=min (a SLSA provenance attestation per platform, published as an OCI referrer of its image), or mode=max (the same, with the build definition and Dockerfile too)"
  );
}
function provenanceText(mode) {
  return mode === false ? "false" : mode === "min" ? "true" : "mode=max";
}
function parseBoolean(name, value) {
  if (/^(true|True|TRUE)$/.test(value)) return true;
  if (/^(false|False|FALSE)$/.test(value)) return false;
  throw new InputError(name, value, "accepted: true or false");
}
function parseList(input, value, o = {}) {
  let records;
  try {
    records = parse(value, {
      columns: false,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
      quote: o.quote === false ? false : '"'
    });
  } catch (err) {
    throw new InputError(
      input,
      value,
      `accepted: a comma- or newline-separated list, CSV-quoted where an item holds a comma (${errorMessage(err)})`
    );
  }
  const items = records.flatMap((r) => o.ignoreComma ? [r.join(",")] : r.length === 1 ? r[0].split(",") : r);
  return items.map((i) => i.trim()).filter((i) => i !== "");
}
function parseArchIgnore(value) {
  const items = [];
  let depth = 0;
  let item = "";
  for (const ch of value) {
    if (ch === "{") depth++;
    else if (ch === "}") depth = Math.max(0, depth - 1);
    if (ch === "\n" || ch === "," && depth === 0) {
      items.push(item);
      item = "";
      depth = 0;
    } else item += ch;
  }
  items.push(item);
  const globs = items.map((i) => i.trim()).filter((i) => i !== "");
  const bad = globs.find((g) => !validIgnoreGlob(g));
  if (bad !== void 0)
    throw new InputError(
      "verify-arch-ignore",
      bad,
      "accepted: absolute path globs such as /opt/sdk/** (* and ? within a name, ** across names, [...], {a,b}), newline- or comma-separated"
    );
  return globs;
}

export {
  DOCKER_HUB,
  formatReference,
  registryApiHost,
  validateRegistry,
  validateRepository,
  validateDigest,
  isDigest,
  algorithmOf,
  validateManifestRef,
  isInsecureRegistry,
  ALL_PLATFORMS,
  qemuCost,
  formatPlatform,
  formatPlatforms,
  dashedPlatform,
  parsePlatform,
  parsePlatformList,
  platformFacts,
  qemuArch,
  binfmtMagic,
  platformOrder,
  hostDebianArch,
  emulatorsNeeded,
  needsEmulation,
  platformKey,
  runStep,
  ruleForeignElf,
  imageContext,
  parse,
  optional,
  parseImage,
  parseTags,
  parseContext,
  parseFile,
  parseName,
  parseKeyValues,
  parsePlatforms,
  parseQemuVersions,
  parseMirror,
  parseBinfmtFlags,
  parseProvenance,
  provenanceText,
  parseBoolean,
  parseList,
  parseArchIgnore
};
