package twin_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"dctwin/sim"
	"dctwin/twin"
)

// TestSummaryCountsOutagesOutsideFailures: after only a migration the flow table shows
// the stun as an outage of both directions of the VM's flow; the summary, which counts
// the failures' outages, says the others apart so that the two agree.
func TestSummaryCountsOutagesOutsideFailures(t *testing.T) {
	sc, err := twin.Load("classic-dc")
	must(t, err)
	must(t, sc.Set("failures.scheduled", "[{at: 2m, component: db-read-1, kind: migrate, to: hv-1}]"))
	must(t, sc.Set("failures.random", "[]"))
	tw, err := twin.New(sc, twin.Options{Duration: 3 * sim.Minute})
	must(t, err)
	tw.Run()
	r := tw.Report()
	total := 0
	for _, f := range r.Flows {
		total += f.Outages
	}
	if r.Summary.FlowDirectionOutages != 0 || total == 0 {
		t.Fatalf("failure outages %d, flow table outages %d; want none from failures and the migration's in the table",
			r.Summary.FlowDirectionOutages, total)
	}
	text := textOf(t, r)
	want := fmt.Sprintf("0 flow outages from failures in 0 directions (0 not restored before repair), %d more direction outages outside failures", total)
	if !strings.Contains(text, want) {
		t.Errorf("summary does not say %q:\n%s", want, text)
	}
	// The migration line's average is what was sent over the copy's time (pre-copy
	// and stun), written out: MB × 8 / s = Mbit/s.
	if len(r.Migrations) != 1 {
		t.Fatalf("%d migrations, want 1", len(r.Migrations))
	}
	m := r.Migrations[0]
	mean := m.SentMB * 8 / ((m.PreCopyMs + m.StunMs) / 1000)
	if math.Abs(m.MeanBandwidthMbps-mean) > 0.5 || m.MeanBandwidthMbps > m.BandwidthMbps+0.5 && m.Rounds == 1 {
		t.Errorf("mean bandwidth %.1f Mbit/s, want %.1f (sent %.0f MB in %.3f + %.3f ms), at most the end rate %.1f in one round",
			m.MeanBandwidthMbps, mean, m.SentMB, m.PreCopyMs, m.StunMs, m.BandwidthMbps)
	}
	if !strings.Contains(text, fmt.Sprintf("at %.0f Mbit/s on average (%.0f at the end)", m.MeanBandwidthMbps, m.BandwidthMbps)) {
		t.Errorf("the migration line does not give the average and the end rate:\n%s", text)
	}
}

// TestMigrationRecordsWording: event lines give durations as the report does (three
// decimals and a unit) and count rounds in the singular for one.
func TestMigrationRecordsWording(t *testing.T) {
	down := sim.Time(286269597) // ns: a stun the review saw printed as "286.269597ms"
	done := twin.VMotionDone{Migration: twin.Migration{VM: "db-read-1", From: "hv-2", To: "hv-1", Rounds: 1, SentBytes: 1 << 30, Downtime: down}}
	if got, want := done.String(), "vMotion hv-2 → hv-1 done: 1 round, 1.00 GiB sent, down 286.270 ms"; got != want {
		t.Errorf("done record %q, want %q", got, want)
	}
	round := twin.VMotionRound{VM: "db-read-1", Round: 2, Bytes: 1 << 20, Took: 1500 * sim.Millisecond, Bandwidth: 9.78e9}
	if got, want := round.String(), "vMotion pre-copy round 2: 1.0 MiB in 1.500 s (9.78 Gbit/s now)"; got != want {
		t.Errorf("round record %q, want %q", got, want)
	}
	stun := twin.VMStateChanged{VM: "db-read-1", State: twin.VMStunned, Host: "hv-2", For: down}
	if got := stun.String(); !strings.Contains(got, "for 286.270 ms") {
		t.Errorf("stun record %q does not give its time as the report does", got)
	}
}

// TestSnapshotVMStates: a VM whose datastore failed does not serve and is shown
// failed (it is not powered off), and the snapshot names the host of each FT
// secondary, as the trace's FT records place it.
func TestSnapshotVMStates(t *testing.T) {
	sc, err := twin.Load("classic-dc")
	must(t, err)
	must(t, sc.Set("failures.scheduled", "[{at: 10s, component: san-1, kind: storage}]"))
	must(t, sc.Set("failures.random", "[]"))
	tw, err := twin.New(sc, twin.Options{Duration: 30 * sim.Second})
	must(t, err)
	tw.RunUntil(20 * sim.Second)
	snap := tw.Snapshot()
	v, ok := snap.VM("web-1")
	if !ok || v.State == twin.VMRunning {
		t.Fatalf("web-1 on san-1 at 20 s: %+v", v)
	}
	if got := snap.State("web-1"); got != twin.StateFailed {
		t.Errorf("web-1 %s with its datastore failed shows %q, want %q", v.State, got, twin.StateFailed)
	}
	sec, ok := snap.FTSecondaries["web-broker"]
	if !ok || sec == "" || sec == "hv-3" {
		t.Errorf("web-broker (primary on hv-3) has its secondary on %q (listed %v)", sec, ok)
	}
}

// TestRefusalsNameWhatIsMissing: a target that does not exist is not called "not a
// hypervisor", and an entry without a component does not read "maintenance of : ...".
func TestRefusalsNameWhatIsMissing(t *testing.T) {
	sc, err := twin.Load("classic-dc")
	must(t, err)
	must(t, sc.Set("failures.scheduled", "[{at: 30s, kind: maintenance}]"))
	must(t, sc.Set("failures.random", "[]"))
	tw, err := twin.New(sc, twin.Options{Force: true, Duration: 60 * sim.Second})
	must(t, err)
	if err := tw.CanMigrate("web-1", "hv-77"); err == nil || !strings.HasSuffix(err.Error(), `no host named "hv-77"`) {
		t.Errorf("migration to hv-77: %v", err)
	}
	if err := tw.CanMigrate("web-1", "db-write"); err == nil || !strings.HasSuffix(err.Error(), "db-write is a rack server, not a hypervisor") {
		t.Errorf("migration to db-write: %v", err)
	}
	tw.Run()
	r := tw.Report()
	if len(r.NotInjected) != 1 || r.NotInjected[0] != "30.000 s: maintenance without a component: no host given" {
		t.Errorf("refused operations %q", r.NotInjected)
	}
}

// TestAPDDelayZeroIsUsed: apd_delay: 0 is a setting check accepts (VM Component
// Protection acts as soon as APD is declared), and the run uses it rather than the
// 3 min default: app-1 is down for the APD timeout, 140 s, plus its 60 s boot.
func TestAPDDelayZeroIsUsed(t *testing.T) {
	r := forcedReview(t, "[{at: 60s, component: hv-1, kind: storage-path, repair_after: 400s}]",
		[2]string{"apd_delay: 3m}", "apd_delay: 0s}"})
	for _, m := range r.Mistakes {
		if m.Severity == "error" {
			t.Errorf("apd_delay 0s refused: %+v", m)
		}
	}
	for _, v := range r.Failures[0].VMs {
		if v.VM == "app-1" {
			if v.OutageMs == nil || *v.OutageMs != 200_000 {
				t.Errorf("app-1 down %v ms, want 140 s + 0 s + 60 s = 200,000 ms", v.OutageMs)
			}
			return
		}
	}
	t.Errorf("no VM line for app-1: %+v", r.Failures[0].VMs)
}
