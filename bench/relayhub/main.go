// Command relayhub is the floor of the load benchmark: the least a server must do to
// carry a class's messages. It speaks just enough of the debate protocol for the same
// load generator (bench/load) to drive it: create a room, join it, open a WebSocket with
// a hello, and every command is given the room's next seq, broadcast to every member as
// an event and acked to its sender. No rules, no storage, no fsync, no redaction: one
// gorilla/websocket connection with a read and a write goroutine per member, as a bare
// hub is usually written.
//
//	go run ./bench/relayhub --addr 127.0.0.1:8090
package main

import (
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/classroom-debate/debate/protocol"
	"github.com/classroom-debate/debate/room"
)

type hub struct {
	mu    sync.Mutex
	rooms map[string]*relayRoom
}

type relayRoom struct {
	mu      sync.Mutex
	seq     uint64
	members map[*member]struct{}
}

type member struct {
	out chan []byte
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8090", "address to listen on")
	flag.Parse()
	h := &hub{rooms: map[string]*relayRoom{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/rooms", h.create)
	mux.HandleFunc("POST /api/rooms/{code}/join", h.join)
	mux.HandleFunc("GET /api/rooms/{code}/ws", h.ws)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(`{"status":"ok"}`)) })
	fmt.Printf("relayhub: listening on http://%s\n", *addr)
	log.Fatal(http.ListenAndServe(*addr, mux))
}

func (h *hub) create(w http.ResponseWriter, r *http.Request) {
	code := rand.Text()[:8]
	h.mu.Lock()
	h.rooms[code] = &relayRoom{members: map[*member]struct{}{}}
	h.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]string{"code": code, "roomId": code, "teacherKey": "t", "coTeacherKey": "c", "projectorKey": "p"})
}

func (h *hub) room(code string) *relayRoom {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.rooms[code]
}

func (h *hub) join(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	if h.room(code) == nil {
		http.Error(w, `{"code":"not_found","message":"no such room"}`, http.StatusNotFound)
		return
	}
	id := rand.Text()[:10]
	writeJSON(w, http.StatusCreated, map[string]string{"roomId": code, "code": code, "playerId": id, "token": id})
}

var upgrader = websocket.Upgrader{ReadBufferSize: 4096, WriteBufferSize: 4096, CheckOrigin: func(*http.Request) bool { return true }}

func (h *hub) ws(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	rm := h.room(code)
	if rm == nil {
		http.Error(w, "no such room", http.StatusNotFound)
		return
	}
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	var hello struct {
		Key string `json:"key"`
	}
	if _, data, err := conn.ReadMessage(); err != nil || json.Unmarshal(data, &hello) != nil {
		return
	}
	m := &member{out: make(chan []byte, 512)}
	rm.mu.Lock()
	rm.members[m] = struct{}{}
	seq := rm.seq
	rm.mu.Unlock()
	defer func() {
		rm.mu.Lock()
		delete(rm.members, m)
		rm.mu.Unlock()
	}()
	welcome := protocol.WelcomeFrame(protocol.Welcome{RoomID: code, Code: code, Principal: room.Principal{Kind: room.Player, PlayerID: hello.Key}, Server: "relayhub"})
	snapshot, _ := protocol.SnapshotFrame(seq, map[string]any{})
	if conn.WriteMessage(websocket.TextMessage, welcome) != nil || conn.WriteMessage(websocket.TextMessage, snapshot) != nil {
		return
	}
	done := make(chan struct{})
	go func() { // the write pump
		defer close(done)
		for f := range m.out {
			conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
			if conn.WriteMessage(websocket.TextMessage, f) != nil {
				conn.Close()
				for range m.out {
				}
				return
			}
		}
	}()
	for { // the read pump: relay each command
		_, data, err := conn.ReadMessage()
		if err != nil {
			break
		}
		var in struct {
			ID   string          `json:"id"`
			Type string          `json:"type"`
			Data json.RawMessage `json:"data"`
		}
		if json.Unmarshal(data, &in) != nil || in.ID == "" {
			continue
		}
		rm.mu.Lock()
		rm.seq++
		ev := room.Event{V: 1, Seq: rm.seq, Type: room.EvArgumentPosted, At: time.Now(), Cmd: in.ID, Data: in.Data}
		frame, err := protocol.EventFrame(ev)
		if err == nil {
			for other := range rm.members {
				select {
				case other.out <- frame:
				default: // a slow member: dropped, as the real server does
				}
			}
			select {
			case m.out <- protocol.AckFrame(in.ID, ev.Seq):
			default:
			}
		}
		rm.mu.Unlock()
	}
	rm.mu.Lock()
	delete(rm.members, m)
	rm.mu.Unlock()
	close(m.out)
	<-done
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
