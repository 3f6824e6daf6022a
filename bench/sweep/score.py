#!/usr/bin/env python3
"""score.py: precision and recall of one tool's output against the corpus truth.

usage: score.py --corpus DIR --format tsv|grep [--details FILE] [--json] OUTPUT

Claims and truth are sets of (file, line, ioc) triples; the truth is DIR/truth.tsv
(file<TAB>line<TAB>ioc<TAB>type<TAB>sources<TAB>variant, file relative to DIR).

  tsv   warroom sweep --format tsv and hs_baseline:
        path<TAB>line<TAB>indicator<TAB>type<TAB>matched-text
  grep  grep -n -o / rg -n -o --no-heading:  path:line:matched-text

The indicator (tsv) or the matched text (grep) is mapped to an indicator of
DIR/iocs.tsv: exactly, else case-insensitively, else by the canonical form of an
IP address or network. For the substring tools a match of a value anywhere in a
line is a claim of that indicator on that line, so a decoy like notbad.com is a
false positive for bad.com. Text that maps to no indicator stays a claim of
itself (a false positive). Paths lose a leading "./" and, when absolute, are
made relative to DIR.

Prints one line: tp=N fp=N fn=N precision=P recall=R (or JSON with --json).
--details FILE writes every FP and FN, with the truth variant of a FN and the
decoy kind planted on the line of a FP.
"""
import argparse
import ipaddress
import json
import os
import sys


def canon(v):
    """A case- and notation-insensitive key for an indicator value."""
    s = v.strip()
    if "://" not in s and (":" in s or "/" in s):
        try:
            if "/" in s:
                return str(ipaddress.ip_network(s, strict=False))
            return ipaddress.ip_address(s).compressed
        except ValueError:
            pass
    return s.lower()


class Iocs:
    def __init__(self, path):
        self.exact, self.lower, self.canon, self.type = set(), {}, {}, {}
        with open(path, encoding="utf-8") as f:
            for ln in f:
                if ln.startswith("#") or not ln.strip():
                    continue
                r = ln.rstrip("\n").split("\t")
                v = r[0]
                self.exact.add(v)
                self.type[v] = r[1] if len(r) > 1 else "-"
                self.lower.setdefault(v.lower(), v)
                self.canon.setdefault(canon(v), v)

    def map(self, text):
        if text in self.exact:
            return text
        v = self.lower.get(text.lower())
        if v is not None:
            return v
        return self.canon.get(canon(text), text)


def norm_path(p, corpus):
    if os.path.isabs(p):
        p = os.path.relpath(p, corpus)
    while p.startswith("./"):
        p = p[2:]
    return p


def read_claims(path, fmt, iocs, corpus):
    claims = set()
    bad = 0
    with open(path, encoding="utf-8", errors="surrogateescape", newline="\n") as f:
        for ln in f:
            ln = ln.rstrip("\n")
            if not ln:
                continue
            if fmt == "tsv":
                r = ln.split("\t")
                if len(r) < 3:
                    bad += 1
                    continue
                p, line, text = r[0], r[1], r[2]
            else:
                r = ln.split(":", 2)
                if len(r) < 3:
                    bad += 1
                    continue
                p, line, text = r
            try:
                n = int(line)
            except ValueError:
                bad += 1
                continue
            claims.add((norm_path(p, corpus), n, iocs.map(text)))
    return claims, bad


def read_truth(corpus):
    truth, variant = set(), {}
    with open(os.path.join(corpus, "truth.tsv"), encoding="utf-8") as f:
        next(f)
        for ln in f:
            r = ln.rstrip("\n").split("\t")
            k = (r[0], int(r[1]), r[2])
            truth.add(k)
            variant[k] = r[5] if len(r) > 5 else ""
    return truth, variant


def read_decoys(corpus):
    kinds = {}
    p = os.path.join(corpus, "decoys.tsv")
    if os.path.exists(p):
        with open(p, encoding="utf-8") as f:
            next(f)
            for ln in f:
                r = ln.rstrip("\n").split("\t")
                kinds[(r[0], int(r[1]))] = "decoy %s (token %s, target %s)" % (r[4], r[2], r[3])
    return kinds


def ratio(v):
    """1 only when exact: never rounds 0.99996 up to 1.0000."""
    return "1.0" if v == 1.0 else "%.4f" % (int(v * 10000) / 10000)


def score(truth, claims):
    tp = len(truth & claims)
    fp = len(claims - truth)
    fn = len(truth - claims)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return tp, fp, fn, precision, recall


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--format", choices=("tsv", "grep"), required=True)
    ap.add_argument("--details")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("output")
    a = ap.parse_args()
    iocs = Iocs(os.path.join(a.corpus, "iocs.tsv"))
    truth, variant = read_truth(a.corpus)
    claims, bad = read_claims(a.output, a.format, iocs, a.corpus)
    tp, fp, fn, p, r = score(truth, claims)
    if a.details:
        decoys = read_decoys(a.corpus)
        with open(a.details, "w", encoding="utf-8", errors="surrogateescape") as f:
            for k in sorted(claims - truth):
                f.write("FP\t%s\t%d\t%s\t%s\t%s\n" % (k[0], k[1], k[2], iocs.type.get(k[2], "?"),
                                                     decoys.get((k[0], k[1]), "")))
            for k in sorted(truth - claims):
                f.write("FN\t%s\t%d\t%s\t%s\t%s\n" % (k[0], k[1], k[2], iocs.type.get(k[2], "?"), variant[k]))
    if bad:
        sys.stderr.write("score: %d unparsable output lines in %s\n" % (bad, a.output))
    if a.json:
        print(json.dumps({"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "unparsable": bad}))
    else:
        print("tp=%d fp=%d fn=%d precision=%s recall=%s" % (tp, fp, fn, ratio(p), ratio(r)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
