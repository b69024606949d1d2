package config

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLoad(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.json")
	os.WriteFile(p, []byte(`{"currency":"EUR","accounts":{"cash":100}}`), 0o600)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.Currency != "EUR" || c.Accounts["cash"] != 100 {
		t.Fatalf("got %+v", c)
	}
}

func TestLoadShippedConfig(t *testing.T) {
	if _, err := Load("../../configs/ledgerd.json"); err != nil {
		t.Fatal(err)
	}
}

func TestLoadMissingCurrency(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.json")
	os.WriteFile(p, []byte(`{}`), 0o600)
	if _, err := Load(p); err == nil {
		t.Fatal("want error")
	}
}
