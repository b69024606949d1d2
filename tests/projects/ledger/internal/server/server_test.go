package server

import (
	"net/http/httptest"
	"strings"
	"testing"

	"example.com/ledger/internal/config"
)

func TestRoutes(t *testing.T) {
	h := New(&config.Config{Currency: "EUR", Accounts: map[string]int64{"cash": 5}})
	for _, tc := range []struct {
		method, path string
		code         int
		body         string
	}{
		{"GET", "/healthz", 200, `"ok"`},
		{"GET", "/accounts/cash", 200, `"balance":5`},
		{"GET", "/accounts/nope", 404, "no such account"},
		{"POST", "/healthz", 405, ""},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		if rec.Code != tc.code || !strings.Contains(rec.Body.String(), tc.body) {
			t.Errorf("%s %s: %d %q", tc.method, tc.path, rec.Code, rec.Body.String())
		}
	}
}
