#!/usr/bin/env bash
# Archway's real test environment on a Debian bookworm machine (run as root).
#
#   bash scripts/test-env.sh up      install and start everything (idempotent; fast when already up)
#   bash scripts/test-env.sh up --buildkit-later
#                                    the same, but where BuildKit is not built yet, leaves its pieces
#                                    for `buildkit` (the test run builds it beside the tests that do
#                                    not need it); tests that do wait for it (buildkitReady)
#   bash scripts/test-env.sh buildkit  BuildKit's pieces alone: build it (once), start its daemons, import its image
#   bash scripts/test-env.sh status  show what is up; exits non-zero if anything is missing
#   bash scripts/test-env.sh down    stop the engines, registries and daemons started here (keeps files)
#   bash scripts/test-env.sh gc      the registries' garbage collection: each stopped, every blob and
#                                    untagged manifest no tag reaches removed, started again (when
#                                    no test or bench runs: benches delete their tags, not the bytes)
#   bash scripts/test-env.sh env     print `export` lines for tests (eval "$(... env)")
#
# Any piece that cannot be brought up ends `up` with a non-zero exit and a last line
# "test-env: FAILED: <piece>: <why>", with CI=true or without (nothing is skipped silently; the
# only optional item, the loong64 busybox, is reported when absent).
#
# Pieces: Debian packages; Docker engine 28.5 and buildx from Debian sid; two engines side by side
# (containerd image store on the default socket, classic store on its own socket); binfmt_misc
# mounted (no QEMU entry is registered: that is the action's job); three loopback registries (open,
# htpasswd, and token auth whose issuer the tests run themselves on 127.0.0.1:5003, signing with
# a key and self-signed certificate generated here); static busybox binaries for each architecture
# the tests build for; Azurite (Microsoft's Azure Storage emulator, from npm, pinned by
# scripts/azurite/package-lock.json) serving Blob storage on 127.0.0.1:10000 for an account whose
# key is generated here: the storage behind the tests' own stand-in of GitHub's cache service
# (__tests__/helpers/cache-service.ts, which the tests start and stop themselves); BuildKit
# v0.13.2's buildkitd and buildctl, built once per machine (several minutes) from trixie's docker.io
# source package 26.1.5+dfsg1-9+deb13u1 (checked against Debian's signed Sources index) with
# trixie's Go and Debian's Go libraries, never installed; two buildkitd daemons of our own ("node0",
# "node1", on unix sockets under /run/archway-test-env) for the tests' `remote` buildx builders; and
# an image of them, moby/buildkit:buildx-stable-1, in both engines for buildx's `docker-container`
# driver (which cannot pull it here). test-env itself creates no buildx builder.
#
# Everything lives under $ARCHWAY_TEST_ENV_DIR (default /var/lib/archway-test-env). Only the
# Debian archive is reachable, so nothing here talks to any other host. Foreign-architecture
# and newer-suite packages come through private apt states under the state dir: the system's
# dpkg architectures and sources are never changed.
set -euo pipefail
set -E # functions and subshells inherit the ERR trap

STATE=${ARCHWAY_TEST_ENV_DIR:-/var/lib/archway-test-env}
MIRROR=http://deb.debian.org/debian
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
RUN_DIR=/run/archway-test-env # exec-roots: short paths (unix socket length limit) that a reboot clears

DOCKER_SERIES=28.5 # the engine GitHub's containerd-store behaviour is tested against (sid's docker.io)
BUILDX_PLUGIN=/usr/local/lib/docker/cli-plugins/docker-buildx

ENGINE_CONTAINERD_SOCK=/var/run/docker.sock # default engine: containerd image store (GitHub's ubuntu-24.04 runners run the classic store: the engine below)
ENGINE_CLASSIC_SOCK=/var/run/archway-classic.sock
BRIDGE_CONTAINERD=archway-cd0 # host-only bridges, one per engine (see piece_bridges)
BRIDGE_CONTAINERD_CIDR=172.30.250.1/24
BRIDGE_CLASSIC=archway-cl0
BRIDGE_CLASSIC_CIDR=172.30.251.1/24

REGISTRY_OPEN=127.0.0.1:5000
REGISTRY_AUTH=127.0.0.1:5001
REGISTRY_USER=archway
REGISTRY_PASSWORD=archway-test-secret
REGISTRY_TOKEN=127.0.0.1:5002 # auth: token; the realm is a token issuer the tests start and stop themselves
TOKEN_REALM_PORT=5003
TOKEN_REALM=http://127.0.0.1:$TOKEN_REALM_PORT/token
TOKEN_SERVICE=archway-test-registry
TOKEN_ISSUER=archway-test-issuer
TOKEN_DIR=$STATE/registries/token # issuer.key (RSA, signs the tokens) and issuer.crt (the registry's rootcertbundle)

SCRIPTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
AZURITE_DIR=$STATE/azurite # node_modules (npm ci of scripts/azurite/), data/, account.key
AZURITE_ADDR=127.0.0.1:10000
AZURITE_ACCOUNT=archway

SYSTEM_PACKAGES=(containerd runc skopeo docker-registry busybox-static xz-utils ca-certificates curl
  dpkg-dev apache2-utils file iproute2 procps openssl shellcheck openssh-client zstd
  # Debian's cross compilers: programs of the project's own for each foreign platform (bench/emulation)
  gcc libc6-dev gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf gcc-s390x-linux-gnu gcc-powerpc64le-linux-gnu gcc-riscv64-linux-gnu
  libc6-dev-arm64-cross libc6-dev-armhf-cross libc6-dev-s390x-cross libc6-dev-ppc64el-cross libc6-dev-riscv64-cross)

# key (docker platform) : Debian architecture : suite : ELF class (32/64) : endianness : ELF e_machine
BUSYBOX_TARGETS=(
  amd64:amd64:bookworm:64:le:62
  arm64:arm64:bookworm:64:le:183
  armv7:armhf:bookworm:32:le:40
  armv6:armel:bookworm:32:le:40
  386:i386:bookworm:32:le:3
  s390x:s390x:bookworm:64:be:22
  ppc64le:ppc64el:bookworm:64:le:21
  mips64le:mips64el:bookworm:64:le:8
  riscv64:riscv64:trixie:64:le:243
  loong64:loong64:sid:64:le:258
)
BUSYBOX_OPTIONAL=(loong64) # only in sid; its absence is reported, not fatal

# BuildKit's own daemon, built from Debian's sources: trixie's docker.io source package carries
# BuildKit whole as its "buildkit" component (cmd/buildkitd included). Pinned to one exact source
# version; every file is checked against the SHA-256 that Debian's signed Sources index gives.
BUILDKIT_VERSION=v0.13.2 # what that source's buildkit/ component is
BUILDKIT_SOURCE_PACKAGE=docker.io
BUILDKIT_SOURCE_VERSION=26.1.5+dfsg1-9+deb13u1
BUILDKIT_SOURCE_FILES=( # the .dsc is listed in the index but the pool answers 404 for it
  docker.io_26.1.5+dfsg1.orig.tar.xz          # engine (github.com/docker/docker)
  docker.io_26.1.5+dfsg1.orig-buildkit.tar.xz # github.com/moby/buildkit
  docker.io_26.1.5+dfsg1.orig-cli.tar.xz      # github.com/docker/cli
  docker.io_26.1.5+dfsg1-9+deb13u1.debian.tar.xz)
# Where the pinned version is looked for, in this order: "BASE-URL SUITE" (deb-src, component main).
BUILDKIT_SOURCE_SUITES=("$MIRROR trixie" "http://deb.debian.org/debian-security trixie-security"
  "$MIRROR trixie-updates")
BUILDKIT_TOOLCHAIN_SUITE=trixie
BUILDKIT_GO=1.24 # trixie's golang-1.24-go builds it (GOPATH mode, Debian's gocode)
BUILDKIT_DIR=$STATE/buildkit # <version>/bin, node0/ and node1/ (root, config), image/ (docker-container image root)
BUILDKIT_BIN=$BUILDKIT_DIR/$BUILDKIT_VERSION/bin
BUILDKIT_MARKER=$BUILDKIT_DIR/$BUILDKIT_VERSION/source # "docker.io <source version>" the binaries came from
BUILDKIT_NODES=(node0 node1) # remote builders' daemons, each on $RUN_DIR/buildkit-<node>.sock
BUILDKIT_IMAGE=moby/buildkit:buildx-stable-1 # the docker-container driver's default image
BUILDKIT_IMAGE_LABEL=org.archway.test-env.buildkit # sha256 of the imported root tarball

PIECE=setup
export DEBIAN_FRONTEND=noninteractive

# --- helpers -----------------------------------------------------------------------------------

log() { echo "test-env: $*" >&2; }

# die MESSAGE: the last line printed on any failure names the piece that failed.
die() {
  echo "test-env: FAILED: $PIECE: $*" >&2
  exit 1
}

on_err() {
  local rc=$1 line=$2 cmd=$3
  # Inside a subshell only leave; the parent reports once.
  [[ $BASHPID == "$$" ]] || exit "$rc"
  die "command failed (exit $rc, line $line): $cmd"
}
trap 'on_err $? $LINENO "$BASH_COMMAND"' ERR

# run_logged LOGFILE CMD...: append the command's output to LOGFILE; on failure show its tail.
run_logged() {
  local logfile=$1 rc=0
  shift
  mkdir -p "$(dirname "$logfile")"
  echo "+ $*" >>"$logfile"
  "$@" >>"$logfile" 2>&1 </dev/null || rc=$?
  if ((rc != 0)); then
    tail -n 20 "$logfile" | sed 's/^/  | /' >&2
    die "'$*' exited $rc (full log: $logfile)"
  fi
}

