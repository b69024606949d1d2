// Package config loads the service configuration file read at start-up.
package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// Config is the JSON document in configs/ledgerd.json.
type Config struct {
	Currency string           `json:"currency"`
	Accounts map[string]int64 `json:"accounts"`
}

// Load reads and validates the file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	var c Config
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	if c.Currency == "" {
		return nil, errors.New("config: currency is required")
	}
	return &c, nil
}
