#!/usr/bin/env python3
"""The export writers checked from outside, on the awkward sample set of
tests/tools/export_sample.h: the STIX bundle against the official STIX 2.1
JSON schemas (tests/fixtures/stix-schemas), the pattern values, MISP's feed
layout (manifest, event file, hashes.csv), Zeek's intel file and Suricata's
datasets, each compared with the CSV export read by Python's csv module.

Environment: EXPORT_SAMPLE (the sample writer), WARROOM_SOURCE_DIR."""
import base64
import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile

import jsonschema

TOOL = os.environ.get("EXPORT_SAMPLE", "build/export_sample")
SRC = os.environ.get("WARROOM_SOURCE_DIR", ".")
SCHEMAS = os.path.join(SRC, "tests", "fixtures", "stix-schemas")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what, file=sys.stderr)


def export(*args):
    p = subprocess.run([TOOL] + list(args), capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8", "replace")


def csv_items():
    rc, out, err = export("csv")
    check(rc == 0, "csv export: %s" % err)
    rows = list(csv.DictReader(io.StringIO(out)))
    check(len(rows) == 14, "14 sample items in the CSV: %d" % len(rows))
    return rows


def unquote_csv(v):
    """The house CSV writer puts ' before a cell that starts like a formula."""
    return v[1:] if v[:1] == "'" and v[1:2] in "=+-@" else v


def schema_validator():
    store = {}
    for root, _, names in os.walk(SCHEMAS):
        for n in names:
            if n.endswith(".json"):
                with open(os.path.join(root, n)) as f:
                    s = json.load(f)
                store[s["$id"]] = s
    def validator(rel):
        s = store["http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/" + rel]
        resolver = jsonschema.RefResolver(base_uri=s["$id"], referrer=s, store=store)
        return jsonschema.Draft202012Validator(s, resolver=resolver)
    return validator


def test_stix(rows):
    rc, out, err = export("stix")
    check(rc == 0, "stix export: %s" % err)
    doc = json.loads(out)
    v = schema_validator()
    errs = list(v("common/bundle.json").iter_errors(doc))
    check(not errs, "bundle valid: %s" % [e.message for e in errs[:3]])
    per_type = {"indicator": "sdos/indicator.json", "identity": "sdos/identity.json",
                "marking-definition": "common/marking-definition.json"}
    seen = {}
    for o in doc["objects"]:
        errs = list(v(per_type[o["type"]]).iter_errors(o))
        check(not errs, "%s valid: %s" % (o["id"], [e.message for e in errs[:3]]))
        seen.setdefault(o["type"], []).append(o)
    check(len(seen["indicator"]) == 14 and len(seen["identity"]) == 1, "one indicator per item, one identity")
    levels = sorted(o["extensions"]["extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"]["tlp_2_0"]
                    for o in seen["marking-definition"])
    check(levels == ["amber", "amber+strict", "clear", "green", "red"], "TLP 2.0 markings used: %s" % levels)
    marks = {o["id"]: o["name"] for o in seen["marking-definition"]}
    # Each pattern compares one observable with the item's value, escaped.
    by_uuid = {}
    for o in seen["indicator"]:
        m = re.fullmatch(r"\[([a-z0-9-]+:[a-z_.'0-9A-Z-]+) = '((?:[^'\\]|\\.)*)'\]", o["pattern"])
        check(m is not None, "pattern shape: %s" % o["pattern"])
        value = re.sub(r"\\(.)", r"\1", m.group(2))
        by_uuid[o["id"]] = (m.group(1), value, marks[o["object_marking_refs"][0]])
    want_path = {"ipv4": "ipv4-addr:value", "ipv6": "ipv6-addr:value", "domain": "domain-name:value",
                 "hostname": "domain-name:value", "url": "url:value", "email": "email-addr:value",
                 "md5": "file:hashes.'MD5'", "sha1": "file:hashes.'SHA-1'",
                 "sha256": "file:hashes.'SHA-256'", "filename": "file:name"}
    got = sorted(by_uuid.values())
    want = []
    for r in rows:
        path = want_path.get(r["type"]) or ("ipv6-addr:value" if ":" in r["value"] else "ipv4-addr:value")
        want.append((path, unquote_csv(r["value"]), "TLP:" + r["tlp"]))
    check(got == sorted(want), "STIX values and TLP equal the CSV's:\n%s\n%s" % (got, sorted(want)))


def test_misp_feed(rows):
    with tempfile.TemporaryDirectory() as d:
        rc, _, err = export("misp-feed", d)
        check(rc == 0, "misp-feed export: %s" % err)
        check(sorted(os.listdir(d)) == sorted(["manifest.json", "hashes.csv",
                                              "5e1f0c2a-8d4b-4f6e-9a7b-3c2d1e0f9a8b.json"]),
              "feed files: %s" % os.listdir(d))
        manifest = json.load(open(os.path.join(d, "manifest.json")))
        uuid = "5e1f0c2a-8d4b-4f6e-9a7b-3c2d1e0f9a8b"
        check(list(manifest) == [uuid], "manifest keyed by the event uuid")
        head = manifest[uuid]
        check({"info", "date", "timestamp", "threat_level_id", "analysis", "Orgc", "Tag"} <= set(head),
              "manifest entry fields: %s" % sorted(head))
        ev = json.load(open(os.path.join(d, uuid + ".json")))["Event"]
        check(ev["uuid"] == uuid and ev["info"] == head["info"], "event file matches the manifest")
        check([t["name"] for t in ev["Tag"]] == ["tlp:red"], "event TLP: the most restrictive item's")
        values = sorted(a["value"] for a in ev["Attribute"])
        check(values == sorted(unquote_csv(r["value"]) for r in rows), "every value is an attribute")
        for a in ev["Attribute"]:
            check(any(t["name"].startswith("tlp:") for t in a["Tag"]), "attribute TLP tag: %s" % a)
        lines = open(os.path.join(d, "hashes.csv")).read().splitlines()
        want = sorted("%s,%s" % (hashlib.md5(v.encode()).hexdigest(), uuid) for v in values)
        check(sorted(lines) == want, "hashes.csv: md5 of each value and the event uuid")


def test_zeek_suricata(rows):
    rc, out, err = export("zeek")
    check(rc == 0, "zeek export: %s" % err)
    lines = out.splitlines()
    check(lines[0] == "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url", "zeek header")
    body = [l.split("\t") for l in lines[1:]]
    check(all(len(f) == 5 and all(x != "" for x in f) for f in body), "5 non-empty fields per line")
    urls = [f[0] for f in body if f[1] == "Intel::URL"]
    check(sorted(urls) == sorted(unquote_csv(r["value"]).split("://", 1)[1] for r in rows if r["type"] == "url"),
          "zeek URLs without their scheme: %s" % urls)
    rc, out, err = export("suricata", "domain")
    got = sorted(base64.b64decode(l).decode() for l in out.splitlines())
    check(rc == 0 and got == sorted(r["value"] for r in rows if r["type"] == "domain"),
          "suricata domain dataset: base64 of each domain: %s %s" % (got, err))
    rc, out, err = export("suricata", "md5")
    check(rc == 0 and out.splitlines() == [r["value"] for r in rows if r["type"] == "md5"], "md5 dataset as hex")
    rc, out, err = export("suricata")
    check(rc == 1 and "one type" in err, "suricata without a type refused: %s" % err)


if __name__ == "__main__":
    rows = csv_items()
    test_stix(rows)
    test_misp_feed(rows)
    test_zeek_suricata(rows)
    if failures:
        print("%d failure(s)" % len(failures), file=sys.stderr)
        sys.exit(1)
    print("ok")
