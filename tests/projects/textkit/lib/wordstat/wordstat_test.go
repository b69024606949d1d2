package wordstat

import "testing"

func TestTop(t *testing.T) {
	got := Top("the cat and the hat. The end!", 2)
	if len(got) != 2 || got[0] != (Count{"the", 3}) || got[1] != (Count{"and", 1}) {
		t.Fatalf("got %v", got)
	}
}
