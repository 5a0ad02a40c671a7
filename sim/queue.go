package sim

// What a queued node does when its time comes. Dispatching on a small kind instead of
// storing a bound method value keeps scheduling free of allocations.
const (
	kindFunc      uint8 = iota // call fn
	kindEvent                  // process the triggered event ev
	kindResume                 // resume process p (sleep over, or first start)
	kindInterrupt              // deliver a pending interrupt to p
)

// node is one schedulable item. Timers, events and processes embed their own node, so
// scheduling them never allocates; one-shot callbacks take nodes from a free list.
type node struct {
	idx    int32 // position in the heap, -1 when not queued
	kind   uint8
	pooled bool // returned to the free list after it fires
	fn     func()
	ev     *Event
	p      *Proc
}

// entry is a heap slot. The ordering key lives in the slot so comparisons stay in one
// cache line: time first, then (priority, insertion sequence) packed into one word.
type entry struct {
	at  Time
	key uint64
	n   *node
}

func (a *entry) less(b *entry) bool {
	return a.at < b.at || (a.at == b.at && a.key < b.key)
}

// seqBits leaves the top byte of the key for the priority.
const seqBits = 56

func makeKey(prio Priority, seq uint64) uint64 {
	return uint64(uint8(int16(prio)+128))<<seqBits | seq&(1<<seqBits-1)
}

// queue is a 4-ary min-heap: shallower than a binary heap, so pops touch fewer levels.
type queue struct {
	items []entry
}

func (q *queue) len() int { return len(q.items) }

func (q *queue) push(e entry) {
	e.n.idx = int32(len(q.items))
	q.items = append(q.items, e)
	q.up(len(q.items) - 1)
}

func (q *queue) pop() entry {
	top := q.items[0]
	last := len(q.items) - 1
	if last > 0 {
		q.items[0] = q.items[last]
		q.items[0].n.idx = 0
	}
	q.items[last] = entry{}
	q.items = q.items[:last]
	if last > 1 {
		q.down(0)
	}
	top.n.idx = -1
	return top
}

// remove takes the node at heap position i out of the queue.
func (q *queue) remove(i int) {
	last := len(q.items) - 1
	q.items[i].n.idx = -1
	if i != last {
		q.items[i] = q.items[last]
		q.items[i].n.idx = int32(i)
	}
	q.items[last] = entry{}
	q.items = q.items[:last]
	if i < last {
		q.fix(i)
	}
}

// fix restores heap order after the key at position i changed.
func (q *queue) fix(i int) {
	if i > 0 && q.items[i].less(&q.items[(i-1)/4]) {
		q.up(i)
	} else {
		q.down(i)
	}
}

func (q *queue) up(i int) {
	items := q.items
	e := items[i]
	for i > 0 {
		parent := (i - 1) / 4
		if !e.less(&items[parent]) {
			break
		}
		items[i] = items[parent]
		items[i].n.idx = int32(i)
		i = parent
	}
	items[i] = e
	e.n.idx = int32(i)
}

func (q *queue) down(i int) {
	items := q.items
	n := len(items)
	e := items[i]
	for {
		first := 4*i + 1
		if first >= n {
			break
		}
		best := first
		end := min(first+4, n)
		for c := first + 1; c < end; c++ {
			if items[c].less(&items[best]) {
				best = c
			}
		}
		if !items[best].less(&e) {
			break
		}
		items[i] = items[best]
		items[i].n.idx = int32(i)
		i = best
	}
	items[i] = e
	e.n.idx = int32(i)
}
