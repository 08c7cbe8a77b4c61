#!/usr/bin/env python3
"""bench.py OUT_DIR CRACE: runs the detector benchmark built by run.sh.

OUT_DIR holds WORKLOAD.VARIANT executables (run.sh builds them); CRACE is
the crace command, used to run the crace variants (`crace run PROG SIZE`).

Timing mode (default): every workload runs BENCH_RUNS times (default 5) in
each variant, the variants interleaved round-robin (the order rotates from
round to round) so that machine noise hits them alike; the table shows the
median wall time of the native build, each other variant's median as a
slowdown over it, and each variant's median peak RSS (ru_maxrss from
wait4, taken by the small rss helper, rss.c: for `crace run` that is the
larger of the wrapper and the program it runs, i.e. the program). A
second table gives the slowdowns by CPU time (user + system, from the
same wait4), which other load on the machine disturbs less.

Callgrind mode (BENCH_CALLGRIND=1): every variant runs once under
`valgrind --tool=callgrind` at a smaller size, and once at size 1; the
table shows instruction counts as ratios over the native build, for the
whole run and for the work alone (the difference between the two sizes,
without start-up). Nearly deterministic, so repeatable, but it counts
instructions, not time: cache misses, contention and system calls are
free, and valgrind runs one thread at a time.

Knobs: BENCH_RUNS (default 5), BENCH_SCALE (multiplies every size, default
1), BENCH_TIMEOUT (seconds per run, default 60; a variant that times out
is not run again on that workload), BENCH_ONLY (comma-separated workload
names).

A run counts when the program exits 0 and prints its "ok" line. A run that
completes but in which the detector reported something (exit status 66, or
"WARNING: DATA RACE" / "deadlock" in its output) is a false alarm, since
every workload is race-free: its time is kept and the cell is marked "*".
A run that fails otherwise is dropped (crashed, timed out, or "aborted":
stopped by the detector with a report, e.g. a false deadlock); a cell with
no good run reads "crash" (or "timeout", "aborted"), one with some dropped
runs is marked "!". The output of the first bad run of each kind is
shown after the table. The script exits 0 all the same.
"""

import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time

# name: (size for timing, size for callgrind, what it measures)
WORKLOADS = [
    ("private", 20000, 500, "2 threads, reads+writes of private arrays"),
    ("read_shared", 400, 15, "2 threads read a table written before they start"),
    ("mutex", 2000000, 50000, "4 threads, counters under one mutex"),
    ("atomics", 8000000, 200000, "2 threads, fetch_add / load-acquire / store-release"),
    ("condvar_pingpong", 40000, 2000, "2 threads hand a turn over with mutex+condvar"),
    ("thread_churn", 20000, 1000, "create+join threads, 8 alive at a time"),
    ("calls", 50000, 1000, "2 threads, small functions called on private trees"),
    ("malloc", 2000000, 50000, "2 threads, malloc / memset / free of small blocks"),
    ("lock_order", 50000, 2000, "4 threads, random pairs of 1,024 mutexes nested in index order"),
    ("atomic_array", 1000000, 20000, "2 threads, 8 passes of fetch_add over SIZE atomic counters"),
]

VARIANTS = ["native", "crace-gcc", "tsan-gcc", "crace-clang", "tsan-clang"]
COMPARED = ["crace-gcc", "tsan-gcc", "crace-clang", "tsan-clang"]

ALARM_RE = re.compile(r"WARNING: DATA RACE|WARNING: ThreadSanitizer|deadlock|crace: ", re.I)


def env_int(name, default):
    v = os.environ.get(name, "")
    try:
        return int(v) if v else default
    except ValueError:
        sys.exit(f"bench.py: {name}={v!r} is not an integer")


def env_float(name, default):
    v = os.environ.get(name, "")
    try:
        return float(v) if v else default
    except ValueError:
        sys.exit(f"bench.py: {name}={v!r} is not a number")


def child_env():
    env = dict(os.environ)
    env.pop("CRACE_OPTIONS", None)
    env["TSAN_OPTIONS"] = "report_bugs=1"
    return env


