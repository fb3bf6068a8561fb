#!/usr/bin/env bash
# Demo: the whole product on the bundled example, run as a GitHub runner runs the action. The
# main step (node dist/main.js) sets up QEMU, builds example/ for every platform, runs its tests
# inside each platform's image, verifies the architectures and pushes each image by digest to
# the open loopback registry; the post step (node dist/post.js) publishes the index under a tag.
# Then the outputs and the job summary are printed, and the published image is pulled back from
# the registry and run on each platform. Installs what it needs; leaves nothing behind.
#
#   PLATFORMS=linux/arm64,linux/s390x   the platforms (default: the host's, arm64, arm/v7, s390x, ppc64le, riscv64)
#   QEMU_VERSION=10.0                   the qemu-version input (default stable)
#   ARCHWAY_DEMO_STORE=classic          the classic-store engine instead of the containerd-store one
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

[ -d node_modules ] || npm install --no-audit --no-fund # not npm ci: see scripts/test.sh
[ -f dist/main.js ] || npm run build
bash scripts/test-env.sh up
eval "$(bash scripts/test-env.sh env)"

store=${ARCHWAY_DEMO_STORE:-containerd}
case $store in
  containerd) export DOCKER_HOST=$ARCHWAY_DOCKER_HOST_CONTAINERD ;;
  classic) export DOCKER_HOST=$ARCHWAY_DOCKER_HOST_CLASSIC ;;
  *)
    echo "demo: ARCHWAY_DEMO_STORE is containerd (the default) or classic, not '$store'" >&2
    exit 2
    ;;
esac
unset DOCKER_CONTEXT

host=$(docker version --format '{{.Server.Arch}}') # amd64 or arm64: runs natively, no emulation
if [[ -z ${PLATFORMS:-} ]]; then
  PLATFORMS=linux/$host
  for p in linux/arm64 linux/arm/v7 linux/s390x linux/ppc64le linux/riscv64; do
    [[ $p == "linux/$host" ]] || PLATFORMS+=",$p"
  done
fi
IFS=',' read -ra platforms <<<"$PLATFORMS"

run_id=$(date +%s%3N) # unique, as GitHub's run ids are: it names the action's local build tags
repository=archway-demo/example
image=$ARCHWAY_REGISTRY_OPEN/$repository
tag=demo-$run_id # a tag of this run alone: demos run side by side do not meet in the registry
ref=$image:$tag

# Small jobs done in node, the action's own runtime: action.yml's inputs as the runner passes
# them, the runner's command files (GITHUB_OUTPUT, GITHUB_STATE), the Markdown job summary.
read -r -d '' HELPER <<'JS' || true
const fs = require('fs')
const [mode, ...args] = process.argv.slice(1)
const nul = list => process.stdout.write(list.map(s => `${s}\0`).join(''))

// A GITHUB_OUTPUT / GITHUB_STATE file: `name<<delimiter` blocks, or `name=value` lines.
function commands(file) {
  const out = {}
  const lines = fs.readFileSync(file, 'utf8').split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^=<]+)<<(.+)$/.exec(lines[i])
    if (m) {
      const end = lines.indexOf(m[2], i + 1)
      if (end < 0) throw new Error(`${file}: ${m[1]} has no closing ${m[2]}`)
      out[m[1]] = lines.slice(i + 1, end).join('\n')
      i = end
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=')
      out[lines[i].slice(0, at)] = lines[i].slice(at + 1)
    }
  }
  return out
}

