package failures

import (
	"fmt"
	"slices"
	"strings"

	"dctwin/topology"
)

// Correlated follows the failures that take other components with them while a twin
// runs: an enclosure takes its blades and interconnect modules, its last working power
// supply takes the enclosure, a host takes its VMs. The rule itself is
// topology.Outage's, the one the single-point-of-failure analysis (topology/spof)
// applies to one component at a time; it lives with the static model because spof
// must use it and topology may not import failures. What Correlated adds is time: it
// keeps the failures in force and, at each failure and repair, says which devices went
// dark and which have power again. A device comes back only when no failure in force
// still holds it down: a blade that failed on its own stays dark when its enclosure is
// repaired, and an enclosure that failed as a whole stays dark when a power supply of
// it is repaired.
type Correlated struct {
	t      *topology.Topology
	active []topology.Component // failures in force, in the order they happened
	down   *topology.Outage     // what they take down together
}

// NewCorrelated returns a tracker with no failures in force.
func NewCorrelated(t *topology.Topology) *Correlated {
	return &Correlated{t: t, down: topology.NewOutage()}
}

// Correlates reports whether failures of the kind go through Correlated: whole devices
// and power supplies, whose loss takes power from what they contain. Links, ports and
// NICs act on the network directly.
func Correlates(k Kind) bool {
	switch k {
	case Switch, Module, Host, Enclosure, PSU:
		return true
	}
	return false
}

// Fail puts a failure in force and returns the devices that went dark with it, the
// failed device first and an enclosure's modules before its blades: switches, modules,
// hosts, VMs and the enclosure itself (callers act on the ones they run). Nothing is
// returned when everything the failure takes is already down — the first of two power
// supplies, a blade of an enclosure that is off.
func (c *Correlated) Fail(component string, kind Kind) ([]string, error) {
	comp, err := c.component(component, kind)
	if err != nil {
		return nil, err
	}
	if slices.Contains(c.active, comp) {
		return nil, nil
	}
	c.active = append(c.active, comp)
	// Failing more only adds to what is down, so the closure grows in place.
	n := len(c.down.Order)
	c.t.Fail(c.down, comp)
	return slices.Clone(c.down.Order[n:]), nil
}

// Repair ends a failure and returns the devices that have power again, in the order
// they went dark, leaving out those another failure in force still holds down.
func (c *Correlated) Repair(component string, kind Kind) ([]string, error) {
	comp, err := c.component(component, kind)
	if err != nil {
		return nil, err
	}
	i := slices.Index(c.active, comp)
	if i < 0 {
		return nil, fmt.Errorf("%s has no %s failure in force", component, kind)
	}
	c.active = slices.Delete(c.active, i, i+1)
	before := c.down
	c.recompute()
	var back []string
	for _, d := range before.Order {
		if !c.down.Devices[d] {
			back = append(back, d)
		}
	}
	return back, nil
}

// Down reports whether a device is dark because of the failures in force.
func (c *Correlated) Down(device string) bool { return c.down.Devices[device] }

// recompute closes the failures in force under "takes down" afresh: a repair is undone
// this way, since one device may be held down by several failures.
func (c *Correlated) recompute() {
	o := topology.NewOutage()
	for _, comp := range c.active {
		c.t.Fail(o, comp)
	}
	c.down = o
}

// component checks that the named component exists as the kind says.
func (c *Correlated) component(name string, kind Kind) (topology.Component, error) {
	t := c.t
	known := false
	what := string(kind)
	switch kind {
	case Switch:
		known = t.Switch(name) != nil
	case Module:
		known, what = t.Module(name) != nil, "interconnect module"
	case Host:
		known = t.Host(name) != nil
	case Enclosure:
		known = t.Enclosure(name) != nil
	case PSU:
		what = "power supply"
		if i := strings.LastIndex(name, ":"); i > 0 {
			if e := t.Enclosure(name[:i]); e != nil {
				known = slices.Contains(e.PSUNames(), name)
			}
		}
	default:
		return topology.Component{}, fmt.Errorf("a %s failure takes nothing with it", kind)
	}
	if !known {
		return topology.Component{}, fmt.Errorf("unknown %s %q", what, name)
	}
	return topology.Component{Class: kind.Class(), Name: name}, nil
}
