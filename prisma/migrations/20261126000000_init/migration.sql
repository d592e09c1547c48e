-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('STAFF', 'SECTION_CHIEF', 'ASSESSMENT_GROUP', 'BRANCH_CHIEF', 'ADMIN');

-- CreateEnum
CREATE TYPE "SheetState" AS ENUM ('OPEN', 'SUBMITTED', 'APPROVED', 'RETURNED', 'LOCKED');

-- CreateEnum
CREATE TYPE "EntryStatus" AS ENUM ('ACTIVE', 'DELETED');

-- CreateEnum
CREATE TYPE "EntrySource" AS ENUM ('SLACK', 'IMPORT', 'PLAYGROUND');

-- CreateEnum
CREATE TYPE "EvidenceKind" AS ENUM ('LINK', 'FILE', 'CHECKLIST');

-- CreateEnum
CREATE TYPE "TempTaskStatus" AS ENUM ('AWAITING_PRICING', 'PRICED', 'DELETED');

-- CreateEnum
CREATE TYPE "MonthState" AS ENUM ('OPEN', 'PUBLISHED');

-- CreateEnum
CREATE TYPE "ProposalState" AS ENUM ('OPEN', 'ADOPTED', 'REJECTED');

-- CreateEnum
CREATE TYPE "VoteChoice" AS ENUM ('AGREE', 'DISAGREE');

-- CreateEnum
CREATE TYPE "JobRunStatus" AS ENUM ('RUNNING', 'DONE', 'FAILED');

-- CreateEnum
CREATE TYPE "ReminderStatus" AS ENUM ('PENDING', 'SENT', 'SKIPPED', 'FAILED');

-- CreateTable
CREATE TABLE "Person" (
    "id" TEXT NOT NULL,
    "slackUserId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "nameEn" TEXT,
    "locale" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "slackDeleted" BOOLEAN NOT NULL DEFAULT false,
    "sectionId" TEXT,
    "categoryCode" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RoleAssignment" (
    "personId" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RoleAssignment_pkey" PRIMARY KEY ("personId","role")
);

-- CreateTable
CREATE TABLE "Section" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "nameEn" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Section_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SectionChief" (
    "sectionId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,

    CONSTRAINT "SectionChief_pkey" PRIMARY KEY ("sectionId","personId")
);

