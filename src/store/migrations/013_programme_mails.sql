-- The invitation and the reminder of an information session (issue 8) are
-- advisories of the communications engine; one of each per session.
CREATE TABLE programme_session_mails (
  session_id  INTEGER NOT NULL REFERENCES programme_sessions(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind IN ('invitation','reminder')),
  advisory_id INTEGER NOT NULL REFERENCES advisories(id),
  created_at  TEXT NOT NULL,
  PRIMARY KEY (session_id, kind)
);
