#!/usr/bin/env python3
"""End-to-end tests: real programs built with `crace cc`, run under `crace run`.

Each tests/e2e/*.c file states what crace must print, in comments:

    // EXPECT-EXIT: 66                 exit status of `crace run`
    // EXPECT: WARNING: DATA RACE      lines that must appear, in this order
    // EXPECT-NOT: WARNING             text that must not appear anywhere
    // EXPECT-COUNT: 1 WARNING: DATA RACE   exact number of lines containing it
    // ENV: CRACE_OPTIONS=halt_on_error=1   environment for the run
    // ARGS: a b                        program arguments
    // CFLAGS: -O0                      extra compiler flags
    // LIBS: -latomic                   extra libraries, linked after the source
    // SHLIB: plugin                    also build tests/e2e/lib/plugin.c with
                                       `crace cc -shared` into libplugin.so
                                       next to the program (its working
                                       directory: dlopen("./libplugin.so"))

In EXPECT lines, {{ADDR}} matches an address, {{OFF}} a +0x offset,
{{LINE:name}} the line of the source marked with the comment `LINE:name`, and
{{FILE}} any path ending in the test's file name ({{FILE:lib/plugin.c}} in
that one). Everything else is literal;
leading spaces count (report frames are indented). In ENV values, {{SRCDIR}}
is the directory of the test's source (programs run in the build directory),
for files kept beside the tests, e.g.
    // ENV: CRACE_OPTIONS=suppressions='{{SRCDIR}}/supp/race.supp'
Only *.c and *.cpp files are tests (a .cpp one is built by the C++ driver of
the same compiler, g++ or clang++): such data files may live in subdirectories.

A test named race_*.c, uaf_*.c, deadlock_*.c, leak_*.c or misuse_*.c must
produce a report, norace_*.c must not: the runner
checks that the file's directives agree with its name, so a forgotten
EXPECT can't turn a race test into one that always passes. Others
(usage_*.c: a misconfigured run; output_*.c: where reports go) are free
to expect what they print. Under --dir
(samples/, named <topic>_<variant>.c) the exit status decides instead: a
test expecting 0 must have an EXPECT-NOT: WARNING, any other an EXPECT of
a finding.

Usage: run.py [--dir DIR] BUILD_DIR CC [CC...]   (prints one line per test
and compiler, then "N passed, N failed"). --dir runs the *.c files under
DIR, recursively, instead of tests/e2e's, building them into
BUILD_DIR/<DIR's name>/<CC>/. E2E_ONLY=SUBSTR runs the tests whose path
contains it; E2E_TIMEOUT=SECONDS (120) bounds each run, after which the run's
whole process group is killed.
"""
import os
import re
import signal
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TIMEOUT = int(os.environ.get("E2E_TIMEOUT", "120"))


def directives(path):
    d = {"exit": None, "expect": [], "not": [], "count": [], "env": {}, "args": [], "cflags": [], "libs": [],
         "shlibs": []}
    lines = open(path).read().split("\n")
    marks = {}
    for i, line in enumerate(lines, 1):
        for m in re.finditer(r"LINE:([A-Za-z0-9_]+)", line):
            if "{{" not in line:
                marks[m.group(1)] = i
    for line in lines:
        m = re.match(r"\s*(?://|\*)\s*(EXPECT-EXIT|EXPECT-NOT|EXPECT-COUNT|EXPECT|ENV|ARGS|CFLAGS|LIBS|SHLIB):(.*)$", line)
        if not m:
            continue
        key, val = m.group(1), m.group(2)
        if val.startswith(" "):
            val = val[1:]
        if key == "EXPECT-EXIT":
            d["exit"] = int(val)
        elif key == "EXPECT":
            d["expect"].append(val.rstrip())
        elif key == "EXPECT-NOT":
            d["not"].append(val.strip())
        elif key == "EXPECT-COUNT":
            n, text = val.strip().split(" ", 1)
            d["count"].append((int(n), text))
        elif key == "ENV":
            k, v = val.strip().split("=", 1)
            d["env"][k] = v.replace("{{SRCDIR}}", os.path.dirname(os.path.abspath(path)))
        elif key == "ARGS":
            d["args"] = val.split()
        elif key == "CFLAGS":
            d["cflags"] = val.split()
        elif key == "LIBS":
            d["libs"] = val.split()
        elif key == "SHLIB":
            d["shlibs"].append(val.strip())
    return d, marks


def pattern(text, marks, fname):
    out = ""
    pos = 0
    for m in re.finditer(r"\{\{([^}]*)\}\}", text):
        out += re.escape(text[pos:m.start()])
        tok = m.group(1)
        if tok == "ADDR":
            out += r"0x[0-9a-f]+"
        elif tok == "OFF":
            out += r"\+0x[0-9a-f]+"
        elif tok == "NUM":
            out += r"[0-9]+"
        elif tok == "FILE":
            out += r"\S*" + re.escape(fname)
        elif tok.startswith("FILE:"):
            out += r"\S*" + re.escape(tok[5:])
        elif tok.startswith("LINE:"):
            name = tok[5:]
            if name not in marks:
                raise ValueError("no LINE:%s mark in %s" % (name, fname))
            out += str(marks[name])
        else:
            raise ValueError("unknown placeholder {{%s}}" % tok)
        pos = m.end()
    out += re.escape(text[pos:])
    return re.compile("^" + out + "$")


