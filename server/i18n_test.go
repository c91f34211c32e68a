package server_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gorilla/websocket"

	"github.com/classroom-debate/debate/fault"
	"github.com/classroom-debate/debate/i18n"
)

// German sentences for a few of the server's errors; every other error has no
// translation and must come back in English.
var germanFaults = map[string]string{
	"fault.room.votingOnlyInVote":         "Abstimmen kann man nur während der Abstimmung.",
	"fault.server.deleteTeacherOnly":      "Nur die Lehrkraft kann den Raum löschen.",
	"fault.server.firstMessageNotHello":   "Die erste Nachricht muss ein Hallo mit Schlüssel, Token oder Ticket sein.",
	"fault.server.websocketRefused":       "Der WebSocket konnte nicht geöffnet werden: %[1]s.",
	"fault.protocol.helloNeedsCredential": "Ein Hallo braucht einen Schlüssel, ein Token oder ein Ticket.",
}

// installGerman makes the catalogues the embedded English one plus a German one with
// germanFaults, for the rest of the test.
func installGerman(t *testing.T) {
	t.Helper()
	en, err := json.Marshal(i18n.Catalogue(i18n.Default))
	if err != nil {
		t.Fatal(err)
	}
	de, err := json.Marshal(germanFaults)
	if err != nil {
		t.Fatal(err)
	}
	restore, err := i18n.Install(fstest.MapFS{"en.json": {Data: en}, "de.json": {Data: de}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(restore)
}

type errorBody struct {
	Type    string     `json:"type"`
	ID      string     `json:"id"`
	Code    fault.Code `json:"code"`
	Key     string     `json:"key"`
	Message string     `json:"message"`
}

func decodeError(t *testing.T, body []byte) errorBody {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal(body, &e); err != nil || e.Code == "" {
		t.Fatalf("%s is not an error", body)
	}
	return e
}

func wantSentence(t *testing.T, what string, got errorBody, key, message string) {
	t.Helper()
	if got.Key != key || got.Message != message {
		t.Errorf("%s: key %q message %q, want key %q message %q", what, got.Key, got.Message, key, message)
	}
}

// An error's sentence follows the request's Accept-Language: HTTP errors, errors of
// POSTed commands, and every error frame of a WebSocket opened with it. A sentence
// without a translation stays English.
func TestErrorsFollowAcceptLanguage(t *testing.T) {
	installGerman(t)
	ts := newServer(t, nil)
	r := ts.room("")
	p := ts.join(r.Code, "Ada")
	german := []string{"Accept-Language", "de-CH,de;q=0.9,en;q=0.8"}
	english := func(key string, args ...any) string { return i18n.T(i18n.Default, key, args...) }

	t.Run("http", func(t *testing.T) {
		status, body := ts.do("DELETE", "/api/rooms/"+r.Code, p.Token, "", german...)
		wantSentence(t, "translated", decodeError(t, body), "fault.server.deleteTeacherOnly", germanFaults["fault.server.deleteTeacherOnly"])
		if status != http.StatusForbidden {
			t.Errorf("status %d", status)
		}
		_, body = ts.do("DELETE", "/api/rooms/"+r.Code, p.Token, "")
		wantSentence(t, "no Accept-Language", decodeError(t, body), "fault.server.deleteTeacherOnly", "Only the teacher can delete the room.")
		_, body = ts.do("GET", "/api/rooms/"+r.Code+"/events", "", "", german...)
		wantSentence(t, "untranslated", decodeError(t, body), "fault.server.eventStreamNeedsTicket", english("fault.server.eventStreamNeedsTicket"))
	})

	t.Run("posted command", func(t *testing.T) {
		path := "/api/rooms/" + r.Code + "/commands"
		vote := `{"v":1,"type":"vote","id":"v1","data":{"decision":"d","option":"o"}}`
		status, body := ts.do("POST", path, p.Token, vote, german...)
		got := decodeError(t, body)
		wantSentence(t, "translated", got, "fault.room.votingOnlyInVote", germanFaults["fault.room.votingOnlyInVote"])
		if status != http.StatusConflict || got.Type != "error" || got.ID != "v1" {
			t.Errorf("%d %s", status, body)
		}
		_, body = ts.do("POST", path, p.Token, `{"v":1,"type":"hello","key":"x"}`, german...)
		wantSentence(t, "untranslated", decodeError(t, body), "fault.server.helloOverHTTP", english("fault.server.helloOverHTTP"))
	})

	dial := func(t *testing.T, header http.Header) (*websocket.Conn, *http.Response) {
		t.Helper()
		header.Set("Accept-Language", "de")
		ws, resp, err := websocket.DefaultDialer.DialContext(ctxT(t), "ws"+strings.TrimPrefix(ts.url, "http")+"/api/rooms/"+r.Code+"/ws", header)
		if err != nil {
			return nil, resp
		}
		t.Cleanup(func() { ws.Close() })
		return ws, resp
	}
	send := func(t *testing.T, ws *websocket.Conn, msg string) {
		t.Helper()
		if err := ws.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	// nextError reads frames until an error frame.
	nextError := func(t *testing.T, ws *websocket.Conn) errorBody {
		t.Helper()
		ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		for {
			_, data, err := ws.ReadMessage()
			if err != nil {
				t.Fatalf("no error frame: %v", err)
			}
			var f errorBody
			if json.Unmarshal(data, &f) == nil && f.Type == "error" {
				return f
			}
		}
	}

	t.Run("websocket refused", func(t *testing.T) {
		ws, _ := dial(t, http.Header{})
		send(t, ws, `{"v":1,"type":"ping"}`)
		wantSentence(t, "translated", nextError(t, ws), "fault.server.firstMessageNotHello", germanFaults["fault.server.firstMessageNotHello"])
		_, _, err := ws.ReadMessage()
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Text != germanFaults["fault.server.firstMessageNotHello"] {
			t.Errorf("close %v, want the German sentence as its reason", err)
		}
		ws, _ = dial(t, http.Header{})
		send(t, ws, `{"v":1,"type":"hello"}`)
		wantSentence(t, "translated from package protocol", nextError(t, ws), "fault.protocol.helloNeedsCredential", germanFaults["fault.protocol.helloNeedsCredential"])
	})

	t.Run("websocket frames", func(t *testing.T) {
		ws, _ := dial(t, http.Header{})
		send(t, ws, `{"v":1,"type":"hello","key":"`+p.Token+`"}`)
		send(t, ws, `{"v":1,"type":"vote","id":"v2","data":{"decision":"d","option":"o"}}`)
		got := nextError(t, ws)
		wantSentence(t, "translated", got, "fault.room.votingOnlyInVote", germanFaults["fault.room.votingOnlyInVote"])
		if got.ID != "v2" {
			t.Errorf("error for %q, want v2", got.ID)
		}
		send(t, ws, `{"v":1,"type":"hello","key":"`+p.Token+`"}`)
		wantSentence(t, "untranslated", nextError(t, ws), "fault.server.helloTwice", english("fault.server.helloTwice"))
	})

	t.Run("websocket upgrade refused", func(t *testing.T) {
		ws, resp := dial(t, http.Header{"Origin": {"https://elsewhere.example"}})
		if ws != nil || resp == nil {
			t.Fatal("a socket from another origin was opened")
		}
		defer resp.Body.Close()
		var got errorBody
		if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
			t.Fatal(err)
		}
		prefix, _, _ := strings.Cut(germanFaults["fault.server.websocketRefused"], "%[1]s")
		if got.Key != "fault.server.websocketRefused" || !strings.HasPrefix(got.Message, prefix) || !strings.HasSuffix(got.Message, ".") {
			t.Errorf("refused upgrade: key %q message %q", got.Key, got.Message)
		}
	})
}
