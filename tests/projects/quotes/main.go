package main

import (
	"encoding/json"
	"log"
	"net/http"
	"strconv"

	"example.com/wisdom/proverb"
)

func handler(w http.ResponseWriter, r *http.Request) {
	i, _ := strconv.Atoi(r.URL.Query().Get("n"))
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]interface{}{
		"n":       i,
		"proverb": proverb.Get(i),
		"of":      proverb.Count(),
	})
}

func main() {
	http.HandleFunc("/", handler)
	log.Println("quotes listening on :9000")
	log.Fatal(http.ListenAndServe(":9000", nil))
}
