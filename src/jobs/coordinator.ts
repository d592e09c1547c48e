/**
 * Exactly-once bookkeeping in the database, correct with several processes on one PostgreSQL:
 *
 * - **JobRun** (unique job, period): the run's claim. A process claims it in a transaction holding the
 *   transaction-scoped advisory lock of (job, period) (`pg_advisory_xact_lock`: released at COMMIT, so
 *   Prisma's connection pool cannot leak it), with a lease (`leaseUntil`) it renews while it works. Another
 *   process gets "busy" until the lease expires (the holder died) and then takes the run over; a DONE run
 *   is not run again by the schedule, only by a manual rerun.
 * - **ReminderSend** (unique job, period, recipient): one row per message, claimed (PENDING) in a
 *   transaction holding the same lock and checking that this process still holds the run's lease, then
 *   sent, then recorded SENT (or FAILED). A second replica, a restart, a manual rerun find SENT rows and
 *   send only what is missing.
 *
 * Claim-then-send: a process that dies between Slack accepting a message and recording it leaves a
 * PENDING row. The next holder reconciles it against the recipient's DM (the message carries the row id
 * in its metadata): found → SENT, not found → sent again, cannot tell → left PENDING and reported as
 * "unconfirmed" (never sent twice; `--resend-unconfirmed` sends those). Send-then-record would instead
 * send such a message twice. See runner.ts.
 *
 * Times are the app's clock (tests and the playground move it).
 */
import { randomUUID } from "node:crypto";
import type { Db, Tx } from "../db/client.js";
import { rawSqlOf } from "../db/raw.js";
import type { JobRun, ReminderSend } from "../generated/prisma/client.js";

export const LEASE_MS = 60_000;

async function lockRun(tx: Tx, job: string, period: string): Promise<void> {
  await tx.$executeRawUnsafe(
    "SELECT pg_advisory_xact_lock(hashtext('kpi-job'), hashtext($1))",
    `${job}|${period}`,
  );
}

export type ClaimResult =
  | { claimed: true; run: JobRun; resumed: boolean }
  | { claimed: false; reason: "done" | "busy"; run: JobRun };

export interface ClaimOptions {
  job: string;
  period: string;
  owner: string;
  now: Date;
  trigger: string;
  leaseMs?: number;
  /** manual rerun: claim a DONE run too (it sends only what is missing) */
  rerun?: boolean;
}

/** Claims the run of (job, period) for `owner`, or says why not. */
export async function claimRun(db: Db, o: ClaimOptions): Promise<ClaimResult> {
  const leaseUntil = new Date(o.now.getTime() + (o.leaseMs ?? LEASE_MS));
  return db.$transaction(async (tx) => {
    await lockRun(tx, o.job, o.period);
    const row = await tx.jobRun.findUnique({ where: { job_period: { job: o.job, period: o.period } } });
    if (!row) {
      const run = await tx.jobRun.create({
        data: {
          job: o.job,
          period: o.period,
          status: "RUNNING",
          claimedBy: o.owner,
          startedAt: o.now,
          leaseUntil,
          attempts: 1,
          trigger: o.trigger,
        },
      });
      return { claimed: true, run, resumed: false };
    }
    if (row.status === "DONE" && !o.rerun) return { claimed: false, reason: "done", run: row };
    const held =
      row.status === "RUNNING" &&
      row.claimedBy !== o.owner &&
      row.leaseUntil !== null &&
      row.leaseUntil.getTime() > o.now.getTime();
    if (held) return { claimed: false, reason: "busy", run: row };
    const run = await tx.jobRun.update({
      where: { id: row.id },
      data: {
        status: "RUNNING",
        claimedBy: o.owner,
        leaseUntil,
        attempts: { increment: 1 },
        trigger: o.trigger,
        finishedAt: null,
        error: null,
      },
    });
    return { claimed: true, run, resumed: true };
  });
}

/** Extends the lease; false when another process has taken the run over (stop sending). */
export async function renewLease(
  db: Db,
  runId: string,
  owner: string,
  now: Date,
  leaseMs = LEASE_MS,
): Promise<boolean> {
  const r = await db.jobRun.updateMany({
    where: { id: runId, claimedBy: owner, status: "RUNNING" },
    data: { leaseUntil: new Date(now.getTime() + leaseMs) },
  });
  return r.count === 1;
}

/** Marks the run finished with its counts (only while this process holds it). */
export async function finishRun(
  db: Db,
  runId: string,
  owner: string,
  now: Date,
  result: { status: "DONE" | "FAILED"; sent: number; skipped: number; failed: number; error?: string | null },
): Promise<boolean> {
  const r = await db.jobRun.updateMany({
    where: { id: runId, claimedBy: owner, status: "RUNNING" },
    data: {
      status: result.status,
      finishedAt: now,
      leaseUntil: null,
      sent: result.sent,
      skipped: result.skipped,
      failed: result.failed,
      error: result.error ?? null,
    },
  });
  return r.count === 1;
}

export class LeaseLost extends Error {
  constructor(job: string, period: string) {
    super(`the run ${job} ${period} was taken over by another process`);
    this.name = "LeaseLost";
  }
}

