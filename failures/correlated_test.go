package failures_test

import (
	"fmt"
	"testing"

	"dctwin/failures"
	"dctwin/topology"
)

// chassis is an enclosure "enc" with two power supplies, switch modules m1 and m2,
// blades b1 (running VM v1) and b2, and a rack switch "sw" outside it.
func chassis() *topology.Topology {
	t := topology.New()
	t.AddSwitch(&topology.Switch{Name: "sw", Layer: topology.L2, Ports: 8})
	t.AddEnclosure(&topology.Enclosure{Name: "enc", Bays: 2, PowerSupplies: 2, Modules: []*topology.Module{
		{Name: "m1", Slot: 1, Kind: topology.SwitchModule, Uplinks: 1},
		{Name: "m2", Slot: 2, Kind: topology.SwitchModule, Uplinks: 1},
	}})
	for i, name := range []string{"b1", "b2"} {
		t.AddHost(&topology.Host{Name: name, Kind: topology.Blade, Enclosure: "enc", Bay: i + 1})
	}
	t.AddVM(&topology.VM{Name: "v1", Host: "b1", Disk: topology.LocalDisk})
	t.Wire()
	return t
}

// The steps are the blast radius as the static model states it (topology.Outage, also
// the single-point-of-failure analysis's): the enclosure takes its modules, then its
// blades with their VMs; the first of two power supplies takes nothing, the second the
// enclosure; a repair gives back only what no other failure still holds down.
func TestCorrelatedBlastRadius(t *testing.T) {
	type step struct {
		fail      bool
		component string
		kind      failures.Kind
		want      string // devices dark (fail) or back (repair), in order
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"enclosure", []step{
			{true, "enc", failures.Enclosure, "[enc m1 m2 b1 v1 b2]"},
			{false, "enc", failures.Enclosure, "[enc m1 m2 b1 v1 b2]"},
		}},
		{"last power supply", []step{
			{true, "enc:psu1", failures.PSU, "[]"},
			{true, "enc:psu2", failures.PSU, "[enc m1 m2 b1 v1 b2]"},
			{false, "enc:psu1", failures.PSU, "[enc m1 m2 b1 v1 b2]"},
			{false, "enc:psu2", failures.PSU, "[]"},
		}},
		{"blade failed on its own stays down", []step{
			{true, "b1", failures.Host, "[b1 v1]"},
			{true, "enc", failures.Enclosure, "[enc m1 m2 b2]"},
			{false, "enc", failures.Enclosure, "[enc m1 m2 b2]"},
			{false, "b1", failures.Host, "[b1 v1]"},
		}},
		{"enclosure failed as a whole stays down", []step{
			{true, "enc", failures.Enclosure, "[enc m1 m2 b1 v1 b2]"},
			{true, "enc:psu1", failures.PSU, "[]"},
			{true, "enc:psu2", failures.PSU, "[]"},
			{false, "enc:psu2", failures.PSU, "[]"},
			{false, "enc", failures.Enclosure, "[enc m1 m2 b1 v1 b2]"},
		}},
		{"module and switch", []step{
			{true, "m2", failures.Module, "[m2]"},
			{true, "sw", failures.Switch, "[sw]"},
			{false, "m2", failures.Module, "[m2]"},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cor := failures.NewCorrelated(chassis())
			for i, s := range c.steps {
				var got []string
				var err error
				if s.fail {
					got, err = cor.Fail(s.component, s.kind)
				} else {
					got, err = cor.Repair(s.component, s.kind)
				}
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				if fmt.Sprint(got) != s.want {
					t.Errorf("step %d (%s %s): %v, want %s", i, s.kind, s.component, got, s.want)
				}
			}
		})
	}
}

func TestCorrelatedDownFollowsTheFailuresInForce(t *testing.T) {
	cor := failures.NewCorrelated(chassis())
	must := func(_ []string, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(cor.Fail("enc", failures.Enclosure))
	must(cor.Fail("b2", failures.Host))
	for dev, want := range map[string]bool{"enc": true, "m1": true, "b1": true, "v1": true, "b2": true, "sw": false} {
		if cor.Down(dev) != want {
			t.Errorf("with the enclosure down: Down(%s) = %v, want %v", dev, !want, want)
		}
	}
	must(cor.Repair("enc", failures.Enclosure))
	for dev, want := range map[string]bool{"enc": false, "m1": false, "b1": false, "v1": false, "b2": true} {
		if cor.Down(dev) != want {
			t.Errorf("after the enclosure's repair: Down(%s) = %v, want %v", dev, !want, want)
		}
	}
}

func TestCorrelatedRefusesWhatIsNotThere(t *testing.T) {
	cor := failures.NewCorrelated(chassis())
	for _, c := range []struct {
		name string
		kind failures.Kind
	}{{"nope", failures.Switch}, {"m1", failures.Switch}, {"sw", failures.Module}, {"enc:psu3", failures.PSU},
		{"sw:psu1", failures.PSU}, {"enc", failures.Host}, {"sw", failures.Link}} {
		if _, err := cor.Fail(c.name, c.kind); err == nil {
			t.Errorf("%s failure of %q accepted", c.kind, c.name)
		}
	}
	if _, err := cor.Repair("sw", failures.Switch); err == nil {
		t.Error("repair of a switch that never failed accepted")
	}
}