def command(out, crace, workload, variant, size):
    prog = os.path.join(out, f"{workload}.{variant}")
    if not os.access(prog, os.X_OK):
        return None
    cmd = [prog, str(size)]
    if variant.startswith("crace"):
        # The findings of every run (none, for these race-free workloads)
        # go to one directory under the bench's own; no summary.
        cmd = [crace, "run", "--quiet", "--out", os.path.join(out, "reports")] + cmd
    return cmd


class Result:
    """One run: status is "ok", "alarm" (false alarm, run completed),
    "aborted" (the detector stopped the program with a report), "crash" or
    "timeout"."""

    def __init__(self, status, wall, rss_kib, detail, cpu=None):
        self.status, self.wall, self.rss_kib, self.detail, self.cpu = status, wall, rss_kib, detail, cpu


def run_once(cmd, env, timeout, logbase, rss_helper=None):
    """Runs cmd, returns a Result: wall time around spawn..exit, peak RSS
    and exit status from the rss helper (wait4's rusage)."""
    resfile = logbase + ".rss"
    if os.path.exists(resfile):
        os.unlink(resfile)
    full = [rss_helper, resfile] + cmd if rss_helper else cmd
    with open(logbase + ".out", "wb") as so, open(logbase + ".err", "wb") as se:
        t0 = time.perf_counter()
        p = subprocess.Popen(full, stdout=so, stderr=se, env=env, start_new_session=True)
        timed_out = []

        def kill():
            timed_out.append(True)
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        p.wait()
        wall = time.perf_counter() - t0
        timer.cancel()
    with open(logbase + ".out", "rb") as f:
        out = f.read().decode(errors="replace")
    with open(logbase + ".err", "rb") as f:
        err = f.read().decode(errors="replace")
    text = out + err
    kind, value, rss, cpu = "exit", p.returncode, 0, None
    if rss_helper:
        try:
            with open(resfile) as f:
                kind, v, r, c = f.read().split()
                value, rss, cpu = int(v), int(r), int(c) / 1e6
        except (OSError, ValueError):
            kind, value = "helper", p.returncode
    elif p.returncode < 0:
        kind, value = "signal", -p.returncode
    if timed_out:
        return Result("timeout", wall, rss, f"killed after {timeout:g} s\n" + text)
    if kind == "signal":
        return Result("crash", wall, rss, f"killed by signal {value}\n" + text)
    if kind != "exit":
        return Result("crash", wall, rss, f"rss helper failed, status {value}\n" + text)
    code = value
    completed = re.search(r": ok\b", out) is not None
    if completed and (code == 66 or ALARM_RE.search(err)):
        return Result("alarm", wall, rss, f"exit status {code}\n" + text, cpu)
    if not completed and ALARM_RE.search(err):
        return Result("aborted", wall, rss, f"exit status {code}\n" + text)
    if code != 0 or not completed:
        return Result("crash", wall, rss, f"exit status {code}\n" + text)
    return Result("ok", wall, rss, "", cpu)


def display_path(path):
    """path relative to the current directory when it is below it."""
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def excerpt(text, lines=25):
    ls = text.rstrip("\n").split("\n")
    if len(ls) > lines:
        ls = ls[:lines] + [f"... ({len(ls) - lines} more lines)"]
    return "\n".join("    " + line for line in ls)


