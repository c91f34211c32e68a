package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestProbe(t *testing.T) {
	healthy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(`{"status":"ok"}`))
	}))
	defer healthy.Close()
	var out, errb bytes.Buffer
	if code := runProbe([]string{"--url", healthy.URL + "/healthz"}, &out, &errb); code != 0 {
		t.Fatalf("healthy server: exit %d (%s)", code, errb.String())
	}
	if code := runProbe([]string{"--url", healthy.URL + "/nope"}, &out, &errb); code != 1 {
		t.Fatalf("404: exit %d", code)
	}
	if code := runProbe([]string{"--bogus"}, &out, &errb); code != 2 {
		t.Fatalf("bad flag: exit %d", code)
	}
}
