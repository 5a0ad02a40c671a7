package topology

import (
	"fmt"
	"strings"
)

// Class is a kind of component that can fail on its own. The failure injector, random
// failures per class and the single-point-of-failure analysis all use these names.
type Class string

// Component classes.
const (
	ClassLink       Class = "link"
	ClassNIC        Class = "nic"
	ClassSwitchPort Class = "switch-port"
	ClassSwitch     Class = "switch"
	ClassModule     Class = "module"
	ClassPSU        Class = "psu"
	ClassEnclosure  Class = "enclosure"
	ClassHost       Class = "host"
	ClassStorage    Class = "storage"
	ClassVM         Class = "vm"
)

// Classes lists every class in the order reports use: smallest parts first.
var Classes = []Class{ClassLink, ClassNIC, ClassSwitchPort, ClassSwitch, ClassModule,
	ClassPSU, ClassEnclosure, ClassHost, ClassStorage, ClassVM}

// ParseClass accepts a class name.
func ParseClass(s string) (Class, error) {
	for _, c := range Classes {
		if string(c) == strings.ToLower(s) {
			return c, nil
		}
	}
	names := make([]string, len(Classes))
	for i, c := range Classes {
		names[i] = string(c)
	}
	return "", fmt.Errorf("unknown component class %q (expected one of %s)", s, strings.Join(names, ", "))
}

// Component is one failable part, named as scenario files and reports name it: a link
// by its name, a NIC as "host:nic", a switch port as "switch:port" (modules' ports too),
// a power supply as "enclosure:psuK", everything else by its own name.
type Component struct {
	Class Class  `json:"class"`
	Name  string `json:"name"`
	Pos   Pos    `json:"pos"`
}

// Components enumerates every failable component, class by class. Switch ports are
// those with a cable in them: an empty port cannot take anything down.
func (t *Topology) Components() []Component {
	var out []Component
	for _, c := range Classes {
		out = append(out, t.ComponentsOf(c)...)
	}
	return out
}

// ComponentsOf enumerates the components of one class.
func (t *Topology) ComponentsOf(c Class) []Component {
	var out []Component
	add := func(name string, p Pos) { out = append(out, Component{c, name, p}) }
	switch c {
	case ClassLink:
		for _, l := range t.Links {
			add(l.Name, l.Pos)
		}
	case ClassNIC:
		for _, h := range t.Hosts {
			for _, n := range h.NICs {
				add(n.FullName(), n.Pos)
			}
		}
	case ClassSwitchPort:
		for _, l := range t.Links {
			for _, p := range []PortRef{l.A, l.B} {
				if t.Switch(p.Device) != nil || t.Module(p.Device) != nil {
					add(p.String(), l.Pos)
				}
			}
		}
	case ClassSwitch:
		for _, s := range t.Switches {
			add(s.Name, s.Pos)
		}
	case ClassModule:
		for _, e := range t.Enclosures {
			for _, m := range e.Modules {
				add(m.Name, m.Pos)
			}
		}
	case ClassPSU:
		for _, e := range t.Enclosures {
			for _, n := range e.PSUNames() {
				add(n, e.PosOf("power_supplies"))
			}
		}
	case ClassEnclosure:
		for _, e := range t.Enclosures {
			add(e.Name, e.Pos)
		}
	case ClassHost:
		for _, h := range t.Hosts {
			add(h.Name, h.Pos)
		}
	case ClassStorage:
		for _, s := range t.Storage {
			add(s.Name, s.Pos)
			for _, d := range s.Datastores {
				add(d.Name, d.Pos)
			}
		}
	case ClassVM:
		for _, v := range t.VMs {
			add(v.Name, v.Pos)
		}
	}
	return out
}

// Component finds a component of a class by name.
func (t *Topology) Component(c Class, name string) (Component, bool) {
	for _, comp := range t.ComponentsOf(c) {
		if comp.Name == name {
			return comp, true
		}
	}
	return Component{}, false
}

// ComponentIndex maps component names to the classes that have them, for looking
// many names up (Component and ClassOf scan every component of a class).
type ComponentIndex map[string][]Class

// ComponentIndex indexes the topology's components by name, in the order of Classes.
func (t *Topology) ComponentIndex() ComponentIndex {
	x := ComponentIndex{}
	for _, c := range Classes {
		for _, comp := range t.ComponentsOf(c) {
			if cs := x[comp.Name]; len(cs) == 0 || cs[len(cs)-1] != c {
				x[comp.Name] = append(cs, c)
			}
		}
	}
	return x
}

// Has reports whether class c has a component called name.
func (x ComponentIndex) Has(c Class, name string) bool {
	for _, have := range x[name] {
		if have == c {
			return true
		}
	}
	return false
}

// ClassOf is Topology.ClassOf from the index.
func (x ComponentIndex) ClassOf(name string) (Class, bool) {
	if cs := x[name]; len(cs) > 0 {
		return cs[0], true
	}
	return "", false
}

// ClassOf finds the class of a component name (the first class that has it).
func (t *Topology) ClassOf(name string) (Class, bool) {
	for _, c := range Classes {
		if _, ok := t.Component(c, name); ok {
			return c, true
		}
	}
	return "", false
}
