package main

import (
	"testing"

	"example.com/textkit/lib/wordstat"
)

func TestSample(t *testing.T) {
	if got := wordstat.Top(sample, 1); got[0].Word != "it" && got[0].Word != "of" {
		t.Fatalf("got %v", got)
	}
}
