# Images, bundles and deployment. Included from the root Makefile:  include tools/make/images.mk
# Image names: $(IMAGE_REPO)/{mic,nmi}; tag: package.json's version, also written into
# deploy/base/kustomization.yaml by tools/scripts/sync-image-tags.mjs (checked by the manifest tests).
IMAGE_REPO ?= ghcr.io/pod-identity
IMAGE_TAG ?= $(shell node -p "require('./package.json').version" 2>/dev/null)
OVERLAY ?= dev

.PHONY: bundle images image-tags deploy undeploy kustomize

bundle: install ## bundle MIC and NMI into dist/apps/{mic,nmi}/main.js (esbuild, run without node_modules)
	node tools/scripts/bundle.mjs mic
	node tools/scripts/bundle.mjs nmi

images: ## build the MIC and NMI images (tag = package.json version) with Docker, else podman/buildah (tools/images/build.sh)
	bash tools/images/build.sh

image-tags: ## write package.json's version as the image tag in deploy/base/kustomization.yaml
	node tools/scripts/sync-image-tags.mjs

kustomize: ## build kustomize (KUSTOMIZE_VERSION in tools/envtest/versions.env) into the envtest cache
	bash tools/envtest/build-kustomize.sh

deploy: install ## apply deploy/overlays/$(OVERLAY) to the cluster of the current kubeconfig (KUBECONFIG honoured)
	@bash tools/envtest/build-kustomize.sh >/dev/null 2>&1 || echo "deploy: could not build kustomize; using kubectl kustomize" >&2
	node tools/scripts/deploy.mjs apply $(OVERLAY)

undeploy: install ## remove deploy/overlays/$(OVERLAY) from the cluster (namespace and CRDs kept unless UNDEPLOY_ALL=1)
	@bash tools/envtest/build-kustomize.sh >/dev/null 2>&1 || echo "undeploy: could not build kustomize; using kubectl kustomize" >&2
	node tools/scripts/deploy.mjs delete $(OVERLAY)
