#!/usr/bin/env python3
"""The checks of tests/report/json_writer.sh that need more than sh.

    json_writer.py kinds KIND FILE...          every record is of KIND
    json_writer.py text LIVE REPORT FILE...    the records' texts were printed live; REPORT is them
    json_writer.py message SOURCE FILE...      messages and keys: no address, the source named;
                                               no goroutine numbers; a race's sides in order
    json_writer.py states [ID=STATE...] FILE... each goroutine's state is the one its
                                               record's text prints (a wait reason
                                               for "blocked"), and the ones given
"""
import json
import os
import re
import sys


def fail(msg):
    sys.stderr.write(msg + "\n")
    sys.exit(1)


def records(files):
    for f in files:
        for i, line in enumerate(open(f, encoding="utf-8"), 1):
            if not line.endswith("\n"):
                fail("%s:%d: no newline at the end of the record" % (f, i))
            yield json.loads(line)


def kinds(kind, files):
    rs = list(records(files))
    if not rs:
        fail("no records")
    for r in rs:
        if r["kind"] != kind:
            fail("kind %s, want %s" % (r["kind"], kind))


def text(live_path, report_path, files):
    """Each record's text was printed live, whole, in the order of the
    records (the program's own output may come between), and crace
    report printed the records' texts, each finding once."""
    live = open(live_path, encoding="utf-8", errors="replace").read()
    report = open(report_path, encoding="utf-8", errors="replace").read()
    pos = 0
    want = []
    for r in records(files):
        at = live.find(r["text"], pos)
        if at < 0:
            fail("a record's text was not printed live (in this order):\n--- record\n%s--- live\n%s"
                 % (r["text"], live))
        pos = at + len(r["text"])
        if r["text"] not in want:
            want.append(r["text"])
    if report != "".join(want):
        fail("crace report printed:\n%s--- want\n%s" % (report, "".join(want)))


def message(source, files):
    base = os.path.basename(source)
    for r in records(files):
        for field in ("message", "dedup_key"):
            if re.search(r"0x[0-9a-f]{6,}", r[field]):
                fail("%s has an address: %s" % (field, r[field]))
        if base not in r["message"]:
            fail("message does not name %s: %s" % (base, r["message"]))
        # The same finding, the same message in every run: no goroutine
        # numbers (thread start order), a race's sides in a fixed order.
        if re.search(r"goroutine \d|\((main |unknown )?goroutine\)", r["message"], re.I):
            fail("message names a goroutine: %s" % r["message"])
        m = re.match(r"Data race between (.+) at (\S+) and (.+) at (\S+)$", r["message"])
        if r["kind"] == "data_race" and (not m or (m.group(2), m.group(1)) > (m.group(4), m.group(3))):
            fail("message's sides are not in place, then access, order: %s" % r["message"])
        if source not in r["dedup_key"]:
            fail("dedup_key does not name %s: %s" % (source, r["dedup_key"]))


def states(args):
    want = dict(a.split("=", 1) for a in args if "=" in a)
    files = [a for a in args if "=" not in a]
    for r in records(files):
        for g in r["goroutines"]:
            m = re.search(r"^Goroutine %d \((\w+)\)" % g["id"], r["text"], re.M)
            # The text's "blocked" is the record's wait reason.
            shown = g["state"] if g["state"] in ("running", "finished") else "blocked"
            if m and m.group(1) != shown:
                fail("goroutine %d is %s in the record, %s in its text" % (g["id"], g["state"], m.group(1)))
            w = want.pop(str(g["id"]), None)
            if w is not None and w != g["state"]:
                fail("goroutine %d is %s in the record, want %s" % (g["id"], g["state"], w))
    if want:
        fail("no goroutine %s in the records" % ", ".join(want))


COMMANDS = {
    "kinds": lambda a: kinds(a[0], a[1:]),
    "text": lambda a: text(a[0], a[1], a[2:]),
    "message": lambda a: message(a[0], a[1:]),
    "states": states,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        fail(__doc__)
    COMMANDS[sys.argv[1]](sys.argv[2:])
