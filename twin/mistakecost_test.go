package twin_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"dctwin/scenario"
	"dctwin/twin"
)

// forcedReview runs the newcomer review's scenario (testdata/review-vm.yaml) with
// edits and the given failures, forced past its errors.
func forcedReview(t *testing.T, failures string, edits ...[2]string) *twin.Report {
	t.Helper()
	data, err := os.ReadFile("testdata/review-vm.yaml")
	must(t, err)
	text := string(data)
	for _, e := range edits {
		if !strings.Contains(text, e[0]) {
			t.Fatalf("edit target %q not in the scenario", e[0])
		}
		text = strings.Replace(text, e[0], e[1], 1)
	}
	sc, err := scenario.Parse("review-vm.yaml", []byte(text))
	must(t, err)
	must(t, sc.Set("failures.scheduled", failures))
	must(t, sc.Set("run.duration", "600s"))
	tw, err := twin.New(sc, twin.Options{Force: true})
	must(t, err)
	tw.Run()
	return tw.Report()
}

func mistakeOf(t *testing.T, r *twin.Report, kind string) twin.Mistake {
	t.Helper()
	for _, m := range r.Mistakes {
		if m.Kind == kind {
			return m
		}
	}
	t.Fatalf("no %s mistake in %+v", kind, r.Mistakes)
	return twin.Mistake{}
}

// TestFTNotEnabledCostsTheHostFailure: an ft VM in a cluster without FT has no
// secondary; when its host fails it is down until HA restarts it, and the mistake's
// cost gives that outage, as the failure's VM line measured it.
func TestFTNotEnabledCostsTheHostFailure(t *testing.T) {
	r := forcedReview(t, "[{at: 60s, component: hv-3, kind: host, repair_after: 60s}]", [2]string{"      ft: {enabled: true}\n", ""})
	down := vmOutageMs(t, r, "app-3")
	m := mistakeOf(t, r, "ft-not-enabled")
	want := fmt.Sprintf("VM app-3 down %.3f s", down/1000)
	if !strings.Contains(strings.Join(m.Cost, "\n"), want) {
		t.Errorf("ft-not-enabled costs %q (no cost %q); want it to say %q", m.Cost, m.NoCost, want)
	}
}

// TestUndefinedVMClusterMemberCostsThePair: a VM cluster naming an undefined VM does
// not run; the mistake says so rather than "nothing measured".
func TestUndefinedVMClusterMemberCostsThePair(t *testing.T) {
	r := forcedReview(t, "[{at: 60s, component: hv-1, kind: host, repair_after: 60s}]", [2]string{"vms: [pbx-a, pbx-b]", "vms: [pbx-a, pbx-zz]"})
	m := mistakeOf(t, r, "dangling-name")
	if !strings.Contains(strings.Join(m.Cost, "\n"), "left out of the run: VM cluster pair does not run") {
		t.Errorf("dangling-name in a VM cluster costs %q (no cost %q)", m.Cost, m.NoCost)
	}
	for _, f := range r.Failures {
		for _, s := range f.VMClusters {
			if s.Service == "pair" {
				t.Errorf("the pair left out of the run took over: %+v", s)
			}
		}
	}
}

// TestMigrationToAnotherClusterIsAnOperationMistake: the refusal carries the rule of
// meaningless operations (not an unknown component) and its cost is the refusal.
func TestMigrationToAnotherClusterIsAnOperationMistake(t *testing.T) {
	r := forcedReview(t, "[{at: 60s, component: app-1, kind: migrate, to: hv-9}]")
	m := mistakeOf(t, r, "operation-meaningless")
	if !strings.Contains(strings.Join(m.Cost, "\n"), "did not happen: 60.000 s: migrate of app-1") {
		t.Errorf("the migration to another cluster costs %q (no cost %q)", m.Cost, m.NoCost)
	}
}

// TestVMClusterNamingAVMTwiceCostsItsService: a VM cluster of pbx-a and pbx-a has no
// standby: when hv-1 fails, its service is down until HA has restarted pbx-a, as long
// as pbx-a's own outage.
func TestVMClusterNamingAVMTwiceCostsItsService(t *testing.T) {
	r := forcedReview(t, "[{at: 60s, component: hv-1, kind: host, repair_after: 60s}]", [2]string{"vms: [pbx-a, pbx-b]", "vms: [pbx-a, pbx-a]"})
	down := vmOutageMs(t, r, "pbx-a")
	m := mistakeOf(t, r, "duplicate-name")
	want := fmt.Sprintf("service pair down %.3f s", down/1000)
	if !strings.Contains(strings.Join(m.Cost, "\n"), want) {
		t.Errorf("the duplicate VM costs %q (no cost %q); want %q", m.Cost, m.NoCost, want)
	}
}

// TestFailedMaintenanceIsListed: a maintenance that began but could not evacuate its
// host (app-1 without ram_gb cannot be migrated live) is listed with the operations
// that did not happen, not only in the trace.
func TestFailedMaintenanceIsListed(t *testing.T) {
	r := forcedReview(t, "[{at: 30s, component: hv-1, kind: maintenance}]",
		[2]string{"{name: app-1, host: hv-1, role: app, cpu: 2, ram_gb: 8,", "{name: app-1, host: hv-1, role: app, cpu: 2,"})
	for _, s := range r.NotInjected {
		if strings.HasPrefix(s, "30.000 s: maintenance of hv-1: entering maintenance failed: cannot migrate app-1") {
			return
		}
	}
	t.Errorf("the failed maintenance is not listed: %q", r.NotInjected)
}

// vmOutageMs is how long the first failure's VM line says vm was down; the test fails
// if the line does not bring it back.
func vmOutageMs(t *testing.T, r *twin.Report, vm string) float64 {
	t.Helper()
	for _, v := range r.Failures[0].VMs {
		if v.VM == vm && v.OutageMs != nil {
			return *v.OutageMs
		}
	}
	t.Fatalf("the failure's VM lines do not bring %s back: %+v", vm, r.Failures[0].VMs)
	return 0
}
