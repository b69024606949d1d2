// Command textkit prints the most frequent words of its arguments (or of a sample).
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"example.com/textkit/lib/wordstat"
)

const sample = "It was the best of times, it was the worst of times."

func main() {
	n := flag.Int("n", 3, "how many words")
	flag.Parse()
	text := strings.Join(flag.Args(), " ")
	if text == "" {
		text = sample
	}
	for _, c := range wordstat.Top(text, *n) {
		fmt.Fprintf(os.Stdout, "%4d %s\n", c.N, c.Word)
	}
}
