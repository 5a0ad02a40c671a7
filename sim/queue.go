package sim

import (
	"math/bits"
	"slices"
)

// What a queued node does when its time comes. Dispatching on a small kind instead of
// storing a bound method value keeps scheduling free of allocations.
const (
	kindFunc   uint8 = iota // call fn
	kindEvent               // process the triggered event ev
	kindResume              // resume process p (sleep over, or first start)
)

// node is one schedulable item. Timers, events and processes embed their own node, so
// scheduling them never allocates; one-shot callbacks take nodes from a free list.
//
// A node knows only the key of its live queue entry. Cancelling or moving it leaves the
// old entry queued as stale, to be dropped when it surfaces, so the queue never has to
// find an entry in order to remove it.
type node struct {
	qkey   uint64 // key of the live queue entry, 0 when not queued
	kind   uint8
	pooled bool // returned to the free list after it fires
	fn     func()
	ev     *Event
	p      *Proc
}

func (n *node) queued() bool { return n.qkey != 0 }

// entry is one queued item with its ordering key: time first, then (priority, insertion
// sequence) packed into one word, so ties order by priority and then first come.
type entry struct {
	at  Time
	key uint64
	n   *node
}

func (e *entry) live() bool { return e.n.qkey == e.key }

// seqBits leaves the top byte of the key for the priority.
const seqBits = 56

func makeKey(prio Priority, seq uint64) uint64 {
	return uint64(uint8(int16(prio)+128))<<seqBits | seq&(1<<seqBits-1)
}

// queue is a radix heap. Simulated time never runs backwards, so every queued time is at
// least the last minimum taken; bucket i holds the entries whose time first differs from
// that minimum in bit i−1. A push is an append. Taking the minimum empties the lowest
// non-empty bucket into lower ones, and each entry can only move down, so the cost per
// event is a small constant instead of a walk through a heap of a million entries (which
// is what made a binary heap cache-bound). Bucket 0, the entries due at exactly the last
// minimum, is kept sorted by key.
type queue struct {
	last    Time
	buckets [64][]entry // times are non-negative, so at^last < 2^63
	full    uint64      // bit b set when bucket b > 0 holds entries
	head    int         // consumed prefix of bucket 0
	n       int         // entries queued, stale ones included
	stale   int         // entries whose node was cancelled or moved since
	scratch []entry     // reused by rebuild, so compaction does not allocate
}

// live returns the number of entries that will still fire.
func (q *queue) live() int { return q.n - q.stale }

func (q *queue) bucketOf(at Time) int { return bits.Len64(uint64(at ^ q.last)) }

func (q *queue) push(e entry) {
	if e.at < q.last {
		// Only after Peek looked ahead and the clock was then set back to an earlier
		// instant (RunUntil stopping short): re-base the buckets on the new minimum.
		q.rebase(e.at)
	}
	e.n.qkey = e.key
	q.n++
	q.place(e)
}

func (q *queue) place(e entry) {
	b := q.bucketOf(e.at)
	if b > 0 {
		q.buckets[b] = append(q.buckets[b], e)
		q.full |= 1 << b
		return
	}
	due := q.buckets[0]
	if q.head == len(due) {
		due, q.head = due[:0], 0
	} else if q.head > 64 && q.head > len(due)/2 {
		// Mostly consumed: reclaim the front so that a queue that is never empty at this
		// instant (two processes ping-ponging) does not grow without bound.
		n := copy(due, due[q.head:])
		clear(due[n:])
		due, q.head = due[:n], 0
	}
	if len(due) == q.head || due[len(due)-1].key < e.key {
		q.buckets[0] = append(due, e) // the common case: a later sequence number
		return
	}
	i, _ := slices.BinarySearchFunc(due[q.head:], e.key, func(x entry, k uint64) int {
		if x.key < k {
			return -1
		}
		return 1
	})
	q.buckets[0] = slices.Insert(due, q.head+i, e)
}

// cancel makes n's queued entry stale.
func (q *queue) cancel(n *node) {
	if n.qkey == 0 {
		return
	}
	n.qkey = 0
	q.stale++
	if q.stale > 1024 && q.stale > q.n/2 {
		q.compact()
	}
}

