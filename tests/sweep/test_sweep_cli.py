#!/usr/bin/env python3
"""`warroom sweep` end to end: a small gen.py corpus (fixed seed, some files
gzip- and zstd-compressed) swept with 1 and 2 threads must give exactly
truth.tsv (precision = recall = 1), from iocs.tsv and from iocs.txt; then
the output formats, standard input and the exit statuses.

Environment: WARROOM_BIN (the binary), WARROOM_SOURCE_DIR, WARROOM_BUILD_DIR."""
import hashlib
import http.server
import json
import os
import threading
import shutil
import socket
import subprocess
import sys
import tempfile

BIN = os.environ.get("WARROOM_BIN", "build/warroom")
SRC = os.environ.get("WARROOM_SOURCE_DIR", ".")
BUILD = os.environ.get("WARROOM_BUILD_DIR", "build")
GEN = os.path.join(SRC, "bench", "sweep", "gen.py")
from sweepcheck import check, run_all


def sweep(args, stdin=None, cwd=None):
    p = subprocess.run([BIN, "sweep"] + args, input=stdin, capture_output=True, cwd=cwd, timeout=300)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def rows(tsv):
    out = set()
    for ln in tsv.splitlines():
        r = ln.split("\t")
        out.add((r[0], int(r[1]), r[2]))
    return out


