-- AlterTable
ALTER TABLE "JobRun" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "leaseUntil" TIMESTAMP(3),
ADD COLUMN     "trigger" TEXT;

-- AlterTable
ALTER TABLE "ReminderSend" ADD COLUMN     "channel" TEXT,
ADD COLUMN     "claimedAt" TIMESTAMP(3),
ADD COLUMN     "claimedBy" TEXT;

