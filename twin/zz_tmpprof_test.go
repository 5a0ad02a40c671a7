package twin_test

import (
	"os"
	"runtime/pprof"
	"testing"

	"dctwin/scenarios"
	"dctwin/twin"
)

func TestTmpProfFull(t *testing.T) {
	if os.Getenv("DCTWIN_PROF") == "" {
		t.Skip()
	}
	data, _ := scenarios.FabricDefaults.YAML()
	sc, err := twin.Parse("fabric.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Create("/tmp/build.prof")
	pprof.StartCPUProfile(f)
	tw, err := twin.New(sc, twin.Options{})
	pprof.StopCPUProfile()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	f, _ = os.Create("/tmp/run.prof")
	pprof.StartCPUProfile(f)
	tw.Run()
	pprof.StopCPUProfile()
	f.Close()
	m, _ := os.Create("/tmp/heap.prof")
	pprof.Lookup("heap").WriteTo(m, 0)
	m.Close()
}
