package scenario_test

import (
	"fmt"
	"strings"
	"testing"

	"dctwin/scenario"
)

// TestDemandErrors: a VM's demand and a cluster's DRS automation are checked where
// they are written: the error names the file, line and column of the bad value (for
// a profile's factor, the factor itself).
func TestDemandErrors(t *testing.T) {
	const head = "version: 1\ntopology:\n  hosts:\n    - {name: hv-1, kind: hypervisor, cpu: 8, ram_gb: 64}\n"
	for _, c := range []struct{ text, want, at string }{
		{"  vms:\n    - {name: v, host: hv-1, cpu: 2, ram_gb: 4, demand: {cpu: 1.5}}\n",
			"demand cpu 1.5: a share from 0 to 1", "1.5"},
		{"  vms:\n    - {name: v, host: hv-1, cpu: 2, ram_gb: 4, demand: {cpu: 0.5, ram: -1}}\n",
			"demand ram -1: a share from 0 to 1", "-1}"},
		{"  vms:\n    - {name: v, host: hv-1, cpu: 2, ram_gb: 4, demand: {cpu: 0.5, profile: ofice}}\n",
			`unknown demand profile "ofice" (expected batch, flat, office, web, or a list of 24 hourly factors)`, "ofice"},
		{"  vms:\n    - {name: v, host: hv-1, cpu: 2, ram_gb: 4, demand: {cpu: 0.5, profile: [1, 0.5]}}\n",
			"a daily profile has 24 hourly factors (from midnight), this one has 2", "[1, 0.5]"},
		{"  vms:\n    - {name: v, host: hv-1, cpu: 2, ram_gb: 4, demand: {cpu: 0.5, profile: [1, 1, 1, 1, 1, 1, 1, 7, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}}\n",
			`hour 7's factor "7": expected a number from 0 to 1`, "7"},
		{"  vms:\n    - {name: v, host: hv-1, cpu: 2, ram_gb: 4, demand: {cpu: 0.5, ram_profile: nightly}}\n",
			`unknown demand ram_profile "nightly" (expected batch, flat, office, web, or a list of 24 hourly factors)`, "nightly"},
		{"  vms:\n    - {name: v, host: hv-1, cpu: 2, ram_gb: 4, demand: {cpu: 0.5, ram_profile: [0.5, 0.5, 0.5]}}\n",
			"a daily profile has 24 hourly factors (from midnight), this one has 3", "[0.5"},
		{"  vms:\n    - {name: v, host: hv-1, cpu: 2, ram_gb: 4, demand: {cpu: 0.5, ram_profile: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -0.2]}}\n",
			`hour 23's factor "-0.2": expected a number from 0 to 1`, "-0.2"},
		{"  vms:\n    - {name: v, host: hv-1, cpu: 2, ram_gb: 4, demand: {cpu: 0.5, ram_profile: {office: 1}}}\n",
			"expected a profile name (batch, flat, office, web) or a list of 24 hourly factors, got a mapping", "{office"},
		{"  vms:\n    - {name: v, host: hv-1, cpu: 2, ram_gb: 4, demand: {ram: 0.5}}\n",
			"demand of v: cpu is missing", "demand"},
		{"  clusters:\n    - {name: cl, hosts: [hv-1], drs: {enabled: true, automation: always}}\n",
			`unknown drs automation "always" (expected manual, partially or fully)`, "always"},
	} {
		line := strings.Split(c.text, "\n")[1]
		col := strings.Index(line, c.at) + 1
		want := fmt.Sprintf("bad.yaml:6:%d: %s", col, c.want)
		_, err := scenario.Parse("bad.yaml", []byte(head+c.text))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", strings.TrimSpace(c.text), err, want)
		}
	}
}
