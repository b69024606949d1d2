// Command ledgerd serves account balances from a JSON config file.
package main

import (
	"flag"
	"log"
	"net/http"
	"os"

	"example.com/ledger/internal/config"
	"example.com/ledger/internal/server"
)

func main() {
	cfgPath := flag.String("config", envOr("LEDGER_CONFIG", "configs/ledgerd.json"), "path to the config file")
	flag.Parse()
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		log.Fatal(err)
	}
	addr := ":" + envOr("PORT", "8080")
	log.Printf("ledgerd listening on %s (currency %s)", addr, cfg.Currency)
	log.Fatal(http.ListenAndServe(addr, server.New(cfg)))
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