-- CreateTable
CREATE TABLE "Deputy" (
    "id" TEXT NOT NULL,
    "principalId" TEXT NOT NULL,
    "deputyId" TEXT NOT NULL,
    "startDate" VARCHAR(10) NOT NULL,
    "endDate" VARCHAR(10) NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "Deputy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PersonMonthCategory" (
    "personId" TEXT NOT NULL,
    "month" VARCHAR(7) NOT NULL,
    "categoryCode" TEXT NOT NULL,

    CONSTRAINT "PersonMonthCategory_pkey" PRIMARY KEY ("personId","month")
);

-- CreateTable
CREATE TABLE "Category" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "coefficientGroup" TEXT NOT NULL,
    "sortOrder" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Category_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "CategoryWeight" (
    "id" TEXT NOT NULL,
    "categoryCode" TEXT NOT NULL,
    "effectiveMonth" VARCHAR(7) NOT NULL,
    "qualityWeight" DECIMAL(6,4) NOT NULL,
    "quantityWeight" DECIMAL(6,4) NOT NULL,
    "normGroup" TEXT NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CategoryWeight_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WorkItem" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "categoryCode" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "unit" TEXT NOT NULL,
    "pinyinInitials" TEXT NOT NULL,
    "qualityStandard" TEXT,
    "isSample" BOOLEAN NOT NULL DEFAULT false,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WorkItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ItemPointVersion" (
    "id" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "effectiveMonth" VARCHAR(7) NOT NULL,
    "reason" TEXT NOT NULL,
    "decisionRef" TEXT,
    "proposalId" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ItemPointVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ItemEvidence" (
    "id" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "sortOrder" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ItemEvidence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ItemQualityRule" (
    "id" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "descriptionEn" TEXT,
    "value" INTEGER NOT NULL,
    "veto" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "ItemQualityRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Sheet" (
    "id" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "month" VARCHAR(7) NOT NULL,
    "state" "SheetState" NOT NULL DEFAULT 'OPEN',
    "version" INTEGER NOT NULL DEFAULT 0,
    "categoryCode" TEXT,
    "submittedAt" TIMESTAMP(3),
    "late" BOOLEAN NOT NULL DEFAULT false,
    "reviewerId" TEXT,
    "decidedById" TEXT,
    "decidedForId" TEXT,
    "decidedAt" TIMESTAMP(3),
    "returnReason" TEXT,
    "cardChannel" TEXT,
    "cardTs" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Sheet_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SheetTransition" (
    "id" TEXT NOT NULL,
    "sheetId" TEXT NOT NULL,
    "fromState" "SheetState",
    "toState" "SheetState" NOT NULL,
    "actorId" TEXT NOT NULL,
    "onBehalfOfId" TEXT,
    "reason" TEXT,
    "detail" JSONB,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SheetTransition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Entry" (
    "id" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "sheetId" TEXT NOT NULL,
    "month" VARCHAR(7) NOT NULL,
    "workDate" VARCHAR(10) NOT NULL,
    "itemId" TEXT NOT NULL,
    "pointVersionId" TEXT NOT NULL,
    "pointsPerUnit" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,
    "originalCount" INTEGER,
    "adjustReason" TEXT,
    "note" TEXT,
    "status" "EntryStatus" NOT NULL DEFAULT 'ACTIVE',
    "source" "EntrySource" NOT NULL DEFAULT 'SLACK',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Entry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EntryEvidence" (
    "id" TEXT NOT NULL,
    "entryId" TEXT NOT NULL,
    "kind" "EvidenceKind" NOT NULL,
    "url" TEXT,
    "slackFileId" TEXT,
    "itemEvidenceId" TEXT,
    "label" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EntryEvidence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TempTask" (
    "id" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "sheetId" TEXT NOT NULL,
    "month" VARCHAR(7) NOT NULL,
    "workDate" VARCHAR(10) NOT NULL,
    "minutes" INTEGER NOT NULL,
    "description" TEXT NOT NULL,
    "similarItemId" TEXT,
    "status" "TempTaskStatus" NOT NULL DEFAULT 'AWAITING_PRICING',
    "points" INTEGER,
    "suggestedPoints" INTEGER,
    "pricingReason" TEXT,
    "pricedById" TEXT,
    "pricedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TempTask_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QualityAdjustment" (
    "id" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "month" VARCHAR(7) NOT NULL,
    "value" INTEGER NOT NULL,
    "veto" BOOLEAN NOT NULL DEFAULT false,
    "reason" TEXT NOT NULL,
    "evidence" TEXT,
    "ruleId" TEXT,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),
    "revokedById" TEXT,

    CONSTRAINT "QualityAdjustment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "QualityReview" (
    "personId" TEXT NOT NULL,
    "month" VARCHAR(7) NOT NULL,
    "reviewedById" TEXT NOT NULL,
    "reviewedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "QualityReview_pkey" PRIMARY KEY ("personId","month")
);

-- CreateTable
CREATE TABLE "DiscretionaryAward" (
    "id" TEXT NOT NULL,
    "month" VARCHAR(7) NOT NULL,
    "personId" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "awardedById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "DiscretionaryAward_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MonthClose" (
    "month" VARCHAR(7) NOT NULL,
    "state" "MonthState" NOT NULL DEFAULT 'OPEN',
    "exceptions" JSONB,
    "inputsHash" TEXT,
    "previewedAt" TIMESTAMP(3),
    "previewedById" TEXT,
    "publishedAt" TIMESTAMP(3),
    "publishedById" TEXT,
    "announceTs" TEXT,

    CONSTRAINT "MonthClose_pkey" PRIMARY KEY ("month")
);

-- CreateTable
CREATE TABLE "MonthResult" (
    "id" TEXT NOT NULL,
    "month" VARCHAR(7) NOT NULL,
    "personId" TEXT NOT NULL,
    "categoryCode" TEXT NOT NULL,
    "sectionId" TEXT,
    "normGroup" TEXT NOT NULL,
    "raw" BIGINT NOT NULL,
    "groupMax" BIGINT NOT NULL,
    "quantity" DECIMAL(14,6) NOT NULL,
    "quality" DECIMAL(14,6) NOT NULL,
    "vetoed" BOOLEAN NOT NULL,
    "qualityWeight" DECIMAL(6,4) NOT NULL,
    "quantityWeight" DECIMAL(6,4) NOT NULL,
    "discretionary" BIGINT NOT NULL,
    "final" BIGINT NOT NULL,
    "rankOverall" INTEGER NOT NULL,
    "rankCategory" INTEGER NOT NULL,
    "rankSection" INTEGER,
    "steps" JSONB NOT NULL,

    CONSTRAINT "MonthResult_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Proposal" (
    "id" TEXT NOT NULL,
    "itemId" TEXT,
    "newItem" JSONB,
    "proposedPoints" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "proposerId" TEXT NOT NULL,
    "state" "ProposalState" NOT NULL DEFAULT 'OPEN',
    "channel" TEXT,
    "ts" TEXT,
    "decidedById" TEXT,
    "decidedAt" TIMESTAMP(3),
    "adoptedPoints" INTEGER,
    "effectiveMonth" VARCHAR(7),
    "decisionNote" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Proposal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProposalVote" (
    "proposalId" TEXT NOT NULL,
    "personId" TEXT NOT NULL,
    "choice" "VoteChoice" NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProposalVote_pkey" PRIMARY KEY ("proposalId","personId")
);

-- CreateTable
CREATE TABLE "JobRun" (
    "id" TEXT NOT NULL,
    "job" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "status" "JobRunStatus" NOT NULL DEFAULT 'RUNNING',
    "claimedBy" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "sent" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,

    CONSTRAINT "JobRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReminderSend" (
    "id" TEXT NOT NULL,
    "job" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "recipientId" TEXT NOT NULL,
    "status" "ReminderStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "messageTs" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "ReminderSend_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CalendarDay" (
    "date" VARCHAR(10) NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT,
    "source" TEXT NOT NULL DEFAULT 'admin',

    CONSTRAINT "CalendarDay_pkey" PRIMARY KEY ("date")
);

-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updatedById" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Setting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "ProcessedEvent" (
    "eventId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProcessedEvent_pkey" PRIMARY KEY ("eventId")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "onBehalfOf" TEXT,
    "action" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT,
    "outcome" TEXT NOT NULL DEFAULT 'OK',
    "reason" TEXT,
    "before" JSONB,
    "after" JSONB,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Person_slackUserId_key" ON "Person"("slackUserId");

-- CreateIndex
CREATE INDEX "Person_sectionId_idx" ON "Person"("sectionId");

-- CreateIndex
CREATE UNIQUE INDEX "Section_code_key" ON "Section"("code");

-- CreateIndex
CREATE INDEX "Deputy_principalId_idx" ON "Deputy"("principalId");

-- CreateIndex
CREATE INDEX "Deputy_deputyId_idx" ON "Deputy"("deputyId");

-- CreateIndex
CREATE UNIQUE INDEX "CategoryWeight_categoryCode_effectiveMonth_key" ON "CategoryWeight"("categoryCode", "effectiveMonth");

-- CreateIndex
CREATE UNIQUE INDEX "WorkItem_code_key" ON "WorkItem"("code");

-- CreateIndex
CREATE INDEX "WorkItem_categoryCode_idx" ON "WorkItem"("categoryCode");

-- CreateIndex
CREATE UNIQUE INDEX "ItemPointVersion_itemId_effectiveMonth_key" ON "ItemPointVersion"("itemId", "effectiveMonth");

-- CreateIndex
CREATE UNIQUE INDEX "ItemEvidence_itemId_name_key" ON "ItemEvidence"("itemId", "name");

-- CreateIndex
CREATE INDEX "Sheet_month_state_idx" ON "Sheet"("month", "state");

-- CreateIndex
CREATE INDEX "Sheet_reviewerId_state_idx" ON "Sheet"("reviewerId", "state");

-- CreateIndex
CREATE UNIQUE INDEX "Sheet_personId_month_key" ON "Sheet"("personId", "month");

-- CreateIndex
CREATE INDEX "SheetTransition_sheetId_at_idx" ON "SheetTransition"("sheetId", "at");

-- CreateIndex
CREATE INDEX "Entry_personId_month_status_idx" ON "Entry"("personId", "month", "status");

-- CreateIndex
CREATE INDEX "Entry_sheetId_status_idx" ON "Entry"("sheetId", "status");

-- CreateIndex
CREATE INDEX "Entry_month_status_idx" ON "Entry"("month", "status");

-- CreateIndex
CREATE INDEX "EntryEvidence_entryId_idx" ON "EntryEvidence"("entryId");

-- CreateIndex
CREATE INDEX "TempTask_month_status_idx" ON "TempTask"("month", "status");

-- CreateIndex
CREATE INDEX "TempTask_personId_month_idx" ON "TempTask"("personId", "month");

-- CreateIndex
CREATE INDEX "QualityAdjustment_month_personId_idx" ON "QualityAdjustment"("month", "personId");

-- CreateIndex
CREATE INDEX "DiscretionaryAward_month_idx" ON "DiscretionaryAward"("month");

-- CreateIndex
CREATE INDEX "MonthResult_month_rankOverall_idx" ON "MonthResult"("month", "rankOverall");

-- CreateIndex
CREATE UNIQUE INDEX "MonthResult_month_personId_key" ON "MonthResult"("month", "personId");

-- CreateIndex
CREATE UNIQUE INDEX "JobRun_job_period_key" ON "JobRun"("job", "period");

-- CreateIndex
CREATE UNIQUE INDEX "ReminderSend_job_period_recipientId_key" ON "ReminderSend"("job", "period", "recipientId");

-- CreateIndex
CREATE INDEX "AuditLog_entityType_entityId_idx" ON "AuditLog"("entityType", "entityId");

-- CreateIndex
CREATE INDEX "AuditLog_actor_idx" ON "AuditLog"("actor");

-- CreateIndex
CREATE INDEX "AuditLog_at_idx" ON "AuditLog"("at");

-- AddForeignKey
ALTER TABLE "Person" ADD CONSTRAINT "Person_sectionId_fkey" FOREIGN KEY ("sectionId") REFERENCES "Section"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Person" ADD CONSTRAINT "Person_categoryCode_fkey" FOREIGN KEY ("categoryCode") REFERENCES "Category"("code") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoleAssignment" ADD CONSTRAINT "RoleAssignment_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SectionChief" ADD CONSTRAINT "SectionChief_sectionId_fkey" FOREIGN KEY ("sectionId") REFERENCES "Section"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SectionChief" ADD CONSTRAINT "SectionChief_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PersonMonthCategory" ADD CONSTRAINT "PersonMonthCategory_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PersonMonthCategory" ADD CONSTRAINT "PersonMonthCategory_categoryCode_fkey" FOREIGN KEY ("categoryCode") REFERENCES "Category"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CategoryWeight" ADD CONSTRAINT "CategoryWeight_categoryCode_fkey" FOREIGN KEY ("categoryCode") REFERENCES "Category"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WorkItem" ADD CONSTRAINT "WorkItem_categoryCode_fkey" FOREIGN KEY ("categoryCode") REFERENCES "Category"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ItemPointVersion" ADD CONSTRAINT "ItemPointVersion_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "WorkItem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ItemEvidence" ADD CONSTRAINT "ItemEvidence_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "WorkItem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ItemQualityRule" ADD CONSTRAINT "ItemQualityRule_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "WorkItem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Sheet" ADD CONSTRAINT "Sheet_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SheetTransition" ADD CONSTRAINT "SheetTransition_sheetId_fkey" FOREIGN KEY ("sheetId") REFERENCES "Sheet"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Entry" ADD CONSTRAINT "Entry_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Entry" ADD CONSTRAINT "Entry_sheetId_fkey" FOREIGN KEY ("sheetId") REFERENCES "Sheet"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Entry" ADD CONSTRAINT "Entry_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "WorkItem"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Entry" ADD CONSTRAINT "Entry_pointVersionId_fkey" FOREIGN KEY ("pointVersionId") REFERENCES "ItemPointVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EntryEvidence" ADD CONSTRAINT "EntryEvidence_entryId_fkey" FOREIGN KEY ("entryId") REFERENCES "Entry"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TempTask" ADD CONSTRAINT "TempTask_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TempTask" ADD CONSTRAINT "TempTask_sheetId_fkey" FOREIGN KEY ("sheetId") REFERENCES "Sheet"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProposalVote" ADD CONSTRAINT "ProposalVote_proposalId_fkey" FOREIGN KEY ("proposalId") REFERENCES "Proposal"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- The audit trail is append-only: refuse UPDATE and DELETE on it.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'AuditLog is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "AuditLog_append_only"
  BEFORE UPDATE OR DELETE ON "AuditLog"
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
