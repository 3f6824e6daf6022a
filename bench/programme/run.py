"""Benchmark of the prevention programme's read paths against a real
`warroom serve`: every municipality with a year of monthly self-assessments
(26 answers each), an audit in some state and five findings; then the
figures (JSON, CSV, HTML), the four campaign audiences, one town's history
and recording an assessment, each timed over RUNS requests. Prints a table
(median and 95th percentile in ms). Not a test: nothing fails on a number.

    make bench-programme            # or: WARROOM_BIN=build/warroom python3 bench/programme/run.py
"""

import json
import os
import random
import sqlite3
import statistics
import sys
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "api"))
import harness  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "30"))
MONTHS = 12
STATES = ["not-signed-up", "signed-up", "scheduled", "performed", "report-received",
          "remediation", "closed"]
FUNCTIONS = ["govern", "identify", "protect", "detect", "respond", "recover"]


def populate(db, items):
    rnd = random.Random(8)
    c = sqlite3.connect(db)
    towns = [r[0] for r in c.execute("SELECT id FROM orgs WHERE kind='municipality' AND valid_to IS NULL")]
    for org in towns:
        for m in range(MONTHS):
            fs = json.dumps({f: rnd.randrange(0, 10001) for f in FUNCTIONS}, sort_keys=True)
            cur = c.execute(
                "INSERT INTO programme_assessments (org_id, checklist_id, checklist_version, mode,"
                " assessed_on, answered, total, complete, score_x100, critical_gaps, level,"
                " function_scores, created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (org, "local-government", "2026.1", "simple", "2026-%02d-01" % (m + 1), 26, 26, 1,
                 rnd.randrange(0, 10001), rnd.randrange(0, 5), rnd.choice([None, "basic", "important"]),
                 fs, "bench", "2026-01-01T00:00:00Z"))
            aid = cur.lastrowid
            c.executemany("INSERT INTO programme_answers (assessment_id, item_id, item_hash, answer,"
                          " evidence, carried) VALUES (?,?,?,?,?,0)",
                          [(aid, i["id"], "x", rnd.choice(["yes", "partial", "no"]), "bench evidence")
                           for i in items])
        st = rnd.choice(STATES)
        if st != "not-signed-up":
            c.execute("INSERT INTO programme_audits (org_id, state, kind, firm, updated_at)"
                      " VALUES (?,?,?,?,?)", (org, st, "basic", "Firm", "2026-01-01T00:00:00Z"))
        for k in range(5):
            c.execute("INSERT INTO programme_findings (org_id, title, severity, owner, due_on, status,"
                      " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                      (org, "finding %d" % k, "high", "town", "2026-%02d-01" % rnd.randrange(1, 13),
                       rnd.choice(["open", "fixed", "in-progress"]), "x", "x"))
    c.commit()
    c.close()
    return towns


def timed(client, method, path, body=None):
    out = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        r = client.request(method, path, body=body)
        out.append((time.perf_counter() - t0) * 1000)
        if r.status not in (200, 201):
            raise RuntimeError("%s %s -> %d %s" % (method, path, r.status, r.text[:200]))
    out.sort()
    return statistics.median(out), out[int(len(out) * 0.95) - 1]


def main():
    srv = harness.Server()
    try:
        srv.prepare()
        srv.add_user("admin", "admin")
        token = srv.create_token("admin", label="bench")
        with open(os.path.join(harness.source_dir(), "data", "checklists",
                               "local-government-2026.json")) as f:
            items = json.load(f)["items"]
        t0 = time.perf_counter()
        towns = populate(srv.db, items)
        fill = time.perf_counter() - t0
        srv.start()
        a = srv.client(token=token)
        town = towns[len(towns) // 2]
        rows = [
            ("GET /programme/summary", "GET", "/api/v1/programme/summary", None),
            ("GET /programme/summary.csv", "GET", "/api/v1/programme/summary.csv", None),
            ("GET /programme/summary.html", "GET", "/api/v1/programme/summary.html", None),
        ] + [("GET /programme/campaigns/" + f, "GET", "/api/v1/programme/campaigns/" + f, None)
             for f in ("not-signed-up", "checklist-not-started", "basic-not-reached", "findings-overdue")] + [
            ("GET /orgs/{id}/assessments (20)", "GET", "/api/v1/orgs/%d/assessments" % town, None),
            ("POST /orgs/{id}/assessments (carry-over)", "POST", "/api/v1/orgs/%d/assessments" % town,
             {"mode": "simple", "answers": [{"item": "LG-PR-01", "answer": "yes"}]}),
        ]
        print("prevention programme: %d towns x %d assessments x %d answers (%d answer rows), "
              "%d runs each; set-up %.1f s" % (len(towns), MONTHS, len(items),
                                                len(towns) * MONTHS * len(items), RUNS, fill))
        print("%-48s %10s %10s" % ("request", "median ms", "p95 ms"))
        for name, method, path, body in rows:
            med, p95 = timed(a, method, path, body)
            print("%-48s %10.2f %10.2f" % (name, med, p95))
    finally:
        srv.stop()
        srv.cleanup()


if __name__ == "__main__":
    main()
