#!/usr/bin/env bash
# The static checks (npm run lint; npm test runs them beside the end-to-end tests): Biome's lint and
# format check of the TypeScript, JavaScript and JSON, shellcheck of every shell script under
# scripts/ and bench/ (shellcheck comes with the test environment), and the type check.
set -euo pipefail
cd "$(dirname "$0")/.."
shell_scripts=()
for f in scripts/* bench/*; do
  if [ -f "$f" ] && [[ $(head -n 1 "$f") =~ ^#!.*[/\ ](ba)?sh$ ]]; then shell_scripts+=("$f"); fi
done
npx biome ci .
shellcheck -x "${shell_scripts[@]}" # -x: the bench scripts source bench/lib/command-file.sh
npx tsc --noEmit
