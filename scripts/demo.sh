#!/usr/bin/env bash
# Demo: runs the action's main step as a GitHub runner would, on the bundled example,
# then runs the example's foreign-architecture binaries. Installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
PLATFORMS=${PLATFORMS:-linux/arm64,linux/arm/v7,linux/s390x,linux/ppc64le,linux/riscv64}

[ -d node_modules ] || npm install --no-audit --no-fund # not npm ci: see scripts/test.sh
bash scripts/test-env.sh up
eval "$(bash scripts/test-env.sh env)"

# The runner's environment for one job.
demo=/var/tmp/archway-demo
mkdir -p "$demo/tool-cache" "$demo/temp" "$demo/step"
: > "$demo/step/output"; : > "$demo/step/state"; : > "$demo/step/summary"
export RUNNER_TOOL_CACHE="$demo/tool-cache" RUNNER_TEMP="$demo/temp"
export GITHUB_OUTPUT="$demo/step/output" GITHUB_STATE="$demo/step/state" GITHUB_STEP_SUMMARY="$demo/step/summary"
export INPUT_PLATFORMS="$PLATFORMS"

echo "== node dist/main.js (platforms: $PLATFORMS)"
# The runner names inputs INPUT_<NAME> with the hyphen kept, which only env(1) can set.
env "INPUT_QEMU-VERSION=${QEMU_VERSION:-stable}" node dist/main.js
echo "== outputs"
grep -v '^ghadelimiter' "$GITHUB_OUTPUT" | paste - - | sed 's/<<[^\t]*\t/ = /'

echo "== the example, built and run for each platform"
mkdir -p example/.busybox
for key in arm64 armv7 armv6 s390x ppc64le riscv64 amd64 386 mips64le; do
  [ -f "$ARCHWAY_BUSYBOX_DIR/$key" ] && cp "$ARCHWAY_BUSYBOX_DIR/$key" "example/.busybox/$key"
done
export DOCKER_HOST="$ARCHWAY_DOCKER_HOST_CONTAINERD"
docker buildx build --quiet --platform "$PLATFORMS" --load -t archway-demo:example example >/dev/null
IFS=',' read -ra list <<< "$PLATFORMS"
for p in "${list[@]}"; do
  printf '%-14s ' "$p"
  docker run --rm --network none --platform "$p" archway-demo:example
done
echo "== node dist/post.js"
# The runner hands the post step what main saved with saveState, as STATE_<name>.
STATE_archway="$(sed -n '2p' "$GITHUB_STATE")" node dist/post.js
