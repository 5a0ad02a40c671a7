package check_test

import (
	"os"
	"strings"
	"testing"

	"dctwin/scenario"
	"dctwin/topology/check"
	"dctwin/twin"
)

// reviewCase is a value or an operation a newcomer review found accepted: written in
// the file (edits of testdata/vm-base.yaml, the reviewer's scenario, found at the line
// holding at) and given with --set (sets), each must give a finding of kind saying
// want at its place.
type reviewCase struct {
	name  string
	edits []edit
	at    string
	sets  [][2]string
	kind  check.Kind
	want  string
}

const vmApp1 = "{name: app-1, host: hv-1, role: app, cpu: 2, ram_gb: 8,"

var reviewCases = []reviewCase{
	{"vm-negative-cpu", []edit{{vmApp1, "{name: app-1, host: hv-1, role: app, cpu: -2, ram_gb: 8,"}}, "cpu: -2",
		[][2]string{{"topology.vms[app-1].cpu", "-2"}}, check.BadValue, "VM app-1 has cpu -2"},
	{"vm-zero-ram", []edit{{vmApp1, "{name: app-1, host: hv-1, role: app, cpu: 2, ram_gb: 0,"}}, "ram_gb: 0",
		[][2]string{{"topology.vms[app-1].ram_gb", "0"}}, check.BadValue, "VM app-1 has ram_gb 0"},
	{"host-negative-ram", []edit{{"      cpu: 16\n      ram_gb: 128\n", "      cpu: 16\n      ram_gb: -128\n"}}, "ram_gb: -128",
		[][2]string{{"topology.hosts[hv-1].ram_gb", "-128"}}, check.BadValue, "host hv-1 has ram_gb -128"},
	{"host-zero-cpu", []edit{{"      cpu: 16\n      ram_gb: 128\n", "      cpu: 0\n      ram_gb: 128\n"}}, "cpu: 0",
		[][2]string{{"topology.hosts[hv-1].cpu", "0"}}, check.BadValue, "host hv-1 has cpu 0"},
	// hv-1, hv-2 and hv-3 have 128 GB and 16 cores each.
	{"vm-bigger-than-hosts", []edit{{vmApp1, "{name: app-1, host: hv-1, role: app, cpu: 2, ram_gb: 800,"}}, "ram_gb: 800",
		[][2]string{{"topology.vms[app-1].ram_gb", "800"}}, check.VMTooBig, "more than any host of cluster cl has (at most 128)"},
	{"vm-more-vcpus-than-cores", []edit{{vmApp1, "{name: app-1, host: hv-1, role: app, cpu: 32, ram_gb: 8,"}}, "cpu: 32",
		[][2]string{{"topology.vms[app-1].cpu", "32"}}, check.VMTooBig, "32 vCPUs, more than any host of cluster cl has cores (at most 16)"},
	{"working-set-above-ram", []edit{{vmApp1, vmApp1 + " working_set_gb: 64,"}}, "working_set_gb: 64",
		[][2]string{{"topology.vms[app-1].working_set_gb", "64"}}, check.BadValue, "working_set_gb 64, more than its ram_gb 8"},
	{"ha-heartbeat-not-below-detection", []edit{{"ha: {enabled: true,", "ha: {enabled: true, heartbeat: 30s, failure_detection: 5s,"}}, "failure_detection: 5s",
		[][2]string{{"topology.clusters[cl].ha.heartbeat", "30s"}, {"topology.clusters[cl].ha.failure_detection", "5s"}},
		check.BadValue, "failure_detection must be longer than the heartbeat"},
	{"ha-heartbeat-zero", []edit{{"ha: {enabled: true,", "ha: {enabled: true, heartbeat: 0s,"}}, "heartbeat: 0s",
		[][2]string{{"topology.clusters[cl].ha.heartbeat", "0s"}}, check.BadValue, "HA heartbeat 0s: expected a time above 0"},
	{"ha-detection-zero", []edit{{"ha: {enabled: true,", "ha: {enabled: true, failure_detection: 0s,"}}, "failure_detection: 0s",
		[][2]string{{"topology.clusters[cl].ha.failure_detection", "0s"}}, check.BadValue, "HA failure_detection 0s: expected a time above 0"},
	{"repair-after-zero", []edit{{"kind: host, repair_after: 60s}", "kind: host, repair_after: 0s}"}}, "repair_after: 0s",
		[][2]string{{"failures.scheduled", "[{at: 60s, component: hv-1, kind: host, repair_after: 0s}]"}},
		check.BadValue, "leave repair_after out for a failure that is not repaired"},
	{"migrate-without-vmotion-vlan", []edit{{"      vmotion_vlan: vmotion\n", ""}}, "kind: migrate",
		[][2]string{{"topology.clusters[cl].vmotion_vlan", "null"}}, check.OperationMeaningless, "cluster cl has no vmotion_vlan"},
	{"maintenance-of-a-vm-without-memory", []edit{{vmApp1, "{name: app-1, host: hv-1, role: app, cpu: 2,"},
		{"component: hv-2, kind: maintenance", "component: hv-1, kind: maintenance"}}, "hv-1, kind: maintenance",
		[][2]string{{"topology.vms[app-1].ram_gb", "null"}, {"failures.scheduled", "[{at: 60s, component: hv-1, kind: maintenance}]"}},
		check.OperationMeaningless, "its VM app-1 has no ram_gb"},
	{"maintenance-outside-clusters", []edit{{"component: hv-2, kind: maintenance", "component: hv-9, kind: maintenance"}}, "hv-9, kind: maintenance",
		[][2]string{{"failures.scheduled", "[{at: 60s, component: hv-9, kind: maintenance}]"}}, check.OperationMeaningless, "hv-9 is in no cluster"},
	{"migrate-to-own-host", []edit{{"kind: migrate, to: hv-3}", "kind: migrate, to: hv-1}"}}, "to: hv-1",
		[][2]string{{"failures.scheduled", "[{at: 60s, component: app-1, kind: migrate, to: hv-1}]"}}, check.OperationMeaningless, "the VM starts there"},
	{"maintenance-exit-alone", []edit{{"{at: 30s, component: app-1, kind: migrate, to: hv-3}", "{at: 30s, component: hv-1, kind: maintenance-exit}"}}, "maintenance-exit",
		[][2]string{{"failures.scheduled", "[{at: 60s, component: hv-1, kind: maintenance-exit}]"}}, check.OperationMeaningless, "no maintenance of hv-1 comes before it"},
	{"maintenance-exit-repair-after", []edit{{"{at: 30s, component: app-1, kind: migrate, to: hv-3}", "{at: 30s, component: hv-1, kind: maintenance-exit, repair_after: 30s}"}}, "maintenance-exit",
		[][2]string{{"failures.scheduled", "[{at: 60s, component: hv-1, kind: maintenance-exit, repair_after: 30s}]"}}, check.OperationMeaningless, "an exit has no repair_after"},
	{"repair-of-nothing", []edit{{"{at: 30s, component: app-1, kind: migrate, to: hv-3}", "{at: 30s, component: hv-1, kind: repair}"}}, "kind: repair",
		[][2]string{{"failures.scheduled", "[{at: 30s, component: hv-1, kind: repair}]"}}, check.RepairOfNothing, "no failure of hv-1 comes before it"},
	{"migrate-to-other-cluster", []edit{{"kind: migrate, to: hv-3}", "kind: migrate, to: hv-9}"}}, "to: hv-9",
		[][2]string{{"failures.scheduled", "[{at: 60s, component: app-1, kind: migrate, to: hv-9}]"}}, check.OperationMeaningless, "hv-9 is not in the cluster of hv-1"},
	{"migrate-to-unknown-host", []edit{{"kind: migrate, to: hv-3}", "kind: migrate, to: hv-77}"}}, "to: hv-77",
		[][2]string{{"failures.scheduled", "[{at: 60s, component: app-1, kind: migrate, to: hv-77}]"}}, check.FailureUnknown, `no host named "hv-77"`},
	{"maintenance-of-nothing", []edit{{"component: hv-2, kind: maintenance", "component: \"\", kind: maintenance"}}, "kind: maintenance",
		[][2]string{{"failures.scheduled", "[{at: 60s, kind: maintenance}]"}}, check.FailureUnknown, "maintenance needs a component"},
	{"vm-cluster-names-a-vm-twice", []edit{{"vms: [pbx-a, pbx-b]", "vms: [pbx-a, pbx-a]"}}, "vms: [pbx-a, pbx-a]",
		[][2]string{{"topology.vm_clusters[pair].vms", "[pbx-a, pbx-a]"}}, check.DuplicateName, "names pbx-a twice"},
	{"vm-in-two-vm-clusters", []edit{{"takeover: 2s}\n", "takeover: 2s}\n    - {name: pair2, vms: [pbx-a, app-2]} # second\n"}}, "# second",
		[][2]string{{"topology.vm_clusters", "[{name: pair, vms: [pbx-a, pbx-b]}, {name: pair2, vms: [pbx-a, app-2]}]"}},
		check.DuplicateName, "pbx-a is already in VM cluster pair"},
}

