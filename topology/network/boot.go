package network

import (
	"fmt"

	"dctwin/sim"
)

// A switch whose power returns is not a switch yet: it runs its power-on self-test,
// loads its software and configuration, and only then brings its ports up. Until then
// it sends no light, so its neighbours and the hosts cabled to it see it as dead; when
// the ports come up, carrier returns after each link's PHY delay and spanning tree
// takes the switch in with its protocol's costs (RSTP handshakes, 802.1D listening and
// learning).

// SwitchBooting is reported when a switch or switch module gets power back and starts
// booting; its ports stay dark for For.
type SwitchBooting struct {
	Switch string
	For    sim.Time
}

// Subject names the switch.
func (r SwitchBooting) Subject() string { return r.Switch }

// String implements sim.Record.
func (r SwitchBooting) String() string { return fmt.Sprintf("power on, booting for %v", r.For) }

// SwitchBooted is reported when a switch has booted and brings its ports up.
type SwitchBooted struct{ Switch string }

// Subject names the switch.
func (r SwitchBooted) Subject() string { return r.Switch }

// String implements sim.Record.
func (r SwitchBooted) String() string { return "booted, bringing its ports up" }

// booting reports whether the switch is booting after its power returned.
func (d *device) booting() bool { return d.boot != nil && d.boot.Armed() }

// bootSwitch starts the boot of a switch whose power returned; it stays failed (dark)
// until the boot ends, and a power loss meanwhile (setDevice) stops the boot.
func (n *Network) bootSwitch(d *device) {
	if d.boot == nil {
		d.boot = n.s.NewTimer(func() {
			d.failed = false
			n.record(SwitchBooted{Switch: d.name})
			n.powerChanged(d)
		})
	}
	n.record(SwitchBooting{Switch: d.name, For: d.cfg.BootTime})
	d.boot.Reset(d.cfg.BootTime)
}
