package reference

// MaxOutageIntervals is how many of its latest outages a flow keeps one by one. A flow
// that fails over again and again in a long run folds the older ones into totals, so
// that it holds the same memory after a day as after a year.
const MaxOutageIntervals = 256

// OutageTotals returns the totals of every outage of the flow so far, the folded ones
// and those Outages still lists.
func (f *Flow) OutageTotals() OutageTotals {
	t := f.folded
	now := f.n.s.Now()
	for _, iv := range f.outage {
		addTotal(&t, iv.Duration(now))
	}
	return t
}

// addOutage opens an outage. When the flow holds twice MaxOutageIntervals, the oldest
// (all closed: only the latest can be open) are folded into the totals first.
func (f *Flow) addOutage(iv Interval) {
	f.outage = append(foldOutages(f.outage, &f.folded), iv)
}

// foldOutages folds the oldest of a list of closed outages into totals once it holds
// twice MaxOutageIntervals, keeping the latest MaxOutageIntervals.
func foldOutages(list []Interval, into *OutageTotals) []Interval {
	if len(list) < 2*MaxOutageIntervals {
		return list
	}
	old := len(list) - MaxOutageIntervals
	for _, o := range list[:old] {
		addTotal(into, o.End-o.Start)
	}
	return list[:copy(list, list[old:])]
}
