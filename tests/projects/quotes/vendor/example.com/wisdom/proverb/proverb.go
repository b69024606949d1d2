// Package proverb returns Go proverbs by index.
package proverb

var proverbs = []string{
	"Don't communicate by sharing memory, share memory by communicating.",
	"Clear is better than clever.",
	"A little copying is better than a little dependency.",
	"Errors are values.",
}

// Count reports how many proverbs there are.
func Count() int { return len(proverbs) }

// Get returns proverb i, wrapping around.
func Get(i int) string {
	if i < 0 {
		i = -i
	}
	return proverbs[i%len(proverbs)]
}
