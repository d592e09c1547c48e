-- AlterTable
ALTER TABLE "MonthResult" ADD COLUMN     "qualityWeighted" DECIMAL(14,6) NOT NULL DEFAULT 0,
ADD COLUMN     "quantityWeighted" DECIMAL(14,6) NOT NULL DEFAULT 0;

