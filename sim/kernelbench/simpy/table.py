#!/usr/bin/env python3
"""Prints the side-by-side table of compare.sh from its measured JSON lines.

Usage: python3 table.py DIR, where DIR holds dctwin-N.jsonl (from `dctwin bench kernel
--json`) and simpy-N.jsonl (from models.py) for rounds N = 1, 2, ... run one after the
other on one machine. Each cell is the median over the rounds with the smallest and
largest figure in brackets; a ratio is taken round by round (dctwin's round N over
SimPy's round N), so a machine that slows down for a while moves both sides of it.
"""

import glob
import json
import os
import re
import statistics
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def rounds(directory, prefix):
    """Returns the rows of each round's file, in round order."""
    files = glob.glob(os.path.join(directory, prefix + "-*.jsonl"))
    files.sort(key=lambda p: int(re.search(r"-(\d+)\.jsonl$", p).group(1)))
    return [load(p) for p in files]


def figure(v):
    """A rate with three significant digits and a k or M suffix."""
    if v >= 1e6:
        return "%.3gM" % (v / 1e6)
    if v >= 1e3:
        return "%.3gk" % (v / 1e3)
    return "%.3g" % v


def cell(values, fmt):
    """The median of values, and their range in brackets when there is more than one."""
    if not values:
        return "-"
    med = fmt(statistics.median(values))
    if len(values) == 1:
        return med
    return "%s (%s–%s)" % (med, fmt(min(values)), fmt(max(values)))


def ratio(v):
    return "%.3g×" % v


def main(directory):
    dctwin, simpy = rounds(directory, "dctwin"), rounds(directory, "simpy")
    if not dctwin or len(dctwin) != len(simpy):
        sys.exit("table.py: %d dctwin rounds and %d SimPy rounds in %s" % (len(dctwin), len(simpy), directory))

    def rate(rows, model, params, style):
        for r in rows:
            if (r["model"], r["params"], r["style"]) == (model, params, style):
                return r
        return None

    engines = sorted({r["engine"] for rows in simpy for r in rows})
    header = ["model", "parameters", "unit", "dctwin process /s", "dctwin callback /s", "SimPy /s",
              "process ÷ SimPy", "callback ÷ SimPy"]
    table = [header]
    waits = []
    for model_row in simpy[0]:
        model, params = model_row["model"], model_row["params"]
        proc, call, sp, rp, rc = [], [], [], [], []
        for d_rows, s_rows in zip(dctwin, simpy):
            s = rate(s_rows, model, params, "process")
            p = rate(d_rows, model, params, "process")
            c = rate(d_rows, model, params, "callback")
            if s is None or p is None:
                sys.exit("table.py: %s %s is missing from a round" % (model, params))
            sp.append(s["per_s"])
            proc.append(p["per_s"])
            rp.append(p["per_s"] / s["per_s"])
            if c is not None:
                call.append(c["per_s"])
                rc.append(c["per_s"] / s["per_s"])
            if model == "bank":
                waits.append((p["mean_wait"], s["mean_wait"], s["erlang_c_wait"]))
        table.append([model, params, model_row["unit"], cell(proc, figure), cell(call, figure),
                      cell(sp, figure), cell(rp, ratio), cell(rc, ratio)])

    print("SimPy: " + "; ".join(engines))
    print("rounds: %d; each cell: median (min–max) over the rounds; ratios taken round by round" % len(simpy))
    print()
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for n, row in enumerate(table):
        print("| " + " | ".join(v.ljust(widths[i]) for i, v in enumerate(row)) + " |")
        if n == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    if waits:
        print()
        d, s, e = waits[0]
        print("bank mean wait in queue (round 1): dctwin %.4f, SimPy %.4f, Erlang C %.5f" % (d, s, e))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: table.py DIR")
    main(sys.argv[1])
