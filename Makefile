# The project's stable interface. Every target installs what it needs itself.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export NX_DAEMON ?= false
export NX_TUI ?= false
export NX_NO_CLOUD ?= true
NX := npx nx
RUN_MANY := $(NX) run-many --outputStyle=stream

.PHONY: help install generate crd-types-publish-dry-run check-generated build lint format typecheck test-unit test-integration test emulator envtest cluster-up cluster-down test-root net-tools

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 20

# npm ci only when package-lock.json changed since the last install.
node_modules/.install-stamp: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.install-stamp ## install the pinned npm dependencies (npm ci)

generate: install ## regenerate libs/crd-types and deploy/base/crds from the schemas
	$(NX) run crd-types:generate

crd-types-publish-dry-run: install ## what npm would publish for @pod-identity/crd-types (nothing is published)
	npx nx run crd-types:publish-dry-run

check-generated: install ## fail when generated code differs from a fresh generation
	$(NX) run crd-types:check-generated

build: install ## build every project
	$(RUN_MANY) -t build

lint: install ## eslint with module boundaries, and prettier's check of code, JSON and YAML (make format fixes it)
	$(RUN_MANY) -t lint
	npx prettier --check --log-level=warn .

format: install ## format code, JSON and YAML with prettier (prose in *.md is left as written)
	npx prettier --write --log-level=warn .

typecheck: install ## tsc --noEmit for every project
	$(RUN_MANY) -t typecheck

test-unit: install ## unit tests (pure logic)
	$(RUN_MANY) -t test --parallel=1

test-integration: install envtest ## integration tests (real apiserver + Azure emulator)
	$(RUN_MANY) -t integration --parallel=1

test: install ## everything: generated-code check, lint, typecheck, unit, integration, e2e; prints "N passed, N failed"
	bash tools/scripts/test-all.sh

emulator: install ## run the Azure emulator (IMDS, Entra ID, ARM) standalone with the example world; ARGS=... for more
	npx tsx --tsconfig tools/azure-emulator/tsconfig.json tools/azure-emulator/src/cli.ts --seed tools/azure-emulator/examples/world.yaml $(ARGS)

envtest: ## build kube-apiserver and etcd from their Go modules into ~/.cache/pod-identity-envtest (no-op when built)
	bash tools/envtest/build.sh

cluster-up: install envtest ## start a local control plane in the background; writes .local/kubeconfig
	npx tsx tools/envtest/src/cli.ts cluster-up

cluster-down: install ## stop the control plane started by cluster-up
	npx tsx tools/envtest/src/cli.ts cluster-down

net-tools: ## install iptables, conntrack and iproute2 from Debian when missing (root only)
	@if [ "$$(id -u)" != 0 ]; then echo "net-tools: not root, nothing installed"; \
	elif command -v iptables >/dev/null && command -v conntrack >/dev/null && command -v ip >/dev/null; then :; \
	else apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iptables conntrack iproute2; fi

test-root: install envtest net-tools ## tiers that need root: iptables in network namespaces, whole-system e2e
	@if [ "$$(id -u)" != 0 ]; then echo "root tiers skipped: they need root for network namespaces and iptables"; \
	else $(RUN_MANY) -t netns e2e --parallel=1; fi

include tools/make/images.mk
include tools/make/demo.mk
include tools/make/bench.mk
include tools/make/cluster.mk
