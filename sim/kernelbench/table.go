package kernelbench

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// Table writes results as a right-aligned table, one row per model run. Rows are
// aligned once all are in: nothing appears before Flush.
type Table struct {
	tw *tabwriter.Writer
}

// NewTable starts a table on w with its heading.
func NewTable(w io.Writer) *Table {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "model\tstyle\tparameters\tcount\tunit\tseconds\tper second\tmean wait\tErlang C\tbytes/process\t")
	return &Table{tw}
}

// Add writes one result: its speed in millions per second, and the bank's mean wait
// against Erlang C and the clocks' bytes per process where the model has them ("-"
// otherwise).
func (t *Table) Add(r Result) {
	opt := func(v float64, format string) string {
		if v == 0 {
			return "-"
		}
		return fmt.Sprintf(format, v)
	}
	fmt.Fprintf(t.tw, "%s\t%s\t%s\t%d\t%s\t%.2f\t%.3gM\t%s\t%s\t%s\t\n",
		r.Model, r.Style, r.Params, r.Count, r.Unit, r.Seconds, r.PerS/1e6,
		opt(r.MeanWait, "%.4f"), opt(r.ErlangCWait, "%.5f"), opt(r.BytesPerProcess, "%.0f"))
}

// Flush aligns the rows and writes them out.
func (t *Table) Flush() error { return t.tw.Flush() }
