-- The events of a batch by town (the towns to notify, a past batch's
-- findings) only ever look for routed events: the unrouted ones (often half
-- of a scan report) need no entry, and inserting them in the middle of this
-- index cost a sixth of a large import.
DROP INDEX vuln_events_batch;
CREATE INDEX vuln_events_batch ON vuln_events(batch_id, org_id) WHERE org_id IS NOT NULL;
