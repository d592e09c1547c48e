-- MonthResult is keyed by (month, personId), which was already unique: that unique index becomes the key,
-- and the generated id's index and the (month, rankOverall) index go (the one query ordering by rank reads
-- the whole month anyway). Publishing writes a result per assessed person, and each index cost a write per
-- row. The id column stays one release, with a default, for the replicas of the release before (they
-- read it and write it); the next release drops it.
ALTER TABLE "MonthResult" DROP CONSTRAINT "MonthResult_pkey";
DROP INDEX "MonthResult_month_personId_key";
DROP INDEX "MonthResult_month_rankOverall_idx";
ALTER TABLE "MonthResult" ALTER COLUMN "id" SET DEFAULT (gen_random_uuid())::text;
ALTER TABLE "MonthResult" ADD CONSTRAINT "MonthResult_pkey" PRIMARY KEY ("month", "personId");
