package main

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func get(t *testing.T, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	newMux().ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	return rec.Code, rec.Body.String()
}

func TestIndexRendersEmbeddedTemplate(t *testing.T) {
	code, body := get(t, "/")
	if code != 200 || !strings.Contains(body, "Go blog") {
		t.Fatalf("got %d %q", code, body)
	}
}

func TestStaticIsEmbedded(t *testing.T) {
	if code, body := get(t, "/static/style.css"); code != 200 || !strings.Contains(body, "sans-serif") {
		t.Fatalf("got %d", code)
	}
}

func TestAPIBookmark(t *testing.T) {
	if code, body := get(t, "/api/bookmarks/2"); code != 200 || !strings.Contains(body, "spec") {
		t.Fatalf("got %d %q", code, body)
	}
	if code, _ := get(t, "/api/bookmarks/9"); code != 404 {
		t.Fatalf("want 404, got %d", code)
	}
}
