package experiment_test

import (
	"strings"
	"testing"
)

const vcHA = "topology.clusters[vcluster].ha."

// Settings that only hold together are applied together, then the scenario is
// validated once, whatever their order: admission_control: percentage needs
// memory_failover_percent (or the cpu one), so one at a time the first was refused for
// lacking the second, as --set was before.
func TestSettingsHoldTogether(t *testing.T) {
	for name, text := range map[string]string{
		"parameters, policy first": `version: 1
scenario: classic-dc
parameters:
  policy:
    path: ` + vcHA + `admission_control
    values: [percentage]
  percent:
    path: ` + vcHA + `memory_failover_percent
    values: [92, 50]
metrics: [calls.dropped]
`,
		"set, policy first": `version: 1
scenario: classic-dc
set:
  ` + vcHA + `admission_control: percentage
  ` + vcHA + `memory_failover_percent: 92
parameters:
  rseed:
    path: run.seed
    values: [1, 2]
metrics: [calls.dropped]
`,
		"set and parameter": `version: 1
scenario: classic-dc
set:
  ` + vcHA + `admission_control: percentage
parameters:
  percent:
    path: ` + vcHA + `memory_failover_percent
    values: [92, 50]
metrics: [calls.dropped]
`,
	} {
		t.Run(name, func(t *testing.T) {
			s := mustParse(t, text)
			for _, c := range s.Configurations() {
				sc, err := s.Prepare(c)
				if err != nil {
					t.Fatalf("configuration %d: %v", c.Number(), err)
				}
				cl := sc.Spec.Topology.Clusters[0]
				if cl.Name != "vcluster" || cl.HA.AdmissionControl != "percentage" || cl.HA.MemoryFailoverPercent == 0 {
					t.Errorf("configuration %d: %s's HA %+v, want percentage with its memory_failover_percent", c.Number(), cl.Name, cl.HA)
				}
			}
		})
	}
}

// A policy left without its setting in a configuration is refused when the experiment
// loads, at the value that chose it, naming the configuration.
func TestSettingsMissingTheirPartner(t *testing.T) {
	_, err := parse(t, `version: 1
scenario: classic-dc
parameters:
  policy:
    path: `+vcHA+`admission_control
    values: [host-failures, percentage]
metrics: [calls.dropped]
`)
	want := "x.yaml:6:29: parameter policy = percentage: admission_control: percentage needs cpu_failover_percent or memory_failover_percent"
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "(configuration 2: policy=percentage)") {
		t.Errorf("%v, want %q in configuration 2", err, want)
	}
}
