// Command cfib prints Fibonacci numbers computed in C through cgo.
package main

import (
	"flag"
	"fmt"
)

func main() {
	n := flag.Uint("n", 10, "which Fibonacci number to print")
	flag.Parse()
	fmt.Printf("fib(%d) = %d (computed in C)\n", *n, Fib(*n))
}
