package kernelbench

import "testing"

// These benchmarks run the standard models at a size that suits `go test -bench`; the
// full-size runs are `dctwin bench kernel`.

func BenchmarkClocksCallback(b *testing.B) {
	for b.Loop() {
		ClocksCallback(1000, 2700)
	}
}

func BenchmarkClocksProcess(b *testing.B) {
	for b.Loop() {
		ClocksProcess(1000, 2700)
	}
}

func BenchmarkBankProcess(b *testing.B) {
	bp := DefaultBank
	bp.Customers = 100_000
	for b.Loop() {
		BankProcess(bp)
	}
}

func BenchmarkBankCallback(b *testing.B) {
	bp := DefaultBank
	bp.Customers = 100_000
	for b.Loop() {
		BankCallback(bp)
	}
}

func BenchmarkPingPong(b *testing.B) {
	for b.Loop() {
		PingPong(100_000)
	}
}
