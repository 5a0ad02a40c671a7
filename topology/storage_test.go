package topology_test

import (
	"testing"

	"dctwin/topology"
)

// A datastore's failure takes the VMs on it, including one whose disk names the array
// (its first datastore); the array's failure takes every datastore and VM on it.
func TestDatastoreOutage(t *testing.T) {
	tp := topology.New()
	tp.AddStorage(&topology.Storage{Name: "san", Datastores: []*topology.Datastore{{Name: "ds-a"}, {Name: "ds-b"}}})
	tp.AddVM(&topology.VM{Name: "v-array", Disk: "san"})
	tp.AddVM(&topology.VM{Name: "v-a", Disk: "ds-a"})
	tp.AddVM(&topology.VM{Name: "v-b", Disk: "ds-b"})
	o := topology.NewOutage()
	tp.Fail(o, topology.Component{Class: topology.ClassStorage, Name: "ds-a"})
	if !o.Devices["v-array"] || !o.Devices["v-a"] || o.Devices["v-b"] {
		t.Errorf("ds-a's failure took %v, want v-array and v-a", o.Order)
	}
	o = topology.NewOutage()
	tp.Fail(o, topology.Component{Class: topology.ClassStorage, Name: "san"})
	for _, n := range []string{"ds-a", "ds-b", "v-array", "v-a", "v-b"} {
		if !o.Devices[n] {
			t.Errorf("san's failure did not take %s (took %v)", n, o.Order)
		}
	}
}
