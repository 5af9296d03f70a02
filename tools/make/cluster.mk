# `make up` / `make down`: a local cluster with real nodes (kubelet, containerd, runc, CNI, kube-proxy) running
# the real MIC and NMI images, and the cluster tier of `make test`. Included from the root Makefile.
# Everything here needs root: network namespaces, a bridge, cgroups, containerd.
CLUSTER_TSX := TSX_TSCONFIG_PATH=tools/e2e/tsconfig.json node --import tsx
LOCAL_IMAGE_REPO := localhost/pod-identity

.PHONY: require-root image-tools cluster-tools cluster-bins local-images up down cluster-status test-cluster

require-root:
	@if [ "$$(id -u)" != 0 ]; then echo "$(MAKECMDGOALS): needs root (network namespaces, a bridge, cgroups, containerd); run it as root" >&2; exit 2; fi

image-tools: require-root ## install podman, buildah and mmdebstrap from Debian when missing (images without Docker)
	@if command -v podman >/dev/null && command -v buildah >/dev/null && command -v mmdebstrap >/dev/null; then :; \
	else apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman buildah mmdebstrap; fi

cluster-tools: require-root net-tools image-tools ## install containerd, runc and the CNI plugins from Debian when missing
	@if command -v containerd >/dev/null && command -v runc >/dev/null && [ -x /usr/lib/cni/bridge ]; then :; \
	else apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq containerd runc containernetworking-plugins; fi

cluster-bins: ## build kubelet, kube-controller-manager, kube-scheduler, kube-proxy and kubectl (and the control plane)
	bash tools/envtest/build.sh cluster

local-images: install ## build the MIC, NMI, client and pause images for the local cluster into .local/images (no-op when current)
	bash tools/images/local.sh

up: require-root install cluster-tools cluster-bins local-images ## start the local cluster with real nodes and deploy MIC and NMI (no-op when up)
	$(CLUSTER_TSX) tools/e2e/src/cli/real-cluster.ts up

down: ## remove everything make up made (nothing to do without make up)
	@if [ ! -d .local/cluster ] && ! ip link show pi-br0 >/dev/null 2>&1 && ! ip netns list 2>/dev/null | grep -q '^pi-node-'; then \
	  echo "down: no local cluster; nothing to do"; \
	else $(MAKE) --no-print-directory require-root install && $(CLUSTER_TSX) tools/e2e/src/cli/real-cluster.ts down; fi

cluster-status: install ## say whether the local cluster is up, and how to use it
	@$(CLUSTER_TSX) tools/e2e/src/cli/real-cluster.ts status

test-cluster: install ## the cluster tier: the walkthrough on a real local cluster (root; starts and removes its own cluster)
	@if [ "$$(id -u)" != 0 ]; then echo "cluster tier skipped: needs root for network namespaces, cgroups and containerd"; \
	else $(MAKE) --no-print-directory cluster-tools cluster-bins local-images && \
	  $(NX) run cli:build && \
	  node tools/scripts/jest-tier.mjs cluster tools/e2e/jest.cluster.config.cjs; fi
