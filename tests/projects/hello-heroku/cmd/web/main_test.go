package main

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHelloDefault(t *testing.T) {
	rec := httptest.NewRecorder()
	hello(rec, httptest.NewRequest("GET", "/", nil))
	if !strings.HasPrefix(rec.Body.String(), "Hello, Heroku!") {
		t.Fatalf("got %q", rec.Body.String())
	}
}

func TestHelloName(t *testing.T) {
	rec := httptest.NewRecorder()
	hello(rec, httptest.NewRequest("GET", "/?name=Go", nil))
	if !strings.HasPrefix(rec.Body.String(), "Hello, Go!") {
		t.Fatalf("got %q", rec.Body.String())
	}
}