def corpus():
    """A few-MB corpus, generated once per build directory."""
    d = os.path.join(BUILD, "sweep-corpus")
    if os.path.exists(os.path.join(d, "truth.tsv")):
        return d
    if os.path.exists(d):
        shutil.rmtree(d)
    subprocess.run([sys.executable, GEN, "--out", d, "--seed", "7", "--size", "6M", "--iocs", "3000",
                    "--hits", "400", "--decoys", "1500", "--file-size", "512K", "--gzip-frac", "0.2"],
                   check=True, capture_output=True)
    # One plain file recompressed with zstd under a name that does not say so:
    # the content decides.
    logs = sorted(os.path.join(r, n) for r, _, ns in os.walk(os.path.join(d, "logs")) for n in ns)
    plain = [f for f in logs if not f.endswith(".gz")]
    victim = plain[len(plain) // 2]
    subprocess.run(["zstd", "-q", "-f", victim, "-o", victim + ".tmp"], check=True)
    os.replace(victim + ".tmp", victim)
    return d


def test_corpus():
    d = corpus()
    truth = set()
    with open(os.path.join(d, "truth.tsv")) as f:
        next(f)
        for ln in f:
            r = ln.rstrip("\n").split("\t")
            truth.add((r[0], int(r[1]), r[2]))
    check(len(truth) > 300, "corpus has planted hits (%d)" % len(truth))
    outs = []
    for iocs in ("iocs.tsv", "iocs.txt"):
        for threads in ("1", "2"):
            rc, out, err = sweep(["--iocs", iocs, "--format", "tsv", "--threads", threads, "logs"], cwd=d)
            got = rows(out)
            extra, missing = got - truth, truth - got
            check(rc == 1, "%s threads %s: exit 1 (got %d: %s)" % (iocs, threads, rc, err[-300:]))
            check(not extra and not missing,
                  "%s threads %s: %d extra %s, %d missing %s" % (iocs, threads, len(extra), sorted(extra)[:3],
                                                              len(missing), sorted(missing)[:3]))
            check(len(out.splitlines()) == len(got), "one line per (file, line, indicator)")
            outs.append(out)
            check("files" in err and "MB/s" in err, "summary on stderr")
    check(outs[0] == outs[1], "same output with 1 and 2 threads")
    # Every byte-class kernel this processor has (WARROOM_SWEEP_KERNEL) gives
    # the same output; an unknown name is refused.
    env = dict(os.environ)
    tried = 0
    for k in ("c", "sse2", "avx2", "avx512"):
        env["WARROOM_SWEEP_KERNEL"] = k
        p = subprocess.run([BIN, "sweep", "--iocs", "iocs.tsv", "--format", "tsv", "--threads", "2", "logs"],
                           capture_output=True, cwd=d, env=env, timeout=300)
        if p.returncode == 2 and b"lacks it" in p.stderr:
            continue
        tried += 1
        check(p.returncode == 1 and p.stdout.decode() == outs[0], "kernel %s: same output" % k)
    check(tried >= 1, "at least one kernel named (%d)" % tried)
    env["WARROOM_SWEEP_KERNEL"] = "neon"
    p = subprocess.run([BIN, "sweep", "--iocs", "iocs.tsv", "logs"], capture_output=True, cwd=d, env=env,
                       timeout=60)
    check(p.returncode == 2 and b"WARROOM_SWEEP_KERNEL" in p.stderr, "unknown kernel refused")


def test_formats_stdin_exit():
    tmp = tempfile.mkdtemp(prefix="wr-sweep-cli-")
    try:
        iocs = os.path.join(tmp, "iocs.csv")
        with open(iocs, "w") as f:
            f.write("value,type,source,tags\nevil.example,domain,feed-a,apt1;phish\n"
                    "198.51.100.7,ipv4,feed-b,\n")
        log = os.path.join(tmp, "a.log")
        data = b"first line\r\nGET http://www.EVIL.example/x from 198.51.100.7:443\r\n\xff\x00 evil.example\n"
        with open(log, "wb") as f:
            f.write(data)
        rc, out, err = sweep(["--iocs", iocs, "--format", "json", log])
        check(rc == 1, "json: exit 1 on hits (%d %s)" % (rc, err))
        objs = [json.loads(x) for x in out.splitlines()]
        check(len(objs) == 3, "json: three hits (%s)" % out)
        o = objs[0]
        check(o["path"] == log and o["line"] == 2 and o["indicator"] == "evil.example"
              and o["type"] == "domain" and o["match"] == "www.EVIL.example"
              and o["sources"] == ["feed-a"] and o["tags"] == ["apt1", "phish"], "json fields: %s" % o)
        check(data[o["offset"]:o["offset"] + len(o["match"])] == b"www.EVIL.example", "json offset")
        check(objs[2]["line"] == 3, "json: line after NUL and invalid UTF-8")

        rc, out, _ = sweep(["--iocs", iocs, "--format", "tsv", "-"], stdin=data)
        check(rc == 1 and out.startswith("-\t2\tevil.example\tdomain\twww.EVIL.example\n"), "stdin: %r" % out)
        rc, out, _ = sweep(["--iocs", iocs, "-"], stdin=data)
        check(rc == 1 and "-:2: domain evil.example (seen as www.EVIL.example) [feed-a]" in out, "text: %r" % out)

        clean = os.path.join(tmp, "clean.log")
        with open(clean, "w") as f:
            f.write("notevil.example 198.51.100.70\n")
        rc, out, _ = sweep(["--iocs", iocs, clean])
        check(rc == 0 and out == "", "exit 0 when nothing is found (%d)" % rc)
        rc, out, err = sweep(["--iocs", iocs, "--format", "tsv", os.path.join(tmp, "missing"), log])
        check(rc == 2, "exit 2 on an unreadable path (%d)" % rc)
        check("missing: No such file" in err, "message names the path: %s" % err)
        check(len(out.splitlines()) == 3, "the rest is still swept")
        rc, _, err = sweep(["--iocs", os.path.join(tmp, "nope.txt"), log])
        check(rc == 2 and "nope.txt" in err, "exit 2 when an indicator file is missing")
        bad = os.path.join(tmp, "bad.csv")
        with open(bad, "w") as f:
            f.write("value,type\nevil.example,domain\n\"broken,domain\n")
        rc, _, err = sweep(["--iocs", bad, log])
        check(rc == 2 and ":3:" in err or "line 3" in err, "malformed list refused with its line: %s" % err)
        rc, _, err = sweep(["--iocs", iocs, "--format", "xml", log])
        check(rc == 2, "exit 2 on a bad option")
        empty = os.path.join(tmp, "empty.txt")
        with open(empty, "w") as f:
            f.write("# only a comment, no indicator\n\n")
        rc, out, err = sweep(["--iocs", empty, log])
        check(rc == 2 and out == "" and "no usable indicator" in err,
              "exit 2 on an empty indicator set (%d %s)" % (rc, err))
    finally:
        shutil.rmtree(tmp)


def test_hash_files():
    tmp = tempfile.mkdtemp(prefix="wr-sweep-hash-")
    try:
        tree = os.path.join(tmp, "tree")
        os.makedirs(os.path.join(tree, "sub"))
        payload = b"MZ pretend this is malware\x00\x01"
        with open(os.path.join(tree, "sub", "dropper.bin"), "wb") as f:
            f.write(payload)
        with open(os.path.join(tree, "ok.txt"), "w") as f:
            f.write("nothing here\n")
        outside = os.path.join(tmp, "outside.bin")
        with open(outside, "wb") as f:
            f.write(payload + b"x")
        os.symlink(outside, os.path.join(tree, "link-out"))
        iocs = os.path.join(tmp, "iocs.txt")
        with open(iocs, "w") as f:
            f.write(hashlib.sha256(payload).hexdigest().upper() + "\n")
            f.write(hashlib.md5(payload).hexdigest() + "\n")
            f.write(hashlib.sha1(payload + b"x").hexdigest() + "\n")
        rc, out, err = sweep(["--iocs", iocs, "--format", "tsv", "--hash-files", tree])
        lines = sorted(out.splitlines())
        check(rc == 1, "hash-files: exit 1 (%d %s)" % (rc, err))
        check(len(lines) == 2 and all("\tdropper.bin" not in x for x in lines)
              and all("/sub/dropper.bin\t0\t" in x for x in lines), "hash-files hits: %s" % lines)
        check("link-out: a link out of the tree" in err, "no hashing through a link out of the tree: %s" % err)
        rc, out, err = sweep(["--iocs", iocs, "--format", "tsv", "--hash-files", "--max-file-size", "1",
                              os.path.join(tree, "sub")])
        check(rc == 1 and len(out.splitlines()) == 2, "size limit in MiB lets small files through")
        # A filename indicator matches a file's base name in any case, hashed or not;
        # the same name inside a line of a log is not a file.
        with open(iocs, "w") as f:
            f.write("Dropper.BIN\tfilename\nnothing-here.exe\tfilename\n")
        with open(os.path.join(tree, "ok.txt"), "w") as f:
            f.write("ran dropper.bin from a share\n")
        rc, out, err = sweep(["--iocs", iocs, "--format", "tsv", tree])
        want = "%s\t0\tDropper.BIN\tfilename\tdropper.bin" % os.path.join(tree, "sub", "dropper.bin")
        check(rc == 1 and out.splitlines() == [want], "filename indicator: %r (%d %s)" % (out, rc, err))
    finally:
        shutil.rmtree(tmp)


class Sink(http.server.BaseHTTPRequestHandler):
    got = []

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        Sink.got.append((self.path, self.headers.get("Authorization"), self.rfile.read(n)))
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"accepted": true}')

    def log_message(self, *a):
        pass


