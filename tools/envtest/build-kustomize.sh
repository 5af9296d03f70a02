#!/usr/bin/env bash
# Builds kustomize at KUSTOMIZE_VERSION (versions.env) from the Go module proxy into the envtest cache:
#   ${ENVTEST_CACHE:-$HOME/.cache/pod-identity-envtest}/kustomize-<version>/kustomize
# A second run with the same version is a no-op. Prints the binary's path on the last line of stdout.
# Used by the manifest tests (tools/deploy-tests) and `make deploy`; they fall back to `kubectl kustomize`
# when this build is not possible (no Go).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck disable=SC1091
source "$here/versions.env"
: "${KUSTOMIZE_VERSION:?KUSTOMIZE_VERSION missing from versions.env}"

if ! command -v go >/dev/null 2>&1; then
  if [ -x /usr/local/go/bin/go ]; then
    export PATH="/usr/local/go/bin:$PATH"
  else
    echo "kustomize: 'go' not found on PATH; cannot build kustomize v${KUSTOMIZE_VERSION}" >&2
    exit 1
  fi
fi

cache_root="${ENVTEST_CACHE:-$HOME/.cache/pod-identity-envtest}"
dir="$cache_root/kustomize-${KUSTOMIZE_VERSION}"
bin="$dir/kustomize"

if [ -x "$bin" ] && "$bin" version 2>/dev/null | grep -q "v${KUSTOMIZE_VERSION}"; then
  echo "kustomize: up to date (v${KUSTOMIZE_VERSION})" >&2
  echo "$bin"
  exit 0
fi

mkdir -p "$dir"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
echo "kustomize: building v${KUSTOMIZE_VERSION} into $dir" >&2
# Outside any module, so `go install pkg@version` resolves kustomize's own go.mod. The version is
# stamped the way kustomize's release does it, so `kustomize version` reports it.
cd "$work"
export CGO_ENABLED=0 GOFLAGS="-buildvcs=false" GOBIN="$work/bin"
go install -trimpath \
  -ldflags="-s -w -X sigs.k8s.io/kustomize/api/provenance.version=v${KUSTOMIZE_VERSION}" \
  "sigs.k8s.io/kustomize/kustomize/v5@v${KUSTOMIZE_VERSION}"
# Rename into place so an interrupted build never leaves a half-written binary.
mv -f "$work/bin/kustomize" "$bin"
echo "kustomize: built in $(( $(date +%s) - start ))s" >&2
echo "$bin"
