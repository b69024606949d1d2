package main

import "testing"

func TestFib(t *testing.T) {
	cases := map[uint]uint64{0: 0, 1: 1, 2: 1, 10: 55, 50: 12586269025}
	for n, want := range cases {
		if got := Fib(n); got != want {
			t.Errorf("Fib(%d) = %d, want %d", n, got, want)
		}
	}
}