def timing_mode(out, crace):
    runs = max(1, env_int("BENCH_RUNS", 5))
    scale = env_float("BENCH_SCALE", 1.0)
    timeout = env_float("BENCH_TIMEOUT", 60.0)
    only = [w for w in os.environ.get("BENCH_ONLY", "").split(",") if w]
    env = child_env()
    rss_helper = os.path.join(out, "rss")
    if not os.access(rss_helper, os.X_OK):
        sys.exit(f"bench.py: {rss_helper} not found (run.sh builds it)")
    logdir = os.path.join(out, "logs")
    os.makedirs(logdir, exist_ok=True)

    workloads = [w for w in WORKLOADS if not only or w[0] in only]
    results = {}  # (workload, variant) -> [Result]
    sizes = {}
    print(f"detector benchmark: medians of {runs} runs, variants interleaved, "
          f"BENCH_SCALE={scale:g}, {os.cpu_count()} CPUs", flush=True)
    for name, size, _, _ in workloads:
        size = max(1, int(size * scale))
        sizes[name] = size
        cmds = {v: command(out, crace, name, v, size) for v in VARIANTS}
        for v in VARIANTS:
            results[(name, v)] = []
        given_up = set()
        t0 = time.perf_counter()
        for r in range(runs):
            order = VARIANTS[r % len(VARIANTS):] + VARIANTS[:r % len(VARIANTS)]
            for v in order:
                if cmds[v] is None or v in given_up:
                    continue
                res = run_once(cmds[v], env, timeout, os.path.join(logdir, f"{name}.{v}.{r}"), rss_helper)
                results[(name, v)].append(res)
                if res.status == "timeout":
                    given_up.add(v)
        print(f"  {name} (size {size}): {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)

    def median(rs, attr):
        vals = [getattr(x, attr) for x in rs if x.status in ("ok", "alarm") and getattr(x, attr) is not None]
        return statistics.median(vals) if vals else None

    def mark(rs):
        m = ""
        if any(x.status == "alarm" for x in rs):
            m += "*"
        if any(x.status not in ("ok", "alarm") for x in rs) and any(x.status in ("ok", "alarm") for x in rs):
            m += "!"
        return m

    def failed_cell(rs, built):
        if not built:
            return "n/a"
        kinds = {x.status for x in rs}
        if kinds == {"timeout"}:
            return "timeout"
        if kinds == {"aborted"}:
            return "aborted"
        return "crash"

    # Every run, for whoever wants more than the medians.
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump({"runs": runs, "scale": scale, "sizes": sizes,
                   "results": {f"{n}.{v}": [{"status": x.status, "wall_s": round(x.wall, 4),
                                              "cpu_s": x.cpu, "maxrss_kib": x.rss_kib}
                                             for x in rs] for (n, v), rs in results.items()}}, f, indent=1)

    # The table.
    hdr1 = f"{'':17} {'native':>8} | {'slowdown vs native':^47} | {'peak RSS, MiB':^44}"
    hdr2 = f"{'workload':17} {'time':>8} | " + " ".join(f"{v:>11}" for v in COMPARED) + " | " \
        + " ".join(f"{v.replace('crace', 'cr').replace('tsan', 'ts'):>8}" for v in VARIANTS)
    print()
    print(hdr1)
    print(hdr2)
    print("-" * len(hdr2))
    slow, rss = {}, {}
    for name, _, _, _ in workloads:
        nat = median(results[(name, "native")], "wall")
        cells = []
        for v in VARIANTS:
            rs = results[(name, v)]
            built = command(out, crace, name, v, 1) is not None
            med = median(rs, "wall")
            mr = median(rs, "rss_kib")
            rss[(name, v)] = mr / 1024 if mr is not None else None
            if v == "native":
                natcell = f"{nat:.3f}s" if nat is not None else failed_cell(rs, built)
                continue
            if med is None or nat is None:
                slow[(name, v)] = None
                cells.append(failed_cell(rs, built) if med is None else "n/a")
            else:
                slow[(name, v)] = med / nat
                cells.append(f"{med / nat:.2f}x{mark(rs)}")
        rcells = []
        for v in VARIANTS:
            rs = results[(name, v)]
            if rss[(name, v)] is None:
                rcells.append(failed_cell(rs, command(out, crace, name, v, 1) is not None))
            else:
                rcells.append(f"{rss[(name, v)]:.1f}{mark(rs)}")
        print(f"{name:17} {natcell:>8} | " + " ".join(f"{c:>11}" for c in cells) + " | "
              + " ".join(f"{c:>8}" for c in rcells))
    print()
    print("* a detector reported something in a race-free program (false alarm); ! some runs failed")
    print(f"every run: {display_path(os.path.join(out, 'results.json'))}; outputs: {display_path(logdir)}/")
    # The same by CPU time (user + system, all threads): less sensitive to
    # other load on the machine than wall time, but blind to waiting.
    print()
    print(f"{'':17} {'native':>8} | {'slowdown vs native, CPU time (user+sys)':^47}")
    print(f"{'workload':17} {'CPU':>8} | " + " ".join(f"{v:>11}" for v in COMPARED))
    print("-" * (17 + 1 + 8 + 3 + 47))
    for name, _, _, _ in workloads:
        nat = median(results[(name, "native")], "cpu")
        cells = []
        for v in COMPARED:
            rs = results[(name, v)]
            med = median(rs, "cpu")
            if med is None or not nat:
                cells.append("n/a" if med is not None else failed_cell(rs, command(out, crace, name, v, 1) is not None))
            else:
                cells.append(f"{med / nat:.2f}x{mark(rs)}")
        natcell = f"{nat:.3f}s" if nat else "n/a"
        print(f"{name:17} {natcell:>8} | " + " ".join(f"{c:>11}" for c in cells))
    print()

    # The verdicts.
    print("crace vs ThreadSanitizer (time: both crace builds at most as slow as the faster TSan build;")
    print("RSS: each crace build at most the TSan build of the same compiler):")
    for name, _, _, _ in workloads:
        cr = {v: slow.get((name, v)) for v in ("crace-gcc", "crace-clang")}
        ts = {v: slow.get((name, v)) for v in ("tsan-gcc", "tsan-clang")}
        tsv = [(s, v) for v, s in ts.items() if s is not None]
        crv = [s for s in cr.values() if s is not None]
        if tsv and len(crv) == 2:
            best, bestv = min(tsv)
            ok = max(crv) <= best
            t = (f"{'YES' if ok else 'NO '} crace-gcc {cr['crace-gcc']:.2f}x, crace-clang "
                 f"{cr['crace-clang']:.2f}x vs {bestv} {best:.2f}x (worst crace / best tsan = {max(crv) / best:.2f})")
        else:
            t = "n/a (a variant failed)"
        pairs = []
        rok = True
        for c in ("gcc", "clang"):
            a, b = rss.get((name, "crace-" + c)), rss.get((name, "tsan-" + c))
            if a is None or b is None:
                pairs.append(f"{c} n/a")
                rok = None if rok is not False else rok
            else:
                pairs.append(f"{c} {a:.1f} vs {b:.1f} MiB")
                if a > b:
                    rok = False
        r = ("n/a" if rok is None else "YES" if rok else "NO ") + " " + ", ".join(pairs)
        print(f"  {name:17} time <= faster tsan: {t}")
        print(f"  {'':17} RSS  <= tsan:        {r}")

    # The first bad run of each kind, per variant.
    bad = False
    for name, _, _, _ in workloads:
        for v in VARIANTS:
            rs = results[(name, v)]
            shown = set()
            for i, x in enumerate(rs):
                if x.status != "ok" and x.status not in shown:
                    if not bad:
                        print()
                        print("Failed runs and false alarms (first of each kind):")
                        bad = True
                    shown.add(x.status)
                    n = sum(1 for y in rs if y.status == x.status)
                    print(f"-- {name} {v}: {x.status} in {n} of {len(rs)} runs; run {i}:")
                    print(excerpt(x.detail))
    return 0


def callgrind_total(path):
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1])
    return None


