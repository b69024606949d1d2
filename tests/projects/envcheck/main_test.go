package main

import (
	"slices"
	"testing"
)

func fakeEnv(vals map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vals[k]; return v, ok }
}

func TestAllPresent(t *testing.T) {
	if m := missing([]string{"A", "B"}, fakeEnv(map[string]string{"A": "1", "B": "2"})); len(m) != 0 {
		t.Fatalf("got %v", m)
	}
}

func TestBlankCountsAsMissing(t *testing.T) {
	got := missing([]string{"Z", "A"}, fakeEnv(map[string]string{"A": " "}))
	if !slices.Equal(got, []string{"A", "Z"}) {
		t.Fatalf("got %v", got)
	}
}
