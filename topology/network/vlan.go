package network

import (
	"fmt"
	"math/bits"
	"slices"
)

// 802.1Q at run time. Every frame is in one VLAN; a switch keeps a forwarding table per
// VLAN and floods a frame only to the ports of its VLAN, so a VLAN is a broadcast
// domain of its own. On a link the frame is tagged with its VLAN id, or untagged when
// its VLAN is the port's native VLAN; a port puts untagged frames it receives into its
// native VLAN (an access port is a port with one VLAN, which is its native one) and
// drops frames of VLANs it does not allow. A switch drops frames of VLANs it does not
// carry.
//
// A host NIC with one VLAN is an access NIC: the server does not tag, whatever
// interface a frame belongs to, so the switch port decides which VLAN its frames are
// in (a server in the wrong access VLAN is a server in another broadcast domain). A NIC
// with several VLANs is a trunk: it tags every frame but those of its native VLAN and
// drops frames of VLANs it is not configured for.
//
// Forwarding uses independent VLAN learning (IVL; 802.1Q also allows shared learning):
// a MAC address has one entry per VLAN. A hypervisor's team MAC is in every VLAN of its
// port groups and a router's MAC on every VLAN interface it has; with shared learning
// (one entry per MAC) a frame in one VLAN would move the entry other VLANs' frames
// follow.
//
// The spanning tree is one common tree for all VLANs (802.1D/802.1w have one; PVST and
// MSTP are not modelled): a port that blocks, blocks every VLAN, so a VLAN the
// forwarding trunk does not carry is cut where only the blocked trunk carries it.

// DefaultVLAN is the VLAN of untagged frames on a port without VLAN configuration:
// a network built without VLANs is one broadcast domain, VLAN 1.
const DefaultVLAN = 1

// MaxVLAN is the largest 802.1Q VLAN id.
const MaxVLAN = 4094

// PortVLANs is the VLAN configuration of a port or NIC.
type PortVLANs struct {
	// Allowed are the VLANs the port carries; nil means every VLAN.
	Allowed []int
	// Native is the VLAN of untagged frames; 0 means none: untagged frames are dropped
	// and every frame leaves tagged.
	Native int
}

// vlanBits is a set of VLAN ids.
type vlanBits [(MaxVLAN + 64) / 64]uint64

func (b *vlanBits) has(v int) bool { return v > 0 && v <= MaxVLAN && b[v>>6]&(1<<(v&63)) != 0 }

// vlanSet is an interned set of VLANs: ports with the same configuration share one.
type vlanSet struct {
	all    bool
	bits   vlanBits
	single int // the only VLAN of a one-VLAN set, else 0
	list   []int
}

func (s *vlanSet) has(v int) bool { return s.all || s.bits.has(v) }

// allVLANs is the index of the set of every VLAN.
const allVLANs int32 = 0

// vlanSet interns a list of VLANs (nil: every VLAN) and returns its index.
func (n *Network) vlanSet(list []int) (int32, error) {
	if list == nil {
		return allVLANs, nil
	}
	var b vlanBits
	for _, v := range list {
		if v < 1 || v > MaxVLAN {
			return 0, fmt.Errorf("VLAN %d: 802.1Q VLAN ids are 1..%d", v, MaxVLAN)
		}
		b[v>>6] |= 1 << (v & 63)
	}
	if i, ok := n.setIndex[b]; ok {
		return i, nil
	}
	s := vlanSet{bits: b}
	for w, word := range b {
		for word != 0 {
			k := bits.TrailingZeros64(word)
			s.list = append(s.list, w<<6|k)
			word &= word - 1
		}
	}
	if len(s.list) == 1 {
		s.single = s.list[0]
	}
	i := int32(len(n.sets))
	n.sets = append(n.sets, s)
	n.setIndex[b] = i
	return i, nil
}

func (n *Network) initVLANs() {
	n.sets = []vlanSet{{all: true}}
	n.setIndex = map[vlanBits]int32{}
}

