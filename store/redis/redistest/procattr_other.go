//go:build !linux

package redistest

import "os/exec"

// dieWithTest has no portable equivalent outside Linux: t.Cleanup still stops servers
// of tests that end normally.
func dieWithTest(cmd *exec.Cmd) {}
