-- Entry."docsMissing" of the lines written before it was kept (previous migration): counted once, about a
-- minute per million lines logged here of items with required documents. It takes those lines' row locks
-- until it commits (a /log edit of one of them waits; reads and other lines do not), and a month read
-- meanwhile counts them as complete. Months already published are counted with today's catalog too, as
-- the rule was evaluated for them before (their results keep what their publishing left out). Then the
-- planner's statistics of the column (a month's read estimates its lines missing documents).
UPDATE "Entry" e SET "docsMissing" = kpi_entry_docs_missing(e.id, e."itemId", e.source)
WHERE e.source <> 'IMPORT' AND e."itemId" IN (SELECT "itemId" FROM "ItemEvidence");
ANALYZE "Entry";
