#!/usr/bin/env python3
"""SimPy versions of dctwin's kernel benchmark models, for a side-by-side comparison.

What this measures: the wall time SimPy takes for the same three models that
`dctwin bench kernel` runs (sim/kernelbench/kernelbench.go), written in SimPy's own
process style, as a SimPy user would write them:

  clocks    P processes; process i waits 1 + (i mod 7) units with env.timeout in a
            loop; P = 1,000 until T = 27,000 and P = 100,000 until T = 270; counts
            the timeouts, events at T included (as dctwin's RunUntil does)
  bank      M/M/c with c = 5, lambda = 4.5, mu = 1 and 1,000,000 customers: one
            process per customer, a simpy.Resource with request()/release(); the
            mean wait in queue is compared with Erlang C (Wq = 1.52499)
  pingpong  two processes triggering each other's events (env.event, succeed)
            5,000,000 times in all

Each run prints one JSON object a line with the fields of `dctwin bench kernel --json`
(model, style, params, count, unit, seconds, per_s, ...) plus "engine" (SimPy and
Python versions). Every count is checked against arithmetic written out below, so a
figure from a model that did other work is never printed. Timing is wall time of the
whole model, setting up included, as dctwin's Measure does.

Runs with SimPy 3.0.11 (Debian's python3-simpy3) and SimPy 4.x: it uses only
Environment, timeout, event, process, Resource and run, whose API is the same in both.
This file is dctwin's own code; nothing in `go test ./...` or .ci/run calls it.

Usage: python3 models.py [--quick]   (--quick: a tenth of the work, as dctwin's --quick)
"""

import json
import os
import platform
import random
import sys
import time

import simpy


def clock_period(i):
    """Wait of clock i, as kernelbench.ClockPeriod: 1 + (i mod 7) units."""
    return 1 + i % 7


def clocks(p, horizon):
    """Runs p clock processes until horizon and returns the number of timeouts."""
    env = simpy.Environment()
    count = 0

    def clock(period):
        nonlocal count
        while True:
            yield env.timeout(period)
            count += 1

    for i in range(p):
        env.process(clock(clock_period(i)))
    # SimPy stops before the events at `until`; dctwin runs those at T too. Periods are
    # whole units, so nothing is due at T + 0.5.
    env.run(until=horizon + 0.5)
    return count


def clocks_expected(p, horizon):
    """Timeouts of the clocks model by arithmetic: clock i fires at every multiple of
    its period up to the horizon."""
    return sum(horizon // clock_period(i) for i in range(p))


def bank(servers, lam, mu, customers, seed):
    """Runs an M/M/c bank, one process per customer on a Resource, and returns the
    mean wait in queue in model time units."""
    env = simpy.Environment()
    tellers = simpy.Resource(env, capacity=servers)
    arrivals = random.Random(seed)
    service = random.Random(seed + 1)
    waited = 0.0

    def customer():
        nonlocal waited
        arrived = env.now
        req = tellers.request()
        yield req
        waited += env.now - arrived
        yield env.timeout(service.expovariate(mu))
        tellers.release(req)

    def source():
        for _ in range(customers):
            yield env.timeout(arrivals.expovariate(lam))
            env.process(customer())

    env.process(source())
    env.run()
    return waited / customers


def erlang_c_wait(c, lam, mu):
    """Mean wait in queue Wq of an M/M/c system (Erlang C), as kernelbench.ErlangCWait."""
    a = lam / mu
    b = 1.0  # Erlang B by the stable recursion, then C from B
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    rho = a / c
    pw = b / (1 - rho + rho * b)
    return pw / (c * mu - lam)


def pingpong(n):
    """Runs two processes that trigger each other's events n times in all and returns
    the number of switches."""
    env = simpy.Environment()
    count = 0
    events = [env.event(), env.event()]  # ping, pong

    def player(mine, theirs, serve):
        nonlocal count
        if serve:
            count += 1
            events[theirs].succeed()
        while count < n:
            yield events[mine]
            events[mine] = env.event()
            count += 1
            events[theirs].succeed()

    env.process(player(0, 1, True))
    env.process(player(1, 0, False))
    env.run()
    return count


def engine():
    """Names the SimPy and Python that run the models, with where each comes from."""
    # SimPy 4 sets __version__ from whatever installed package is called simpy, which
    # is not the one imported when a source tree is put on PYTHONPATH: trust the
    # metadata only if its files are the module imported.
    version = getattr(simpy, "__version__", "(version unknown)")
    try:
        from importlib import metadata
        dist = metadata.distribution("simpy")
    except Exception:  # no installed package: a source tree, its own __version__ holds
        dist = None
    if dist is not None:
        try:
            same = os.path.samefile(str(dist.locate_file("simpy/__init__.py")), simpy.__file__)
        except OSError:
            same = False
        version = dist.version if same else "(version unknown)"
    return "SimPy %s (%s), Python %s (%s)" % (
        version, os.path.dirname(simpy.__file__), platform.python_version(), sys.executable)


def measure(row, fn):
    """Times fn, which returns the count, and fills seconds and per_s of row."""
    start = time.perf_counter()
    row["count"] = fn()
    row["seconds"] = time.perf_counter() - start
    row["per_s"] = row["count"] / row["seconds"] if row["seconds"] > 0 else 0
    return row


def fail(msg):
    sys.stderr.write("models.py: %s\n" % msg)
    sys.exit(1)


def main(argv):
    scale = 1
    for arg in argv:
        if arg == "--quick":
            scale = 10
        else:
            fail("unknown argument %r (expected --quick)" % arg)
    eng = engine()

    def emit(row):
        row["style"] = "process"
        row["engine"] = eng
        print(json.dumps(row, ensure_ascii=False), flush=True)
        sys.stderr.write("measured %s %s\n" % (row["model"], row["params"]))

    for p, horizon in ((1000, 27000), (100000, 270)):
        h = max(1, horizon // scale)
        row = measure({"model": "clocks", "params": "P=%d T=%d" % (p, h), "unit": "timeouts"},
                      lambda: clocks(p, h))
        if row["count"] != clocks_expected(p, h):
            fail("clocks P=%d T=%d: %d timeouts, want %d" % (p, h, row["count"], clocks_expected(p, h)))
        emit(row)

    c, lam, mu, n = 5, 4.5, 1.0, max(1, 1000000 // scale)
    wq = erlang_c_wait(c, lam, mu)
    result = {}

    def run_bank():
        result["wait"] = bank(c, lam, mu, n, 42)
        return n

    row = measure({"model": "bank", "params": "c=%d λ=%g μ=%g N=%d" % (c, lam, mu, n),
                   "unit": "customers"}, run_bank)
    row["mean_wait"], row["erlang_c_wait"] = result["wait"], wq
    # At rho = 0.9 the mean wait of 100,000 customers scatters by about 0.1 (sd over ten
    # seeds, measured); ±0.3 is three of those, and a million customers scatter less.
    if abs(result["wait"] - wq) > 0.3:
        fail("bank: mean wait %.4f, Erlang C %.5f: not the M/M/c model" % (result["wait"], wq))
    emit(row)

    n = max(1, 5000000 // scale)
    row = measure({"model": "pingpong", "params": "N=%d" % n, "unit": "switches"},
                  lambda: pingpong(n))
    if row["count"] not in (n, n + 1):
        fail("pingpong N=%d: %d switches" % (n, row["count"]))
    emit(row)


if __name__ == "__main__":
    main(sys.argv[1:])
