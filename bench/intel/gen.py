#!/usr/bin/python3
"""Generates the intel benchmark's inputs: N indicators as CSV (value,
type, source, tags; a mix of IPv4, domains, URLs and SHA-256 hashes with
TLP tags) and an M-indicator STIX 2.1 bundle (one indicator per value,
TLP 2.0 markings, valid_until). Deterministic (seeded).
usage: gen.py csv N OUT | gen.py stix M OUT"""
import hashlib
import json
import random
import sys

TLPS = ["tlp:clear", "tlp:green", "tlp:amber", "tlp:amber"]
MARKS = ["marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
         "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
         "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"]


def value(i):
    k = i % 4
    if k == 0:
        return "ipv4", "%d.%d.%d.%d" % (11 + (i >> 24) % 200, (i >> 16) & 255, (i >> 8) & 255, i & 255)
    if k == 1:
        return "domain", "host%d.bench-%d.example" % (i, i % 997)
    if k == 2:
        return "url", "http://u%d.bench.example/p/%d" % (i % 50000, i)
    return "sha256", hashlib.sha256(b"%d" % i).hexdigest()


def csv(n, out):
    rnd = random.Random(1)
    with open(out, "w") as f:
        f.write("value,type,source,tags\n")
        for i in range(n):
            t, v = value(i)
            f.write("%s,%s,bench-feed-%d,%s\n" % (v, t, i % 7, rnd.choice(TLPS)))


def stix(m, out):
    paths = {"ipv4": "ipv4-addr:value", "domain": "domain-name:value", "url": "url:value",
             "sha256": "file:hashes.'SHA-256'"}
    objs = []
    for i in range(m):
        t, v = value(i + 10_000_000)
        objs.append({"type": "indicator", "spec_version": "2.1",
                     "id": "indicator--%08x-0000-4000-8000-%012x" % (i, i),
                     "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
                     "pattern": "[%s = '%s']" % (paths[t], v), "pattern_type": "stix",
                     "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2030-01-01T00:00:00Z",
                     "object_marking_refs": [MARKS[i % 3]]})
    with open(out, "w") as f:
        json.dump({"type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000000", "objects": objs}, f)


if __name__ == "__main__":
    {"csv": csv, "stix": stix}[sys.argv[1]](int(sys.argv[2]), sys.argv[3])