// Plain text for the terminal: no emphasis or code marks, paragraphs wrapped, tables aligned
// (their digests shortened; the outputs give them in full).
function plain(markdown) {
  const inline = s => s.replace(/\*\*(.*?)\*\*/g, '$1').replace(/`([^`]*)`/g, '$1')
  const wrap = s => {
    const lines = ['']
    for (const w of s.split(' ')) {
      const last = lines[lines.length - 1]
      if (last && last.length + 1 + w.length > 100) lines.push(w)
      else lines[lines.length - 1] = last ? `${last} ${w}` : w
    }
    return lines.join('\n')
  }
  const out = []
  let rows = []
  const flush = () => {
    if (!rows.length) return
    const widths = rows[0].map((_, c) => Math.max(...rows.map(r => (r[c] ?? '').length)))
    const line = r => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd()
    out.push(line(rows[0]), line(widths.map(w => '-'.repeat(w))), ...rows.slice(1).map(line))
    rows = []
  }
  for (const l of markdown.split('\n')) {
    if (/^\s*\|/.test(l)) {
      if (/^\s*\|(\s*:?-+:?\s*\|)+\s*$/.test(l)) continue
      rows.push(l.trim().replace(/^\||\|$/g, '').split('|').map(c => inline(c.trim()).replace(/(sha256:[0-9a-f]{12})[0-9a-f]{52}/g, '$1...')))
    } else {
      flush()
      out.push(wrap(inline(l)))
    }
  }
  flush()
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trim()
}

switch (mode) {
  case 'inputs': { // inputs NAME=VALUE...: INPUT_<NAME>=value for every input of action.yml, its default where none is given
    const declared = require('yaml').parse(fs.readFileSync('action.yml', 'utf8')).inputs
    const given = Object.fromEntries(args.map(a => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]))
    for (const k of Object.keys(given)) if (!(k in declared)) throw new Error(`action.yml declares no input ${k}`)
    nul(Object.entries(declared).map(([k, d]) => `INPUT_${k.replace(/ /g, '_').toUpperCase()}=${given[k] ?? (d.default ?? '').replace('${{ github.token }}', '')}`))
    break
  }
  case 'state': // state FILE: what main saved, as the runner hands it to the post step
    nul(Object.entries(commands(args[0])).map(([k, v]) => `STATE_${k}=${v}`))
    break
  case 'get': { // get FILE NAME
    const v = commands(args[0])[args[1]]
    if (v === undefined) throw new Error(`${args[0]} has no ${args[1]}`)
    console.log(v)
    break
  }
  case 'unreferenced': { // unreferenced FILE: the platform digests of main's outputs that no tag of the image leads to
    const o = commands(args[0])
    const ours = Object.values(JSON.parse(o['platform-digests'] || '{}'))
    const base = `http://${o.image.replace('/', '/v2/')}`
    const accept = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'].join(', ')
    ;(async () => {
      const used = new Set()
      for (const tag of (await (await fetch(`${base}/tags/list`)).json()).tags ?? []) {
        const r = await fetch(`${base}/manifests/${tag}`, { headers: { accept } })
        if (r.ok) for (const m of (await r.json()).manifests ?? []) used.add(m.digest)
      }
      console.log(ours.filter(d => !used.has(d)).join('\n'))
    })().catch(err => {
      console.error(`${base}: ${err.message}`)
      process.exitCode = 1
    })
    break
  }
  case 'outputs': { // outputs FILE: the step's outputs, aligned; platform-digests one platform a line
    const o = commands(args[0])
    const width = Math.max(...Object.keys(o).map(k => k.length))
    for (const [k, v] of Object.entries(o)) {
      if (k === 'platform-digests') {
        const d = JSON.parse(v)
        const pw = Math.max(...Object.keys(d).map(p => p.length))
        console.log(`${k.padEnd(width)}  ${Object.entries(d).map(([p, x]) => `${p.padEnd(pw)}  ${x}`).join(`\n${' '.repeat(width + 2)}`)}`)
      } else console.log(`${k.padEnd(width)}  ${v}`)
    }
    break
  }
  case 'summary': // summary FILE...: the job summary (each step's, in order) as plain text
    console.log(plain(args.map(f => fs.readFileSync(f, 'utf8')).join('\n')))
    break
  default:
    throw new Error(`unknown mode ${mode}`)
}
JS
helper() { node -e "$HELPER" -- "$@"; }

# The runner's workflow commands, shown as its log shows them.
log_view() {
  sed -u -e '/^::endgroup::$/d' -e '/^::\(debug\|add-mask\)::/d' \
    -e '/^::/{s/%0D//g;s/%0A/\n    /g;s/%25/%/g}' \
    -e 's/^::group::/> /' -e 's/^::error[^:]*::/Error: /' -e 's/^::warning[^:]*::/Warning: /' -e 's/^::notice[^:]*::/Notice: /'
}

section() { printf '\n== %s\n' "$*"; }

# --- cleanup: whatever happens, nothing stays ---------------------------------------------------
# The runner's folders: tool cache (QEMU), temp, the event payload, each step's command files.
home=$(mktemp -d -t archway-demo-XXXXXX)
copied=()        # busybox binaries copied into example/.busybox/
made_busybox=0   # example/.busybox/ was made by the demo
binfmt_before=$home/binfmt-before

