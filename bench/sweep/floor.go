package main

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// The floor: the least a relay can do with the same clients. A bare gorilla/websocket
// hub in the style of gorilla's chat example: rooms and joins over the same routes,
// a hello, and every command becomes an event frame (a room seq, the command's data)
// sent to every member through a buffered channel and a write pump per socket, plus an
// ack to the sender. Nothing is stored, decided or redacted.

type floorHub struct {
	mu     sync.Mutex
	rooms  map[string]*floorRoom // by code
	tokens map[string]string     // key or token → code
}

type floorRoom struct {
	mu      sync.Mutex
	seq     uint64
	members map[*floorConn]struct{}
}

type floorConn struct {
	ws   *websocket.Conn
	send chan []byte
}

func runFloor(addr string) error {
	h := &floorHub{rooms: map[string]*floorRoom{}, tokens: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"status":"ok"}`)) })
	mux.HandleFunc("POST /api/rooms", h.create)
	mux.HandleFunc("POST /api/rooms/{code}/join", h.join)
	mux.HandleFunc("GET /api/rooms/{code}/ws", h.socket)
	return http.ListenAndServe(addr, mux)
}

func randomText() string { return rand.Text() }

func (h *floorHub) create(w http.ResponseWriter, r *http.Request) {
	code := randomText()[:8]
	key := "tk_" + randomText()
	h.mu.Lock()
	h.rooms[code] = &floorRoom{members: map[*floorConn]struct{}{}}
	h.tokens[key] = code
	h.mu.Unlock()
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]string{"code": code, "teacherKey": key})
}

func (h *floorHub) join(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	token := "pt_" + randomText()
	h.mu.Lock()
	_, ok := h.rooms[code]
	if ok {
		h.tokens[token] = code
	}
	h.mu.Unlock()
	if !ok {
		http.Error(w, `{"code":"not_found"}`, http.StatusNotFound)
		return
	}
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]string{"code": code, "token": token})
}

var floorUpgrader = websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 1024}

func (h *floorHub) socket(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	ws, err := floorUpgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer ws.Close()
	var hello struct {
		Key string `json:"key"`
	}
	if ws.ReadJSON(&hello) != nil {
		return
	}
	h.mu.Lock()
	rm := h.rooms[code]
	ok := h.tokens[hello.Key] == code
	h.mu.Unlock()
	if rm == nil || !ok {
		ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4001, "unauthorized"))
		return
	}
	c := &floorConn{ws: ws, send: make(chan []byte, 256)}
	rm.mu.Lock()
	c.send <- []byte(`{"v":1,"type":"snapshot","seq":` + strconv.FormatUint(rm.seq, 10) + `,"state":{}}`)
	rm.members[c] = struct{}{}
	rm.mu.Unlock()
	go c.writePump()
	defer func() {
		rm.mu.Lock()
		if _, in := rm.members[c]; in {
			delete(rm.members, c)
			close(c.send)
		}
		rm.mu.Unlock()
	}()
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		var in struct {
			Type string          `json:"type"`
			ID   string          `json:"id"`
			Data json.RawMessage `json:"data"`
		}
		if json.Unmarshal(data, &in) != nil {
			continue
		}
		id, _ := json.Marshal(in.ID)
		rm.mu.Lock()
		rm.seq++
		seq := strconv.FormatUint(rm.seq, 10)
		typ, _ := json.Marshal(in.Type)
		payload := in.Data
		if len(payload) == 0 {
			payload = json.RawMessage("null")
		}
		event := []byte(`{"v":1,"type":"event","event":{"seq":` + seq + `,"type":` + string(typ) + `,"data":` + string(payload) + `}}`)
		for m := range rm.members {
			select {
			case m.send <- event:
			default: // too slow: dropped, as the gorilla example does
				delete(rm.members, m)
				close(m.send)
			}
		}
		ack := []byte(`{"v":1,"type":"ack","id":` + string(id) + `,"seq":` + seq + `}`)
		if _, in := rm.members[c]; in {
			select {
			case c.send <- ack:
			default:
			}
		}
		rm.mu.Unlock()
	}
}

func (c *floorConn) writePump() {
	for msg := range c.send {
		c.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
		if c.ws.WriteMessage(websocket.TextMessage, msg) != nil {
			c.ws.Close()
			return
		}
	}
	c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, strings.TrimSpace("")))
}