// peek returns the earliest live entry.
func (q *queue) peek() (*entry, bool) {
	for {
		due := q.buckets[0]
		for q.head < len(due) {
			if due[q.head].live() {
				return &due[q.head], true
			}
			due[q.head] = entry{}
			q.head++
			q.n--
			q.stale--
		}
		q.buckets[0], q.head = due[:0], 0
		if !q.refill() {
			return nil, false
		}
	}
}

// pop removes and returns the earliest live entry; the caller has checked with peek.
func (q *queue) pop() entry {
	due := q.buckets[0]
	e := due[q.head]
	due[q.head] = entry{}
	q.head++
	q.n--
	e.n.qkey = 0
	return e
}

// refill moves the entries of the lowest non-empty bucket down, so that bucket 0 holds
// the next due entries. It reports false when nothing is queued.
func (q *queue) refill() bool {
	if q.full == 0 {
		return false
	}
	b := bits.TrailingZeros64(q.full)
	q.full &^= 1 << b
	src := q.buckets[b]
	least := Never
	for i := range src {
		if src[i].live() && src[i].at < least {
			least = src[i].at
		}
	}
	if least == Never { // only stale entries
		q.n -= len(src)
		q.stale -= len(src)
		q.buckets[b] = drained(src)
		return true
	}
	q.last = least
	// Size bucket 0 for this batch: a burst at start-up (every process starting at time
	// 0) must not pin its backing array for the rest of the run.
	ties := 0
	for i := range src {
		if src[i].at == least {
			ties++
		}
	}
	if due := q.buckets[0]; cap(due) < ties || cap(due) > 4*ties+1024 {
		q.buckets[0] = make([]entry, 0, ties)
	}
	for _, e := range src {
		if !e.live() {
			q.n--
			q.stale--
			continue
		}
		d := q.bucketOf(e.at)
		q.buckets[d] = append(q.buckets[d], e)
		if d > 0 {
			q.full |= 1 << d
		}
	}
	q.buckets[b] = drained(src)
	due := q.buckets[0]
	if !slices.IsSortedFunc(due, cmpKey) {
		slices.SortFunc(due, cmpKey)
	}
	return true
}

func cmpKey(a, b entry) int {
	switch {
	case a.key < b.key:
		return -1
	case a.key > b.key:
		return 1
	}
	return 0
}

// all calls fn for every queued entry, consumed ones excluded.
func (q *queue) all(fn func(entry)) {
	for b := range q.buckets {
		start := 0
		if b == 0 {
			start = q.head
		}
		for _, e := range q.buckets[b][start:] {
			fn(e)
		}
	}
}

// rebuild empties the buckets and places the live entries again relative to last.
func (q *queue) rebuild(last Time) {
	keep := q.scratch[:0]
	q.all(func(e entry) {
		if e.live() {
			keep = append(keep, e)
		}
	})
	for b := range q.buckets {
		q.buckets[b] = drained(q.buckets[b])
	}
	q.full = 0
	q.head, q.n, q.stale, q.last = 0, len(keep), 0, last
	slices.SortFunc(keep, func(a, b entry) int {
		if a.at != b.at {
			if a.at < b.at {
				return -1
			}
			return 1
		}
		return cmpKey(a, b)
	})
	for _, e := range keep {
		q.place(e)
	}
	q.scratch = drained(keep)
}

// bigBucket is the capacity (in entries, 24 bytes each) above which an emptied bucket
// gives its array back instead of keeping it for reuse: a burst of a million timers
// (a flood teaching every switch of a large fabric) must not pin its arrays for the
// rest of the run, while small queues keep theirs and never allocate. dctwin's own
// choice.
const bigBucket = 1 << 16

// drained returns what an emptied bucket keeps: its array, cleared, or nothing if the
// array is big.
func drained(es []entry) []entry {
	if cap(es) > bigBucket {
		return nil
	}
	clear(es)
	return es[:0]
}

func (q *queue) rebase(at Time) { q.rebuild(at) }

// compact drops stale entries once they outnumber the live ones.
func (q *queue) compact() { q.rebuild(q.last) }