# await_answer VAR PID LOGFILE SECONDS WHAT CMD...: run CMD every half second until it succeeds, its
# output into VAR; die naming WHAT, with the tail of LOGFILE, if process PID exits first or SECONDS pass.
await_answer() {
  local -n answer=$1
  local pid=$2 logfile=$3 seconds=$4 what=$5 deadline
  shift 5
  deadline=$((SECONDS + seconds))
  while ((SECONDS < deadline)); do
    # shellcheck disable=SC2034 # a nameref: the caller's variable
    if answer=$("$@"); then return 0; fi
    if ! alive "$pid"; then
      tail -n 20 "$logfile" | sed 's/^/  | /' >&2
      die "$what exited before answering (log: $logfile)"
    fi
    sleep 0.5
  done
  tail -n 20 "$logfile" | sed 's/^/  | /' >&2
  die "$what did not answer within $seconds s (log: $logfile)"
}

# fresh FILE MINUTES: true if FILE exists and was modified less than MINUTES ago.
fresh() { [[ -e $1 && -n $(find "$1" -mmin "-$2" 2>/dev/null) ]]; }

# write_file FILE CONTENT: write only when the content differs (keeps mtimes stable);
# FILE_CHANGED tells whether it did.
FILE_CHANGED=0
write_file() {
  mkdir -p "$(dirname "$1")"
  FILE_CHANGED=0
  if ! printf '%s\n' "$2" | cmp -s - "$1"; then
    printf '%s\n' "$2" >"$1"
    FILE_CHANGED=1
  fi
}

cmdline_of() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null; }

