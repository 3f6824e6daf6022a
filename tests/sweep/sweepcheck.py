"""Shared by the tests/sweep/test_*.py programs: collect failures, run the
test functions, exit 1 when any check failed."""
import sys

FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL:", what)


def run_all(*tests):
    for t in tests:
        t()
    if FAILS:
        print("%d failure(s)" % len(FAILS))
        sys.exit(1)
    print("ok")
    sys.exit(0)
