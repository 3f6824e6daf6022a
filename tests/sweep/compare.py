#!/usr/bin/env python3
"""Compares `warroom sweep --format tsv` output with gen.py's truth.tsv.

usage: compare.py TRUTH.tsv OUTPUT.tsv
Both are reduced to (file, line, indicator). Prints precision, recall and up
to 20 differences; exit 0 only when both sets are equal."""
import sys


def load(path, skip_header):
    rows = set()
    with open(path, encoding="utf-8", errors="replace") as f:
        for i, ln in enumerate(f):
            if skip_header and i == 0:
                continue
            r = ln.rstrip("\n").split("\t")
            if len(r) < 3:
                continue
            rows.add((r[0], int(r[1]), r[2]))
    return rows


def main():
    truth = load(sys.argv[1], True)
    got = load(sys.argv[2], False)
    tp = len(truth & got)
    precision = tp / len(got) if got else 1.0
    recall = tp / len(truth) if truth else 1.0
    print("truth %d, found %d, precision %.6f, recall %.6f" % (len(truth), len(got), precision, recall))
    for x in sorted(got - truth)[:20]:
        print("EXTRA\t%s\t%d\t%s" % x)
    for x in sorted(truth - got)[:20]:
        print("MISSING\t%s\t%d\t%s" % x)
    return 0 if truth == got else 1


if __name__ == "__main__":
    sys.exit(main())