cleanup() {
  local rc=$? failed=0 f name left d index images
  set +e # every piece is tried; a failure is reported, and fails a run that had succeeded
  section "cleanup"
  # The pulled image (a run that stopped half-way may have left it).
  if docker image inspect "$ref" >/dev/null 2>&1; then docker image rm "$ref" >/dev/null || failed=1; fi
  # The action removes its own local build tags; any left would be its bug: reported, then removed.
  left=$(docker image ls --format '{{.Repository}}:{{.Tag}}' --filter "reference=archway.local/${repository##*/}:$run_id-*") || failed=1
  if [[ -n $left ]]; then
    echo "demo: the action left local images behind: $left" >&2
    # shellcheck disable=SC2086 # one word per reference
    docker image rm $left >/dev/null || failed=1
  fi
  # The open registry is a demo registry, and it allows DELETE: the demo's index goes (its tag
  # with it), then each platform's image that no other tag leads to (a build from the cache is
  # the same image, which another run may have published too). The blobs stay until the
  # registry's garbage collection, which nothing here runs.
  if [[ -s $home/steps/main/output ]] && index=$(helper get "$home/steps/main/output" digest 2>/dev/null); then
    delete_manifest "$index" || failed=1
    images=$(helper unreferenced "$home/steps/main/output") || failed=1
    for d in $images; do delete_manifest "$d" || failed=1; done
    echo "deleted from the registry: $ref, its index and $(wc -w <<<"$images") platform images"
  fi
  if ((${#copied[@]})); then rm -f "${copied[@]}" || failed=1; fi
  if ((made_busybox)); then rmdir --ignore-fail-on-non-empty example/.busybox || failed=1; fi
  # The emulators this demo registered with binfmt_misc point into its tool cache, about to go:
  # each is unregistered, and the entry it replaced (if any, and still usable) put back.
  for f in /proc/sys/fs/binfmt_misc/qemu-*; do
    [[ -f $f && $(sed -n 's/^interpreter //p' "$f") == "$home"/* ]] || continue
    name=${f##*/}
    echo -1 >"$f" || failed=1
    if [[ -f $binfmt_before/$name ]]; then restore_binfmt "$binfmt_before/$name" "$name" || failed=1; fi
  done
  rm -rf "$home" || failed=1
  echo "removed $home (the runner's folders), the pulled images, the example's busybox copies and this run's emulator entries"
  if ((rc == 0 && failed)); then
    echo "demo: cleanup failed" >&2
    exit 1
  fi
}
trap cleanup EXIT

# delete_manifest DIGEST: from the demo's repository in the open registry (gone already is fine).
delete_manifest() {
  case $(curl -s -o /dev/null -w '%{http_code}' -X DELETE "http://$ARCHWAY_REGISTRY_OPEN/v2/$repository/manifests/$1") in
    202 | 404) ;;
    *) echo "demo: could not delete $image@$1 from the registry" >&2 && return 1 ;;
  esac
}

# restore_binfmt SAVED NAME: register an entry again from the kernel's text of it, if its
# interpreter is still there.
restore_binfmt() {
  local saved=$1 name=$2 interp flags offset magic mask
  interp=$(sed -n 's/^interpreter //p' "$saved")
  flags=$(sed -n 's/^flags: *//p' "$saved")
  offset=$(sed -n 's/^offset //p' "$saved")
  magic=$(sed -n 's/^magic //p' "$saved" | sed 's/../\\x&/g')
  mask=$(sed -n 's/^mask //p' "$saved" | sed 's/../\\x&/g')
  [[ -x $interp && -n $magic ]] || return 0
  [[ -e /proc/sys/fs/binfmt_misc/$name ]] || echo ":$name:M:${offset#0}:$magic:$mask:$interp:$flags" >/proc/sys/fs/binfmt_misc/register
}

mkdir -p "$binfmt_before"
for f in /proc/sys/fs/binfmt_misc/qemu-*; do
  if [[ -f $f ]]; then cp "$f" "$binfmt_before/"; fi
done

# --- the example's busybox binaries -------------------------------------------------------------
# example/Dockerfile copies .busybox/<TARGETARCH><TARGETVARIANT>; test-env.sh downloaded them.
if [[ ! -d example/.busybox ]]; then
  mkdir example/.busybox
  made_busybox=1
fi
for p in "${platforms[@]}"; do
  key=${p#linux/}
  key=${key//\//}
  if [[ -e example/.busybox/$key ]]; then continue; fi # already there: left as it is
  if [[ ! -f $ARCHWAY_BUSYBOX_DIR/$key ]]; then
    echo "demo: no busybox for $p in $ARCHWAY_BUSYBOX_DIR" >&2
    exit 1
  fi
  cp "$ARCHWAY_BUSYBOX_DIR/$key" "example/.busybox/$key"
  copied+=("example/.busybox/$key")
done

# --- the runner ---------------------------------------------------------------------------------
mkdir -p "$home/tool-cache" "$home/temp"
sha=$(git rev-parse HEAD 2>/dev/null || echo 0000000000000000000000000000000000000000)
committed=$(git log -1 --format=%cI 2>/dev/null || date -u +%FT%TZ)
branch=$(git symbolic-ref --short HEAD 2>/dev/null || echo main)
printf '{"ref":"refs/heads/%s","head_commit":{"id":"%s","timestamp":"%s"}}\n' "$branch" "$sha" "$committed" >"$home/event.json"
case $host in amd64) runner_arch=X64 ;; arm64) runner_arch=ARM64 ;; *) runner_arch=$host ;; esac

# What the runner gives every step of the job. The workspace is this checkout.
runner_env=(
  CI=true GITHUB_ACTIONS=true RUNNER_OS=Linux "RUNNER_ARCH=$runner_arch" RUNNER_NAME=archway-demo
  "RUNNER_TOOL_CACHE=$home/tool-cache" "RUNNER_TEMP=$home/temp" "GITHUB_WORKSPACE=$root"
  "GITHUB_REPOSITORY=$repository" "GITHUB_SHA=$sha" "GITHUB_REF=refs/heads/$branch" "GITHUB_REF_NAME=$branch"
  "GITHUB_RUN_ID=$run_id" GITHUB_RUN_ATTEMPT=1 GITHUB_RUN_NUMBER=1 GITHUB_WORKFLOW=demo GITHUB_JOB=demo
  GITHUB_ACTION=archway GITHUB_EVENT_NAME=push "GITHUB_EVENT_PATH=$home/event.json"
  GITHUB_SERVER_URL=https://github.com "DOCKER_HOST=$DOCKER_HOST"
)
# Nothing of the calling shell's own INPUT_*, STATE_*, GITHUB_*, RUNNER_*, ACTIONS_* reaches a step.
unset_env=()
while IFS= read -r -d '' kv; do
  case $kv in INPUT_* | STATE_* | GITHUB_* | RUNNER_* | ACTIONS_*) unset_env+=(-u "${kv%%=*}") ;; esac
