// Package experiment runs batch experiments on the twin: sweeps of scenario settings
// and replications over seeds, with statistics, paired comparisons and plots.
//
// An experiment file (YAML, read strictly: an unknown key or a bad value is an error
// at its file:line:col) names a base scenario, parameters (scenario paths as `dctwin
// run --set` takes them, with value lists, named values or ranges; the grid is their
// product, with zip groups varying together and exclusions), replications, the
// metrics each run collects (the run report's named metrics, twin.Metric, and a few
// the experiment measures itself), series sampled over simulated time, optional
// sequential stopping (precision) and the plots to draw:
//
//	spec, _ := experiment.LoadFile("sweep.yaml")      // or experiments.Load("teaming-modes")
//	meta, _ := experiment.Run(ctx, spec, experiment.Options{Dir: "out/sweep"})
//	experiment.WriteReport("out/sweep", nil)          // summary.csv, plots, index.html
//
// Run prepares every configuration's scenario once and builds a fresh twin per run;
// runs go on in parallel, and their rows are written in one fixed order (replication
// by replication, configuration by configuration), a run's rows in one write, so that
// runs.csv is the same byte for byte for any number of workers and a killed process
// leaves at most one torn run, which Options.Resume cuts off and runs again.
// Replication k uses seed FirstSeed+k−1 in every configuration: common random
// numbers, so that differences between configurations are paired (see
// Results.PairedDifferences). Shard splits the runs over the tasks of an array job and Merge
// joins them into the file one machine would have written; SlurmJob writes the batch
// script.
//
// Statistics (Summarize, PairedDifference): mean and sample standard deviation (gonum's
// stat), median and 5th/95th percentiles by Hyndman and Fan's type 7 (Quantile: R's and
// numpy's default), and 95 % confidence intervals from Student's t (gonum's distuv).
// Plots (PlotKinds) are drawn with gonum/plot as PNG and SVG, in black and greys with
// dash patterns and markers, so that they read without colour.
package experiment