def callgrind_run(out, crace, cgdir, env, name, v, size, tag):
    """Runs one variant under callgrind; returns (instructions, None) or
    (None, why). Only the program's own profile counts: --trace-children
    follows `crace run` into the program it starts, and the wrapper's
    profile is left out."""
    cmd = command(out, crace, name, v, size)
    if cmd is None:
        return None, "not built"
    prefix = f"{name}.{v}.{tag}."
    for old in os.listdir(cgdir):
        if old.startswith(prefix):
            os.unlink(os.path.join(cgdir, old))
    base = os.path.join(cgdir, prefix[:-1])
    vg = ["valgrind", "--tool=callgrind", "--trace-children=yes",
          f"--callgrind-out-file={base}.cg.%p", f"--log-file={base}.vg.%p"]
    res = run_once(vg + cmd, env, 1800, base)
    total = 0
    for fn in os.listdir(cgdir):
        if not fn.startswith(prefix + "cg."):
            continue
        path = os.path.join(cgdir, fn)
        with open(path, errors="replace") as f:
            head = f.read(4096)
        m = re.search(r"^cmd:\s*(\S+)", head, re.M)
        if m and os.path.basename(m.group(1)) == os.path.basename(crace):
            continue
        total += callgrind_total(path) or 0
    if res.status != "ok" or total <= 0:
        logs = ""
        for fn in sorted(os.listdir(cgdir)):
            if fn.startswith(prefix + "vg."):
                with open(os.path.join(cgdir, fn), errors="replace") as f:
                    logs += f.read()
        return None, f"{res.status} (size {size}):\n{excerpt(res.detail + logs, 15)}"
    return total, None


