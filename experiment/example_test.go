package experiment_test

import (
	"context"
	"fmt"
	"os"

	"dctwin/experiment"
)

// An experiment from a file's text: teaming-lab's NIC failure with the team's
// detection as the parameter, 5 seeds each, then the statistics of one metric:
// carrier loss is noticed at once, miimon at its next poll, within 100 ms.
func Example() {
	spec, err := experiment.Parse("detection.yaml", []byte(`version: 1
experiment: detection
scenario: teaming-lab
duration: 15s
replications: 5
parameters:
  detection:
    path: topology.hosts[srv-1].teams[bond0].detection.method
    values: [carrier, miimon]
metrics:
  - failure[0].detected_after_ms
`), experiment.FileOpener("."))
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, _ := os.MkdirTemp("", "experiment")
	defer os.RemoveAll(dir)
	meta, err := experiment.Run(context.Background(), spec, experiment.Options{Dir: dir})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(meta.Status, meta.Runs, "runs")
	results, _ := experiment.ReadResults(dir, nil)
	for _, row := range results.Summary() {
		fmt.Printf("%v: n %d, mean %.0f ms, 95 %% CI [%.0f, %.0f] ms\n", spec.Labels(results.Configs[row.Config]),
			row.N, row.Mean, row.CILow, row.CIHigh)
	}
	// Output:
	// complete 10 runs
	// [carrier]: n 5, mean 0 ms, 95 % CI [0, 0] ms
	// [miimon]: n 5, mean 77 ms, 95 % CI [54, 100] ms
}
