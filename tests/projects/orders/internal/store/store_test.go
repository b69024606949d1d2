package store

import "testing"

func TestAddGet(t *testing.T) {
	s := New()
	o := s.Add("book")
	got, err := s.Get(o.ID)
	if err != nil || got.Item != "book" || got.Status != "pending" {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestGetMissing(t *testing.T) {
	if _, err := New().Get(42); err != ErrNotFound {
		t.Fatalf("want ErrNotFound, got %v", err)
	}
}

func TestShipPending(t *testing.T) {
	s := New()
	s.Add("a")
	s.Add("b")
	if n := s.ShipPending(); n != 2 {
		t.Fatalf("shipped %d, want 2", n)
	}
	if n := s.ShipPending(); n != 0 {
		t.Fatalf("second run shipped %d, want 0", n)
	}
}
