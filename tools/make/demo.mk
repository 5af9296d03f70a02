# `make demo` and the whole-system e2e tier (tools/e2e). Included from the root Makefile:
#   include tools/make/demo.mk
# Both build what they need: npm packages (install), kube-apiserver and etcd (envtest), the MIC and NMI
# bundles (rebuilt by the script itself), and as root the iptables/iproute2 tools (net-tools).
# `node --import tsx` rather than the tsx CLI: no wrapper process between Ctrl-C and the demo, whose
# stop and exit hooks must finish (the tsx CLI SIGKILLs a child that is slow to acknowledge a signal).
DEMO_TSX := TSX_TSCONFIG_PATH=tools/e2e/tsconfig.json node --import tsx

.PHONY: demo test-e2e

demo: install envtest ## the whole system locally: MIC assigns an identity, a pod gets a token via 169.254.169.254 (root: network namespaces + iptables)
	@if [ "$$(id -u)" = 0 ]; then $(MAKE) --no-print-directory net-tools; fi
	$(DEMO_TSX) tools/e2e/src/cli/demo.ts $(ARGS)

test-e2e: install ## whole-system e2e tier (root only: network namespaces, NMI's iptables rules, real clients in pods)
	@if [ "$$(id -u)" != 0 ]; then echo "e2e skipped: needs root for network namespaces and iptables"; \
	else $(MAKE) --no-print-directory envtest net-tools && node tools/scripts/jest-tier.mjs e2e tools/e2e/jest.e2e.config.cjs; fi
