package sim

import "fmt"

// Resource is a pool of identical servers (PBX channels, trunk lines, migration slots)
// with a queue ordered by priority, then first come first served.
type Resource struct {
	s        *Simulation
	capacity int
	users    int
	seq      uint64
	waiting  []*Request // heap by (priority, seq)
}

// Request is a claim on a Resource: an event that succeeds when a server is granted.
type Request struct {
	Event
	r        *Resource
	priority int
	seq      uint64
	idx      int // position in the waiting heap, -1 when not waiting
	granted  bool
	released bool
}

// NewResource returns a resource with the given number of servers.
func (s *Simulation) NewResource(capacity int) *Resource {
	if capacity <= 0 {
		panic(fmt.Sprintf("sim: resource capacity %d", capacity))
	}
	return &Resource{s: s, capacity: capacity}
}

// Capacity returns the number of servers.
func (r *Resource) Capacity() int { return r.capacity }

// InUse returns the number of granted requests not yet released.
func (r *Resource) InUse() int { return r.users }

// Queued returns the number of requests waiting for a server.
func (r *Resource) Queued() int { return len(r.waiting) }

// Request asks for a server at priority 0.
func (r *Resource) Request() *Request { return r.RequestPriority(0) }

// RequestPriority asks for a server; a lower priority value is served first.
func (r *Resource) RequestPriority(priority int) *Request {
	req := &Request{r: r, priority: priority, idx: -1}
	req.init(r.s)
	r.seq++
	req.seq = r.seq
	if r.users < r.capacity && len(r.waiting) == 0 {
		r.grant(req)
	} else {
		r.pushWaiting(req)
	}
	return req
}

// TryRequest grants a server at once if one is free and nobody queues, as a loss
// system (Erlang B) does; otherwise it returns nil.
func (r *Resource) TryRequest() *Request {
	if r.users >= r.capacity || len(r.waiting) > 0 {
		return nil
	}
	req := &Request{r: r, idx: -1}
	req.init(r.s)
	r.grant(req)
	return req
}

func (r *Resource) grant(req *Request) {
	r.users++
	req.granted = true
	req.Succeed(req)
}

// Release returns a granted server, or withdraws a request still waiting.
func (r *Resource) Release(req *Request) {
	if req.r != r {
		panic("sim: request released to another resource")
	}
	if req.released {
		return
	}
	req.released = true
	if !req.granted {
		if req.idx >= 0 {
			r.removeWaiting(req.idx)
		}
		return
	}
	r.users--
	for r.users < r.capacity && len(r.waiting) > 0 {
		next := r.waiting[0]
		r.removeWaiting(0)
		r.grant(next)
	}
}

// Granted reports whether the request holds a server.
func (req *Request) Granted() bool { return req.granted && !req.released }

func (a *Request) before(b *Request) bool {
	return a.priority < b.priority || (a.priority == b.priority && a.seq < b.seq)
}

func (r *Resource) pushWaiting(req *Request) {
	req.idx = len(r.waiting)
	r.waiting = append(r.waiting, req)
	r.up(req.idx)
}

func (r *Resource) removeWaiting(i int) {
	w := r.waiting
	last := len(w) - 1
	w[i].idx = -1
	if i != last {
		w[i] = w[last]
		w[i].idx = i
	}
	w[last] = nil
	r.waiting = w[:last]
	if i < last {
		r.up(i)
		r.down(i)
	}
}

func (r *Resource) up(i int) {
	w := r.waiting
	for i > 0 {
		p := (i - 1) / 2
		if !w[i].before(w[p]) {
			break
		}
		w[i], w[p] = w[p], w[i]
		w[i].idx, w[p].idx = i, p
		i = p
	}
}

func (r *Resource) down(i int) {
	w := r.waiting
	n := len(w)
	for {
		c := 2*i + 1
		if c >= n {
			return
		}
		if c+1 < n && w[c+1].before(w[c]) {
			c++
		}
		if !w[c].before(w[i]) {
			return
		}
		w[i], w[c] = w[c], w[i]
		w[i].idx, w[c].idx = i, c
		i = c
	}
}

