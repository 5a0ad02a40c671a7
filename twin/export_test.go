package twin

// Notable exposes notable to the external tests, for their reference timelines.
var Notable = notable

// KeepCallHistory makes the twin keep every call drop and degraded episode and count a
// failure's calls only when reported, as it did before it bounded the history.
func KeepCallHistory(tw *Twin) { tw.keepCalls = true }
