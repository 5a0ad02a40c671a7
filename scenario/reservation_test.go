package scenario_test

import (
	"fmt"
	"strings"
	"testing"

	"dctwin/scenario"
)

// TestReservationErrors: a VM's reservations and a host's core clock are checked where
// they are written, at the file, line and column of the value.
func TestReservationErrors(t *testing.T) {
	const head = "version: 1\ntopology:\n"
	for _, c := range []struct{ text, want, at string }{
		{"  hosts:\n    - {name: hv-1, kind: hypervisor, cpu: 8, ram_gb: 64, core_mhz: 0}\n",
			"core_mhz 0: expected a core clock above 0 MHz", "0}"},
		{"  hosts:\n    - {name: hv-1, kind: hypervisor, cpu: 8, ram_gb: 64}\n  vms:\n    - {name: v, host: hv-1, cpu: 2, ram_gb: 4, cpu_reservation_mhz: -5}\n",
			"cpu_reservation_mhz -5 is negative", "-5"},
		{"  hosts:\n    - {name: hv-1, kind: hypervisor, cpu: 8, ram_gb: 64}\n  vms:\n    - {name: v, host: hv-1, cpu: 2, ram_gb: 4, ram_reservation_gb: 6}\n",
			"ram_reservation_gb 6 is more than the VM's ram_gb 4: a VM reserves at most its memory", "6}"},
		// An FT VM reserves all its memory (vSphere sets it): a smaller reservation
		// would do nothing.
		{"  hosts:\n    - {name: hv-1, kind: hypervisor, cpu: 8, ram_gb: 64}\n  vms:\n    - {name: v, host: hv-1, cpu: 2, ram_gb: 4, ft: true, ram_reservation_gb: 1}\n",
			"ram_reservation_gb 1 on FT VM v: an FT VM reserves all its memory, 4 GB (leave the key out)", "1}"},
	} {
		lines := strings.Split(c.text, "\n")
		n := len(lines) - 2 // the last line written
		col := strings.LastIndex(lines[n], c.at) + 1
		want := fmt.Sprintf("bad.yaml:%d:%d: %s", n+3, col, c.want)
		_, err := scenario.Parse("bad.yaml", []byte(head+c.text))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", strings.TrimSpace(c.text), err, want)
		}
	}
}
