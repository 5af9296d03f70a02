// Command etcd is a minimal wrapper around etcd's own entry point, so that an etcd server can be
// built from the Go module proxy at the version pinned in go.mod (go.etcd.io/etcd/server/v3).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
