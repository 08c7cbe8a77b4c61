#!/usr/bin/env python3
"""Regenerates the sample outputs quoted in docs/guide.md.

The guide marks each quoted run with two comments:

    <!-- sample: counter/counter_race.c -->
    ...generated: a ```text block with the command and its output...
    <!-- end -->

For each marker this script builds samples/<path> with `crace cc` (the
flags of tests/e2e/run.py, so lines and offsets are those the samples'
EXPECT lines check), runs it with `crace run` on a pseudo-terminal (so the
program's output and crace's reports interleave as a user sees them), with
the sample's ENV and ARGS directives and address randomisation off, and
replaces what lies between the markers, unless the two differ only in
what changes from run to run (see VOLATILE): no needless diffs.

Usage: gen-guide.py [--check] [--cc CC] BUILD_DIR [GUIDE]
  GUIDE defaults to docs/guide.md. --check rewrites nothing and exits 1
  when a block differs from a fresh run in more than addresses, offsets
  and the other numbers that change from run to run.
"""
import argparse
import importlib.util
import os
import pty
import re
import select
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TIMEOUT = 120
BLOCK = re.compile(r"(<!-- sample: (\S+) -->\n)(.*?)(<!-- end -->)", re.S)


def load_runner():
    """tests/e2e/run.py, for its reading of the directives."""
    path = os.path.join(ROOT, "tests", "e2e", "run.py")
    sys.dont_write_bytecode = True  # no __pycache__ left in tests/e2e
    spec = importlib.util.spec_from_file_location("e2e_run", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def setarch():
    """The prefix that turns address randomisation off, when it works here."""
    prefix = ["setarch", os.uname().machine, "-R"]
    try:
        ok = subprocess.run(prefix + ["true"], capture_output=True).returncode == 0
    except OSError:
        ok = False
    return prefix if ok else []


def run_on_pty(argv, env, cwd):
    """Runs argv with stdout and stderr on one pseudo-terminal; returns
    (status, output) with the terminal's \\r\\n turned back into \\n."""
    master, slave = pty.openpty()
    p = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=slave,
                         stderr=slave, close_fds=True)
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + TIMEOUT
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            p.kill()
            chunks.append(b"\n[gen-guide: timed out after %d s]\n" % TIMEOUT)
            break
        ready, _, _ = select.select([master], [], [], min(left, 1.0))
        if not ready:
            if p.poll() is not None:
                break
            continue
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the last holder of the terminal has closed it
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    status = p.wait()
    return status, b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")


def sample_block(runner, sample, build, cc):
    """The text between the markers: the command, the output, the status."""
    path = os.path.join("samples", sample)
    if not os.path.exists(os.path.join(ROOT, path)):
        sys.exit("gen-guide: no sample %s" % path)
    d, _ = runner.directives(os.path.join(ROOT, path))
    name = os.path.basename(path)[:-2]
    outdir = os.path.join(build, "guide")
    os.makedirs(outdir, exist_ok=True)
    exe = os.path.join(outdir, name)
    crace = os.path.join(build, "bin", "crace")
    env = dict(os.environ, CRACE_CC=cc)
    env.pop("CRACE_OPTIONS", None)
    libdir = os.path.join(build, "lib")
    cmd = [crace, "cc", "-std=gnu11", "-O1", "-g", "-pthread", "-Iruntime/include"] + d["cflags"]
    cmd += ["-o", exe, path, "-L" + libdir, "-Wl,-rpath," + libdir, "-lgochan"]
    r = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("gen-guide: compiling %s failed:\n%s%s" % (path, r.stdout, r.stderr))
    env.update(d["env"])
    argv = setarch() + [crace, "run", exe] + d["args"]
    status, out = run_on_pty(argv, env, ROOT)
    if d["exit"] is not None and status != d["exit"]:
        print("gen-guide: warning: %s exited %d, its EXPECT-EXIT says %d" % (path, status, d["exit"]),
              file=sys.stderr)
    shown = "".join("%s=%s " % kv for kv in sorted(d["env"].items()))
    shown += "crace run ./%s" % " ".join([name] + d["args"])
    return "```text\n$ %s\n%s%sexit status %d\n```\n" % (
        shown, out, "" if out.endswith("\n") or not out else "\n", status)


# What changes from run to run without meaning anything: addresses and
# offsets, a race's lost-update count, a busy loop's rate, whether
# checkwebsites' slow site beat main's (racy) deadline.
VOLATILE = [
    (re.compile(r"0x[0-9a-f]+"), "0x?"),
    (re.compile(r"crace-reports/\d{8}-\d{6}-\d+"), "crace-reports/RUN"),
    (re.compile(r"counter = \d+"), "counter = ?"),
    (re.compile(r"nothing ready \d+ times"), "nothing ready ? times"),
    (re.compile(r"example\.com/slow: \(no result\)"), "example.com/slow: up"),
]


def normalise(text):
    for pat, repl in VOLATILE:
        text = pat.sub(repl, text)
    return text


def main():
    ap = argparse.ArgumentParser(description="Regenerates the sample outputs in docs/guide.md.")
    ap.add_argument("--check", action="store_true", help="compare only, exit 1 on a difference")
    ap.add_argument("--cc", default="gcc", help="compiler behind crace cc (default gcc)")
    ap.add_argument("build", help="build directory (make's BUILD)")
    ap.add_argument("guide", nargs="?", default=os.path.join(ROOT, "docs", "guide.md"))
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    runner = load_runner()
    text = open(a.guide).read()
    stale = []

    def regenerate(m):
        fresh = sample_block(runner, m.group(2), build, a.cc)
        if normalise(fresh) == normalise(m.group(3)):
            return m.group(0)  # the same but for noise: no needless diff
        stale.append(m.group(2))
        return m.group(1) + fresh + m.group(4)

    new = BLOCK.sub(regenerate, text)
    count = len(BLOCK.findall(text))
    if a.check:
        for s in stale:
            print("gen-guide: %s: output in %s is out of date" % (s, a.guide))
        print("gen-guide: %d of %d sample outputs out of date" % (len(stale), count))
        sys.exit(1 if stale else 0)
    if new != text:
        with open(a.guide, "w") as f:
            f.write(new)
    print("gen-guide: %d sample outputs regenerated in %s (%d changed)" % (count, a.guide, len(stale)))


if __name__ == "__main__":
    main()
