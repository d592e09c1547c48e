-- AlterTable
ALTER TABLE "ItemQualityRule" ADD COLUMN     "active" BOOLEAN NOT NULL DEFAULT true;