def test_report():
    srv = http.server.HTTPServer(("127.0.0.1", 0), Sink)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    tmp = tempfile.mkdtemp(prefix="wr-sweep-report-")
    try:
        iocs = os.path.join(tmp, "iocs.tsv")
        with open(iocs, "w") as f:
            f.write("bad.example\tdomain\tfeed-a\n198.51.100.7\tipv4\tfeed-b\nquiet.example\tdomain\tx\n"
                    "notime.example\tdomain\tx\n")
        log = os.path.join(tmp, "a.log")
        with open(log, "w") as f:
            # Two lines that carry their time (an ISO time with an offset, an
            # Apache one), one that does not.
            f.write("2024-01-15T10:00:00+01:00 q x.bad.example\n"
                    "10.0.0.1 - - [15/Jan/2024:12:30:00 +0000] \"GET http://bad.example/ HTTP/1.1\" 198.51.100.7\n"
                    "bad.example notime.example\n")
        url = "http://127.0.0.1:%d/" % srv.server_address[1]
        rc, out, err = sweep(["--iocs", iocs, "--format", "tsv", "--report", url, "--token", "T0K", log])
        check(rc == 1, "report: exit 1 (%d %s)" % (rc, err))
        check(len(Sink.got) == 1, "one POST")
        path, auth, body = Sink.got[0]
        doc = json.loads(body)
        check(path == "/api/v1/sightings" and auth == "Bearer T0K", "path and token: %s %s" % (path, auth))
        sight = {s["indicator"]: s for s in doc["sightings"]}
        check(set(sight) == {"bad.example", "198.51.100.7", "notime.example"}, "aggregated per indicator: %s" % doc)
        check(sight["bad.example"]["count"] == 3 and sight["bad.example"]["sources"] == ["feed-a"]
              and sight["198.51.100.7"]["type"] == "ipv4", "counts and sources: %s" % sight)
        check(doc["totals"]["hits"] == 5 and doc["totals"]["files"] == 1, "totals: %s" % doc["totals"])
        host = socket.gethostname()
        for ind, s in sight.items():
            check(set(s) == {"indicator", "type", "count", "sources", "tags", "first_seen",
                             "last_seen", "where"}, "sighting keys as documented: %s" % s)
            want = {"bad.example": ("2024-01-15T09:00:00Z", "2024-01-15T12:30:00Z"),
                    "198.51.100.7": ("2024-01-15T12:30:00Z", "2024-01-15T12:30:00Z"),
                    "notime.example": (doc["swept_at"], doc["swept_at"])}[ind]
            check((s["first_seen"], s["last_seen"]) == want and s["first_seen"].endswith("Z"),
                  "first/last seen: the lines' own times, else the sweep time: %s, want %s" % (s, want))
            check(s["where"] == {"host": host, "path": log}, "where: host and log path: %s" % s)
        check(set(doc) == {"reporter", "host", "swept_at", "totals", "sightings"} and doc["host"] == host,
              "top-level body as documented: %s" % sorted(doc))
        # The json hits carry the line's time when it has one.
        rc, out, err = sweep(["--iocs", iocs, "--format", "json", log])
        times = sorted((h["line"], h["indicator"], h.get("log_time") or "") for h in map(json.loads, out.splitlines()))
        check(times == [(1, "bad.example", "2024-01-15T09:00:00Z"), (2, "198.51.100.7", "2024-01-15T12:30:00Z"),
                        (2, "bad.example", "2024-01-15T12:30:00Z"), (3, "bad.example", ""),
                        (3, "notime.example", "")], "json log_time: %s" % times)
        rc, _, err = sweep(["--iocs", iocs, "--report", "http://127.0.0.1:9/", "--token", "x", log])
        check(rc == 2 and "report" in err, "exit 2 when the report cannot be sent: %s" % err)
        rc, _, err = sweep(["--iocs", iocs, "--report", url, log])
        check(rc == 2 and "--token" in err, "--report needs a token")
    finally:
        srv.shutdown()
        shutil.rmtree(tmp)


