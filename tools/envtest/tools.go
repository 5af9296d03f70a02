//go:build tools

// Package envtest pins the packages whose binaries tools/envtest/build.sh builds, so that
// `go mod tidy` keeps them (and their whole dependency graph) in go.mod and go.sum.
package envtest

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
)
