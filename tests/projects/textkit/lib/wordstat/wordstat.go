// Package wordstat counts words.
package wordstat

import (
	"sort"
	"strings"
	"unicode"
)

// Count is one word and how often it appears.
type Count struct {
	Word string
	N    int
}

// Top returns the n most frequent words of text, ties broken alphabetically.
func Top(text string, n int) []Count {
	seen := map[string]int{}
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\''
	}) {
		seen[w]++
	}
	out := make([]Count, 0, len(seen))
	for w, c := range seen {
		out = append(out, Count{w, c})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Word < out[j].Word
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}
