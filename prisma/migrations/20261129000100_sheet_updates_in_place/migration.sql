-- A sheet's state changes through its life (open → submitted → approved or returned → locked), and
-- publishing a month locks all of its sheets at once. With `state` in two indexes every such change was a
-- new row version with a new entry in each of the table's four indexes. Without it, and with half of
-- each page left free for new row versions, PostgreSQL updates the row in place on its page (a HOT
-- update: no index entry): locking 20,000 sheets went from 0.38 s to 0.04 s. Queries by month, or by
-- reviewer, find the sheets by the index and filter the state on them.
DROP INDEX "Sheet_month_state_idx";
DROP INDEX "Sheet_reviewerId_state_idx";
CREATE INDEX "Sheet_month_idx" ON "Sheet"("month");
CREATE INDEX "Sheet_reviewerId_idx" ON "Sheet"("reviewerId");
-- new pages are filled to half; pages written before keep their rows until the table is rewritten
-- (VACUUM FULL "Sheet", optional: README, Operations)
ALTER TABLE "Sheet" SET (fillfactor = 50);
