package integration

import (
	"testing"
	"time"

	"github.com/classroom-debate/debate/store/redis/redistest"
)

// Two instances on a local three-master Redis Cluster (redis+cluster://) play a short
// game: the room's keys share one hash slot and its notes go by sharded pub/sub, so
// the same code serves it as on one Redis.
func TestTwoInstancesOnARedisCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Redis Cluster and server processes")
	}
	cl := redistest.StartCluster(t, redistest.ServerOptions{AOF: true})
	ins := []*instance{
		startInstance(t, "A", "--redis-url", cl.URL()),
		startInstance(t, "B", "--redis-url", cl.URL()),
	}
	ctx := testCtx(t, 2*time.Minute)
	for _, in := range ins {
		if st, body := readyz(t, in.url); st != 200 {
			t.Fatalf("%s on the cluster is not ready: %d %s", in.name, st, body)
		}
	}
	c := newClass(ctx, t, ins, 6, nil)
	c.advance(ctx, "start")
	c.advance(ctx, "advance")
	c.debate(ctx, 2)
	c.advance(ctx, "advance")
	c.vote(ctx)
	c.advance(ctx, "advance")
	log := c.converge(ctx)
	c.checkCounts(log)
}
