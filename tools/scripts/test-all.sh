#!/usr/bin/env bash
# `make test`: runs every stage even when one fails, so the summary covers all of them,
# then prints the totals line CI reads and exits non-zero if any stage failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
rm -rf .local/test-results
failed_stages=()

stage() {
  local name=$1
  shift
  echo "=== ${name} ==="
  local started=$SECONDS
  if "$@"; then
    echo "=== ${name}: ok ($((SECONDS - started)) s) ==="
  else
    echo "=== ${name}: FAILED ($((SECONDS - started)) s) ==="
    failed_stages+=("$name")
  fi
}

stage "generated code is current" make --no-print-directory check-generated
stage "lint" make --no-print-directory lint
stage "typecheck" make --no-print-directory typecheck
stage "unit tests" make --no-print-directory test-unit
stage "integration tests" make --no-print-directory test-integration
stage "root tiers (network namespaces, iptables, e2e)" make --no-print-directory test-root
stage "cluster tier (real kubelets, containerd and images; the walkthrough)" make --no-print-directory test-cluster

echo "=== summary ==="
node tools/scripts/test-summary.mjs
summary=$?
if ((${#failed_stages[@]} > 0)); then
  echo "failed stages: ${failed_stages[*]}"
  exit 1
fi
exit "$summary"
