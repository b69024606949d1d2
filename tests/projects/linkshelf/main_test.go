package main

import "testing"

func TestStoreRoundTrip(t *testing.T) {
	db, err := openStore(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`INSERT INTO links VALUES ('Go', 'https://go.dev')`); err != nil {
		t.Fatal(err)
	}
	got, err := links(db)
	if err != nil || len(got) != 1 || got[0].Title != "Go" {
		t.Fatalf("links = %v, %v", got, err)
	}
}
