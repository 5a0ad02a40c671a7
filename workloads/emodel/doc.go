// Package emodel is the ITU-T G.107 E-model as pure functions: from the transmission
// parameters of a narrowband (3.1 kHz handset) telephone connection to the rating R, its
// impairment breakdown, the Annex B MOS and the G.109 user-satisfaction category. It also
// holds the G.113 Appendix I codec table, per-call bandwidth and the loss statistics
// (Ppl, BurstR) that the simulator feeds into Ie,eff.
//
// Start from Defaults (G.107 Table 3, R = 93.2), set what the connection has — a
// codec's Ie and Bpl (LookupCodec), its delay (DelayInputs turns one mouth-to-ear
// delay into Ta, T and Tr), its loss (LossFromCounts, GilbertLoss) — and ask R for
// the rating. Validate checks the inputs against the permitted ranges of G.107.
// Assess validates, rates and adds the verdicts a planner reads (G.109 category,
// G.114 delay band); its Assessment writes itself as `dctwin emodel` shows it
// (WriteText) and encodes as JSON.
//
// Nothing here simulates: the call model (workloads/uc) turns a call's codec, delay
// and loss into a Params and asks R for the verdict. Formulas and constants follow the
// project's reference-facts.md, sections 1 (the E-model), 2 (codecs) and 3 (delay);
// comments cite them as "reference-facts 1.5" and so on.
package emodel
