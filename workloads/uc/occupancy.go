package uc

// resource indexes one pool a call can hold: the channels of a PBX or a media server, or
// the stations (phones) of an endpoint node. noResource is none.
type resource int

const noResource resource = -1

// occupancy counts what the calls in progress hold of every pool. The live calls and
// the warm start's loss-system run before t = 0 are each admitted on an occupancy by
// the same rules (admit), so a call found in progress at t = 0 passed the same check
// as every call after it.
type occupancy struct {
	used     []int
	capacity []int // 0: unlimited (channels); stations always have a capacity
}

// add appends a pool of capacity (0: unlimited) and returns its index.
func (o *occupancy) add(capacity int) resource {
	o.used = append(o.used, 0)
	o.capacity = append(o.capacity, capacity)
	return resource(len(o.used) - 1)
}

// empty returns an occupancy with the same pools, none of them in use.
func (o *occupancy) empty() *occupancy {
	return &occupancy{used: make([]int, len(o.used)), capacity: o.capacity}
}

// full reports whether pool r has no free unit (never for noResource or an unlimited pool).
func (o *occupancy) full(r resource) bool {
	return r != noResource && o.capacity[r] > 0 && o.used[r] >= o.capacity[r]
}

// stationBusy reports whether the station of pool r that a call reaches is in a call.
// The stations of a node are alike, so which of them a call reaches is a uniform draw
// u in [0, 1): with k of s stations busy it is busy with probability k/s. u = 1 stands
// for a caller choosing the node itself (a scripted call, a call in progress at t = 0):
// any idle station will do, and the node is busy only when all are.
func (o *occupancy) stationBusy(r resource, u float64) bool {
	k, s := o.used[r], o.capacity[r]
	return k >= s || u*float64(s) < float64(k)
}

func (o *occupancy) take(r resource) {
	if r != noResource {
		o.used[r]++
	}
}

func (o *occupancy) release(r resource) {
	if r != noResource {
		o.used[r]--
	}
}

// admission is the outcome of offering a call to the pools it needs.
type admission int

const (
	admitted      admission = iota
	refusedPBX              // the PBX's channels were all in use: blocked
	refusedBusy             // the callee's station was in a call: busy
	refusedServer           // the gateway's, voicemail's or bridge's channels were in use: blocked
)

// admit offers a call whose caller already holds its station to its PBX, the callee's
// station (internal calls) and its server (calls to the gateway, voicemail or bridge),
// in the order a PBX handles an INVITE: it takes a channel for the incoming leg, then
// looks at the callee. The call takes all of them or none. Loss systems throughout: a
// call that finds a pool full is refused at once (Erlang B, reference-facts 9), and a
// phone in a call answers a second one with busy, as a PBX's 486 Busy Here does.
func (o *occupancy) admit(pbx, callee, server resource, u float64) admission {
	switch {
	case o.full(pbx):
		return refusedPBX
	case callee != noResource && o.stationBusy(callee, u):
		return refusedBusy
	case o.full(server):
		return refusedServer
	}
	o.take(pbx)
	o.take(callee)
	o.take(server)
	return admitted
}

// leave returns what an admitted call held.
func (o *occupancy) leave(pbx, callee, server resource) {
	o.release(pbx)
	o.release(callee)
	o.release(server)
}
