package drs

import (
	"reflect"
	"testing"
)

// TestEvacuate: h1's three VMs go, one by one, to the host with the lowest CPU load
// after the move. Loads (vCPU over cores) before: h2 4/16 = 0.25, h3 2/16 = 0.125.
// a (4 vCPU): h2 → 0.5, h3 → 0.375: h3. b (2): h2 0.375, h3 0.5: h2. c (2, 200 GB):
// fits only h2 (256 GB, h3 has 64 GB): h2. h4 is off. With h3 refused by the caller
// all go to h2, which has 256 − (8 + 8 + 8 + 200) = 32 GB left when d (40 GB) comes.
func TestEvacuate(t *testing.T) {
	hosts := []Host{{Name: "h1", CPU: 16, RAM: 256, On: true}, {Name: "h2", CPU: 16, RAM: 256, On: true},
		{Name: "h3", CPU: 16, RAM: 64, On: true}, {Name: "h4", CPU: 64, RAM: 1024}}
	vms := []VM{{Name: "a", Host: "h1", CPU: 4, RAM: 8}, {Name: "b", Host: "h1", CPU: 2, RAM: 8},
		{Name: "c", Host: "h1", CPU: 2, RAM: 200}, {Name: "x", Host: "h2", CPU: 4, RAM: 8}, {Name: "y", Host: "h3", CPU: 2, RAM: 8}}
	moves, err := Evacuate("h1", hosts, vms, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []Move{{VM: "a", From: "h1", To: "h3"}, {VM: "b", From: "h1", To: "h2"}, {VM: "c", From: "h1", To: "h2"}}
	if !reflect.DeepEqual(moves, want) {
		t.Errorf("moves %v, want %v", moves, want)
	}
	vms = append(vms, VM{Name: "d", Host: "h1", CPU: 1, RAM: 40})
	_, err = Evacuate("h1", hosts, vms, func(vm, host string) bool { return host != "h3" })
	if err == nil {
		t.Error("d placed although no host can take it")
	}
}
