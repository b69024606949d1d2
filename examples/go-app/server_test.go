package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func get(t *testing.T, h http.Handler, path string) (int, string, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, rec.Header().Get("Content-Type"), string(body)
}

func TestHealthzIsJSONOK(t *testing.T) {
	h, err := newHandler("hi", fstest.MapFS{})
	if err != nil {
		t.Fatal(err)
	}
	code, contentType, body := get(t, h, "/healthz")
	if code != 200 || !strings.HasPrefix(contentType, "application/json") {
		t.Fatalf("got %d %q", code, contentType)
	}
	var decoded map[string]string
	if err := json.Unmarshal([]byte(body), &decoded); err != nil || decoded["status"] != "ok" {
		t.Fatalf("body %q: %v", body, err)
	}
}

func TestRootRendersTheFrontEndWithTheGreetingEscaped(t *testing.T) {
	assets := fstest.MapFS{
		"index.html": {Data: []byte(`<h1 id="greeting">{{.Greeting}}</h1><script src="/app.js"></script>`)},
		"app.js":     {Data: []byte(`console.log("hi")`)},
	}
	h, err := newHandler("Hi <b>there</b> & welcome", assets)
	if err != nil {
		t.Fatal(err)
	}
	code, _, body := get(t, h, "/")
	want := `<h1 id="greeting">Hi &lt;b&gt;there&lt;/b&gt; &amp; welcome</h1>`
	if code != 200 || !strings.Contains(body, want) {
		t.Fatalf("got %d %q", code, body)
	}
	code, contentType, body := get(t, h, "/app.js")
	if code != 200 || !strings.Contains(contentType, "javascript") || body != `console.log("hi")` {
		t.Fatalf("app.js: %d %q %q", code, contentType, body)
	}
	if code, _, _ := get(t, h, "/missing.css"); code != 404 {
		t.Fatalf("missing file: %d", code)
	}
}

func TestFallbackPageWhenTheFrontEndIsNotBuilt(t *testing.T) {
	h, err := newHandler("plain", fstest.MapFS{".gitkeep": {}})
	if err != nil {
		t.Fatal(err)
	}
	code, _, body := get(t, h, "/")
	if code != 200 || !strings.Contains(body, "<h1>plain</h1>") || !strings.Contains(body, "not built") {
		t.Fatalf("got %d %q", code, body)
	}
}

// The embedded build output, whatever state web/dist is in, shows the greeting at /.
func TestEmbeddedAssetsShowTheGreeting(t *testing.T) {
	h, err := newHandler("embedded greeting", assets())
	if err != nil {
		t.Fatal(err)
	}
	if code, _, body := get(t, h, "/"); code != 200 || !strings.Contains(body, "embedded greeting") {
		t.Fatalf("got %d %q", code, body)
	}
}

func TestBadTemplateIsAnError(t *testing.T) {
	if _, err := newHandler("x", fstest.MapFS{"index.html": {Data: []byte("{{.Nope")}}); err == nil {
		t.Fatal("a broken index.html must be reported")
	}
}

func TestPortFromEnv(t *testing.T) {
	for raw, want := range map[string]int{"": 8080, "9000": 9000, "65535": 65535} {
		if got, err := portFromEnv(raw); err != nil || got != want {
			t.Errorf("portFromEnv(%q) = %d, %v; want %d", raw, got, err, want)
		}
	}
	for _, raw := range []string{"0", "65536", "http", "-1"} {
		if _, err := portFromEnv(raw); err == nil {
			t.Errorf("portFromEnv(%q) accepted a bad port", raw)
		}
	}
}