def callgrind_mode(out, crace):
    scale = env_float("BENCH_SCALE", 1.0)
    only = [w for w in os.environ.get("BENCH_ONLY", "").split(",") if w]
    env = child_env()
    cgdir = os.path.join(out, "callgrind")
    os.makedirs(cgdir, exist_ok=True)
    workloads = [w for w in WORKLOADS if not only or w[0] in only]
    print(f"detector benchmark under callgrind: instructions executed (Ir), one run each, "
          f"BENCH_SCALE={scale:g}", flush=True)
    # Each variant runs at the workload's size and at size 1: the
    # difference is the work proper, without start-up (the dynamic loader,
    # the sanitizer runtime's initialisation, the workload's own set-up).
    irs, base, notes = {}, {}, []
    for name, _, size, _ in workloads:
        size = max(2, int(size * scale))
        t0 = time.perf_counter()
        for v in VARIANTS:
            irs[(name, v)], why = callgrind_run(out, crace, cgdir, env, name, v, size, "full")
            if why:
                notes.append(f"-- {name} {v}: {why}")
                base[(name, v)] = None
                continue
            base[(name, v)], why = callgrind_run(out, crace, cgdir, env, name, v, 1, "base")
            if why:
                notes.append(f"-- {name} {v}: {why}")
        print(f"  {name} (size {size}): {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)

    with open(os.path.join(cgdir, "results.json"), "w") as f:
        json.dump({"scale": scale, "full": {f"{n}.{v}": x for (n, v), x in irs.items()},
                   "size1": {f"{n}.{v}": x for (n, v), x in base.items()}}, f, indent=1)

    def ratio(num, den):
        return f"{num / den:.2f}x" if num and den and num > 0 and den > 0 else "n/a"

    print()
    w = 11 * len(COMPARED) + len(COMPARED) - 1
    print(f"{'':17} {'':8} {'native Ir':>14} | {'instructions / native, whole run':^{w}} | "
          f"{'instructions / native, work only':^{w}}")
    hdr = (f"{'workload':17} {'size':>8} {'(work only)':>14} | " + " ".join(f"{v:>11}" for v in COMPARED)
           + " | " + " ".join(f"{v:>11}" for v in COMPARED))
    print(hdr)
    print("-" * len(hdr))
    for name, _, size, _ in workloads:
        size = max(2, int(size * scale))
        nat, natb = irs.get((name, "native")), base.get((name, "native"))
        natw = nat - natb if nat and natb else None
        whole = [ratio(irs.get((name, v)), nat) for v in COMPARED]
        work = []
        for v in COMPARED:
            x, xb = irs.get((name, v)), base.get((name, v))
            work.append(ratio(x - xb, natw) if x and xb and natw else "n/a")
        natcell = f"{natw:,}" if natw else "n/a"
        print(f"{name:17} {size:>8} {natcell:>14} | " + " ".join(f"{c:>11}" for c in whole) + " | "
              + " ".join(f"{c:>11}" for c in work))
    print()
    print("work only: instructions at the size shown minus those at size 1 (start-up and set-up).")
    print("start-up, instructions at size 1 (median over workloads), per variant:")
    for v in VARIANTS:
        bs = [base.get((name, v)) for name, _, _, _ in workloads if base.get((name, v))]
        print(f"  {v:12} {int(statistics.median(bs)):>14,}" if bs else f"  {v:12} {'n/a':>14}")
    if notes:
        print()
        print("Variants that failed under valgrind (n/a):")
        for n in notes:
            print(n)
    print()
    print(f"Profiles: {display_path(cgdir)}/WORKLOAD.VARIANT.full.cg.PID (callgrind_annotate FILE);")
    print(f"counts: {display_path(cgdir)}/results.json")
    return 0


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: bench.py OUT_DIR CRACE")
    out, crace = sys.argv[1], sys.argv[2]
    if os.environ.get("BENCH_CALLGRIND", "") not in ("", "0"):
        return callgrind_mode(out, crace)
    return timing_mode(out, crace)


if __name__ == "__main__":
    sys.exit(main())
