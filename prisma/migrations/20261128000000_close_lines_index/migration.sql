-- Publishing a month aggregates its lines per sheet × point version (src/domain/month-input.ts). This
-- index holds every column that aggregate reads, in that order: PostgreSQL scans the month's range of it
-- alone (an index-only scan, once the table's visibility map is current) and groups as it reads, instead
-- of hashing two million lines read from the table. It begins with the columns of the index it replaces.

-- DropIndex
DROP INDEX "Entry_month_status_idx";

-- CreateIndex
CREATE INDEX "Entry_month_lines_idx" ON "Entry"("month", "status", "sheetId", "pointVersionId", "pointsPerUnit", "count", "source", "itemId", "id");
