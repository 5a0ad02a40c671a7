package drs

import (
	"fmt"
	"math"
)

// Evacuate places the VMs of a host entering maintenance mode on the other powered-on
// hosts, as DRS does for maintenance: one VM after the other (in the order given),
// each to the host with the lowest CPU load once it is there, among those whose
// memory it fits and that allow pass (the caller's own conditions: the VM's port
// groups and datastore on the host). Unlike DPM's evacuation it fills hosts up to
// their capacity, not to 81 %: maintenance must empty the host. It fails naming the
// first VM no host can take.
func Evacuate(off string, hosts []Host, vms []VM, allow func(vm, host string) bool) ([]Move, error) {
	place := map[string]string{}
	for _, v := range vms {
		place[v.Name] = v.Host
	}
	var moves []Move
	for _, v := range vms {
		if v.Host != off {
			continue
		}
		best, bestLoad := "", math.Inf(1)
		for _, h := range hosts {
			if !h.On || h.Name == off || !fits(h, v, vms, place) || allow != nil && !allow(v.Name, h.Name) {
				continue
			}
			place[v.Name] = h.Name
			cpu, _ := loads(hosts, vms, place)
			if cpu[h.Name] < bestLoad {
				best, bestLoad = h.Name, cpu[h.Name]
			}
			place[v.Name] = off
		}
		if best == "" {
			return moves, fmt.Errorf("no other host can take %s (%.0f GB of memory, its port groups and datastore)", v.Name, v.RAM)
		}
		place[v.Name] = best
		moves = append(moves, Move{VM: v.Name, From: off, To: best})
	}
	return moves, nil
}
