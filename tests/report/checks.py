#!/usr/bin/env python3
"""The checks behind tests/report/run.sh that need more than sh: each
subcommand checks one output of `crace report` and exits non-zero with the
reason on stderr when it is wrong.

    checks.py expected-text DIR...         print what --format text must print
    checks.py schema SCHEMA FILE...        every complete record validates, the rest does not
    checks.py doc-examples SCHEMA DOC      the ```json blocks of DOC validate
    checks.py json OUT INPUT...            --format json: merged records, one per finding
    checks.py sarif SCHEMA OUT N [RELPATH] validates against the official SARIF 2.1.0 schema
    checks.py junit OUT TESTS [SUITES]     parses, and its counts are right
    checks.py html OUT N                   self-contained, escaped, with sources
    checks.py png FILE W H                 a real, not blank, screenshot
    checks.py recipe DOC NAME              print the block marked <!-- recipe: NAME -->
    checks.py yaml DOC NAME                the recipe NAME parses as YAML

The reading rules (which files, which order, which lines count) are the
ones docs/report-format.md states, written again independently of the C.
"""
import json
import os
import re
import struct
import sys
import zlib
import xml.etree.ElementTree as ET


def fail(msg):
    sys.stderr.write(msg + "\n")
    sys.exit(1)


def jsonschema_module():
    try:
        import jsonschema
    except ImportError:
        fail("python3-jsonschema is not installed (apt-get install python3-jsonschema)")
    return jsonschema


# ------------------------------------------------------------ reading, as the doc says

def walk(path):
    """The files crace report reads for path: a file itself, or every
    *.jsonl under a directory, recursively, in byte order of names."""
    if not os.path.isdir(path):
        yield path
        return
    for name in sorted(os.listdir(path), key=os.fsencode):
        full = os.path.join(path, name)
        if os.path.isdir(full) and not os.path.islink(full):
            yield from walk(full)
        elif name.endswith(".jsonl") and os.path.isfile(full):
            yield full


def records(paths):
    """(file, line number, record) of every complete, usable line."""
    for p in paths:
        for f in walk(p):
            data = open(f, "rb").read()
            lines = data.split(b"\n")
            if lines[-1] == b"":
                lines.pop()  # the empty piece after the last newline
            # A last line without its newline counts when it is complete
            # JSON; cut short, it fails to parse like any damaged line.
            for i, raw in enumerate(lines, 1):
                try:
                    r = json.loads(raw.decode("utf-8"))
                except (UnicodeDecodeError, ValueError):
                    continue
                if not isinstance(r, dict) or r.get("schema") != "crace-report/1":
                    continue
                proc = r.get("process", {})
                if not all(isinstance(r.get(k), str) for k in
                           ("kind", "title", "message", "dedup_key", "text")):
                    continue
                if not isinstance(proc, dict) or type(proc.get("pid")) is not int \
                        or not isinstance(proc.get("executable"), str):
                    continue
                yield f, i, r


def merged(paths):
    """The findings: first record per (kind, dedup_key), with counts."""
    out = {}
    for _, _, r in records(paths):
        key = (r["kind"], r["dedup_key"])
        procs = [(p["pid"], p["executable"]) for p in r["merged"]["processes"]] \
            if "merged" in r else [(r["process"]["pid"], r["process"]["executable"])]
        n = r["merged"]["occurrences"] if "merged" in r else 1
        if key not in out:
            out[key] = {"record": r, "occurrences": 0, "processes": []}
        f = out[key]
        f["occurrences"] += n
        for p in procs:
            if p not in f["processes"]:
                f["processes"].append(p)
    return out


# ------------------------------------------------------------ subcommands

def expected_text(paths):
    sys.stdout.write("".join(f["record"]["text"] for f in merged(paths).values()))


def schema(schema_path, files):
    js = jsonschema_module()
    s = json.load(open(schema_path))
    js.Draft7Validator.check_schema(s)
    v = js.Draft7Validator(s)
    good = set((f, i) for f, i, _ in records(files))
    n = 0
    for f in files:
        lines = open(f, "rb").read().split(b"\n")
        if lines[-1] == b"":
            lines.pop()
        for i, raw in enumerate(lines, 1):
            try:
                r = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                continue  # not JSON at all: nothing to validate
            errors = list(v.iter_errors(r))
            if (f, i) in good and errors:
                fail("%s:%d: a usable record fails the schema: %s" % (f, i, errors[0].message))
            if (f, i) not in good and not errors:
                fail("%s:%d: an unusable line passes the schema" % (f, i))
            n += (f, i) in good
    if n == 0:
        fail("no record validated")
    print("%d records valid" % n)


def doc_examples(schema_path, doc):
    js = jsonschema_module()
    v = js.Draft7Validator(json.load(open(schema_path)))
    blocks = re.findall(r"```json\n(.*?)\n```", open(doc).read(), re.S)
    if len(blocks) < 2:
        fail("%s: expected a race and a deadlock example, found %d json blocks" % (doc, len(blocks)))
    kinds = []
    for b in blocks:
        r = json.loads(b)
        errors = list(v.iter_errors(r))
        if errors:
            fail("%s: example %s: %s" % (doc, r.get("kind"), errors[0].message))
        kinds.append(r["kind"])
    if "data_race" not in kinds or "deadlock" not in kinds:
        fail("%s: examples are %s, want a data_race and a deadlock" % (doc, kinds))


