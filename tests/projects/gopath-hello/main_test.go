package main

import "testing"

func TestGreetingDefault(t *testing.T) {
	if got := greeting(nil); got != "Hello, gopher!" {
		t.Fatalf("got %q", got)
	}
}

func TestGreetingNames(t *testing.T) {
	if got := greeting([]string{"Ann", "Bo"}); got != "Hello, Ann and Bo!" {
		t.Fatalf("got %q", got)
	}
}
