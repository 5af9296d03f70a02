#!/usr/bin/env bash
# Builds Kubernetes components at the versions in versions.env into a cache folder outside git:
#   ${ENVTEST_CACHE:-$HOME/.cache/pod-identity-envtest}/<kube>-<etcd>/bin/
#   build.sh            kube-apiserver and etcd (the control plane of the integration tests)
#   build.sh cluster    also kubelet, kube-controller-manager, kube-scheduler, kube-proxy and kubectl (`make up`)
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

set_name="${1:-control-plane}"
case "$set_name" in
  control-plane) kube_cmds=(kube-apiserver); stamp_name=.stamp ;;
  cluster) kube_cmds=(kubelet kube-controller-manager kube-scheduler kube-proxy kubectl); stamp_name=.stamp-cluster ;;
  *) echo "envtest: unknown set '$set_name' (control-plane or cluster)" >&2; exit 2 ;;
esac
if [ "$set_name" = cluster ]; then
  # The cluster runs the control plane too.
  bash "$here/build.sh" control-plane >/dev/null
fi

cache_root="${ENVTEST_CACHE:-$HOME/.cache/pod-identity-envtest}"
dir="$cache_root/${KUBE_VERSION}-${ETCD_VERSION}"
bin="$dir/bin"
stamp="$dir/$stamp_name"
# The stamp records what was built from: the versions plus a hash of this script, go.mod/go.sum and the Go sources,
# so editing the module (not just versions.env) also triggers a rebuild.
want="kube=${KUBE_VERSION} etcd=${ETCD_VERSION} src=$(cat build.sh go.mod go.sum tools.go cmd/etcd/main.go | sha256sum | cut -c1-16)"
outputs=("${kube_cmds[@]}")
[ "$set_name" = control-plane ] && outputs+=(etcd)

all_built() {
  local b
  for b in "${outputs[@]}"; do [ -x "$bin/$b" ] || return 1; done
}
if all_built && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "envtest: up to date (${outputs[*]} v${KUBE_VERSION})" >&2
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
echo "envtest: building ${outputs[*]} v${KUBE_VERSION} into $bin (a first build takes a while)" >&2
# Build into temp names, then rename, so an interrupted build never leaves a half-written binary
# that looks valid.
for cmd in "${kube_cmds[@]}"; do
  go build -trimpath -ldflags="$ldflags" -o "$bin/.$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd"
done
if [ "$set_name" = control-plane ]; then
  go build -trimpath -ldflags="$ldflags" -o "$bin/.etcd.tmp" ./cmd/etcd
fi
for b in "${outputs[@]}"; do mv -f "$bin/.$b.tmp" "$bin/$b"; done
echo "$want" > "$stamp"
echo "envtest: built in $(( $(date +%s) - start ))s" >&2
echo "$bin"