def check(path, build, cc, suite="e2e"):
    name = os.path.splitext(os.path.basename(path))[0]
    d, marks = directives(path)
    problems = []
    if d["exit"] is None:
        return ["no EXPECT-EXIT directive"]
    by_name = suite == "e2e"
    finding = name.startswith(("race_", "uaf_", "deadlock_", "leak_", "misuse_")) if by_name else d["exit"] != 0
    silent = name.startswith("norace_") if by_name else d["exit"] == 0
    if finding and not any("WARNING:" in e or "fatal error" in e or "panic:" in e for e in d["expect"]):
        return ["finding test without an EXPECT of a WARNING, fatal error or panic line"]
    if silent and not any(n.startswith("WARNING") for n in d["not"]):
        return ["silent test without EXPECT-NOT: WARNING"]
    outdir = os.path.join(build, suite, os.path.basename(cc))
    os.makedirs(outdir, exist_ok=True)
    exe = os.path.join(outdir, name)
    crace = os.path.join(build, "bin", "crace")
    std = "-std=gnu11"
    if path.endswith(".cpp"):
        # C++ tests: the same compiler's C++ driver.
        cc = {"gcc": "g++", "clang": "clang++"}.get(os.path.basename(cc), cc)
        std = "-std=gnu++17"
    env = dict(os.environ, CRACE_CC=cc)
    env.pop("CRACE_OPTIONS", None)
    cmd = [crace, "cc", std, "-O1", "-g", "-pthread", "-I" + os.path.join(ROOT, "runtime", "include")]
    cmd += d["cflags"] + ["-o", exe, path] + d["libs"] + ["-L" + os.path.join(build, "lib"),
                          "-Wl,-rpath," + os.path.abspath(os.path.join(build, "lib")), "-lgochan"]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        return ["compile failed:\n" + r.stdout + r.stderr]
    for lib in d["shlibs"]:
        src = os.path.join(HERE, "lib", lib + ".c")
        cmd = [crace, "cc", "-std=gnu11", "-O1", "-g", "-shared", "-fPIC", "-o",
               os.path.join(outdir, "lib%s.so" % lib), src]
        r = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if r.returncode != 0:
            return ["compile of %s failed:\n" % src + r.stdout + r.stderr]
    env.update(d["env"])
    # A session of its own: on a timeout the whole group goes, the program
    # crace run started included (killing crace alone left it spinning).
    p = subprocess.Popen([crace, "run", exe] + d["args"], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, cwd=outdir, start_new_session=True)
    try:
        stdout, stderr = p.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        return ["timed out after %d s" % TIMEOUT]
    r = subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr)
    out = r.stdout + r.stderr
    lines = out.split("\n")
    if r.returncode != d["exit"]:
        problems.append("exit status %d, expected %d" % (r.returncode, d["exit"]))
    i = 0
    for e in d["expect"]:
        pat = pattern(e, marks, os.path.basename(path))
        while i < len(lines) and not pat.match(lines[i]):
            i += 1
        if i == len(lines):
            problems.append("missing (in order): %r" % e)
            break
        i += 1
    for n in d["not"]:
        if n in out:
            problems.append("unexpected: %r" % n)
    for n, text in d["count"]:
        got = sum(1 for l in lines if text in l)
        if got != n:
            problems.append("%d lines with %r, expected %d" % (got, text, n))
    if problems:
        problems.append("output was:\n" + out)
    return problems


def main():
    args = sys.argv[1:]
    top, suite = HERE, "e2e"
    if args[:1] == ["--dir"] and len(args) > 1:
        top = os.path.abspath(args[1])
        suite = os.path.basename(top)
        args = args[2:]
    if len(args) < 2:
        sys.exit("usage: run.py [--dir DIR] BUILD_DIR CC [CC...]")
    build = os.path.abspath(args[0])
    only = os.environ.get("E2E_ONLY")
    # tests/e2e/lib holds the sources of SHLIB libraries and headers the
    # tests share, not tests.
    lib = os.path.join(HERE, "lib")
    tests = sorted(os.path.relpath(os.path.join(d, f), top) for d, _, files in os.walk(top)
                   if d != lib for f in files if f.endswith((".c", ".cpp")) and (not only or only in f))
    passed = failed = 0
    for cc in args[1:]:
        for t in tests:
            problems = check(os.path.join(top, t), build, cc, suite)
            if problems:
                failed += 1
                print("FAIL %s [%s]" % (t, cc))
                for p in problems:
                    print("    " + p.replace("\n", "\n    "))
            else:
                passed += 1
                print("ok   %s [%s]" % (t, cc))
    print("%s: %d passed, %d failed" % (suite, passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
