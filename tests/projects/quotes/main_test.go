package main

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
)

func TestHandlerPicksProverb(t *testing.T) {
	rec := httptest.NewRecorder()
	handler(rec, httptest.NewRequest("GET", "/?n=1", nil))
	var body struct {
		Proverb string
		Of      int
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if body.Proverb != "Clear is better than clever." || body.Of != 4 {
		t.Fatalf("got %+v", body)
	}
}

func TestHandlerWrapsAround(t *testing.T) {
	rec := httptest.NewRecorder()
	handler(rec, httptest.NewRequest("GET", "/?n=4", nil))
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
}
