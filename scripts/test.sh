#!/usr/bin/env bash
# The whole test suite: installs what it needs, brings up the real test environment, then runs the
# end-to-end tests and, beside them, the static checks of scripts/lint.sh (npm run lint: Biome, shellcheck, the type check)
# and the unit tests.
# Prints "N passed, N failed" last. Fails too when the tests leave an archway-* file or folder
# behind in ${TMPDIR:-/tmp} or /var/tmp.
set -euo pipefail
cd "$(dirname "$0")/.."

# npm install, not npm ci: this npm (11) leaves other platforms' optional packages (swc's,
# esbuild's) out of the lock file it writes, and npm ci then refuses the lock. npm install
# follows the lock just the same.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund
fi
# On a new machine BuildKit's build takes minutes: the environment comes up without it, and it is
# built beside the test files that do not need it, which run first (__tests__/sequencer.js). Where
# it is built already, `up` starts it as the rest and `buildkit` only finds it up.
bash scripts/test-env.sh up --buildkit-later # also installs shellcheck
buildkit_log=$(mktemp)
bash scripts/test-env.sh buildkit >"$buildkit_log" 2>&1 &
buildkit=$!

# The temporary files the tests make are theirs to remove: what is there before and after.
temp_entries() { find "${TMPDIR:-/tmp}" /var/tmp -mindepth 1 -maxdepth 1 -name 'archway-*' | sort; }
before=$(temp_entries)

# The end-to-end tests run one file at a time, since they share the kernel's binfmt_misc, the
# engines and the registries. Meanwhile, on one core at the lowest priority (the end-to-end tests
# leave about a fifth of the machine idle, waiting on builds and emulators): the lint and format
# check, shellcheck, the type check, then the unit tests; their output is printed after.
# Arguments go to both test runs (a path pattern).
unit_report=$(mktemp)
beside_log=$(mktemp)
e2e_report=$(mktemp)
trap 'rm -f "$unit_report" "$beside_log" "$e2e_report" "$buildkit_log"' EXIT
status=0
jest=(node --experimental-vm-modules node_modules/jest/bin/jest.js --passWithNoTests --json)
beside() {
  renice -n 19 -p "$BASHPID" >/dev/null
  bash scripts/lint.sh || return 1
  "${jest[@]}" --selectProjects unit --maxWorkers=1 --outputFile="$unit_report" "$@"
}
beside "$@" >"$beside_log" 2>&1 &
checks=$!
"${jest[@]}" --selectProjects e2e --runInBand --outputFile="$e2e_report" "$@" || status=$?
wait "$checks" || status=$?
if ! wait "$buildkit"; then
  status=1
  cat "$buildkit_log" >&2
fi
cat "$beside_log"
# shellcheck disable=SC2016 # JavaScript, not shell: ${...} is the template literal's
node -e '
  const runs = process.argv.slice(1).map(f => JSON.parse(require("fs").readFileSync(f, "utf8")));
  const sum = key => runs.reduce((n, r) => n + r[key], 0);
  // A test file that could not run (a syntax or import error) counts as a failed test.
  const failed = sum("numFailedTests") + sum("numRuntimeErrorTestSuites");
  console.log(`archway: ${sum("numPassedTests")} passed, ${failed} failed` + (sum("numPendingTests") ? `, ${sum("numPendingTests")} skipped` : ""));
  if (sum("numTotalTests") === 0) { console.error("archway: no test ran"); process.exit(1) }
' "$unit_report" "$e2e_report" || status=1

left=$(comm -13 <(echo "$before") <(temp_entries))
if [ -n "$left" ]; then
  echo "archway: the tests left these behind:" >&2
  echo "$left" >&2
  status=1
fi
exit "$status"
