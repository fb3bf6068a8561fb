#!/usr/bin/env bash
# `npm test` on a fresh machine: a Debian bookworm root made by debootstrap, a clean clone of
# HEAD, the host's node, as root, with CI=true - what CI's end-to-end job does in its
# debian:bookworm job container. The root runs in mount and pid namespaces of its own on this
# host's network and kernel, so this host's own test environment is stopped first (its ports
# and binfmt_misc are the same); bring it back with `bash scripts/test-env.sh up`.
#
#   bash scripts/fresh-machine.sh [DIR]   (DIR: where the root is made, /var/tmp/archway-fresh)
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:-/var/tmp/archway-fresh}
BASE=$DIR/bookworm # debootstrap's result, kept between runs; every run starts from a copy
ROOT=$DIR/root
NODE=$(command -v node)
NPM_DIR=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")

[[ $EUID == 0 ]] || { echo "fresh-machine: run as root" >&2; exit 1; }
command -v debootstrap >/dev/null || apt-get install -y -q debootstrap >/dev/null
if [[ ! -x $BASE/bin/bash ]]; then
  rm -rf "$BASE"
  echo "fresh-machine: debootstrap bookworm into $BASE"
  debootstrap --variant=minbase bookworm "$BASE" http://deb.debian.org/debian >"$DIR.debootstrap.log" 2>&1
fi
bash scripts/test-env.sh down

rm -rf "$ROOT"
cp -a "$BASE" "$ROOT"
git clone -q . "$ROOT/__w/archway"
mkdir -p "$ROOT/opt/node/bin" "$ROOT/opt/node/lib/node_modules/npm"
touch "$ROOT/opt/node/bin/node"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$ROOT/opt/node/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$ROOT/opt/node/bin/npx"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
# Certificate authorities this host adds (a TLS-inspecting proxy's, say) are needed there too.
mkdir -p "$ROOT/usr/local/share/ca-certificates"
cp /usr/local/share/ca-certificates/*.crt "$ROOT/usr/local/share/ca-certificates/" 2>/dev/null || true

# What runs inside: the root made the mount namespace's own root by pivot_root, as a container's is.
# A chroot is not enough: runc's exec joins a container's mount namespace, whose root it then
# takes, and under a chroot that would be this host's / (so `docker exec`, which buildx's
# docker-container driver uses, would not find the container's files).
cat >"$ROOT/fresh-machine-inner.sh" <<'INNER'
#!/bin/bash
set -e
umount -l /.old-root
rmdir /.old-root
rm -f /fresh-machine-inner.sh
apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends git ca-certificates >/dev/null
update-ca-certificates >/dev/null
cd /__w/archway
time npm test
INNER
chmod 755 "$ROOT/fresh-machine-inner.sh"

echo "fresh-machine: npm test in $ROOT (node $("$NODE" --version))"
unshare --mount --pid --fork --mount-proc=/proc bash -ec "
  mount --make-rprivate /
  mount --bind '$ROOT' '$ROOT' # a mount point, to be the namespace's root
  mount -t proc proc '$ROOT/proc'
  mount --rbind /sys '$ROOT/sys'
  mount --rbind /dev '$ROOT/dev'
  mount -t tmpfs tmpfs '$ROOT/run'
  mount -t tmpfs tmpfs '$ROOT/tmp'
  mount --bind -o ro '$NODE' '$ROOT/opt/node/bin/node'
  mount --bind -o ro '$NPM_DIR' '$ROOT/opt/node/lib/node_modules/npm'
  cd '$ROOT'
  mkdir -p .old-root
  pivot_root . .old-root
  exec chroot . env -i HOME=/root CI=true NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    PATH=/opt/node/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /fresh-machine-inner.sh
"
