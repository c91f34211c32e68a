package server_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/classroom-debate/debate/protocol"
)

// An unpaced flood from a client that reads every answer is closed as a flood (4029),
// never as slow (4008): the refusals' answers must not be counted against a reader
// (finding 3 of issue 10). The clock does not move, so the limiters refill nothing.
func TestFloodFromAReaderCloses4029(t *testing.T) {
	ts := newServer(t, nil)
	r := ts.room("")
	for round := range 5 {
		ws, _, err := rawDial(t, ts, "/api/rooms/"+r.Code+"/ws", "")
		if err != nil {
			t.Fatal(err)
		}
		hello, _ := json.Marshal(map[string]any{"v": 1, "type": "hello", "key": r.TeacherKey})
		if err := ws.WriteMessage(websocket.TextMessage, hello); err != nil {
			t.Fatal(err)
		}
		closed := make(chan int, 1)
		go func() {
			_, code := readUntilClose(t, ws)
			closed <- code
		}()
		for i := range 3000 {
			msg := fmt.Sprintf(`{"v":1,"type":"announce","id":"f%d-%d","data":{"text":"flood %d"}}`, round, i, i)
			if i%2 == 1 {
				msg = fmt.Sprintf(`{"v":1,"type":"mark","id":"f%d-%d","data":{"argumentId":"a1"}}`, round, i)
			}
			if ws.WriteMessage(websocket.TextMessage, []byte(msg)) != nil {
				break
			}
		}
		if code := <-closed; code != protocol.CloseFlood {
			t.Fatalf("round %d: a flooding reader was closed with %d, want %d", round, code, protocol.CloseFlood)
		}
		ws.Close()
	}
}
