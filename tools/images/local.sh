#!/usr/bin/env bash
# `make local-images`: the images of the local cluster (MIC, NMI, client, pause) as docker-archives in
# .local/images, tagged localhost/pod-identity/<name>:<package.json version>. Rebuilds only when an input
# changed: the hash of everything the Dockerfiles copy in (and the build scripts) is kept beside the archives.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
out=.local/images
# The files the Dockerfiles copy in, as git sees them (tracked, or new and not ignored: no dist/, no node_modules).
inputs_hash() {
  git ls-files -z --cached --others --exclude-standard -- apps/mic/src apps/nmi/src libs tools/images \
    tools/scripts/bundle.mjs apps/mic/Dockerfile apps/nmi/Dockerfile package.json package-lock.json \
    tsconfig.base.json .dockerignore | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16
}
want="$(inputs_hash)"
if [ -f "$out/.inputs" ] && [ "$(cat "$out/.inputs")" = "$want" ] &&
  [ -f "$out/mic.tar" ] && [ -f "$out/nmi.tar" ] && [ -f "$out/client.tar" ] && [ -f "$out/pause.tar" ]; then
  echo "images: local images are current ($out)" >&2
  exit 0
fi
rm -f "$out/.inputs"
IMAGE_REPO=localhost/pod-identity bash "$here/build.sh" --local --save "$out"
echo "$want" >"$out/.inputs"
