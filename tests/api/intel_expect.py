"""Independent counts of the indicators a STIX 2.1 bundle or a MISP event
holds, by warroom's rules (docs/intel.md), written from the formats' specs
and not from warroom's code: the tests compare warroom's import with these."""

import ipaddress
import re

STIX_PATHS = {
    "ipv4-addr:value": "ipv4", "ipv6-addr:value": "ipv6", "domain-name:value": "domain",
    "url:value": "url", "email-addr:value": "email", "file:name": "filename",
    "file:hashes.'MD5'": "md5", "file:hashes.MD5": "md5", "file:hashes.'SHA-1'": "sha1",
    "file:hashes.'SHA1'": "sha1", "file:hashes.'SHA-256'": "sha256", "file:hashes.'SHA256'": "sha256",
}
SCO_TYPES = {"ipv4-addr": "ipv4", "ipv6-addr": "ipv6", "domain-name": "domain", "url": "url",
             "email-addr": "email"}
MISP_TYPES = {"ip-src": "ip", "ip-dst": "ip", "domain": "domain", "hostname": "hostname",
              "url": "url", "uri": "url", "md5": "md5", "sha1": "sha1", "sha256": "sha256",
              "email-src": "email", "email-dst": "email", "email": "email", "filename": "filename"}

_COMPARISON = re.compile(r"\s*(%s)\s*=\s*'((?:[^'\\]|\\.)*)'\s*" % "|".join(re.escape(p) for p in STIX_PATHS))


def _key(t, v):
    v = v.strip()
    if t in ("ip", "ipv4", "ipv6", "cidr"):
        try:
            if "/" in v:
                return ("cidr", str(ipaddress.ip_network(v, strict=True)))
            a = ipaddress.ip_address(v)
            if a.version == 6 and a.ipv4_mapped:
                a = a.ipv4_mapped
            return ("ipv4" if a.version == 4 else "ipv6", str(a))
        except ValueError:
            return None
    if t in ("domain", "hostname", "email", "md5", "sha1", "sha256"):
        v = v.lower().rstrip(".")
        if t in ("md5", "sha1", "sha256") and not re.fullmatch(r"[0-9a-f]{%d}" % {"md5": 32, "sha1": 40, "sha256": 64}[t], v):
            return None
        if t in ("domain", "hostname") and not re.fullmatch(r"[a-z0-9_-]+(\.[a-z0-9_-]+)+", v):
            return None
        if t == "email" and not re.fullmatch(r"[^@\s]+@[a-z0-9_-]+(\.[a-z0-9_-]+)+", v):
            return None
        return (t, v)
    if t == "url":
        m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)(.*)", v, re.S)
        if not m:
            return None
        host = m.group(2).lower()
        scheme = m.group(1).lower()
        host = re.sub(r":80$", "", host) if scheme == "http" else re.sub(r":443$", "", host) if scheme == "https" else host
        return (t, "%s://%s%s" % (scheme, host, m.group(3)))
    if t == "filename" and "/" in v:
        return None  # a path, not a file name: reported as skipped
    return (t, v) if v else None


def _stix_pattern(p):
    """The (type, value) pairs of a pattern that is an OR of equalities, else None."""
    out = []
    for group in re.split(r"\]\s*OR\s*\[", p.strip()[1:-1]) if p.strip().startswith("[") and p.strip().endswith("]") else [None]:
        if group is None:
            return None
        for comp in re.split(r"\s+OR\s+", group):
            m = _COMPARISON.fullmatch(comp)
            if not m:
                return None
            t = STIX_PATHS[m.group(1)]
            v = m.group(2).replace("\\'", "'").replace("\\\\", "\\")
            if t in ("ipv4", "ipv6") and "/" in v:
                t = "cidr"
            out.append((t, v))
    return out


def stix_expected(doc):
    objs = doc.get("objects", []) if doc.get("type") == "bundle" else [doc]
    keys = set()
    for o in objs:
        t = o.get("type")
        pairs = []
        if t == "indicator" and o.get("pattern_type", "stix") == "stix" and o.get("pattern"):
            pairs = _stix_pattern(o["pattern"]) or []
        elif t in SCO_TYPES and isinstance(o.get("value"), str):
            pairs = [(SCO_TYPES[t], o["value"])]
        elif t == "file":
            h = o.get("hashes", {})
            pairs = [(n, h[k]) for k, n in (("MD5", "md5"), ("SHA-1", "sha1"), ("SHA-256", "sha256")) if k in h]
            if o.get("name"):
                pairs.append(("filename", o["name"]))
        for tt, v in pairs:
            k = _key(tt, v)
            if k:
                keys.add(k)
    return keys


def misp_expected(doc):
    ev = doc.get("Event", doc)
    attrs = list(ev.get("Attribute", []))
    for o in ev.get("Object", []):
        attrs += o.get("Attribute", [])
    keys = set()
    for a in attrs:
        t, v = a.get("type", ""), a.get("value", "")
        if "|" in t and "|" in v:
            pairs = list(zip(t.split("|", 1), v.split("|", 1)))
        else:
            pairs = [(t, v)]
        for tt, vv in pairs:
            if tt not in MISP_TYPES:
                continue
            k = _key(MISP_TYPES[tt], vv)
            if k:
                keys.add(k)
    return keys


def per_type(keys):
    out = {}
    for t, _ in keys:
        out[t] = out.get(t, 0) + 1
    return out
