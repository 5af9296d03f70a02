#!/usr/bin/env bash
# `make images`: builds MIC and NMI (apps/*/Dockerfile) and, with --local, the client and pause images of
# the local cluster, with whatever engine answers:
#   Docker when its daemon answers; otherwise podman, otherwise buildah (daemonless, runc, explicit rlimits).
# With podman or buildah, a base image that cannot be pulled is replaced by the local base (base.sh), passed
# through the Dockerfiles' BUILD_IMAGE/RUNTIME_IMAGE arguments: the Dockerfiles themselves stay as they are.
# usage: build.sh [--local] [--save DIR]
#   --local     also build the client and pause images
#   --save DIR  write each image as DIR/<name>.tar (docker-archive), for `ctr images import`
# env: IMAGE_REPO (default ghcr.io/pod-identity), IMAGE_TAG (default package.json's version),
#      IMAGE_ENGINES (the engines to try, in order; default "docker podman buildah")
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
local_images=false
save_dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --local) local_images=true ;;
    --save) save_dir="${2:?--save needs a directory}"; shift ;;
    *) echo "images: unknown argument '$1' (usage: build.sh [--local] [--save DIR])" >&2; exit 2 ;;
  esac
  shift
done
repo="${IMAGE_REPO:-ghcr.io/pod-identity}"
tag="${IMAGE_TAG:-$(node -p "require('./package.json').version")}"

answers() { command -v "$1" >/dev/null && timeout 20 "$1" info >/dev/null 2>&1; }
candidates="${IMAGE_ENGINES:-docker podman buildah}"
engine=""
for candidate in $candidates; do
  if answers "$candidate"; then engine="$(basename "$candidate")"; break; fi
done
if [ -z "$engine" ]; then
  echo "images: no image engine answers (tried: $candidates; with Docker, 'docker info' needs a running daemon)." \
    "As root, 'make image-tools' installs podman and buildah from Debian. The Dockerfiles are apps/*/Dockerfile" \
    "(build from the repository root: docker build -f apps/mic/Dockerfile .); 'make bundle' builds the bundles alone." >&2
  exit 1
fi
echo "images: engine $engine, repository $repo, tag $tag" >&2

build_args=()
base=""
case "$engine" in
  docker) build() { docker build "$@"; } ;;
  podman | buildah)
    # rlimits within the hard limit (the defaults are refused here); runc (crun fails on hybrid cgroups);
    # the host network, so RUN steps reach the npm registry and Debian the way this machine does.
    nofile="$(ulimit -Hn)"; [ "$nofile" = unlimited ] && nofile=1048576
    common=(--runtime runc --network host --ulimit "nofile=${nofile}:${nofile}" --ulimit nproc=4096:4096)
    mkdir -p "$HOME/.npm"
    common+=(--volume "$HOME/.npm:/root/.npm")
    # A machine behind a TLS-inspecting proxy trusts an extra CA; the RUN steps must trust it too. The bundle
    # is mounted for the build only (volumes are not part of any layer), with an npmrc that points npm at it.
    cafile="${NODE_EXTRA_CA_CERTS:-$(npm config get cafile 2>/dev/null || true)}"
    if [ -n "$cafile" ] && [ "$cafile" != null ] && [ -f "$cafile" ]; then
      build_npmrc="$(mktemp -d "${TMPDIR:-/tmp}/pi-npmrc.XXXXXX")"
      trap 'rm -rf "$build_npmrc"' EXIT
      echo 'cafile=/etc/ssl/certs/ca-certificates.crt' >"$build_npmrc/npmrc"
      common+=(--volume "$cafile:/etc/ssl/certs/ca-certificates.crt:ro" --volume "$build_npmrc/npmrc:/root/.npmrc:ro")
    fi
    if [ "$engine" = podman ]; then build() { podman build "${common[@]}" "$@"; }
    else build() { buildah bud "${common[@]}" "$@"; }; fi
    pullable() { timeout 60 "$engine" pull -q "$1" >/dev/null 2>&1; }
    present() { "$engine" image exists "$1" 2>/dev/null || "$engine" inspect --type image "$1" >/dev/null 2>&1; }
    for ref in docker.io/library/node:20-bookworm-slim gcr.io/distroless/nodejs20-debian12:nonroot; do
      if ! present "$ref" && ! pullable "$ref"; then
        echo "images: cannot pull $ref; building on the local base instead" >&2
        base="$(bash "$here/base.sh" "$engine" | tail -n 1)"
        break
      fi
    done
    ;;
  *) echo "images: unknown engine '$engine' (docker, podman or buildah)" >&2; exit 2 ;;
esac
if [ -n "$base" ]; then build_args=(--build-arg "BUILD_IMAGE=$base" --build-arg "RUNTIME_IMAGE=$base"); fi

built=()
started=$SECONDS
for app in mic nmi; do
  build -f "apps/$app/Dockerfile" "${build_args[@]}" -t "$repo/$app:$tag" .
  built+=("$app")
done
if $local_images; then
  for extra in client pause; do
    build -f "tools/images/$extra/Containerfile" ${base:+--build-arg "BASE_IMAGE=$base"} -t "$repo/$extra:$tag" "tools/images/$extra"
    built+=("$extra")
  done
fi
echo "images: built ${built[*]} in $((SECONDS - started)) s" >&2

if [ -n "$save_dir" ]; then
  mkdir -p "$save_dir"
  for name in "${built[@]}"; do
    rm -f "$save_dir/$name.tar"
    case "$engine" in
      docker) docker save -o "$save_dir/$name.tar" "$repo/$name:$tag" ;;
      podman) podman save -q --format docker-archive -o "$save_dir/$name.tar" "$repo/$name:$tag" ;;
      buildah) buildah push -q "$repo/$name:$tag" "docker-archive:$save_dir/$name.tar:$repo/$name:$tag" ;;
    esac
  done
  echo "images: saved to $save_dir" >&2
fi
for name in "${built[@]}"; do
  size="$("$engine" image inspect --format '{{.Size}}' "$repo/$name:$tag" 2>/dev/null || echo '?')"
  echo "images: $repo/$name:$tag $size bytes" >&2
done