done < <(env -0)

# The job's `with:`. There is no Actions cache service here (cache would only warn about it). The
# version annotation makes the index this run's own: a build from the cache gives the same images.
helper inputs \
  "platforms=$PLATFORMS" \
  "qemu-version=${QEMU_VERSION:-stable}" \
  cache=false \
  "image=$image" \
  "tags=$tag" \
  "annotations=org.opencontainers.image.title=Archway demo"$'\n'"org.opencontainers.image.version=$tag" \
  context=example \
  "test=sh /app/run-tests.sh" \
  push=true >"$home/inputs"
mapfile -d '' -t inputs <"$home/inputs"

# step main|post: runs dist/<step>.js with its own command files, every input, and for post
# what main saved through GITHUB_STATE, handed over as STATE_<name>.
step() {
  local dir=$home/steps/$1 state=()
  mkdir -p "$dir"
  : >"$dir/output"
  : >"$dir/state"
  : >"$dir/env"
  : >"$dir/summary"
  if [[ $1 == post ]]; then
    helper state "$home/steps/main/state" >"$dir/state-env"
    mapfile -d '' -t state <"$dir/state-env"
  fi
  env "${unset_env[@]}" "${runner_env[@]}" "${inputs[@]}" "${state[@]}" \
    "GITHUB_OUTPUT=$dir/output" "GITHUB_STATE=$dir/state" "GITHUB_ENV=$dir/env" "GITHUB_STEP_SUMMARY=$dir/summary" \
    node "dist/$1.js" 2>&1 | log_view
}

section "node dist/main.js: $PLATFORMS -> $image ($store image store)"
step main

section "node dist/post.js"
step post

section "outputs"
helper outputs "$home/steps/main/output"

section "job summary"
helper summary "$home/steps/main/summary" "$home/steps/post/summary"

# --- from the registry --------------------------------------------------------------------------
section "$ref, from the registry"
digest=$(helper get "$home/steps/main/output" digest)
published=$(curl -fsS -o /dev/null -D - \
  -H 'Accept: application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json' \
  "http://$ARCHWAY_REGISTRY_OPEN/v2/$repository/manifests/$tag" | tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p')
echo "tag $tag -> $published"
if [[ $published != "$digest" ]]; then
  echo "demo: the registry's $tag is $published, not the digest output $digest" >&2
  exit 1
fi
width=0
for p in "${platforms[@]}"; do if ((${#p} > width)); then width=${#p}; fi; done
for p in "${platforms[@]}"; do
  # No local copy: each platform's image really comes from the registry.
  if docker image inspect "$ref" >/dev/null 2>&1; then docker image rm "$ref" >/dev/null; fi
  docker pull --quiet --platform "$p" "$ref" >/dev/null
  said=$(docker run --rm --network none --platform "$p" "$ref")
  printf '%-*s  %s\n' "$width" "$p" "$said"
  docker image rm "$ref" >/dev/null
done
