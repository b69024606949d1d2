// Package server holds the HTTP handlers.
package server

import (
	"encoding/json"
	"net/http"

	"example.com/ledger/internal/config"
)

// New returns the service mux (Go 1.22 method and wildcard patterns).
func New(c *config.Config) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /accounts/{name}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		bal, ok := c.Accounts[name]
		if !ok {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such account"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"account": name, "balance": bal, "currency": c.Currency})
	})
	return mux
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}