// Container holds a continuous level between 0 and a capacity, such as CPU shares or
// link bandwidth. Gets wait while the level is too low, puts while it is too high; each
// side is served first come first served.
type Container struct {
	s        *Simulation
	capacity float64
	level    float64
	gets     []amountWait
	puts     []amountWait
}

type amountWait struct {
	e      *Event
	amount float64
}

// NewContainer returns a container with the given capacity and initial level.
func (s *Simulation) NewContainer(capacity, level float64) *Container {
	if capacity <= 0 || level < 0 || level > capacity {
		panic(fmt.Sprintf("sim: container capacity %g, level %g", capacity, level))
	}
	return &Container{s: s, capacity: capacity, level: level}
}

// Level returns the current level.
func (c *Container) Level() float64 { return c.level }

// Capacity returns the capacity.
func (c *Container) Capacity() float64 { return c.capacity }

// Put returns an event that succeeds once amount has been added.
func (c *Container) Put(amount float64) *Event {
	if amount <= 0 || amount > c.capacity {
		panic(fmt.Sprintf("sim: container put of %g (capacity %g)", amount, c.capacity))
	}
	e := c.s.NewEvent()
	c.puts = append(c.puts, amountWait{e, amount})
	c.settle()
	return e
}

// Get returns an event that succeeds once amount has been taken out.
func (c *Container) Get(amount float64) *Event {
	if amount <= 0 || amount > c.capacity {
		panic(fmt.Sprintf("sim: container get of %g (capacity %g)", amount, c.capacity))
	}
	e := c.s.NewEvent()
	c.gets = append(c.gets, amountWait{e, amount})
	c.settle()
	return e
}

// settle serves the heads of both queues for as long as either can move.
func (c *Container) settle() {
	for moved := true; moved; {
		moved = false
		if len(c.puts) > 0 && c.level+c.puts[0].amount <= c.capacity {
			c.level += c.puts[0].amount
			c.puts[0].e.Succeed(c.puts[0].amount)
			c.puts = c.puts[1:]
			moved = true
		}
		if len(c.gets) > 0 && c.gets[0].amount <= c.level {
			c.level -= c.gets[0].amount
			c.gets[0].e.Succeed(c.gets[0].amount)
			c.gets = c.gets[1:]
			moved = true
		}
	}
}

// Store is a FIFO of items with an optional capacity: gets wait while it is empty, puts
// while it is full.
type Store struct {
	s        *Simulation
	capacity int
	items    []any
	gets     []*Event
	puts     []storePut
}

type storePut struct {
	e    *Event
	item any
}

// NewStore returns a store holding at most capacity items (0 means unbounded).
func (s *Simulation) NewStore(capacity int) *Store {
	if capacity < 0 {
		panic(fmt.Sprintf("sim: store capacity %d", capacity))
	}
	return &Store{s: s, capacity: capacity}
}

// Len returns the number of items in the store.
func (st *Store) Len() int { return len(st.items) }

// Put returns an event that succeeds once item is in the store.
func (st *Store) Put(item any) *Event {
	e := st.s.NewEvent()
	st.puts = append(st.puts, storePut{e, item})
	st.settle()
	return e
}

// Get returns an event that succeeds with the oldest item once there is one.
func (st *Store) Get() *Event {
	e := st.s.NewEvent()
	st.gets = append(st.gets, e)
	st.settle()
	return e
}

func (st *Store) settle() {
	for moved := true; moved; {
		moved = false
		if len(st.puts) > 0 && (st.capacity == 0 || len(st.items) < st.capacity) {
			st.items = append(st.items, st.puts[0].item)
			st.puts[0].e.Succeed(nil)
			st.puts = st.puts[1:]
			moved = true
		}
		if len(st.gets) > 0 && len(st.items) > 0 {
			item := st.items[0]
			st.items = st.items[1:]
			st.gets[0].Succeed(item)
			st.gets = st.gets[1:]
			moved = true
		}
	}
}
