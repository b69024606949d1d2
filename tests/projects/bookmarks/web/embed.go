// Package web holds the embedded front end: templates and static files are
// compiled into the binary, nothing is read from disk at run time.
package web

import "embed"

//go:embed templates/*.html static
var FS embed.FS