/** What the sender needs of a ReminderSend row. */
export interface SendRow {
  id: string;
  recipientId: string;
  channel: string | null;
  /** when it was claimed (ms since the epoch): the DM is searched from a little before */
  claimedAtMs: number;
}

export function toSendRow(r: ReminderSend): SendRow {
  return {
    id: r.id,
    recipientId: r.recipientId,
    channel: r.channel,
    claimedAtMs: (r.claimedAt ?? r.createdAt).getTime(),
  };
}

export type SendClaim =
  | { state: "claimed"; row: SendRow }
  | { state: "sent"; row: SendRow }
  /** PENDING from an earlier attempt: the outcome of its Slack call is unknown (reconcile it) */
  | { state: "unknown"; row: SendRow };

/**
 * One statement (its own transaction): takes the recipient's transaction-scoped advisory lock, checks
 * this process still holds the run (FOR SHARE: claims run side by side, a takeover's UPDATE of the run
 * waits for them and every later claim sees the new holder), and creates the PENDING row, or re-opens a
 * FAILED one. No row back: already SENT or PENDING, or the run is not ours.
 */
const CLAIM_SQL = `WITH run AS (
    SELECT id FROM "JobRun" WHERE id = $1 AND "claimedBy" = $2 AND status = 'RUNNING' FOR SHARE
  ), locked AS (
    SELECT pg_advisory_xact_lock(hashtext('kpi-send'), hashtext($3)) FROM run
  )
  INSERT INTO "ReminderSend" (id, job, period, "recipientId", status, attempts, "claimedBy", "claimedAt", "createdAt")
  SELECT $4, $5, $6, $7, 'PENDING', 1, $2, ($8::timestamptz AT TIME ZONE 'UTC'), ($8::timestamptz AT TIME ZONE 'UTC')
  FROM locked
  ON CONFLICT (job, period, "recipientId") DO UPDATE
    SET status = 'PENDING', attempts = "ReminderSend".attempts + 1, "claimedBy" = EXCLUDED."claimedBy",
        "claimedAt" = EXCLUDED."claimedAt", error = NULL
    WHERE "ReminderSend".status = 'FAILED'
  RETURNING id, channel`;

/**
 * Claims one message, in one round trip on the common path (see CLAIM_SQL). The run's lease is renewed
 * separately (renewLease): every claim writing the run's row would queue all claims behind its lock.
 */
export async function claimSend(
  db: Db,
  o: {
    runId: string;
    /** the run's job and period; `job` below may differ for the summary rows */
    runJob: string;
    runPeriod: string;
    job: string;
    period: string;
    recipientId: string;
    owner: string;
    now: Date;
  },
): Promise<SendClaim> {
  const params = [
    o.runId,
    o.owner,
    `${o.job}|${o.period}|${o.recipientId}`,
    randomUUID(),
    o.job,
    o.period,
    o.recipientId,
    o.now.toISOString(),
  ];
  const raw = rawSqlOf(db);
  const rows = raw
    ? await raw.query<{ id: string; channel: string | null }>("kpi_claim_send", CLAIM_SQL, params)
    : await db.$queryRawUnsafe<{ id: string; channel: string | null }[]>(CLAIM_SQL, ...params);
  const claimed = rows[0];
  if (claimed) {
    return {
      state: "claimed",
      row: {
        id: claimed.id,
        recipientId: o.recipientId,
        channel: claimed.channel,
        claimedAtMs: o.now.getTime(),
      },
    };
  }
  const [run, row] = [
    await db.jobRun.findUnique({ where: { id: o.runId } }),
    await db.reminderSend.findUnique({
      where: { job_period_recipientId: { job: o.job, period: o.period, recipientId: o.recipientId } },
    }),
  ];
  if (row?.status === "SENT") return { state: "sent", row: toSendRow(row) };
  if (!run || run.claimedBy !== o.owner || run.status !== "RUNNING")
    throw new LeaseLost(o.runJob, o.runPeriod);
  if (row?.status === "PENDING") return { state: "unknown", row: toSendRow(row) };
  throw new Error(`could not claim ${o.job} ${o.period} for ${o.recipientId}`);
}

const RECORD_SENT_SQL = `UPDATE "ReminderSend" SET status = 'SENT', "messageTs" = $2, channel = $3,
  "sentAt" = ($4::timestamptz AT TIME ZONE 'UTC'), error = NULL WHERE id = $1`;

/** Records a claimed message's outcome. */
export async function recordSend(
  db: Db,
  id: string,
  outcome:
    | { status: "SENT"; ts: string; channel: string; at: Date }
    | { status: "FAILED"; error: string }
    | { status: "SKIPPED"; error: string },
): Promise<void> {
  const raw = rawSqlOf(db);
  if (outcome.status === "SENT" && raw) {
    await raw.query("kpi_record_sent", RECORD_SENT_SQL, [
      id,
      outcome.ts,
      outcome.channel,
      outcome.at.toISOString(),
    ]);
    return;
  }
  await db.reminderSend.update({
    where: { id },
    data:
      outcome.status === "SENT"
        ? { status: "SENT", messageTs: outcome.ts, channel: outcome.channel, sentAt: outcome.at, error: null }
        : { status: outcome.status, error: outcome.error.slice(0, 500) },
  });
}
