// Command seed prints sample data for local development; it is not deployed.
package main

import "fmt"

func main() {
	for _, n := range []string{"ada", "grace", "linus"} {
		fmt.Println("seed user:", n)
	}
}
