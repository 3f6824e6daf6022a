-- Attachments of an advisory (issue 3): files sent with every e-mail of it
-- (an indicator list, a PDF, an invitation's .ics), added while it is a
-- draft and frozen with it at approval.
CREATE TABLE advisory_attachments (
  id           INTEGER PRIMARY KEY,
  advisory_id  INTEGER NOT NULL REFERENCES advisories(id) ON DELETE CASCADE,
  name         TEXT NOT NULL,          -- a safe file name: [A-Za-z0-9._-], no leading dot
  content_type TEXT NOT NULL,
  size         INTEGER NOT NULL,
  sha256       TEXT NOT NULL,
  data         BLOB NOT NULL,
  added_by     TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  UNIQUE (advisory_id, name)
);
