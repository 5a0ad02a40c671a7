package network

// ForgetEagerly makes a network that learns lazily sweep its MAC tables for
// forgettable entries after every settle (forget.go), as a large network does once it
// has written enough of them; it returns the function that undoes it.
func ForgetEagerly() (undo func()) {
	old := entrySweepMin
	entrySweepMin = -1
	return func() { entrySweepMin = old }
}
