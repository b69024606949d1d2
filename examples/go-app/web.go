package main

import (
	"embed"
	"io/fs"
)

// The front end's build output. "all:" keeps the committed web/dist/.gitkeep embeddable, so the
// package compiles (and its tests run) before `npm run build` has produced anything; the
// handler then serves a built-in page instead of web/dist/index.html.
//
//go:embed all:web/dist
var webDist embed.FS

func assets() fs.FS {
	sub, err := fs.Sub(webDist, "web/dist")
	if err != nil {
		panic(err) // the path is a constant checked by the compiler's embed
	}
	return sub
}
