package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/acme/orders/internal/store"
)

func TestCreateAndFetch(t *testing.T) {
	srv := httptest.NewServer(newMux(store.New()))
	defer srv.Close()
	res, err := http.Post(srv.URL+"/orders", "application/json", strings.NewReader(`{"item":"lamp"}`))
	if err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("create: %v %v", res, err)
	}
	res, err = http.Get(srv.URL + "/orders/1")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("fetch: %v %v", res, err)
	}
}

func TestHealthz(t *testing.T) {
	rec := httptest.NewRecorder()
	newMux(store.New()).ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
}
