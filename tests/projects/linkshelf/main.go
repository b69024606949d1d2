// Command linkshelf keeps a list of links in SQLite and serves them as HTML.
package main

import (
	"database/sql"
	"embed"
	"html/template"
	"log"
	"net/http"
	"os"

	_ "github.com/mattn/go-sqlite3"
)

//go:embed templates/*.html
var templateFS embed.FS

var page = template.Must(template.ParseFS(templateFS, "templates/*.html"))

type link struct {
	Title string
	URL   string
}

func openStore(path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		return nil, err
	}
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS links (title TEXT NOT NULL, url TEXT NOT NULL)`); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func links(db *sql.DB) ([]link, error) {
	rows, err := db.Query(`SELECT title, url FROM links ORDER BY rowid`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []link
	for rows.Next() {
		var l link
		if err := rows.Scan(&l.Title, &l.URL); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

func main() {
	path := os.Getenv("LINKSHELF_DB")
	if path == "" {
		path = "file::memory:?cache=shared"
	}
	db, err := openStore(path)
	if err != nil {
		log.Fatalf("open %s: %v", path, err)
	}
	http.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := db.Ping(); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok"))
	})
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		all, err := links(db)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		page.ExecuteTemplate(w, "index.html", all)
	})
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	log.Printf("listening on :%s", port)
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
