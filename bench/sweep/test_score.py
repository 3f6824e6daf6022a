#!/usr/bin/env python3
"""Self-check of score.py on a tiny handmade corpus: python3 bench/sweep/test_score.py"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

IOCS = """# sweepbench v1 seed=1 n=5  columns: ioc<TAB>type<TAB>source
bad.com\tdomain\tx
bad.com\tdomain\ty
10.1.2.3\tipv4\tx
2001:db8::1\tipv6\tx
198.51.100.0/24\tcidr\tx
ab12ab12ab12ab12ab12ab12ab12ab12\tmd5\tx
"""
TRUTH = """file\tline\tioc\ttype\tsources\tvariant
logs/a/a.log\t1\tbad.com\tdomain\tx,y\tsubdomain
logs/a/a.log\t2\t10.1.2.3\tipv4\tx\texact
logs/b/b.log\t7\t2001:db8::1\tipv6\tx\tipv6-uppercase
logs/b/b.log\t7\t198.51.100.0/24\tcidr\tx\tcidr-member
logs/b/b.log\t9\tab12ab12ab12ab12ab12ab12ab12ab12\tmd5\tx\tuppercase
"""
DECOYS = """file\tline\ttoken\ttarget_ioc\tkind
logs/a/a.log\t3\tnotbad.com\tbad.com\tdomain-glued-prefix
"""

# exact tool: everything right, in its own notations (upper case, expanded IPv6, ./ paths)
EXACT = """logs/a/a.log\t1\tbad.com\tdomain\tx.bad.com
./logs/a/a.log\t2\t10.1.2.3\tipv4\t10.1.2.3
logs/b/b.log\t7\t2001:0DB8:0:0:0:0:0:1\tipv6\t2001:DB8::1
logs/b/b.log\t7\t198.51.100.0/24\tcidr\t198.51.100.7
logs/b/b.log\t9\tAB12AB12AB12AB12AB12AB12AB12AB12\tmd5\tAB12AB12AB12AB12AB12AB12AB12AB12
logs/b/b.log\t9\tab12ab12ab12ab12ab12ab12ab12ab12\tmd5\tdup of the row above
"""
# substring tool (grep -n -o): finds bad.com twice (line 1 and the decoy on line 3),
# 10.1.2.3 on line 2 and inside 10.1.2.30 on line 4, misses the IPv6, CIDR and upper-case md5
GREP = """logs/a/a.log:1:bad.com
logs/a/a.log:2:10.1.2.3
logs/a/a.log:3:bad.com
./logs/a/a.log:4:10.1.2.3
"""


def run(corpus, fmt, text, details=None):
    out = os.path.join(corpus, "out." + fmt)
    with open(out, "w") as f:
        f.write(text)
    cmd = [sys.executable, os.path.join(HERE, "score.py"), "--corpus", corpus, "--format", fmt, out]
    if details:
        cmd[2:2] = ["--details", details]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()


def main():
    with tempfile.TemporaryDirectory() as d:
        for name, text in (("iocs.tsv", IOCS), ("truth.tsv", TRUTH), ("decoys.tsv", DECOYS)):
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
        got = run(d, "tsv", EXACT)
        assert got == "tp=5 fp=0 fn=0 precision=1.0 recall=1.0", got
        det = os.path.join(d, "details")
        got = run(d, "grep", GREP, det)
        assert got == "tp=2 fp=2 fn=3 precision=0.5000 recall=0.4000", got
        with open(det) as f:
            rows = f.read().splitlines()
        assert rows[0] == "FP\tlogs/a/a.log\t3\tbad.com\tdomain\tdecoy domain-glued-prefix (token notbad.com, target bad.com)", rows[0]
        assert rows[1].startswith("FP\tlogs/a/a.log\t4\t10.1.2.3\tipv4"), rows[1]
        assert [r.split("\t")[0] for r in rows] == ["FP", "FP", "FN", "FN", "FN"], rows
        got = run(d, "tsv", "")
        assert got == "tp=0 fp=0 fn=5 precision=1.0 recall=0.0000", got
        # one FP in 20000 claims must not print as 1.0
        many = "".join("logs/a/a.log\t2\t10.1.2.3\tipv4\tx\n" for _ in range(3))
        got = run(d, "tsv", EXACT + many + "logs/z.log\t1\tbad.com\tdomain\tx\n")
        assert got == "tp=5 fp=1 fn=0 precision=0.8333 recall=1.0", got
    print("score.py: ok")


if __name__ == "__main__":
    main()
