-- MonthResult.steps is written once per month for every assessed person and read back whole (`/kpi why`),
-- never queried inside: json keeps the text as written (checked, not converted), where jsonb parsed it
-- into its binary form, which was most of the server's time in writing a month's results.

-- AlterTable
ALTER TABLE "MonthResult" ALTER COLUMN "steps" SET DATA TYPE JSON;
