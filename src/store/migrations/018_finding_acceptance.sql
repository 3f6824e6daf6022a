-- An accepted risk is accepted until a day (issue 7): after it the finding
-- is open again, and the next scan that sees it puts it in the town's notice.
ALTER TABLE findings ADD COLUMN accepted_until TEXT; -- YYYY-MM-DD, only with status 'accepted'
