package reference

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
