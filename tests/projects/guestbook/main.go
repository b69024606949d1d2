// Command guestbook serves HTML pages rendered from templates/ and files from
// static/, both read from the working directory when the server starts.
package main

import (
	"html/template"
	"log"
	"net/http"
	"os"
	"sync"
)

type server struct {
	tmpl    *template.Template
	mu      sync.Mutex
	entries []string
}

func newServer(templateGlob, staticDir string) (http.Handler, error) {
	tmpl, err := template.ParseGlob(templateGlob)
	if err != nil {
		return nil, err
	}
	s := &server{tmpl: tmpl, entries: []string{"First!"}}
	mux := http.NewServeMux()
	mux.HandleFunc("/", s.index)
	mux.Handle("/static/", http.StripPrefix("/static/", http.FileServer(http.Dir(staticDir))))
	return mux, nil
}

func (s *server) index(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Method == http.MethodPost {
		if msg := r.FormValue("message"); msg != "" {
			s.entries = append(s.entries, msg)
		}
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	title := os.Getenv("GUESTBOOK_TITLE")
	if title == "" {
		title = "Guestbook"
	}
	data := struct {
		Title   string
		Entries []string
	}{title, s.entries}
	if err := s.tmpl.ExecuteTemplate(w, "index.html", data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

func main() {
	h, err := newServer("templates/*.html", "static")
	if err != nil {
		log.Fatalf("loading templates: %v", err)
	}
	port := os.Getenv("PORT")
	if port == "" {
		port = "3000"
	}
	log.Printf("guestbook on :%s", port)
	log.Fatal(http.ListenAndServe(":"+port, h))
}
