package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func newTestServer(t *testing.T) http.Handler {
	t.Helper()
	h, err := newServer("templates/*.html", "static")
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestIndexUsesTemplates(t *testing.T) {
	rec := httptest.NewRecorder()
	newTestServer(t).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "<h1>Guestbook</h1>") {
		t.Fatalf("got %d %q", rec.Code, rec.Body.String())
	}
}

func TestSignThenList(t *testing.T) {
	h := newTestServer(t)
	form := url.Values{"message": {"hello <b>"}}
	req := httptest.NewRequest("POST", "/", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("post status %d", rec.Code)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if !strings.Contains(rec.Body.String(), "hello &lt;b&gt;") {
		t.Fatalf("entry not escaped/listed: %q", rec.Body.String())
	}
}

func TestStaticFromDisk(t *testing.T) {
	rec := httptest.NewRecorder()
	newTestServer(t).ServeHTTP(rec, httptest.NewRequest("GET", "/static/robots.txt", nil))
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
}

func TestMissingTemplatesFail(t *testing.T) {
	if _, err := newServer("nowhere/*.html", "static"); err == nil {
		t.Fatal("expected an error for missing templates")
	}
}
