// gopath-hello predates modules: a single main package with no go.mod.
// Build it in GOPATH mode: GO111MODULE=off go build
package main

import (
	"fmt"
	"os"
	"strings"
)

func greeting(names []string) string {
	if len(names) == 0 {
		return "Hello, gopher!"
	}
	return "Hello, " + strings.Join(names, " and ") + "!"
}

func main() {
	fmt.Println(greeting(os.Args[1:]))
}
