"""What the communications tests share: waiting for the delivery worker,
and an advisory through four eyes (written by one analyst, approved by
another)."""

from smtp_sink import wait_for  # noqa: F401 (one polling helper for every test)


def approved(test, author, approver, body):
    """The advisory body written by author, submitted, approved by approver."""
    r = author.post("/api/v1/advisories", body)
    test.assertStatus(r, 201)
    test.assertStatus(author.post("/api/v1/advisories/%d/submit" % r.json["id"], {}), 200)
    r = approver.post("/api/v1/advisories/%d/approve" % r.json["id"], {})
    test.assertStatus(r, 200)
    return r.json
