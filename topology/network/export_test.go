package network

// ForgetEagerly makes a network that learns lazily sweep its MAC tables for
// forgettable entries after every settle (forget.go), as a large network does once it
// has written enough of them; it returns the function that undoes it.
func ForgetEagerly() (undo func()) {
	old := entrySweepMin
	entrySweepMin = -1
	return func() { entrySweepMin = old }
}

// IndexKeysEagerly makes a network that learns lazily index every key's entries by
// bridge from the first (keyState.byBridge), as a large network does for the keys
// written on many bridges; it returns the function that undoes it.
func IndexKeysEagerly() (undo func()) {
	old := keyIndexFloor
	keyIndexFloor = 0
	return func() { keyIndexFloor = old }
}

// FloodInFull makes networks created from now on walk the floods of passive flows in
// full, as those that teach do, instead of only towards the destination
// (prunedFlood); it returns the function that undoes it.
func FloodInFull() (undo func()) {
	old := pruneFloodsDefault
	pruneFloodsDefault = false
	return func() { pruneFloodsDefault = old }
}