def peak_kb(args, stdin_path=None):
    """Runs warroom sweep under /usr/bin/time: (exit status, tsv lines, peak KB)."""
    tmp = tempfile.mkdtemp()
    try:
        out, tm = os.path.join(tmp, "out.tsv"), os.path.join(tmp, "time")
        with open(out, "wb") as fo, open(stdin_path or os.devnull, "rb") as fi:
            p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tm, BIN, "sweep"] + args,
                               stdin=fi, stdout=fo, stderr=subprocess.PIPE, timeout=600)
        with open(tm) as f:
            kb = int(f.read().split()[-1])
        with open(out, "rb") as f:
            return p.returncode, f.read().decode().splitlines(), kb
    finally:
        shutil.rmtree(tmp)


def test_all_hit_memory_bounded():
    """A log where every line hits: the hits are printed as the sweep goes,
    so memory does not grow with the log (issue 6: bounded by the indicator
    set and a fixed buffer per thread), and every line is still reported
    once, with its right number, across the 32 MiB chunks of a big file and
    with two threads (a full chunk waits for its turn to print)."""
    # Under AddressSanitizer freed blocks sit in its quarantine, so the peak
    # says nothing about the sweeper's own memory: only the output is checked.
    asan = "ASAN_OPTIONS" in os.environ
    tmp = tempfile.mkdtemp()
    try:
        iocs = os.path.join(tmp, "iocs.txt")
        with open(iocs, "w") as f:
            f.write("10.0.0.1\n")
        peaks = {}
        for n in (500_000, 3_400_000):  # 5.5 MB and 37 MB (two chunks)
            log = os.path.join(tmp, "all-%d.log" % n)
            with open(log, "w") as f:
                f.write("10.0.0.1 x\n" * n)
            runs = [("file", "2")] if asan else [("file", "1"), ("stdin", "1"), ("file", "2")]
            if asan and n < 3_400_000:
                continue
            for how, threads in runs:
                args = ["--iocs", iocs, "--format", "tsv", "--threads", threads]
                rc, out, kb = peak_kb(args + ([log] if how == "file" else ["-"]),
                                      log if how == "stdin" else None)
                what = "%s, %s thread(s), %d lines" % (how, threads, n)
                check(rc == 1 and len(out) == n, "%s: every line hit once (%d)" % (what, len(out)))
                nums = [int(r.split("\t")[1]) for r in out]
                check(nums == list(range(1, n + 1)), "%s: line numbers 1..%d in order" % (what, n))
                peaks[(how, threads, n)] = kb
        if not asan:
            for how in ("file", "stdin"):
                grown = peaks[(how, "1", 3_400_000)] - peaks[(how, "1", 500_000)]
                check(grown < 16 * 1024, "%s: 7x the hits grew peak memory by %d KB (%s)" % (how, grown, peaks))
    finally:
        shutil.rmtree(tmp)

if __name__ == "__main__":
    run_all(test_corpus, test_formats_stdin_exit, test_hash_files, test_report,
            test_all_hit_memory_bounded)
