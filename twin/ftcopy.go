package twin

import (
	"fmt"

	"dctwin/sim"
	"dctwin/topology/network"
	"dctwin/topology/vmotion"
)

// The memory copy to a new FT secondary. Before a new secondary (after a takeover,
// when the old one's host failed or left, after an HA restart of the primary) can
// run in lockstep, the primary's whole memory goes to it, as in a vMotion: dctwin
// runs it as one, by iterative pre-copy (topology/vmotion: round 1 all of memory
// while the VM runs, then what the guest dirtied, until the rest fits the
// switchover goal, then the last dirty pages and the device state), as a flow over
// the FT logging network from the primary's host to the new secondary's. The flow
// takes what the network gives and shares it evenly with the other copies on its
// links, live migrations' included (twin/vmotion.go), and loads those links; a path
// that stops delivering stalls it, and after vmotionNetTimeout it breaks off. The
// pair is unprotected until the copy ends. Unlike a vMotion nothing moves: the
// primary is not stunned at the end (dctwin's simplification; vSphere pauses it
// briefly), and the pair is in lockstep from then on.

// startFTCopy starts copying an FT VM's memory to the host of its new secondary;
// the pair is told when it ends (ftPair.copyEnded).
func (tw *Twin) startFTCopy(p *ftPair, to string) (*migration, error) {
	v := tw.vms[p.vm]
	tv := tw.Topology.VM(p.vm)
	pc, err := vmotion.NewPrecopy(vmotion.Params{MemoryBytes: tv.RAMGB * (1 << 30), DirtyRate: tv.DirtyRateBps / 8,
		WWSBytes: tv.WorkingSetGB * (1 << 30)})
	if err != nil {
		return nil, err
	}
	now := tw.Sim.Now()
	m := &migration{tw: tw, v: v, pc: pc, ft: p, vlan: tw.ftLoggingVLAN(v.Host), toVLAN: tw.ftLoggingVLAN(to),
		then: p.copyEnded, start: now, since: now, left: pc.Pending(),
		rec: &Migration{VM: p.vm, From: v.Host, To: to, Reason: "new FT secondary", Start: now, End: sim.Never}}
	m.next = tw.Sim.NewTimer(func() { m.roundDue = true; m.step() })
	m.timeout = tw.Sim.NewTimer(func() {
		m.abort(fmt.Sprintf("no path over the FT logging network for %v", vmotionNetTimeout))
	})
	m.ack, err = tw.Net.AddFlow(network.FlowConfig{Name: "ft-copy-ack:" + p.vm, From: to, To: v.Host,
		FromVLAN: m.toVLAN, ToVLAN: m.vlan, PacketBytes: 64, Quiet: true})
	if err != nil {
		return nil, err
	}
	if err := m.flow(0); err != nil {
		tw.Net.RemoveFlow(m.ack.Name())
		return nil, err
	}
	tw.motion.ftCopies[p.vm] = m
	tw.rerateOthers(m)
	return m, nil
}

// lastPages ends an FT copy's pre-copy: the last dirty pages and the device state go
// (the stun of a vMotion, here without stunning the VM), then the pair is in
// lockstep.
func (m *migration) lastPages(bw float64) {
	res := m.endPreCopy(bw)
	m.tw.Sim.After(res.Stun, func() {
		if !m.over {
			m.finish("")
		}
	})
}
