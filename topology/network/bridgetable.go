package network

// bridgeTable maps bridge ids to one key's values (its entries, or the creation
// numbers of its forgotten entries): a short list searched in order while the key is
// known on few bridges, a map beyond. Most keys are: a server is looked up on the
// bridges of its peers' paths, a few dozen, and a look-up in a list of that size reads
// one or two cache lines where a map hashes and probes.
type bridgeTable[V any] struct {
	ids  []int32
	vals []V
	m    map[int32]V
	max  int // the most the map held since it was made (a Go map keeps its memory)
}

// bridgeListMax is the longest list before the table becomes a map; dctwin's choice
// (a linear search of 32 ids costs about one map probe).
const bridgeListMax = 32

func (t *bridgeTable[V]) get(id int32) (v V, ok bool) {
	if t.m != nil {
		v, ok = t.m[id]
		return v, ok
	}
	for i, x := range t.ids {
		if x == id {
			return t.vals[i], true
		}
	}
	return v, false
}

func (t *bridgeTable[V]) put(id int32, v V) {
	if t.m != nil {
		t.m[id] = v
		t.max = max(t.max, len(t.m))
		return
	}
	for i, x := range t.ids {
		if x == id {
			t.vals[i] = v
			return
		}
	}
	if len(t.ids) < bridgeListMax {
		t.ids = append(t.ids, id)
		t.vals = append(t.vals, v)
		return
	}
	t.m = make(map[int32]V, 2*bridgeListMax)
	for i, x := range t.ids {
		t.m[x] = t.vals[i]
	}
	t.m[id] = v
	t.ids, t.vals, t.max = nil, nil, len(t.m)
}

func (t *bridgeTable[V]) del(id int32) {
	if t.m != nil {
		delete(t.m, id)
		return
	}
	for i, x := range t.ids {
		if x == id {
			last := len(t.ids) - 1
			t.ids[i], t.vals[i] = t.ids[last], t.vals[last]
			var zero V
			t.vals[last] = zero
			t.ids, t.vals = t.ids[:last], t.vals[:last]
			return
		}
	}
}

func (t *bridgeTable[V]) len() int {
	if t.m != nil {
		return len(t.m)
	}
	return len(t.ids)
}

// reset empties the table, letting its memory go.
func (t *bridgeTable[V]) reset() { *t = bridgeTable[V]{} }

// shrink gives back the memory of a map that shrank to a quarter of its largest size,
// as a list if it fits one.
func (t *bridgeTable[V]) shrink() {
	if t.m == nil || 4*len(t.m) >= t.max {
		return
	}
	old := t.m
	*t = bridgeTable[V]{}
	for id, v := range old {
		t.put(id, v)
	}
}