func vmBase(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("testdata/vm-base.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestReviewBaseIsClean: the reviewer's base scenario has nothing the cases look for.
func TestReviewBaseIsClean(t *testing.T) {
	sc, err := scenario.Parse("vm-base.yaml", []byte(vmBase(t)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range twin.Check(sc) {
		if f.Severity == check.Error {
			t.Errorf("unexpected error in the review base: %s", f)
		}
	}
}

// TestReviewFindings: each value or operation the review found accepted is refused
// (or warned about) at its line in the file, and at its --set.
func TestReviewFindings(t *testing.T) {
	for _, c := range reviewCases {
		t.Run(c.name+"/file", func(t *testing.T) {
			text := vmBase(t)
			text = applyEdits(t, text, c.edits)
			line := lineOf(text, c.at)
			sc, err := scenario.Parse("vm-base.yaml", []byte(text))
			if err != nil {
				t.Fatalf("does not load: %v", err)
			}
			expectFinding(t, twin.Check(sc), c, func(f check.Finding) bool { return f.Pos.File == "vm-base.yaml" && f.Pos.Line == line && f.Pos.Col > 0 })
		})
		t.Run(c.name+"/set", func(t *testing.T) {
			sc, err := scenario.Parse("vm-base.yaml", []byte(vmBase(t)))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range c.sets {
				if err := sc.Set(s[0], s[1]); err != nil {
					t.Fatalf("--set %s=%s: %v", s[0], s[1], err)
				}
			}
			// A --set scalar is named by its path; a --set list by its path, line and
			// column; a finding about an entry of the file (a migration in a cluster
			// the --set took vmotion_vlan from) by its place in the file.
			expectFinding(t, twin.Check(sc), c, func(f check.Finding) bool {
				return f.Pos.File == "--set "+c.sets[len(c.sets)-1][0] || f.Pos.Line > 0 && f.Pos.Col > 0
			})
		})
	}
}

func expectFinding(t *testing.T, fs check.Findings, c reviewCase, at func(check.Finding) bool) {
	t.Helper()
	for _, f := range fs {
		if f.Kind == c.kind && strings.Contains(f.Message, c.want) && at(f) {
			return
		}
	}
	t.Errorf("no %s finding saying %q at its place; got:", c.kind, c.want)
	for _, f := range fs {
		t.Logf("  %s [%s]", f, f.Kind)
	}
}
