#!/usr/bin/env bash
# Builds kube-apiserver and etcd at the versions in versions.env into a cache folder outside git:
#   ${ENVTEST_CACHE:-$HOME/.cache/pod-identity-envtest}/<kube>-<etcd>/bin/{kube-apiserver,etcd}
# A second run with the same versions (and the same go.mod/go.sum) is a no-op. The Go build cache and
# module cache are the normal ones (GOCACHE/GOMODCACHE), so a rebuild after a version bump is incremental.
# Prints the bin directory on the last line of stdout.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
# shellcheck disable=SC1091
source ./versions.env

if ! command -v go >/dev/null 2>&1; then
  if [ -x /usr/local/go/bin/go ]; then
    export PATH="/usr/local/go/bin:$PATH"
  else
    echo "envtest: 'go' not found on PATH (Go ${GO_MIN:-1.26} or newer is needed to build the control plane)" >&2
    exit 1
  fi
fi

cache_root="${ENVTEST_CACHE:-$HOME/.cache/pod-identity-envtest}"
dir="$cache_root/${KUBE_VERSION}-${ETCD_VERSION}"
bin="$dir/bin"
stamp="$dir/.stamp"
# The stamp records what was built from: the versions plus a hash of this script, go.mod/go.sum and the Go sources,
# so editing the module (not just versions.env) also triggers a rebuild.
want="kube=${KUBE_VERSION} etcd=${ETCD_VERSION} src=$(cat build.sh go.mod go.sum tools.go cmd/etcd/main.go | sha256sum | cut -c1-16)"

if [ -x "$bin/kube-apiserver" ] && [ -x "$bin/etcd" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "envtest: up to date (kube-apiserver v${KUBE_VERSION}, etcd v${ETCD_VERSION})" >&2
  echo "$bin"
  exit 0
fi

mkdir -p "$bin"
# go.mod and go.sum are committed and complete: never let the build rewrite them.
export GOFLAGS="-mod=readonly -buildvcs=false"
export CGO_ENABLED=0
# Stamp the real version into the binary (otherwise /version reports v0.0.0-master).
vpkg="k8s.io/component-base/version"
kube_minor="${KUBE_VERSION#*.}"; kube_minor="${kube_minor%%.*}"
ldflags="-s -w -X ${vpkg}.gitVersion=v${KUBE_VERSION} -X ${vpkg}.gitMajor=${KUBE_VERSION%%.*} -X ${vpkg}.gitMinor=${kube_minor} -X ${vpkg}.gitTreeState=clean"
start=$(date +%s)
echo "envtest: building kube-apiserver v${KUBE_VERSION} and etcd v${ETCD_VERSION} into $bin (first build takes a while)" >&2
# Build into temp names, then rename, so an interrupted build never leaves a half-written binary
# that looks valid.
go build -trimpath -ldflags="$ldflags" -o "$bin/.kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver
go build -trimpath -ldflags="$ldflags" -o "$bin/.etcd.tmp" ./cmd/etcd
mv -f "$bin/.kube-apiserver.tmp" "$bin/kube-apiserver"
mv -f "$bin/.etcd.tmp" "$bin/etcd"
echo "$want" > "$stamp"
echo "envtest: built in $(( $(date +%s) - start ))s" >&2
echo "$bin"
