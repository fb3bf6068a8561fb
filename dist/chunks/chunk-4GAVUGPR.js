import { createRequire as __archwayCreateRequire } from 'node:module'; const require = __archwayCreateRequire(import.meta.url);

// src/shared/errors.ts
var ArchwayError = class extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = new.target.name;
  }
};
var InputError = class extends ArchwayError {
  constructor(input, value, accepted) {
    super(`Input "${input}" has a bad value "${oneLine(value)}": ${accepted}`);
    this.input = input;
    this.value = value;
    this.accepted = accepted;
  }
  input;
  value;
  accepted;
};
var DownloadError = class extends ArchwayError {
};
var VerificationError = class extends ArchwayError {
};
var EnvironmentError = class extends ArchwayError {
};
function oneLine(text) {
  return text.replace(/\s*\n\s*/g, "\\n");
}
function errorMessage(err) {
  return oneLine(err instanceof Error ? err.message : String(err));
}

export {
  ArchwayError,
  InputError,
  DownloadError,
  VerificationError,
  EnvironmentError,
  oneLine,
  errorMessage
};
