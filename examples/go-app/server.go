package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
)

// fallbackPage is served at / when the front end has not been built into web/dist.
const fallbackPage = `<!doctype html>
<title>go-app</title>
<h1>{{.Greeting}}</h1>
<p>The front end is not built: run <code>npm ci && npm run build</code> in web/.</p>
`

type page struct{ Greeting string }

// newHandler serves /healthz, the greeting page at / (web/dist/index.html as an html/template,
// which escapes the greeting) and every other file of the front end's build output.
func newHandler(greeting string, assets fs.FS) (http.Handler, error) {
	source, err := fs.ReadFile(assets, "index.html")
	if errors.Is(err, fs.ErrNotExist) {
		source, err = []byte(fallbackPage), nil
	}
	if err != nil {
		return nil, err
	}
	index, err := template.New("index").Parse(string(source))
	if err != nil {
		return nil, err
	}
	var rendered bytes.Buffer
	if err := index.Execute(&rendered, page{Greeting: greeting}); err != nil {
		return nil, err
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"status": "ok"})
	})
	files := http.FileServer(http.FS(assets))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			files.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(rendered.Bytes())
	})
	return mux, nil
}
