#!/bin/sh
# The example's tests: they run inside each platform's image.
set -e
out=$(sh /app/hello.sh)
case "$out" in
  "hello from $(uname -m): "*) echo "ok: $out" ;;
  *) echo "unexpected output: $out" >&2; exit 1 ;;
esac
