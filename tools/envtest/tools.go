//go:build tools

// Package envtest pins the packages whose binaries tools/envtest/build.sh (the control plane) and
// build-node.sh (the node and the other controllers of `make up`) build, so that `go mod tidy` keeps them
// (and their whole dependency graph) in go.mod and go.sum.
package envtest

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