// portVLANs checks and interns a port configuration.
func (n *Network) portVLANs(c PortVLANs) (set int32, native int16, err error) {
	set, err = n.vlanSet(c.Allowed)
	if err != nil {
		return 0, 0, err
	}
	if c.Native < 0 || c.Native > MaxVLAN {
		return 0, 0, fmt.Errorf("native VLAN %d: 802.1Q VLAN ids are 1..%d", c.Native, MaxVLAN)
	}
	return set, int16(c.Native), nil
}

// SetPortVLANs sets the VLAN configuration of one port ("device:port"), replacing what
// its link's configuration gave it: a host NIC whose VLANs differ from its switch
// port's, for instance.
func (n *Network) SetPortVLANs(port string, c PortVLANs) error {
	if err := n.checkBuilding("port " + port); err != nil {
		return err
	}
	p, err := n.parsePort(port)
	if err != nil {
		return err
	}
	set, native, err := n.portVLANs(c)
	if err != nil {
		return fmt.Errorf("port %s: %w", port, err)
	}
	p.vset, p.native, p.vlanSet = set, native, true
	return nil
}

// allows reports whether the port carries VLAN v.
func (p *Port) allows(v int) bool { return p.dev.n.sets[p.vset].has(v) }

// accessNIC reports whether a host port is configured for one VLAN only: the server
// sends untagged frames there and takes untagged frames as its own.
func (p *Port) accessNIC() bool { return p.dev.n.sets[p.vset].single != 0 }

// carries reports whether switch d carries VLAN v.
func (d *device) carries(v int) bool { return d.n.sets[d.vlans].has(v) }

// VLANs returns the VLANs a port allows (nil: every VLAN) and its native VLAN.
func (p *Port) VLANs() PortVLANs {
	s := p.dev.n.sets[p.vset]
	if s.all {
		return PortVLANs{Native: int(p.native)}
	}
	return PortVLANs{Allowed: slices.Clone(s.list), Native: int(p.native)}
}

// vlanIndex is the dense number of VLAN v among those the network has used, for
// tables kept per VLAN.
func (n *Network) vlanIndex(v int) int {
	if i := n.vlanDense[v]; i > 0 {
		return int(i) - 1
	}
	n.vlanIDs = append(n.vlanIDs, v)
	n.vlanDense[v] = int32(len(n.vlanIDs))
	return len(n.vlanIDs) - 1
}

// vlanName names VLAN v in records: the name the builder gave it, or its id.
func (n *Network) vlanName(v int) string {
	if s, ok := n.vlanNames[v]; ok {
		return s
	}
	return fmt.Sprint(v)
}

// NameVLAN gives VLAN v a name for the trace ("servers" rather than 10).
func (n *Network) NameVLAN(v int, name string) {
	if v >= 1 && v <= MaxVLAN {
		n.vlanNames[v] = name
	}
}

// egressTag is the tag a frame of VLAN v carries when it leaves on p: none on the
// port's native VLAN.
func (p *Port) egressTag(v int) int16 {
	if int(p.native) == v {
		return 0
	}
	return int16(v)
}

// ingressVLAN is the VLAN a frame arriving on switch port q with tag is in, or 0 if the
// port drops it (untagged without a native VLAN).
func (q *Port) ingressVLAN(tag int16) int {
	if tag != 0 {
		return int(tag)
	}
	return int(q.native)
}

// hostTakes reports whether host port q takes a frame arriving with tag: an access NIC
// takes untagged frames only, a trunk NIC untagged frames if it has a native VLAN and
// tagged frames of the VLANs it is configured for.
func (q *Port) hostTakes(tag int16) bool {
	if q.accessNIC() {
		return tag == 0
	}
	if tag == 0 {
		return q.native != 0
	}
	return q.allows(int(tag)) && int(tag) != int(q.native)
}
