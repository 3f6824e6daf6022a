#!/usr/bin/env python3
"""Writes a Shadowserver-format scan report (scan_rdp's published columns)
of N rows for bench-vulns: addresses spread over the demo towns' prefixes
(IPv4 /24s and IPv6 /48s, read from the database) and the rest of the
address space, some rows with a host name under a town's domain (routed by
name when the address reaches nobody). Deterministic for a seed.

usage: gen.py DB OUT.csv [ROWS] [SEED]"""
import ipaddress
import random
import sqlite3
import sys

COLUMNS = ["timestamp", "ip", "protocol", "port", "hostname", "tag", "asn", "geo", "region", "city",
           "naics", "sic", "sector", "rdp_protocol", "cert_length", "subject_common_name",
           "issuer_common_name", "sha1_fingerprint"]


def main():
    db, out = sys.argv[1], sys.argv[2]
    rows = int(sys.argv[3]) if len(sys.argv) > 3 else 1000000
    rnd = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    c = sqlite3.connect(db)
    nets = [ipaddress.ip_network(v) for (v,) in c.execute("SELECT value FROM assets WHERE type = 'cidr'")]
    v4 = [n for n in nets if n.version == 4]
    v6 = [n for n in nets if n.version == 6]
    doms = [v for (v,) in c.execute("SELECT value FROM assets WHERE type = 'domain'")]
    c.close()
    town_space = ipaddress.ip_network("198.18.0.0/15")
    with open(out, "w", newline="") as f:
        f.write(",".join('"%s"' % k for k in COLUMNS) + "\n")
        for i in range(rows):
            x = rnd.random()
            host = ""
            if x < 0.40:  # a town's IPv4 range
                n = rnd.choice(v4)
                ip = str(n.network_address + rnd.randrange(n.num_addresses))
            elif x < 0.50:  # a town's IPv6 range
                n = rnd.choice(v6)
                ip = str(n.network_address + rnd.getrandbits(80))
            elif x < 0.95:  # the rest of IPv4
                while True:
                    ip = ipaddress.IPv4Address(rnd.getrandbits(32))
                    if ip not in town_space:
                        break
                ip = str(ip)
            else:  # the rest of IPv6
                ip = str(ipaddress.IPv6Address((0x2a00 << 112) | rnd.getrandbits(112)))
            y = rnd.random()
            if y < 0.10:
                host = "rdp%d.%s" % (rnd.randrange(100), rnd.choice(doms))
            elif y < 0.20:
                host = "host-%d.isp%d.example.net" % (rnd.randrange(1 << 20), rnd.randrange(50))
            ts = "2026-11-27 %02d:%02d:%02d" % (i // 3600 % 24, i // 60 % 60, i % 60)
            f.write('"%s","%s","tcp",3389,"%s","rdp","%d","BE","OOST-VLAANDEREN","GENT","0","0",'
                    '"Government","0x00000001","2048","%s","%s","%040x"\n'
                    % (ts, ip, host, 64496 + rnd.randrange(1000), host or "WIN-SRV", host or "WIN-SRV",
                       rnd.getrandbits(160)))


if __name__ == "__main__":
    main()
