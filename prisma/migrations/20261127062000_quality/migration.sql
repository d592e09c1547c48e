-- AlterTable
ALTER TABLE "DiscretionaryAward" ADD COLUMN     "requestKey" TEXT,
ADD COLUMN     "revokedById" TEXT;

-- AlterTable
ALTER TABLE "QualityAdjustment" ADD COLUMN     "requestKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "DiscretionaryAward_requestKey_key" ON "DiscretionaryAward"("requestKey");

-- CreateIndex
CREATE UNIQUE INDEX "QualityAdjustment_requestKey_key" ON "QualityAdjustment"("requestKey");

