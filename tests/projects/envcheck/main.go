// Command envcheck reports which required settings are missing from the
// environment and exits 0 when all are present (or in -report mode).
package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
)

func missing(required []string, lookup func(string) (string, bool)) []string {
	var out []string
	for _, name := range required {
		if v, ok := lookup(name); !ok || strings.TrimSpace(v) == "" {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

func main() {
	req := flag.String("require", "HOME,PATH", "comma-separated variable names")
	report := flag.Bool("report", false, "always exit 0, just report")
	flag.Parse()
	names := strings.Split(*req, ",")
	m := missing(names, os.LookupEnv)
	fmt.Printf("envcheck: %d of %d set\n", len(names)-len(m), len(names))
	for _, n := range m {
		fmt.Printf("missing: %s\n", n)
	}
	if len(m) > 0 && !*report {
		os.Exit(1)
	}
}
