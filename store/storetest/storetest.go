// Package storetest owns the conformance suites for the engine's storage and sync ports
// (engine.Log, Notifier, Directory, Credentials, Presence, Limiter). Every
// implementation, embedded or Redis, runs them from its own tests:
//
//	func TestLog(t *testing.T) {
//		storetest.TestLog(t, func(t *testing.T) engine.Log { return openStore(t) })
//	}
//
// The constructors get the subtest's t so they can register cleanup. Every subtest uses
// fresh, random room ids, codes and hashes, so implementations on a shared backend (one
// Redis for many test runs) need no flushing between tests, and a constructor may return
// the same instance every time. The Log, Directory and Credentials subtests run in
// parallel (storage waits on fsyncs and round trips), so those constructors must be
// safe to call concurrently. The suites use the real
// clock only for expiry far in the past or future, and never sleep: they wait on
// channels with a generous timeout.
//
// It imports engine and the standard library (and x/time/rate for the limiter's type).
package storetest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

// wait bounds every wait on another goroutine or an asynchronous backend.
const wait = 5 * time.Second

// unique returns an id that no other test, run or process will use: a readable part
// from the test name plus random bits.
func unique(t *testing.T, part string) string {
	name := t.Name()
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	return "st-" + name + "-" + part + "-" + rand.Text()[:10]
}

// hashOf returns a credential hash as the engine makes it: hex sha256 of a secret.
func hashOf(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// startTogether runs n goroutines that begin at the same moment and waits for them.
func startTogether(n int, f func(i int)) {
	start := make(chan struct{})
	done := make(chan struct{})
	for i := range n {
		go func() {
			defer func() { done <- struct{}{} }()
			<-start
			f(i)
		}()
	}
	close(start)
	for range n {
		<-done
	}
}
