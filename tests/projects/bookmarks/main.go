package main

import (
	"encoding/json"
	"html/template"
	"io/fs"
	"log"
	"net/http"
	"os"
	"strconv"

	"github.com/example/bookmarks/web"
)

type Bookmark struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

var bookmarks = []Bookmark{
	{"Go", "https://go.dev"},
	{"Go blog", "https://go.dev/blog"},
	{"Go spec", "https://go.dev/ref/spec"},
}

func newMux() http.Handler {
	tmpl := template.Must(template.ParseFS(web.FS, "templates/*.html"))
	static, _ := fs.Sub(web.FS, "static")

	mux := http.NewServeMux()
	// Method and wildcard patterns need Go 1.22+.
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		_ = tmpl.ExecuteTemplate(w, "index.html", bookmarks)
	})
	mux.HandleFunc("GET /api/bookmarks/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.Atoi(r.PathValue("id"))
		if err != nil || id < 0 || id >= len(bookmarks) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(bookmarks[id])
	})
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	return mux
}

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	for i := range 3 { // range over int: Go 1.22+
		log.Printf("bookmark %d: %s", i, bookmarks[i].Title)
	}
	log.Printf("listening on :%s", port)
	log.Fatal(http.ListenAndServe(":"+port, newMux()))
}
