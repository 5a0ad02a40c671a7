package topology

import "strings"

// Outage is the set of what is down after some components failed, closed under "takes
// down": an enclosure takes its blades and modules, its last power supply takes the
// enclosure, a host takes its NICs and VMs, a switch or module takes its ports, a port
// takes the cable in it. VMs on a failed storage array or datastore are down too.
//
// Fail is the one statement of these correlated-failure rules: the single-point-of-
// failure analysis (topology/spof) applies it to one component at a time, and the
// running twin applies it, through failures.Correlated, to the failures in force.
type Outage struct {
	Devices map[string]bool // switches, modules, hosts, VMs, endpoints, enclosures, storage
	NICs    map[string]bool // "host:nic"
	Ports   map[string]bool // "device:port" of switches and modules
	Links   map[string]bool
	PSUs    map[string]bool
	// Cause says, for every down device, which failed component took it down.
	Cause map[string]string
	// Order lists Devices in the order they went down: a failed device before what it
	// takes with it, an enclosure's modules before its blades.
	Order []string
}

// NewOutage returns an empty outage.
func NewOutage() *Outage {
	return &Outage{Devices: map[string]bool{}, NICs: map[string]bool{}, Ports: map[string]bool{},
		Links: map[string]bool{}, PSUs: map[string]bool{}, Cause: map[string]string{}}
}

// Fail marks one component as failed and everything it takes down.
func (t *Topology) Fail(o *Outage, c Component) {
	switch c.Class {
	case ClassLink:
		o.Links[c.Name] = true
	case ClassNIC:
		o.NICs[c.Name] = true
	case ClassSwitchPort:
		o.Ports[c.Name] = true
	case ClassPSU:
		o.PSUs[c.Name] = true
		encl := c.Name
		if i := strings.LastIndex(encl, ":"); i > 0 {
			encl = encl[:i]
		}
		if e := t.Enclosure(encl); e != nil {
			for _, p := range e.PSUNames() {
				if !o.PSUs[p] {
					return // another supply still powers the enclosure
				}
			}
			t.failDevice(o, e.Name, c.Name)
		}
	default:
		t.failDevice(o, c.Name, c.Name)
	}
}

func (t *Topology) failDevice(o *Outage, name, cause string) {
	if o.Devices[name] {
		return
	}
	o.Devices[name] = true
	o.Order = append(o.Order, name)
	o.Cause[name] = cause
	switch d := t.Device(name).(type) {
	case *Enclosure:
		for _, m := range d.Modules {
			t.failDevice(o, m.Name, cause)
		}
		for _, h := range t.Blades(d.Name) {
			t.failDevice(o, h.Name, cause)
		}
	case *Host:
		for _, n := range d.NICs {
			o.NICs[n.FullName()] = true
		}
		for _, v := range t.VMsOn(d.Name) {
			t.failDevice(o, v.Name, cause)
		}
	case *Storage:
		for _, ds := range d.Datastores {
			t.failDevice(o, ds.Name, cause)
		}
		for _, v := range t.VMs {
			if v.Disk == d.Name {
				t.failDevice(o, v.Name, cause)
			}
		}
	case *Datastore:
		// A disk that names the array is on its first datastore.
		for _, v := range t.VMs {
			if t.DatastoreOf(v.Disk) == d.Name {
				t.failDevice(o, v.Name, cause)
			}
		}
	}
}

// LinkDown reports whether a cable carries nothing: failed itself, or one of its ends
// (port, NIC or whole device) is down.
func (o *Outage) LinkDown(l *Link) bool {
	if o.Links[l.Name] {
		return true
	}
	for _, p := range []PortRef{l.A, l.B} {
		if o.Ports[p.String()] || o.NICs[p.String()] || o.Devices[p.Device] {
			return true
		}
	}
	return false
}
