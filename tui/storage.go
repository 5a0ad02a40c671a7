package tui

import (
	"fmt"
	"strings"

	"dctwin/twin"
)

// storageDetails shows an array: its datastores, how hosts reach it, and every path
// with its multipathing state (a path that carries nothing but is not given up yet is
// shown without link).
func (d *Details) storageDetails(l *lines, snap *twin.Snapshot, name string) {
	st := d.sh.styles
	if ds := d.sh.topo.Datastore(name); ds != nil {
		l.add("array", ds.Array)
		var vms []string
		for _, v := range d.sh.topo.VMs {
			if d.sh.topo.DatastoreOf(v.Disk) == name {
				vms = append(vms, v.Name)
			}
		}
		l.add("VMs", strings.Join(vms, ", "))
		return
	}
	s := d.sh.topo.StorageArray(name)
	if s == nil {
		return
	}
	l.add("kind", string(s.Kind))
	l.add("datastores", strings.Join(s.DatastoreNames(), ", "))
	if s.OnNetwork() {
		var ports []string
		for _, p := range s.Ports {
			ports = append(ports, fmt.Sprintf("%s (%s)", p.Name, p.Connect))
		}
		l.add("network", fmt.Sprintf("vlan %s, ports %s", s.VLAN, strings.Join(ports, ", ")))
	} else {
		l.add("network", st.Dim.Render("no ports: one path per host, which only a storage-path failure cuts"))
	}
	l.add("timers", fmt.Sprintf("path failover %v, APD after %v", s.PathFailover, s.APDTimeout))
	for _, p := range snap.StoragePaths {
		if p.Array != name {
			continue
		}
		state := twin.StateStandby
		switch {
		case p.State == twin.PathDead:
			state = twin.StateFailed
		case !p.Carrying:
			state = twin.StateNoLink
		case p.State == twin.PathActive:
			state = twin.StateActive
		}
		l.add("path", fmt.Sprintf("%s %s  %s", st.glyph(state), p.Path, p.State))
	}
}
