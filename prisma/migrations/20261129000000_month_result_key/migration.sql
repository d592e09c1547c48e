-- MonthResult is keyed by (month, personId), which was already unique: the generated id column and its
-- index go, and so does the (month, rankOverall) index (the one query ordering by it reads the whole
-- month anyway). Publishing writes a result per assessed person, and each index cost a write per row.
ALTER TABLE "MonthResult" DROP CONSTRAINT "MonthResult_pkey";
DROP INDEX "MonthResult_month_personId_key";
DROP INDEX "MonthResult_month_rankOverall_idx";
ALTER TABLE "MonthResult" DROP COLUMN "id";
ALTER TABLE "MonthResult" ADD CONSTRAINT "MonthResult_pkey" PRIMARY KEY ("month", "personId");
