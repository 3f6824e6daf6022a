-- The organisation list is ordered by name ignoring case: with this index
-- SQLite walks the names in order and stops at the page's end, instead of
-- computing reachability and completeness for every row before sorting.
CREATE INDEX orgs_name_nocase ON orgs(name COLLATE NOCASE, id);