# alive PID: the process exists and is not a zombie (pid 1 on these VMs reaps lazily).
alive() { [[ -e /proc/$1 ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

# pid_of PIDFILE MARK: print the pid recorded in PIDFILE if that process is alive and its
# command line contains MARK (so a recycled pid is never mistaken for ours).
pid_of() {
  local pid
  [[ -f $1 ]] || return 1
  pid=$(cat "$1" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  tr '\0' ' ' </proc/"$pid"/cmdline | grep -qF -- "$2" || return 1
  echo "$pid"
}

# stop_pid PIDFILE MARK NAME: SIGTERM our process, wait up to 30 s, then SIGKILL.
stop_pid() {
  local pid i
  if ! pid=$(pid_of "$1" "$2"); then
    rm -f "$1"
    return 0
  fi
  log "stopping $3 (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 60; i++)); do
    alive "$pid" || break
    sleep 0.5
  done
  if alive "$pid"; then
    log "$3 did not stop in 30 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$1"
}

# with_no_service_start CMD...: Debian maintainer scripts must not start services (the packaged
# docker-registry would take port 5000): policy-rc.d answering 101 forbids it.
with_no_service_start() {
  local prc=/usr/sbin/policy-rc.d created=0 rc=0
  if [[ ! -e $prc ]] || grep -q archway-test-env "$prc"; then
    printf '#!/bin/sh\n# archway-test-env: no service starts during package installs\nexit 101\n' >"$prc"
    chmod 755 "$prc"
    created=1
  fi
  "$@" || rc=$?
  if ((created)); then rm -f "$prc"; fi
  return "$rc"
}

# private_apt NAME ARCHS APT-ARGS...: apt-get on a private state under $STATE/apt/NAME, whose
# sources.list private_apt_prepare wrote. The system's lists, sources and dpkg architectures
# stay untouched. sid's InRelease carries a Valid-Until already past on this frozen mirror;
# its signature is still checked, so an expired date is accepted (as this machine's own apt
# configuration does) rather than refusing the suite.
private_apt() { private_apt_on /var/lib/dpkg/status "$@"; }

# private_apt_bare NAME ARCHS APT-ARGS...: private_apt as on a machine with nothing installed (an
# empty dpkg status file), so `install --download-only` fetches a package's whole dependency
# closure whatever this system holds. Nothing is ever installed through it.
private_apt_bare() {
  local status=$STATE/apt/$1/empty-status
  mkdir -p "$(dirname "$status")"
  [[ -f $status && ! -s $status ]] || : >"$status"
  private_apt_on "$status" "$@"
}

# private_apt_on DPKG-STATUS NAME ARCHS APT-ARGS...
private_apt_on() {
  local status=$1 name=$2 archs=$3 root=$STATE/apt/$2
  shift 3
  apt-get -q \
    -o Dir::State="$root/state" \
    -o Dir::State::status="$status" \
    -o Dir::Etc::sourcelist="$root/sources.list" \
    -o Dir::Etc::sourceparts=- \
    -o Dir::Cache="$root/cache" \
    -o APT::Architectures="$archs" \
    -o APT::Sandbox::User=root \
    -o Acquire::Check-Valid-Until=false \
    -o Acquire::Languages=none \
    "$@"
}

# private_apt_prepare NAME SUITE ARCHS [SOURCES-LIST]: write the private sources.list (by default
# one `deb` line for SUITE) and refresh its indexes unless they were fetched less than an hour ago
# for the same sources and architectures.
private_apt_prepare() {
  local name=$1 suite=$2 archs=$3 root=$STATE/apt/$1
  mkdir -p "$root/state/lists/partial" "$root/cache/archives/partial"
  local sources=${4:-"deb [signed-by=$KEYRING] $MIRROR $suite main"}
  if [[ ! -f $root/sources.list ]] || [[ "$(cat "$root/sources.list")" != "$sources" ]] ||
    [[ "$(cat "$root/archs" 2>/dev/null)" != "$archs" ]]; then
    printf '%s\n' "$sources" >"$root/sources.list"
    printf '%s\n' "$archs" >"$root/archs"
    rm -f "$root/updated"
  fi
  if fresh "$root/updated" 60; then return 0; fi
  log "fetching package indexes of $suite ($archs) into a private apt state"
  run_logged "$STATE/logs/apt-$name.log" private_apt "$name" "$archs" update
  touch "$root/updated"
}

# download_into DIR NAME ARCHS PACKAGE...: apt-get download from private state NAME into DIR.
download_into() {
  local dir=$1 name=$2 archs=$3 here=$PWD
  shift 3
  mkdir -p "$dir"
  cd "$dir"
  run_logged "$STATE/logs/apt-$name.log" private_apt "$name" "$archs" download "$@"
  cd "$here"
}

docker_at() { # docker_at SOCKET ARGS...
  local sock=$1
  shift
  env -u DOCKER_CONTEXT DOCKER_HOST="unix://$sock" docker "$@"
}

# --- pieces ------------------------------------------------------------------------------------

missing_system_packages() {
  local p
  for p in "${SYSTEM_PACKAGES[@]}"; do
    [[ "$(dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null)" == installed ]] || echo "$p"
  done
}

system_apt_update() {
  local stamp=$STATE/stamps/apt-update
  if fresh "$stamp" 60; then return 0; fi
  log "apt-get update"
  run_logged "$STATE/logs/apt.log" apt-get update
  mkdir -p "$(dirname "$stamp")"
  touch "$stamp"
}

piece_packages() {
  PIECE=packages
  local missing
  missing=$(missing_system_packages | tr '\n' ' ')
  if [[ -z ${missing// /} ]]; then
    log "packages: all installed"
    return 0
  fi
  system_apt_update
  log "installing: $missing"
  # shellcheck disable=SC2086 # one word per package
  run_logged "$STATE/logs/apt.log" with_no_service_start apt-get install -y --no-install-recommends $missing
  missing=$(missing_system_packages | tr '\n' ' ')
  [[ -z ${missing// /} ]] || die "still not installed: $missing"
  # A docker-registry service started earlier by hand would hold port 5000 with its own auth.
  if [[ -x /etc/init.d/docker-registry ]] && /etc/init.d/docker-registry status >/dev/null 2>&1; then
    log "stopping the packaged docker-registry service (it would hold port 5000)"
    /etc/init.d/docker-registry stop >/dev/null 2>&1 || true
  fi
}

engine_installed() {
  command -v dockerd >/dev/null && dockerd --version 2>/dev/null | grep -q "version ${DOCKER_SERIES//./\\.}\."
}

piece_docker_engine() {
  PIECE=docker-engine
  if engine_installed; then
    log "docker engine: $(dockerd --version)"
    return 0
  fi
  system_apt_update # the .debs' dependencies (containerd, runc, iptables...) come from bookworm
  private_apt_prepare sid sid amd64
  local dl=$STATE/downloads/docker
  mkdir -p "$dl"
  rm -f "$dl"/*.deb
  log "downloading docker.io, docker-cli and tini-static from sid"
  download_into "$dl" sid amd64 docker.io docker-cli tini-static
  log "installing $(cd "$dl" && echo *.deb)"
  run_logged "$STATE/logs/apt.log" with_no_service_start apt-get install -y --no-install-recommends "$dl"/*.deb
  engine_installed || die "dockerd is not $DOCKER_SERIES after install: $(dockerd --version 2>&1 || true)"
  log "docker engine: $(dockerd --version)"
}

buildx_works() { [[ -x $BUILDX_PLUGIN ]] && docker buildx version >/dev/null 2>&1; }

# install_buildx_from SUITE: the plugin is one static binary; take it out of the .deb.
install_buildx_from() {
  local suite=$1 dl=$STATE/downloads/buildx-$1
  private_apt_prepare "$suite" "$suite" amd64
  mkdir -p "$dl"
  rm -rf "$dl"/*.deb "$dl/root"
  download_into "$dl" "$suite" amd64 docker-buildx
  dpkg-deb -x "$dl"/docker-buildx_*.deb "$dl/root"
  install -D -m 755 "$dl/root/usr/libexec/docker/cli-plugins/docker-buildx" "$BUILDX_PLUGIN"
  rm -rf "$dl/root"
}

piece_docker_buildx() {
  PIECE=docker-buildx
  if buildx_works; then
    log "buildx: $(docker buildx version)"
    return 0
  fi
  log "installing docker-buildx from sid"
  install_buildx_from sid
  if ! buildx_works; then
    log "sid's docker-buildx does not run here; trying trixie's"
    install_buildx_from trixie
  fi
  buildx_works || die "docker buildx version fails: $(docker buildx version 2>&1 | head -n 1)"
  log "buildx: $(docker buildx version)"
}

piece_binfmt() {
  PIECE=binfmt
  local dir=/proc/sys/fs/binfmt_misc
  if [[ ! -e $dir/status ]]; then
    log "mounting binfmt_misc"
    mount -t binfmt_misc binfmt_misc "$dir" || die "cannot mount binfmt_misc at $dir"
  fi
  [[ -e $dir/register ]] || die "$dir has no register file"
  log "binfmt_misc: mounted ($(cat "$dir/status"))"
}

# engine_store SOCKET: print "containerd" or "classic:<driver>" for the engine on SOCKET.
engine_store() {
  local status driver
  status=$(docker_at "$1" info --format '{{json .DriverStatus}}' 2>/dev/null) || return 1
  driver=$(docker_at "$1" info --format '{{.Driver}}' 2>/dev/null) || return 1
  if [[ $status == *io.containerd.snapshotter.v1* ]]; then echo containerd; else echo "classic:$driver"; fi
}

# start_engine NAME SOCKET WANT(containerd|classic:overlay2) DAEMON_JSON [EXTRA_FLAGS...]
# An engine of ours already answering with the same configuration is left alone; one whose
# daemon.json or flags changed is restarted.
start_engine() {
  local name=$1 sock=$2 want=$3 config=$4
  shift 4
  PIECE=engine-$name
  local dir=$STATE/engines/$name pidfile=$STATE/run/dockerd-$name.pid
  local logfile=$STATE/logs/dockerd-$name.log conf=$STATE/engines/$name/daemon.json
  local pid store changed
  mkdir -p "$dir/data" "$STATE/run" "$STATE/logs" "$RUN_DIR"
  write_file "$conf" "$config"
  changed=$FILE_CHANGED
  local cmd=(dockerd --config-file "$conf" --data-root "$dir/data" --exec-root "$RUN_DIR/$name"
    --pidfile "$pidfile" -H "unix://$sock" "$@")

  if store=$(engine_store "$sock"); then
    pid=$(pid_of "$pidfile" "$pidfile") ||
      die "an engine not started by test-env answers on unix://$sock (store: $store); stop it first"
    if [[ $store == "$want" && $changed == 0 && "$(cmdline_of "$pid")" == "${cmd[*]} " ]]; then
      log "engine $name: up on unix://$sock ($store store)"
      return 0
    fi
    log "engine $name: configuration changed; restarting it"
    stop_pid "$pidfile" "$pidfile" "dockerd $name"
  fi

  if ! pid=$(pid_of "$pidfile" "$pidfile"); then
    rm -f "$pidfile"
    log "starting engine $name on unix://$sock (log: $logfile)"
    echo "=== $(date -u +%FT%TZ) test-env start" >>"$logfile"
    setsid "${cmd[@]}" </dev/null >>"$logfile" 2>&1 &
    pid=$!
  fi
  store=
  await_answer store "$pid" "$logfile" 60 "dockerd on unix://$sock" engine_store "$sock"
  [[ $store == "$want" ]] || die "engine on unix://$sock runs the $store store, expected $want"
  log "engine $name: up on unix://$sock ($store store, $(docker_at "$sock" version --format '{{.Server.Version}}'))"
}

# ensure_bridge NAME CIDR: a Linux bridge of our own for one engine. Two dockerds cannot share
# docker0, and dockerd only uses a bridge other than docker0 if it already exists.
ensure_bridge() {
  local name=$1 cidr=$2
  ip link show dev "$name" >/dev/null 2>&1 || ip link add name "$name" type bridge
  ip -4 addr show dev "$name" | grep -qF "inet $cidr " || ip addr add "$cidr" dev "$name"
  ip link set dev "$name" up
}

# BuildKit's RUN steps need the engine's default "bridge" network (with --bridge=none they fail
# with "network bridge not found"), so each engine gets its own host-only bridge. No iptables
# rules, no NAT and no IP forwarding: nothing a container does leaves this machine.
piece_bridges() {
  PIECE=bridges
  ensure_bridge "$BRIDGE_CONTAINERD" "$BRIDGE_CONTAINERD_CIDR"
  ensure_bridge "$BRIDGE_CLASSIC" "$BRIDGE_CLASSIC_CIDR"
  log "bridges: $BRIDGE_CONTAINERD ($BRIDGE_CONTAINERD_CIDR), $BRIDGE_CLASSIC ($BRIDGE_CLASSIC_CIDR)"
}

bridges_up() {
  ip -4 addr show dev "$BRIDGE_CONTAINERD" 2>/dev/null | grep -qF "inet $BRIDGE_CONTAINERD_CIDR " &&
    ip -4 addr show dev "$BRIDGE_CLASSIC" 2>/dev/null | grep -qF "inet $BRIDGE_CLASSIC_CIDR "
}

# Each dockerd starts and supervises its own containerd under its exec-root; the classic engine
# also uses containerd namespaces of its own in case both ever share a system containerd.
piece_engine_containerd() {
  start_engine containerd "$ENGINE_CONTAINERD_SOCK" containerd \
    '{"features":{"containerd-snapshotter":true}}' \
    --bridge="$BRIDGE_CONTAINERD" --iptables=false --ip6tables=false --ip-forward=false
}

piece_engine_classic() {
  start_engine classic "$ENGINE_CLASSIC_SOCK" classic:overlay2 \
    '{"features":{"containerd-snapshotter":false},"storage-driver":"overlay2"}' \
    --bridge="$BRIDGE_CLASSIC" --iptables=false --ip6tables=false --ip-forward=false \
    --containerd-namespace=archway-classic --containerd-plugins-namespace=archway-classic-plugins
}

# registry_code ADDR [CURL-ARGS...]: HTTP status of GET /v2/ (000 when nothing answers).
registry_code() {
  local addr=$1
  shift
  curl -s -o /dev/null -m 5 -w '%{http_code}' "$@" "http://$addr/v2/" 2>/dev/null || true
}

# start_registry NAME ADDR EXPECTED-CODE [AUTH-YAML]
start_registry() {
  local name=$1 addr=$2 want=$3 auth=${4:-}
  PIECE=registry-$name
  local dir=$STATE/registries/$name pidfile=$STATE/run/registry-$name.pid
  local logfile=$STATE/logs/registry-$name.log conf=$STATE/registries/$name/config.yml
  local pid code holder
  mkdir -p "$dir/data" "$STATE/run" "$STATE/logs"
  write_file "$conf" "version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: $addr
  headers:
    X-Content-Type-Options: [nosniff]
$auth"

  if pid=$(pid_of "$pidfile" "$conf"); then
    code=$(registry_code "$addr")
    if [[ $code == "$want" && $FILE_CHANGED == 0 ]]; then
      log "registry $name: up on $addr (GET /v2/ -> $code)"
      return 0
    fi
    log "registry $name: configuration changed or GET /v2/ gives $code; restarting it"
    stop_pid "$pidfile" "$conf" "registry $name"
  fi
  rm -f "$pidfile"
  holder=$(ss -Hltnp "( sport = :${addr##*:} )" 2>/dev/null | head -n 1)
  [[ -z $holder ]] || die "port ${addr##*:} is held by another process: $holder"
  log "starting registry $name on $addr (log: $logfile)"
  setsid docker-registry serve "$conf" </dev/null >>"$logfile" 2>&1 &
  pid=$!
  echo "$pid" >"$pidfile"
  local deadline=$((SECONDS + 30))
  while ((SECONDS < deadline)); do
    code=$(registry_code "$addr")
    [[ $code == "$want" ]] && break
    if ! alive "$pid"; then
      tail -n 20 "$logfile" | sed 's/^/  | /' >&2
      die "docker-registry exited (log: $logfile)"
    fi
    sleep 0.5
  done
  [[ $code == "$want" ]] || die "GET http://$addr/v2/ gives $code, expected $want (log: $logfile)"
  log "registry $name: up on $addr (GET /v2/ -> $code)"
}

piece_registry_open() {
  start_registry open "$REGISTRY_OPEN" 200
}

piece_registry_auth() {
  PIECE=registry-auth
  local htpasswd=$STATE/registries/auth/htpasswd
  mkdir -p "$(dirname "$htpasswd")"
  if ! htpasswd -vb "$htpasswd" "$REGISTRY_USER" "$REGISTRY_PASSWORD" >/dev/null 2>&1; then
    htpasswd -cbB "$htpasswd" "$REGISTRY_USER" "$REGISTRY_PASSWORD" >/dev/null 2>&1 ||
      die "htpasswd could not write $htpasswd"
  fi
  start_registry auth "$REGISTRY_AUTH" 401 "auth:
  htpasswd:
    realm: archway-test
    path: $htpasswd"
  local code
  code=$(registry_code "$REGISTRY_AUTH" -u "$REGISTRY_USER:$REGISTRY_PASSWORD")
  [[ $code == 200 ]] || die "GET /v2/ with $REGISTRY_USER's password gives $code, expected 200"
}

# registry_challenge ADDR: the WWW-Authenticate header of GET /v2/ (empty when there is none).
registry_challenge() {
  curl -s -o /dev/null -m 5 -D - "http://$1/v2/" 2>/dev/null | tr -d '\r' |
    sed -n 's/^[Ww][Ww][Ww]-[Aa]uthenticate:[[:space:]]*//p' | head -n 1 || true
}

# token_issuer_ok: the issuer's key and certificate exist, belong together and stay valid a day.
token_issuer_ok() {
  local key=$TOKEN_DIR/issuer.key crt=$TOKEN_DIR/issuer.crt
  [[ -s $key && -s $crt ]] || return 1
  openssl x509 -in "$crt" -noout -checkend 86400 >/dev/null 2>&1 || return 1
  [[ "$(openssl x509 -in "$crt" -noout -pubkey 2>/dev/null)" == "$(openssl pkey -in "$key" -pubout 2>/dev/null)" ]]
}

# The registry checks each token's signature against issuer.crt (its rootcertbundle); the tests'
# issuer signs with issuer.key and names the certificate in the token's x5c header. The
# certificate's fingerprint goes into the registry's config, so a new certificate restarts it.
piece_registry_token() {
  PIECE=registry-token
  local key=$TOKEN_DIR/issuer.key crt=$TOKEN_DIR/issuer.crt fingerprint challenge
  mkdir -p "$TOKEN_DIR"
  if ! token_issuer_ok; then
    log "generating the token issuer's key and self-signed certificate in $TOKEN_DIR"
    rm -f "$key" "$crt"
    run_logged "$STATE/logs/registry-token-openssl.log" openssl req -x509 -newkey rsa:2048 -nodes \
      -keyout "$key" -out "$crt" -days 3650 -subj "/CN=$TOKEN_ISSUER"
    chmod 600 "$key"
    token_issuer_ok || die "openssl did not leave a matching key and certificate in $TOKEN_DIR"
  fi
  fingerprint=$(openssl x509 -in "$crt" -noout -fingerprint -sha256 | sed 's/^.*=//')
  start_registry token "$REGISTRY_TOKEN" 401 "auth:
  token:
    # issuer certificate sha256 $fingerprint
    realm: $TOKEN_REALM
    service: $TOKEN_SERVICE
    issuer: $TOKEN_ISSUER
    rootcertbundle: $crt"
  challenge=$(registry_challenge "$REGISTRY_TOKEN")
  [[ $challenge == "Bearer realm=\"$TOKEN_REALM\""* ]] ||
    die "GET /v2/ gives WWW-Authenticate '$challenge', expected Bearer realm=\"$TOKEN_REALM\""
}

token_registry_up() {
  [[ $(registry_code "$REGISTRY_TOKEN") == 401 && $(registry_challenge "$REGISTRY_TOKEN") == "Bearer realm=\"$TOKEN_REALM\""* ]]
}

# elf_matches FILE CLASS ENDIAN MACHINE: check the ELF header (ident bytes and e_machine).
elf_matches() {
  local b
  [[ -f $1 ]] || return 1
  read -r -a b < <(od -An -v -w20 -t u1 -N 20 "$1" 2>/dev/null) || return 1
  ((${#b[@]} == 20)) || return 1
  [[ "${b[0]} ${b[1]} ${b[2]} ${b[3]}" == "127 69 76 70" ]] || return 1
  local class=$((b[4] == 2 ? 64 : 32)) endian machine
  if ((b[5] == 2)); then
    endian=be machine=$((b[18] * 256 + b[19]))
  else
    endian=le machine=$((b[19] * 256 + b[18]))
  fi
  [[ $class == "$2" && $endian == "$3" && $machine == "$4" ]]
}

busybox_key_of() { # Debian architecture -> docker platform key
  local t
  for t in "${BUSYBOX_TARGETS[@]}"; do [[ $t == *:"$1":* ]] && echo "${t%%:*}" && return 0; done
  return 1
}

is_optional_busybox() { [[ " ${BUSYBOX_OPTIONAL[*]} " == *" $1 "* ]]; }

piece_busybox() {
  PIECE=busybox
  local out=$STATE/busybox dl=$STATE/downloads/busybox
  local target key arch suite class endian machine
  local -A need=() # suite -> "arch arch ..."
  local -A archs_of=()
  mkdir -p "$out" "$dl"
  for target in "${BUSYBOX_TARGETS[@]}"; do
    IFS=: read -r key arch suite class endian machine <<<"$target"
    if elf_matches "$out/$key" "$class" "$endian" "$machine"; then continue; fi
    if is_optional_busybox "$key" && fresh "$STATE/stamps/busybox-$key-unavailable" 1440; then continue; fi
    need[$suite]+="$arch "
  done
  if ((${#need[@]} == 0)); then
    log "busybox: $(cd "$out" && echo *) in $out"
    return 0
  fi

  # One private apt state per suite, each knowing only the architectures wanted from it.
  for target in "${BUSYBOX_TARGETS[@]}"; do
    IFS=: read -r key arch suite class endian machine <<<"$target"
    archs_of[$suite]+="${archs_of[$suite]:+,}$arch"
  done
  local s a
  for s in "${!need[@]}"; do
    private_apt_prepare "busybox-$s" "$s" "${archs_of[$s]}"
    for a in ${need[$s]}; do
      if ! compgen -G "$dl/busybox-static_*_$a.deb" >/dev/null; then
        log "downloading busybox-static:$a from $s"
        if is_optional_busybox "$(busybox_key_of "$a")"; then
          # Optional: a failed download is reported below, not fatal.
          (cd "$dl" && private_apt "busybox-$s" "${archs_of[$s]}" download "busybox-static:$a") \
            >>"$STATE/logs/apt-busybox-$s.log" 2>&1 || true
        else
          download_into "$dl" "busybox-$s" "${archs_of[$s]}" "busybox-static:$a"
        fi
      fi
    done
  done

  local deb tmp missing_optional=()
  for target in "${BUSYBOX_TARGETS[@]}"; do
    IFS=: read -r key arch suite class endian machine <<<"$target"
    if elf_matches "$out/$key" "$class" "$endian" "$machine"; then continue; fi
    deb=$(compgen -G "$dl/busybox-static_*_$arch.deb" | sort -V | tail -n 1 || true)
    if [[ -z $deb ]]; then
      if is_optional_busybox "$key"; then
        missing_optional+=("$key")
        mkdir -p "$STATE/stamps"
        touch "$STATE/stamps/busybox-$key-unavailable"
        continue
      fi
      die "busybox-static:$arch could not be downloaded from $suite (log: $STATE/logs/apt-busybox-$suite.log)"
    fi
    # Unpacked under the state folder, not /tmp: what a failed unpack leaves, the next one clears.
    tmp=$STATE/busybox-unpack
    rm -rf "$tmp"
    mkdir -p "$tmp"
    dpkg-deb -x "$deb" "$tmp"
    if [[ -f $tmp/bin/busybox ]]; then
      install -m 755 "$tmp/bin/busybox" "$out/$key" # bookworm layout
    elif [[ -f $tmp/usr/bin/busybox ]]; then
      install -m 755 "$tmp/usr/bin/busybox" "$out/$key" # trixie and later (merged /usr)
    else
      rm -rf "$tmp"
      die "no busybox binary in $(basename "$deb")"
    fi
    rm -rf "$tmp"
    elf_matches "$out/$key" "$class" "$endian" "$machine" ||
      die "$out/$key is not a $class-bit $endian ELF for machine $machine: $(file -b "$out/$key" 2>/dev/null || true)"
    log "busybox $key <- $(basename "$deb")"
  done
  for key in "${missing_optional[@]}"; do
    log "busybox $key: no busybox-static for it in the reachable archive; skipped (optional)"
  done
  log "busybox: $(cd "$out" && echo *) in $out"
}

# --- Azurite: Blob storage behind the cache service stand-in ---------------------------------------

azurite_installed() {
  [[ -x $AZURITE_DIR/node_modules/.bin/azurite-blob ]] &&
    cmp -s "$SCRIPTS_DIR/azurite/package-lock.json" "$AZURITE_DIR/package-lock.json"
}

# azurite_server: the Server header of Azurite's blob endpoint (empty when nothing answers).
azurite_server() {
  curl -s -o /dev/null -m 5 -D - "http://$AZURITE_ADDR/" 2>/dev/null | tr -d '\r' |
    sed -n 's/^[Ss]erver:[[:space:]]*//p' | head -n 1 || true
}

azurite_key() { cat "$AZURITE_DIR/account.key" 2>/dev/null || true; }

# Installed with npm ci from the pinned lock file into the state folder, so the daemon does not
# depend on any work tree's node_modules; started with the account key generated here, no
# telemetry, and any API version (the clients are newer than the emulator).
piece_azurite() {
  PIECE=azurite
  command -v npm >/dev/null || die "npm is not installed (Azurite comes from the npm registry)"
  if ! azurite_installed; then
    log "installing Azurite (scripts/azurite/package-lock.json) into $AZURITE_DIR"
    mkdir -p "$AZURITE_DIR"
    cp "$SCRIPTS_DIR/azurite/package.json" "$SCRIPTS_DIR/azurite/package-lock.json" "$AZURITE_DIR/"
    run_logged "$STATE/logs/azurite-npm.log" npm ci --prefix "$AZURITE_DIR" --omit=dev --no-audit --no-fund
    azurite_installed || die "npm ci left no azurite-blob in $AZURITE_DIR/node_modules/.bin"
  fi
  if [[ -z $(azurite_key) ]]; then
    mkdir -p "$AZURITE_DIR"
    (umask 077 && openssl rand -base64 32 >"$AZURITE_DIR/account.key")
  fi
  local pidfile=$STATE/run/azurite.pid logfile=$STATE/logs/azurite.log pid server
  local cmd=("$AZURITE_DIR/node_modules/.bin/azurite-blob" --blobHost "${AZURITE_ADDR%:*}" --blobPort "${AZURITE_ADDR##*:}"
    --location "$AZURITE_DIR/data" --skipApiVersionCheck --disableTelemetry --disableProductStyleUrl)
  mkdir -p "$AZURITE_DIR/data" "$STATE/run" "$STATE/logs"
  write_file "$AZURITE_DIR/command" "${cmd[*]} account=$AZURITE_ACCOUNT key-sha256=$(azurite_key | sha256sum | cut -c1-16)"
  if pid=$(pid_of "$pidfile" "$AZURITE_DIR/data"); then
    server=$(azurite_server)
    if [[ $server == Azurite-Blob/* && $FILE_CHANGED == 0 ]]; then
      log "azurite: up on $AZURITE_ADDR ($server)"
      return 0
    fi
    log "azurite: configuration changed or not answering; restarting it"
    stop_pid "$pidfile" "$AZURITE_DIR/data" azurite
  fi
  rm -f "$pidfile"
  local holder
  holder=$(ss -Hltnp "( sport = :${AZURITE_ADDR##*:} )" 2>/dev/null | head -n 1)
  [[ -z $holder ]] || die "port ${AZURITE_ADDR##*:} is held by another process: $holder"
  log "starting azurite on $AZURITE_ADDR (log: $logfile)"
  echo "=== $(date -u +%FT%TZ) test-env start" >>"$logfile"
  AZURITE_ACCOUNTS="$AZURITE_ACCOUNT:$(azurite_key)" setsid "${cmd[@]}" </dev/null >>"$logfile" 2>&1 &
  pid=$!
  echo "$pid" >"$pidfile"
  local deadline=$((SECONDS + 30))
  server=
  while ((SECONDS < deadline)); do
    server=$(azurite_server)
    [[ $server == Azurite-Blob/* ]] && break
    if ! alive "$pid"; then
      tail -n 20 "$logfile" | sed 's/^/  | /' >&2
      die "azurite exited (log: $logfile)"
    fi
    sleep 0.5
  done
  [[ $server == Azurite-Blob/* ]] || die "http://$AZURITE_ADDR/ gives no Azurite-Blob server header within 30 s (log: $logfile)"
  log "azurite: up on $AZURITE_ADDR ($server)"
}

# --- BuildKit: buildkitd and buildctl built from Debian's sources, two daemons, an image ---------

# buildkit_version_of BINARY: the version a buildkitd or buildctl reports ("v0.13.2").
buildkit_version_of() {
  "$1" --version 2>/dev/null | awk '{ print $3; exit }' || true
}

buildkit_built() {
  [[ -x $BUILDKIT_BIN/buildkitd && -x $BUILDKIT_BIN/buildctl ]] &&
    [[ "$(cat "$BUILDKIT_MARKER" 2>/dev/null)" == "$BUILDKIT_SOURCE_PACKAGE $BUILDKIT_SOURCE_VERSION" ]] &&
    [[ $(buildkit_version_of "$BUILDKIT_BIN/buildkitd") == "$BUILDKIT_VERSION" ]] &&
    [[ $(buildkit_version_of "$BUILDKIT_BIN/buildctl") == "$BUILDKIT_VERSION" ]]
}

# buildkit_source_stanza BASE-URL SUITE: print the Sources paragraph of the pinned source version
# from the index apt stored for that suite (apt checked it against the InRelease signature and
# hash when it fetched it); nothing when the suite does not list that version.
buildkit_source_stanza() {
  local lists=$STATE/apt/buildkit/state/lists prefix f
  prefix=$(printf '%s' "${1#*://}" | tr / _)_dists_$2_main_source_Sources
  for f in "$lists/$prefix" "$lists/$prefix".*; do
    [[ -f $f ]] || continue
    /usr/lib/apt/apt-helper cat-file "$f" |
      awk -v RS= -v p="Package: $BUILDKIT_SOURCE_PACKAGE" -v v="Version: $BUILDKIT_SOURCE_VERSION" '
        !done { n = split($0, l, "\n"); pk = ve = 0
          for (i = 1; i <= n; i++) { if (l[i] == p) pk = 1; if (l[i] == v) ve = 1 }
          if (pk && ve) { print; done = 1 } }'
    return 0
  done
}

# fetch_verified URL FILE SHA256: download FILE unless a copy with that hash is already there; a
# download whose SHA-256 differs is deleted and ends the piece naming the file.
fetch_verified() {
  local url=$1 file=$2 want=$3 got
  if [[ -f $file ]] && [[ $(sha256sum "$file" | cut -d' ' -f1) == "$want" ]]; then return 0; fi
  rm -f "$file" "$file.part"
  run_logged "$STATE/logs/buildkit-build.log" curl -fsSL --retry 3 -o "$file.part" "$url"
  got=$(sha256sum "$file.part" | cut -d' ' -f1)
  if [[ $got != "$want" ]]; then
    rm -f "$file.part"
    die "$(basename "$file"): SHA-256 $got, but Debian's Sources index says $want (from $url)"
  fi
  mv "$file.part" "$file"
}

# unpack_single_top TARBALL DEST: unpack TARBALL and move its one top-level folder to DEST, as
# dpkg-source does with an orig tarball.
unpack_single_top() {
  local tarball=$1 dest=$2 tmp=$2.unpack tops
  rm -rf "$tmp" "$dest"
  mkdir -p "$tmp"
  run_logged "$STATE/logs/buildkit-build.log" tar -xf "$tarball" -C "$tmp"
  tops=$(find "$tmp" -mindepth 1 -maxdepth 1 | wc -l)
  [[ $tops == 1 && -d $(find "$tmp" -mindepth 1 -maxdepth 1) ]] ||
    die "$(basename "$tarball") has $tops top-level entries, expected one folder"
  mv "$(find "$tmp" -mindepth 1 -maxdepth 1)" "$dest"
  rmdir "$tmp"
}

# golang_build_depends CONTROL: the golang-* packages debian/control's source paragraph names in
# Build-Depends (first alternative of each, versions dropped; golang-any, the compiler, left out).
golang_build_depends() {
  awk -v RS= 'NR == 1' "$1" | grep -v '^#' |
    awk '/^Build-Depends:/ { f = 1; sub(/^Build-Depends:/, ""); print; next } /^[^ \t]/ { f = 0 } f' |
    tr ',' '\n' | sed 's/|.*//; s/[[(<].*//; s/^[[:space:]]*//; s/[[:space:]]*$//' |
    grep '^golang-' | grep -vx golang-any | sort -u
}

# Built once per machine (about 5 minutes on 2 cores, 2.5-3.5 of them `go build`; about 2.8 GB of
# build tree, removed afterwards; a failed build leaves it for inspection and the next run starts
# it afresh): the pinned docker.io source, verified and patched as Debian builds it, with
# trixie's Go and Debian's packaged Go libraries (downloaded with their closure, unpacked, never
# installed) in GOPATH mode: no module proxy, nothing from outside the Debian archive.
piece_buildkit() {
  PIECE=buildkit
  if buildkit_built; then
    log "buildkit: buildkitd and buildctl $BUILDKIT_VERSION in $BUILDKIT_BIN ($BUILDKIT_SOURCE_PACKAGE $BUILDKIT_SOURCE_VERSION)"
    return 0
  fi
  local blog=$STATE/logs/buildkit-build.log start=$SECONDS
  local arch
  arch=$(dpkg --print-architecture)
  mkdir -p "$STATE/logs"
  echo "=== $(date -u +%FT%TZ) test-env: building BuildKit $BUILDKIT_VERSION" >>"$blog"
  log "building BuildKit $BUILDKIT_VERSION (buildkitd, buildctl) from Debian's $BUILDKIT_SOURCE_PACKAGE $BUILDKIT_SOURCE_VERSION: this takes several minutes, once per machine (log: $blog)"

  # One private state: trixie's binary packages (the toolchain) and the deb-src indexes the
  # pinned version is looked up in.
  local entry base suite sources="deb [signed-by=$KEYRING] $MIRROR $BUILDKIT_TOOLCHAIN_SUITE main"
  for entry in "${BUILDKIT_SOURCE_SUITES[@]}"; do
    read -r base suite <<<"$entry"
    sources+=$'\n'"deb-src [signed-by=$KEYRING] $base $suite main"
  done
  private_apt_prepare buildkit "$BUILDKIT_TOOLCHAIN_SUITE and deb-src of ${BUILDKIT_SOURCE_SUITES[*]##* }" "$arch" "$sources"

  local stanza='' found=''
  for entry in "${BUILDKIT_SOURCE_SUITES[@]}"; do
    read -r base suite <<<"$entry"
    stanza=$(buildkit_source_stanza "$base" "$suite")
    if [[ -n $stanza ]]; then
      found=$entry
      break
    fi
  done
  [[ -n $found ]] || die "no Sources index of ${BUILDKIT_SOURCE_SUITES[*]} lists $BUILDKIT_SOURCE_PACKAGE $BUILDKIT_SOURCE_VERSION"
  read -r base suite <<<"$found"
  local directory
  directory=$(sed -n 's/^Directory: //p' <<<"$stanza")
  [[ -n $directory ]] || die "the Sources entry of $BUILDKIT_SOURCE_PACKAGE $BUILDKIT_SOURCE_VERSION in $suite has no Directory"
  local -A sha=()
  local sum name
  while read -r sum _ name; do
    sha[$name]=$sum
  done < <(awk '/^Checksums-Sha256:/ { f = 1; next } /^[^ ]/ { f = 0 } f && NF == 3' <<<"$stanza")

  local dl=$STATE/downloads/buildkit-src/$BUILDKIT_SOURCE_VERSION file
  mkdir -p "$dl"
  log "fetching $BUILDKIT_SOURCE_PACKAGE $BUILDKIT_SOURCE_VERSION (${#BUILDKIT_SOURCE_FILES[@]} files) from $base $directory, checked against $suite's Sources index"
  for file in "${BUILDKIT_SOURCE_FILES[@]}"; do
    [[ -n ${sha[$file]:-} ]] || die "$suite's Sources entry of $BUILDKIT_SOURCE_PACKAGE $BUILDKIT_SOURCE_VERSION lists no SHA-256 for $file"
    fetch_verified "$base/$directory/$file" "$dl/$file" "${sha[$file]}"
  done

  # Unpacked as dpkg-source 3.0 (quilt) does, then patched with debian/patches/series.
  local build=$BUILDKIT_DIR/build
  local src=$build/src
  rm -rf "$build"
  mkdir -p "$build"
  log "unpacking and patching the source in $build"
  unpack_single_top "$dl/${BUILDKIT_SOURCE_FILES[0]}" "$src"
  unpack_single_top "$dl/${BUILDKIT_SOURCE_FILES[1]}" "$src/buildkit"
  unpack_single_top "$dl/${BUILDKIT_SOURCE_FILES[2]}" "$src/cli"
  run_logged "$blog" tar -xf "$dl/${BUILDKIT_SOURCE_FILES[3]}" -C "$src"
  local patch opts patches=0
  while read -r patch opts; do
    [[ -n $patch ]] || continue
    run_logged "$blog" patch -d "$src" "${opts:--p1}" --batch --forward --no-backup-if-mismatch -i "$src/debian/patches/$patch"
    patches=$((patches + 1))
  done < <(sed 's/[[:space:]]*#.*//' "$src/debian/patches/series")
  local -a deps
  mapfile -t deps < <(golang_build_depends "$src/debian/control")
  ((${#deps[@]} > 0)) || die "found no golang-* Build-Depends in debian/control"
  log "applied $patches patches of debian/patches/series; Build-Depends name ${#deps[@]} golang-* packages"

  # The toolchain and Debian's Go libraries, with their whole closure (about 480 packages, 226 MB).
  local archives=$STATE/apt/buildkit/cache/archives tc=$build/toolchain deb count=0
  log "downloading golang-$BUILDKIT_GO-go and those ${#deps[@]} packages with their dependencies from $BUILDKIT_TOOLCHAIN_SUITE"
  run_logged "$STATE/logs/apt-buildkit.log" private_apt_bare buildkit "$arch" autoclean
  run_logged "$STATE/logs/apt-buildkit.log" private_apt_bare buildkit "$arch" install --download-only -y \
    --no-install-recommends "golang-$BUILDKIT_GO-go" "${deps[@]}"
  log "unpacking the toolchain and every package holding usr/share/gocode/src/ into $tc"
  mkdir -p "$tc"
  for deb in "$archives"/*.deb; do
    case $(basename "$deb") in
      "golang-$BUILDKIT_GO-go_"* | "golang-$BUILDKIT_GO-src_"*) ;;
      *) dpkg-deb -c "$deb" | awk '$6 ~ /^\.\/usr\/share\/gocode\/src\// { f = 1 } END { exit !f }' || continue ;;
    esac
    run_logged "$blog" dpkg-deb -x "$deb" "$tc"
    count=$((count + 1))
  done
  local goroot=$tc/usr/lib/go-$BUILDKIT_GO
  [[ -x $goroot/bin/go ]] || die "no $goroot/bin/go after unpacking golang-$BUILDKIT_GO-go"

  # GOPATH: the three components at their import paths, ahead of Debian's gocode.
  local gopath=$build/gopath
  mkdir -p "$gopath/src/github.com/moby" "$gopath/src/github.com/docker"
  mv "$src/buildkit" "$gopath/src/github.com/moby/buildkit"
  mv "$src/engine" "$gopath/src/github.com/docker/docker"
  mv "$src/cli" "$gopath/src/github.com/docker/cli"
  local ldflags="-s -w -X github.com/moby/buildkit/version.Version=$BUILDKIT_VERSION"
  ldflags+=" -X github.com/moby/buildkit/version.Revision=debian-$BUILDKIT_SOURCE_VERSION"
  local cmd go_start=$SECONDS
  mkdir -p "$build/home" "$build/tmp"
  local -A took=([buildkitd]="about 2.5-3.5 minutes on 2 cores" [buildctl]="seconds: it shares buildkitd's build cache")
  for cmd in buildkitd buildctl; do
    log "go build $cmd with $("$goroot/bin/go" version | cut -d' ' -f3) and $count unpacked packages (${took[$cmd]})"
    run_logged "$blog" env -i PATH="$goroot/bin:/usr/bin:/bin" HOME="$build/home" TMPDIR="$build/tmp" \
      GOROOT="$goroot" GOPATH="$gopath:$tc/usr/share/gocode" GOCACHE="$build/gocache" GOFLAGS= \
      GO111MODULE=off GOPROXY=off GOTOOLCHAIN=local CGO_ENABLED=0 \
      "$goroot/bin/go" build -trimpath -ldflags "$ldflags" -o "$build/out/$cmd" "github.com/moby/buildkit/cmd/$cmd"
  done
  local go_seconds=$((SECONDS - go_start))
  install -D -m 755 "$build/out/buildkitd" "$BUILDKIT_BIN/buildkitd"
  install -D -m 755 "$build/out/buildctl" "$BUILDKIT_BIN/buildctl"
  write_file "$BUILDKIT_MARKER" "$BUILDKIT_SOURCE_PACKAGE $BUILDKIT_SOURCE_VERSION"
  buildkit_built || die "the binaries in $BUILDKIT_BIN do not report $BUILDKIT_VERSION: $("$BUILDKIT_BIN/buildkitd" --version 2>&1 | head -n 1)"

  # Only the two binaries stay: the build tree and toolchain (2.8 GB) and the .debs (226 MB, cheap
  # to fetch again) go; the verified source tarballs (7 MB) are kept in $dl.
  rm -rf "$build"
  run_logged "$STATE/logs/apt-buildkit.log" private_apt_bare buildkit "$arch" clean
  log "buildkit: built buildkitd and buildctl $BUILDKIT_VERSION into $BUILDKIT_BIN in $((SECONDS - start)) s ($go_seconds s of go build)"
}

buildkit_sock() { echo "$RUN_DIR/buildkit-$1.sock"; }

# buildkit_workers SOCKET: "<platforms> (network <mode>)" of the daemon answering on SOCKET.
buildkit_workers() {
  # shellcheck disable=SC2016 # a Go template, not shell
  timeout 10 "$BUILDKIT_BIN/buildctl" --addr "unix://$1" debug workers --format \
    '{{range .}}{{range $i, $p := .Platforms}}{{if $i}},{{end}}{{$p.OS}}/{{$p.Architecture}}{{with $p.Variant}}/{{.}}{{end}}{{end}} (network {{index .Labels "org.mobyproject.buildkit.worker.network"}}){{end}}' 2>/dev/null
}

# buildkitd_config NAME: the daemon's buildkitd.toml. An OCI worker (runc, overlayfs) in the host's
# network namespace, so RUN steps and pushes reach the 127.0.0.1 registries.
buildkitd_config() {
  local name=$1 runc
  runc=$(command -v runc || echo /usr/sbin/runc)
  cat <<EOT
# buildkitd $name of Archway's test environment (scripts/test-env.sh writes it)
# BuildKit $BUILDKIT_VERSION built from Debian's $BUILDKIT_SOURCE_PACKAGE $BUILDKIT_SOURCE_VERSION
root = "$BUILDKIT_DIR/$name/root"

[grpc]
  address = ["unix://$(buildkit_sock "$name")"]

[worker.oci]
  enabled = true
  snapshotter = "overlayfs"
  networkMode = "host"
  binary = "$runc"

[worker.containerd]
  enabled = false
EOT
}

# start_buildkitd NAME: like start_registry, a daemon of ours answering with the same config and
# binary is left alone; one whose config or binary changed is restarted.
start_buildkitd() {
  local name=$1
  PIECE=buildkitd-$name
  local dir=$BUILDKIT_DIR/$name sock pidfile=$STATE/run/buildkitd-$name.pid
  local logfile=$STATE/logs/buildkitd-$name.log conf=$BUILDKIT_DIR/$name/buildkitd.toml
  local pid workers
  sock=$(buildkit_sock "$name")
  [[ -x $BUILDKIT_BIN/buildkitd ]] || die "no $BUILDKIT_BIN/buildkitd (piece buildkit builds it)"
  [[ -x $(command -v runc || echo /usr/sbin/runc) ]] || die "runc is not installed (the OCI worker runs build steps with it)"
  mkdir -p "$dir/root" "$RUN_DIR" "$STATE/run" "$STATE/logs"
  write_file "$conf" "$(buildkitd_config "$name")"
  local cmd=("$BUILDKIT_BIN/buildkitd" --config "$conf")

  if pid=$(pid_of "$pidfile" "$conf"); then
    # Same config, same command, and the binary on disk (a rebuild that replaced it with other
    # bytes restarts the daemon; the same bytes, as the pinned build gives, do not).
    if [[ $FILE_CHANGED == 0 && "$(cmdline_of "$pid")" == "${cmd[*]} " ]] &&
      { [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$BUILDKIT_BIN/buildkitd" ]] ||
        cmp -s "/proc/$pid/exe" "$BUILDKIT_BIN/buildkitd"; } &&
      workers=$(buildkit_workers "$sock"); then
      log "buildkitd $name: up on unix://$sock: $workers"
      return 0
    fi
    log "buildkitd $name: configuration or binary changed, or not answering; restarting it"
    stop_pid "$pidfile" "$conf" "buildkitd $name"
  elif workers=$(buildkit_workers "$sock"); then
    die "a buildkitd not started by test-env answers on unix://$sock ($workers); stop it first"
  fi
  rm -f "$pidfile" "$sock"
  log "starting buildkitd $name on unix://$sock (log: $logfile)"
  echo "=== $(date -u +%FT%TZ) test-env start" >>"$logfile"
  setsid env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    "${cmd[@]}" </dev/null >>"$logfile" 2>&1 &
  pid=$!
  echo "$pid" >"$pidfile"
  workers=
  await_answer workers "$pid" "$logfile" 30 "buildkitd $name (buildctl debug workers on unix://$sock)" buildkit_workers "$sock"
  log "buildkitd $name: up on unix://$sock: $workers"
}

# Two daemons for the tests' `remote` buildx builders (one node each, or both as one two-node
# builder). test-env creates no buildx builder: the tests do, in their own DOCKER_CONFIG.
piece_buildkitd() {
  local node
  for node in "${BUILDKIT_NODES[@]}"; do start_buildkitd "$node"; done
}

buildkitd_up() { # buildkitd_up NAME: ours, and answering
  pid_of "$STATE/run/buildkitd-$1.pid" "$BUILDKIT_DIR/$1/buildkitd.toml" >/dev/null &&
    buildkit_workers "$(buildkit_sock "$1")"
}

# buildkit_image_files: "SOURCE PATH-IN-IMAGE" for every file copied into the image: the two
# binaries, the host's runc and the shared libraries ldd names for it (the loader included).
buildkit_image_files() {
  local runc lib
  runc=$(command -v runc || echo /usr/sbin/runc)
  echo "$BUILDKIT_BIN/buildkitd /usr/bin/buildkitd"
  echo "$BUILDKIT_BIN/buildctl /usr/bin/buildctl"
  echo "$runc /usr/bin/runc"
  while read -r lib; do
    echo "$(readlink -f "$lib") $lib"
  done < <(ldd "$runc" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u)
}

buildkit_image_etc() { # the image's /etc: just enough for buildkitd, runc and name lookups
  printf 'passwd\troot:x:0:0:root:/root:/bin/sh\n'
  printf 'group\troot:x:0:\n'
  printf 'nsswitch.conf\thosts: files dns\n'
}

buildkit_image_label() { # buildkit_image_label SOCKET: our label on the image there (empty if none)
  docker_at "$1" image inspect --format "{{index .Config.Labels \"$BUILDKIT_IMAGE_LABEL\"}}" "$BUILDKIT_IMAGE" 2>/dev/null || true
}

# The docker-container driver's image, for engines that cannot pull moby/buildkit: a root with the
# static buildkitd and buildctl, the host's runc and its libraries, imported as
# moby/buildkit:buildx-stable-1 into both engines. buildx's pull fails and it runs the local image.
# The root tarball is made deterministically and kept; its sha256, a label on the image, tells
# whether an engine holds the current one. A manifest of the inputs' hashes decides whether the
# tarball must be made again.
piece_buildkit_image() {
  PIECE=buildkit-image
  buildkit_built || die "buildkitd $BUILDKIT_VERSION is not built in $BUILDKIT_BIN"
  local work=$BUILDKIT_DIR/image root tarball manifest src dst line
  root=$work/root tarball=$work/root.tar
  local changes=('ENTRYPOINT ["buildkitd"]' 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
    'ENV BUILDKIT_SETUP_CGROUPV2_ROOT=1' 'VOLUME /var/lib/buildkit')
  mkdir -p "$work"
  # The manifest: each file's hash and place, the /etc files and the image settings.
  manifest=$(printf '%s\n' "${changes[@]}")
  while read -r src dst; do
    [[ -f $src ]] || die "$src (for $dst in the image) does not exist"
    manifest+=$'\n'"$(sha256sum "$src" | cut -d' ' -f1) $dst"
  done < <(buildkit_image_files)
  manifest+=$'\n'"$(buildkit_image_etc | sha256sum | cut -d' ' -f1) /etc"
  write_file "$work/manifest" "$manifest"
  if [[ $FILE_CHANGED == 1 || ! -s $tarball || ! -s $work/root.sha256 ]]; then
    log "buildkit image: assembling its root in $root"
    local umask_was
    umask_was=$(umask)
    umask 022 # the same modes, hence the same tarball, whatever umask test-env runs under
    rm -rf "$root" "$tarball"
    mkdir -p "$root"/{usr/bin,etc,root,tmp,run,proc,sys,dev,var/lib/buildkit}
    chmod 1777 "$root/tmp"
    chmod 700 "$root/root"
    while read -r src dst; do
      install -D -m 755 "$src" "$root$dst"
    done < <(buildkit_image_files)
    while IFS=$'\t' read -r src line; do
      printf '%s\n' "$line" >"$root/etc/$src"
    done < <(buildkit_image_etc)
    run_logged "$STATE/logs/buildkit-image.log" tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
      -C "$root" -cf "$tarball.part" .
    mv "$tarball.part" "$tarball"
    sha256sum "$tarball" | cut -d' ' -f1 >"$work/root.sha256"
    rm -rf "$root"
    umask "$umask_was"
  fi
  local want sock engine old
  want=$(cat "$work/root.sha256")
  for engine in "containerd:$ENGINE_CONTAINERD_SOCK" "classic:$ENGINE_CLASSIC_SOCK"; do
    sock=${engine#*:}
    engine_store "$sock" >/dev/null || die "engine ${engine%%:*} does not answer on unix://$sock"
    if [[ $(buildkit_image_label "$sock") == "$want" ]]; then
      log "buildkit image: $BUILDKIT_IMAGE in engine ${engine%%:*} (root sha256 ${want:0:12})"
      continue
    fi
    old=$(docker_at "$sock" image inspect --format '{{.Id}}' "$BUILDKIT_IMAGE" 2>/dev/null || true)
    log "buildkit image: importing $BUILDKIT_IMAGE into engine ${engine%%:*} (root sha256 ${want:0:12})"
    local change_args=()
    for line in "${changes[@]}" "LABEL $BUILDKIT_IMAGE_LABEL=$want"; do change_args+=(--change "$line"); done
    run_logged "$STATE/logs/buildkit-image.log" docker_at "$sock" import "${change_args[@]}" \
      --message "BuildKit $BUILDKIT_VERSION from Debian's $BUILDKIT_SOURCE_PACKAGE $BUILDKIT_SOURCE_VERSION (archway test-env)" \
      "$tarball" "$BUILDKIT_IMAGE"
    [[ $(buildkit_image_label "$sock") == "$want" ]] || die "$BUILDKIT_IMAGE in engine ${engine%%:*} lacks the label $BUILDKIT_IMAGE_LABEL=$want after import"
    # The image it replaced, unless a container still uses it.
    if [[ -n $old ]]; then docker_at "$sock" image rm "$old" >/dev/null 2>&1 || true; fi
  done
}

buildkit_image_ok() { # buildkit_image_ok SOCKET: the engine holds the image of the current root
  local want
  want=$(cat "$BUILDKIT_DIR/image/root.sha256" 2>/dev/null) || return 1
  [[ -n $want && $(buildkit_image_label "$1") == "$want" ]]
}

env_lines() {
  cat <<EOF
export ARCHWAY_TEST_ENV_DIR=$STATE
export ARCHWAY_DOCKER_HOST_CONTAINERD=unix://$ENGINE_CONTAINERD_SOCK
export ARCHWAY_DOCKER_HOST_CLASSIC=unix://$ENGINE_CLASSIC_SOCK
export ARCHWAY_REGISTRY_OPEN=$REGISTRY_OPEN
export ARCHWAY_REGISTRY_AUTH=$REGISTRY_AUTH
export ARCHWAY_REGISTRY_USER=$REGISTRY_USER
export ARCHWAY_REGISTRY_PASSWORD=$REGISTRY_PASSWORD
export ARCHWAY_REGISTRY_TOKEN=$REGISTRY_TOKEN
export ARCHWAY_TOKEN_REALM_PORT=$TOKEN_REALM_PORT
export ARCHWAY_TOKEN_SERVICE=$TOKEN_SERVICE
export ARCHWAY_TOKEN_ISSUER=$TOKEN_ISSUER
export ARCHWAY_TOKEN_ISSUER_KEY=$TOKEN_DIR/issuer.key
export ARCHWAY_TOKEN_ISSUER_CERT=$TOKEN_DIR/issuer.crt
export ARCHWAY_BUSYBOX_DIR=$STATE/busybox
export ARCHWAY_AZURITE_BLOB_URL=http://$AZURITE_ADDR/$AZURITE_ACCOUNT
export ARCHWAY_AZURITE_ACCOUNT=$AZURITE_ACCOUNT
export ARCHWAY_AZURITE_KEY=$(azurite_key)
export ARCHWAY_BUILDKIT_VERSION=$BUILDKIT_VERSION
export ARCHWAY_BUILDKIT_BIN=$BUILDKIT_BIN
export ARCHWAY_BUILDKIT_NODE0=unix://$(buildkit_sock node0)
export ARCHWAY_BUILDKIT_NODE1=unix://$(buildkit_sock node1)
export ARCHWAY_BUILDKIT_IMAGE=$BUILDKIT_IMAGE
EOF
}

piece_env_file() {
  PIECE=env-file
  write_file "$STATE/env.sh" "$(env_lines)"
}

# --- commands ----------------------------------------------------------------------------------

# On a new machine the BuildKit build (minutes, on every core) runs beside the pieces that mostly
# wait on the network (engines, registries, busybox, Azurite); its lines are printed when it ends.
# Should `up` stop before then, it waits for the build first, so that no build outlives it.
BUILDKIT_JOB=
buildkit_in_background() {
  buildkit_built && return 0
  local out=$STATE/logs/buildkit-piece.log
  mkdir -p "$STATE/logs"
  log "building BuildKit $BUILDKIT_VERSION in the background while the other pieces come up (it takes minutes; its lines: $out)"
  (piece_buildkit) >"$out" 2>&1 &
  BUILDKIT_JOB=$!
  trap 'if [[ -n $BUILDKIT_JOB ]]; then wait "$BUILDKIT_JOB" || true; fi' EXIT
}

buildkit_waited() {
  [[ -n $BUILDKIT_JOB ]] || return 0
  local out=$STATE/logs/buildkit-piece.log rc=0
  PIECE=buildkit
  wait "$BUILDKIT_JOB" || rc=$?
  BUILDKIT_JOB=
  cat "$out" >&2
  ((rc == 0)) || die "the background build exited $rc (its lines above; build log: $STATE/logs/buildkit-build.log)"
}

# While BuildKit's pieces are left for later (`up --buildkit-later`), this file exists: tests that need
# them wait until `buildkit` removes it, and fail with BUILDKIT_FAILED's reason if it wrote one.
BUILDKIT_PENDING=$STATE/run/buildkit.pending
BUILDKIT_FAILED=$STATE/run/buildkit.failed

cmd_up() {
  [[ $(id -u) == 0 ]] || die "must run as root"
  local later=0
  [[ ${1:-} == --buildkit-later ]] && ! buildkit_built && later=1
  mkdir -p "$STATE/run"
  rm -f "$BUILDKIT_FAILED"
  if ((later)); then touch "$BUILDKIT_PENDING"; fi
  piece_packages
  piece_docker_engine
  piece_docker_buildx
  ((later)) || buildkit_in_background
  piece_binfmt
  piece_bridges
  piece_engine_containerd
  piece_engine_classic
  piece_registry_open
  piece_registry_auth
  piece_registry_token
  piece_busybox
  piece_azurite
  if ((later)); then
    piece_env_file
    log "up but BuildKit, which is not built yet: bash scripts/test-env.sh buildkit builds it and starts its daemons (eval \"\$(bash scripts/test-env.sh env)\" or source $STATE/env.sh)"
    return
  fi
  buildkit_waited
  cmd_buildkit_pieces
  rm -f "$BUILDKIT_PENDING"
  piece_env_file
  log "up (eval \"\$(bash scripts/test-env.sh env)\" or source $STATE/env.sh)"
}

cmd_buildkit_pieces() {
  piece_buildkit
  piece_buildkitd
  piece_buildkit_image
}

# BuildKit's pieces after `up --buildkit-later`: the tests waiting on BUILDKIT_PENDING go on when it
# is removed, whatever the outcome; a failure's last line is left in BUILDKIT_FAILED for them.
cmd_buildkit() {
  [[ $(id -u) == 0 ]] || die "must run as root"
  mkdir -p "$STATE/run"
  local rc=0 out=$STATE/logs/buildkit-later.log
  mkdir -p "$STATE/logs"
  # The build at the lowest priority: the tests running meanwhile (its reason to be in the background)
  # keep most of the machine, and it takes the rest; its daemons then run at the normal one.
  (
    (renice -n 19 -p "$BASHPID" >/dev/null && piece_buildkit)
    piece_buildkitd
    piece_buildkit_image
  ) 2>&1 | tee "$out" >&2 || rc=$?
  ((rc == 0)) || tail -n 1 "$out" >"$BUILDKIT_FAILED"
  rm -f "$BUILDKIT_PENDING"
  return "$rc"
}

cmd_down() {
  PIECE=down
  local node
  rm -f "$BUILDKIT_PENDING"
  for node in "${BUILDKIT_NODES[@]}"; do
    stop_pid "$STATE/run/buildkitd-$node.pid" "$BUILDKIT_DIR/$node/buildkitd.toml" "buildkitd $node"
  done
  stop_pid "$STATE/run/azurite.pid" "$AZURITE_DIR/data" azurite
  stop_pid "$STATE/run/registry-token.pid" "$STATE/registries/token/config.yml" "registry token"
  stop_pid "$STATE/run/registry-auth.pid" "$STATE/registries/auth/config.yml" "registry auth"
  stop_pid "$STATE/run/registry-open.pid" "$STATE/registries/open/config.yml" "registry open"
  stop_pid "$STATE/run/dockerd-classic.pid" "$STATE/run/dockerd-classic.pid" "engine classic"
  stop_pid "$STATE/run/dockerd-containerd.pid" "$STATE/run/dockerd-containerd.pid" "engine containerd"
  log "down (packages and files under $STATE kept)"
}

cmd_status() {
  local bad=0 missing store code target key arch suite class endian machine
  report() { # report OK|MISSING|OPTIONAL PIECE DETAIL
    printf '%-8s %-18s %s\n' "$1" "$2" "$3"
    [[ $1 != MISSING ]] || bad=1
  }
  missing=$(missing_system_packages | tr '\n' ' ')
  if [[ -z ${missing// /} ]]; then report ok packages "${#SYSTEM_PACKAGES[@]} installed"; else report MISSING packages "$missing"; fi
  if engine_installed; then report ok docker-engine "$(dockerd --version)"; else report MISSING docker-engine "no dockerd $DOCKER_SERIES"; fi
  if buildx_works; then report ok docker-buildx "$(docker buildx version)"; else report MISSING docker-buildx "$BUILDX_PLUGIN"; fi
  if [[ -e /proc/sys/fs/binfmt_misc/status ]]; then report ok binfmt "mounted"; else report MISSING binfmt "not mounted"; fi
  if bridges_up; then report ok bridges "$BRIDGE_CONTAINERD, $BRIDGE_CLASSIC"; else report MISSING bridges "$BRIDGE_CONTAINERD/$BRIDGE_CLASSIC"; fi
  store=$(engine_store "$ENGINE_CONTAINERD_SOCK" 2>/dev/null || echo down)
  if [[ $store == containerd ]]; then report ok engine-containerd "unix://$ENGINE_CONTAINERD_SOCK"; else report MISSING engine-containerd "unix://$ENGINE_CONTAINERD_SOCK: $store"; fi
  store=$(engine_store "$ENGINE_CLASSIC_SOCK" 2>/dev/null || echo down)
  if [[ $store == classic:overlay2 ]]; then report ok engine-classic "unix://$ENGINE_CLASSIC_SOCK"; else report MISSING engine-classic "unix://$ENGINE_CLASSIC_SOCK: $store"; fi
  code=$(registry_code "$REGISTRY_OPEN")
  if [[ $code == 200 ]]; then report ok registry-open "$REGISTRY_OPEN"; else report MISSING registry-open "$REGISTRY_OPEN: GET /v2/ -> $code"; fi
  code=$(registry_code "$REGISTRY_AUTH")
  if [[ $code == 401 ]]; then report ok registry-auth "$REGISTRY_AUTH"; else report MISSING registry-auth "$REGISTRY_AUTH: GET /v2/ -> $code"; fi
  if token_registry_up && token_issuer_ok; then
    report ok registry-token "$REGISTRY_TOKEN (realm $TOKEN_REALM)"
  elif ! token_issuer_ok; then
    report MISSING registry-token "no valid issuer key and certificate in $TOKEN_DIR"
  else
    report MISSING registry-token "$REGISTRY_TOKEN: GET /v2/ -> $(registry_code "$REGISTRY_TOKEN") $(registry_challenge "$REGISTRY_TOKEN")"
  fi
  local server
  server=$(azurite_server)
  if [[ $server == Azurite-Blob/* ]] && azurite_installed && [[ -n $(azurite_key) ]]; then
    report ok azurite "http://$AZURITE_ADDR/$AZURITE_ACCOUNT ($server)"
  elif ! azurite_installed; then
    report MISSING azurite "not installed in $AZURITE_DIR (or not the version scripts/azurite/package-lock.json pins)"
  else
    report MISSING azurite "http://$AZURITE_ADDR/: ${server:-no answer}"
  fi
  if buildkit_built; then
    report ok buildkit "buildkitd, buildctl $BUILDKIT_VERSION in $BUILDKIT_BIN ($BUILDKIT_SOURCE_PACKAGE $BUILDKIT_SOURCE_VERSION)"
  else
    report MISSING buildkit "no buildkitd/buildctl $BUILDKIT_VERSION from $BUILDKIT_SOURCE_PACKAGE $BUILDKIT_SOURCE_VERSION in $BUILDKIT_BIN"
  fi
  local node workers
  for node in "${BUILDKIT_NODES[@]}"; do
    if workers=$(buildkitd_up "$node"); then
      report ok "buildkitd-$node" "unix://$(buildkit_sock "$node"): $workers"
    else
      report MISSING "buildkitd-$node" "unix://$(buildkit_sock "$node"): not ours or not answering"
    fi
  done
  if buildkit_image_ok "$ENGINE_CONTAINERD_SOCK"; then report ok buildkit-image-cd "$BUILDKIT_IMAGE (containerd store)"; else report MISSING buildkit-image-cd "$BUILDKIT_IMAGE not current in unix://$ENGINE_CONTAINERD_SOCK"; fi
  if buildkit_image_ok "$ENGINE_CLASSIC_SOCK"; then report ok buildkit-image-cl "$BUILDKIT_IMAGE (classic store)"; else report MISSING buildkit-image-cl "$BUILDKIT_IMAGE not current in unix://$ENGINE_CLASSIC_SOCK"; fi
  for target in "${BUSYBOX_TARGETS[@]}"; do
    IFS=: read -r key arch suite class endian machine <<<"$target"
    if elf_matches "$STATE/busybox/$key" "$class" "$endian" "$machine"; then
      report ok "busybox-$key" "$STATE/busybox/$key"
    elif is_optional_busybox "$key"; then
      report optional "busybox-$key" "absent"
    else
      report MISSING "busybox-$key" "$STATE/busybox/$key"
    fi
  done
  return "$bad"
}

cmd_gc() {
  PIECE=gc
  local name before after
  for name in open auth token; do
    [[ -f $STATE/registries/$name/config.yml ]] || continue
    before=$(du -sm "$STATE/registries/$name/data" | cut -f1)
    stop_pid "$STATE/run/registry-$name.pid" "$STATE/registries/$name/config.yml" "registry $name"
    # A repository whose every tag was deleted may have no tags folder, which the collector
    # takes for an unknown repository and stops on.
    find "$STATE/registries/$name/data" -type d -name _manifests -exec mkdir -p {}/tags \;
    run_logged "$STATE/logs/registry-$name-gc.log" docker-registry garbage-collect --delete-untagged "$STATE/registries/$name/config.yml"
    after=$(du -sm "$STATE/registries/$name/data" | cut -f1)
    log "registry $name: garbage-collected, ${before} MB -> ${after} MB"
  done
  piece_registry_open
  piece_registry_auth
  piece_registry_token
}

cmd_env() {
  env_lines
  if [[ -w $STATE || ( ! -e $STATE && -w $(dirname "$STATE") ) ]]; then
    mkdir -p "$STATE"
    write_file "$STATE/env.sh" "$(env_lines)"
  fi
}

case ${1:-} in
  up) cmd_up "${2:-}" ;;
  buildkit) cmd_buildkit ;;
  down) cmd_down ;;
  gc) cmd_gc ;;
  status) cmd_status || exit 1 ;;
  env) cmd_env ;;
  *)
    echo "usage: bash scripts/test-env.sh up [--buildkit-later]|buildkit|status|down|gc|env" >&2
    exit 2
    ;;
esac
