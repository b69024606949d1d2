// Command worker ships pending orders in batches.
package main

import (
	"flag"
	"fmt"

	"github.com/acme/orders/internal/store"
)

func main() {
	n := flag.Int("demo", 3, "number of demo orders to create before shipping")
	flag.Parse()
	s := store.New()
	for i := 0; i < *n; i++ {
		s.Add(fmt.Sprintf("demo-%d", i))
	}
	fmt.Printf("worker shipped %d orders\n", s.ShipPending())
}