def check_json(out, inputs):
    want = merged(inputs)
    lines = open(out, "rb").read().split(b"\n")
    if lines[-1] != b"":
        fail("the last line has no newline")
    got = [json.loads(l) for l in lines[:-1]]
    if len(got) != len(want):
        fail("%d records, want %d" % (len(got), len(want)))
    for r, (key, w) in zip(got, want.items()):
        if (r["kind"], r["dedup_key"]) != key:
            fail("order: got %s, want %s" % ((r["kind"], r["dedup_key"]), key))
        m = r.pop("merged")
        orig = dict(w["record"])
        orig.pop("merged", None)
        if r != orig:
            fail("%s: the record changed on its way through" % (key,))
        procs = [(p["pid"], p["executable"]) for p in m["processes"]]
        if m["occurrences"] != w["occurrences"] or procs != w["processes"]:
            fail("%s: merged %s, want %d occurrences from %s" % (key, m, w["occurrences"], w["processes"]))
    print("%d merged records" % len(got))


URI = re.compile(r"^(file://)?(?:[A-Za-z0-9\-._~/]|%[0-9A-F]{2})+$")


def sarif(schema_path, out, n, relpath=None):
    js = jsonschema_module()
    s = json.load(open(schema_path))
    doc = json.load(open(out))
    v = js.Draft4Validator(s, format_checker=js.FormatChecker())
    errors = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
    if errors:
        e = errors[0]
        fail("not valid SARIF 2.1.0: %s at %s" % (e.message, "/".join(map(str, e.path))))
    run = doc["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    results = run["results"]
    if len(results) != int(n):
        fail("%d results, want %s" % (len(results), n))
    uris = []

    def collect(x):
        if isinstance(x, dict):
            if "artifactLocation" in x:
                uris.append(x["artifactLocation"]["uri"])
            for y in x.values():
                collect(y)
        elif isinstance(x, list):
            for y in x:
                collect(y)
    collect(results)
    for u in uris:
        if not URI.match(u):
            fail("not a well-formed URI reference: %r" % u)
        if not u.startswith("file://") and (u.startswith("/") or ":" in u):
            fail("relative URI that is not: %r" % u)
    for r in results:
        if r["ruleId"] not in rules or rules[r["ruleIndex"]] != r["ruleId"]:
            fail("result's rule %s/%d not among the rules" % (r["ruleId"], r["ruleIndex"]))
        if r["level"] != ("error" if r["ruleId"] in ("data_race", "heap_use_after_free", "deadlock", "panic") else "warning"):
            fail("%s: level %s" % (r["ruleId"], r["level"]))
        if len(r["locations"]) != 1 or "crace/v1" not in r["partialFingerprints"]:
            fail("%s: one location and a fingerprint expected" % r["ruleId"])
        if r["ruleId"] == "data_race":
            if len(r.get("relatedLocations", [])) != 1:
                fail("a race without its previous access as related location")
            if len(r["codeFlows"][0]["threadFlows"]) < 2:
                fail("a race without both access stacks as thread flows")
            for tf in r["codeFlows"][0]["threadFlows"]:
                levels = [l["nestingLevel"] for l in tf["locations"]]
                if levels != list(range(len(levels))):
                    fail("thread flow not outermost first: %s" % levels)
    if relpath and relpath not in uris:
        fail("no location with the relative URI %r; have %s" % (relpath, sorted(set(uris))))
    print("%d results, %d rules, %d locations" % (len(results), len(rules), len(uris)))


def junit(out, tests, suites=None):
    root = ET.parse(out).getroot()
    if root.tag != "testsuites":
        fail("root is <%s>" % root.tag)
    cases = root.findall("testsuite/testcase")
    if int(root.get("tests")) != int(tests) or int(root.get("failures")) != int(tests) \
            or len(cases) != int(tests):
        fail("tests=%s failures=%s cases=%d, want %s" % (root.get("tests"), root.get("failures"),
                                                        len(cases), tests))
    names = set()
    for suite in root.findall("testsuite"):
        n = len(suite.findall("testcase"))
        if int(suite.get("tests")) != n or int(suite.get("failures")) != n:
            fail("suite %s: tests=%s failures=%s for %d cases" % (suite.get("name"), suite.get("tests"),
                                                                 suite.get("failures"), n))
        names.add(suite.get("name"))
    for case in cases:
        f = case.find("failure")
        if f is None or f.get("type") != case.get("classname") or f.get("message") != case.get("name"):
            fail("testcase %s: no matching <failure>" % case.get("name"))
        if "==================" not in (f.text or "") and "goroutine" not in (f.text or ""):
            fail("testcase %s: the failure does not hold the report text" % case.get("name"))
    if suites is not None and len(names) != int(suites):
        fail("%d suites (%s), want %s" % (len(names), sorted(names), suites))
    print("%s tests in %d suites" % (tests, len(names)))


def html(out, n):
    from html.parser import HTMLParser
    text = open(out, encoding="utf-8").read()

    class Page(HTMLParser):
        def __init__(self):
            super().__init__()
            self.articles = 0
            self.hits = []
            self.in_hit = 0
            self.external = []
            self.stack = []

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "article":
                self.articles += 1
            for k in ("src", "href", "action", "data"):
                if k in a and not (a[k] or "").startswith("#"):
                    self.external.append((tag, k, a[k]))
            if tag == "link":
                self.external.append((tag, "link", a.get("href")))
            if tag == "span" and "hit" in (a.get("class") or "").split():
                self.in_hit += 1
                self.hits.append("")
            elif tag == "span" and self.in_hit:
                self.in_hit += 1

        def handle_endtag(self, tag):
            if tag == "span" and self.in_hit:
                self.in_hit -= 1

        def handle_data(self, data):
            if self.in_hit:
                self.hits[-1] += data

    p = Page()
    p.feed(text)
    if p.articles != int(n):
        fail("%d findings shown, want %s" % (p.articles, n))
    if p.external:
        fail("the page loads something: %s" % p.external[:3])
    if re.search(r"url\(|@import|https?://", text):
        fail("the page names a network resource")
    if "<script>alert" in text:
        fail("a record's markup reached the page unescaped")
    print("%d findings, %d highlighted source lines" % (p.articles, len(p.hits)))
    for h in p.hits:
        print("hit: " + h.strip())


def png(path, width, height):
    """Decodes the PNG (8-bit RGB or RGBA, as Chromium writes it) and
    checks it is the size asked for and shows a page, not a blank."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("not a PNG")
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    w, h, depth, color, _, _, interlace = ihdr
    if (w, h) != (int(width), int(height)):
        fail("%dx%d, want %sx%s" % (w, h, width, height))
    if depth != 8 or color not in (2, 6) or interlace:
        fail("unexpected PNG format: depth %d color %d interlace %d" % (depth, color, interlace))
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 0xff
            elif f == 2:
                line[x] = (line[x] + b) & 0xff
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xff
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xff
        rows.append(bytes(line))
        prev = line

    def pixel(x, y):
        return tuple(rows[y][x * bpp:x * bpp + 3])
    colors = set()
    for y in range(0, h, 3):
        for x in range(0, w, 3):
            colors.add(pixel(x, y))
    header = pixel(w // 2, 10)      # the dark title band
    body = pixel(w - 8, h // 2)     # the page's light background
    if len(colors) < 40:
        fail("only %d colours: a blank or broken page" % len(colors))
    if sum(header) > 200:
        fail("no dark header band at the top (pixel %s)" % (header,))
    if sum(body) < 600:
        fail("the page background is not light (pixel %s)" % (body,))
    # Text: some rows mix dark and light pixels in the findings' area.
    texty = sum(1 for y in range(120, h, 4)
                if any(sum(pixel(x, y)) < 250 for x in range(40, w - 40, 2)))
    if texty < 20:
        fail("hardly any text below the header (%d rows)" % texty)
    print("%dx%d, %d colours, header %s, %d text rows" % (w, h, len(colors), header, texty))


def recipe(doc, name):
    m = re.search(r"<!-- recipe: %s -->\s*```[a-z]*\n(.*?)```" % re.escape(name), open(doc).read(), re.S)
    if not m:
        fail("%s: no recipe %s" % (doc, name))
    sys.stdout.write(m.group(1))


def yaml_recipe(doc, name):
    try:
        import yaml
    except ImportError:
        print("skip: python3-yaml not installed")
        return
    m = re.search(r"<!-- recipe: %s -->\s*```yaml\n(.*?)```" % re.escape(name), open(doc).read(), re.S)
    if not m:
        fail("%s: no yaml recipe %s" % (doc, name))
    y = yaml.safe_load(m.group(1))
    text = json.dumps(y)
    if name == "gitlab" and y["race"]["artifacts"]["reports"]["junit"] != "crace-reports/junit.xml":
        fail("the GitLab job does not read the JUnit file check-race writes")
    if name == "github" and "github/codeql-action/upload-sarif" not in text:
        fail("the workflow does not upload the SARIF file")
    print("%s parses" % name)


COMMANDS = {
    "expected-text": lambda a: expected_text(a),
    "schema": lambda a: schema(a[0], a[1:]),
    "doc-examples": lambda a: doc_examples(*a),
    "json": lambda a: check_json(a[0], a[1:]),
    "sarif": lambda a: sarif(*a),
    "junit": lambda a: junit(*a),
    "html": lambda a: html(*a),
    "png": lambda a: png(*a),
    "recipe": lambda a: recipe(*a),
    "yaml": lambda a: yaml_recipe(*a),
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        fail(__doc__)
    COMMANDS[sys.argv[1]](sys.argv[2:])
