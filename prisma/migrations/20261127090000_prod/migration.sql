-- CreateTable
CREATE TABLE "SeenRequest" (
    "key" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SeenRequest_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "SeenRequest_at_idx" ON "SeenRequest"("at");


-- Replay keys are short-lived and rebuilt by traffic: no WAL for them (a crash empties the table, which
-- only shortens the replay window after a crash), so recording one costs no disk flush per request.
ALTER TABLE "SeenRequest" SET UNLOGGED;
