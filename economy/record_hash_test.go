package economy

import (
	"testing"

	"github.com/classroom-debate/debate/fault"
)

func TestRunRefusesARecordOfAnotherScenarioVersion(t *testing.T) {
	sc := Default()
	rec := sc.HistoricalRecord()
	rec.ScenarioHash = sc.Hash()
	if _, err := sc.Run(rec); err != nil {
		t.Fatalf("record with this scenario's hash: %v", err)
	}
	rec.ScenarioHash = "0000"
	if _, err := sc.Run(rec); fault.CodeOf(err) != fault.Invalid {
		t.Fatalf("record of another scenario version: %v, want invalid", err)
	}
}
