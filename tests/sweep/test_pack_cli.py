#!/usr/bin/env python3
"""`warroom pack keygen|sign|verify` end to end, and the sweeper's use of the
result: keygen writes PREFIX.key (0600) and PREFIX.pub; a signed pack is
verified and swept; one changed byte, a wrong key or a missing signature is
refused with a clear message and exit 2.

Environment: WARROOM_BIN (the binary)."""
import json
import os
import shutil
import stat
import subprocess
import tempfile

BIN = os.environ.get("WARROOM_BIN", "build/warroom")
from sweepcheck import check, run_all


def run(args, stdin=None):
    p = subprocess.run([BIN] + args, input=stdin, capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def test_pack():
    tmp = tempfile.mkdtemp(prefix="wr-pack-cli-")
    try:
        prefix = os.path.join(tmp, "wr")
        rc, out, err = run(["pack", "keygen", "--out", prefix])
        check(rc == 0, "keygen succeeds (%d %s)" % (rc, err))
        key, pub = prefix + ".key", prefix + ".pub"
        check(stat.S_IMODE(os.stat(key).st_mode) == 0o600, "secret key is 0600")
        check(open(pub).read().startswith("warroom-pack-key 1 "), "public key text")
        check(open(key).read().startswith("warroom-pack-secret-key 1 "), "secret key text")
        rc, _, err = run(["pack", "keygen", "--out", prefix])
        check(rc == 2 and "wr.key" in err, "keygen never overwrites a key (%d %s)" % (rc, err))

        pack = os.path.join(tmp, "pack.json")
        doc = {"format": "warroom-pack", "version": 1, "created": "2026-11-28T15:00:00Z",
               "audience": "all",
               "indicators": [{"type": "domain", "value": "bad.example", "sources": ["ir-1"]}]}
        with open(pack, "w") as f:
            json.dump(doc, f)
        rc, out, err = run(["pack", "sign", "--key", key, pack])
        check(rc == 0 and os.path.exists(pack + ".sig"), "sign writes FILE.sig (%d %s)" % (rc, err))
        check(open(pack + ".sig").read().startswith("warroom-pack-signature 1 "), "signature text")
        rc, out, err = run(["pack", "verify", "--pub", pub, pack])
        check(rc == 0 and "good signature" in out, "verify a good pack (%d %s)" % (rc, err))

        log = os.path.join(tmp, "a.log")
        with open(log, "w") as f:
            f.write("GET http://bad.example/x\n")
        rc, out, err = run(["sweep", "--iocs", pack, "--pack-key", pub, log])
        check(rc == 1 and "bad.example" in out, "sweep uses the signed pack (%d %s)" % (rc, err))

        # One byte changed after signing.
        data = bytearray(open(pack, "rb").read())
        i = data.index(b"bad.example")
        data[i] = ord("c")
        with open(pack, "wb") as f:
            f.write(data)
        rc, out, err = run(["pack", "verify", "--pub", pub, pack])
        check(rc == 2 and "BAD signature" in err, "verify refuses a tampered pack (%d %s)" % (rc, err))
        rc, out, err = run(["sweep", "--iocs", pack, "--pack-key", pub, log])
        check(rc == 2 and out == "" and "pack.json" in err,
              "sweep refuses a tampered pack (%d %r)" % (rc, err))

        # Another key.
        rc, _, _ = run(["pack", "keygen", "--out", os.path.join(tmp, "other")])
        rc, _, err = run(["pack", "sign", "--key", os.path.join(tmp, "other.key"), pack])
        check(rc == 0, "re-sign with another key")
        rc, _, err = run(["pack", "verify", "--pub", pub, pack])
        check(rc == 2 and "BAD signature" in err, "verify refuses another key (%d %s)" % (rc, err))

        os.unlink(pack + ".sig")
        rc, _, err = run(["pack", "verify", "--pub", pub, pack])
        check(rc == 2 and "pack.json.sig" in err, "missing signature named (%d %s)" % (rc, err))
        notpack = os.path.join(tmp, "list.txt")
        with open(notpack, "w") as f:
            f.write("bad.example\n")
        rc, _, err = run(["pack", "sign", "--key", key, notpack])
        check(rc == 2 and "not a warroom pack" in err, "sign refuses a non-pack (%d %s)" % (rc, err))
        rc, _, err = run(["pack", "sign", "--key", pub, pack])
        check(rc == 2, "sign refuses a public key as secret key (%d %s)" % (rc, err))
        rc, _, err = run(["pack", "frobnicate"])
        check(rc == 2 and "usage" in err, "usage on a bad subcommand")
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    run_all(test_pack)
