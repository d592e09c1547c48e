/**
 * `postQuarterSummary(ctx, month)`: after the third month of a quarter is published, post the quarterly
 * summary (three monthly finals, their sum, the rank) to the results channel (issue 6 item 8). The
 * publish step calls it; it is safe to call again (retries, a second replica): a JobRun row
 * (job "quarter-summary", period "2026-Q4") makes the post happen once; a failed post leaves the row
 * FAILED and the next call tries again. Months of the quarter not published count 0 and are named.
 */

import { audit } from "../domain/audit.js";
import { isQuarterEnd, quarterOf, quarterResults } from "../domain/quarter-results.js";
import { readSettings } from "../domain/settings.js";
import { JobRunStatus, MonthState } from "../generated/prisma/enums.js";
import { normalizeLang, translator } from "../i18n/index.js";
import { quarterSummaryMessage } from "./blocks/quarter.js";
import type { SlackContext } from "./context.js";

export const QUARTER_SUMMARY_JOB = "quarter-summary";

export type QuarterPostOutcome =
  | { posted: true; quarter: string; channel: string; ts: string }
  | {
      posted: false;
      quarter: string | null;
      reason: "not-quarter-end" | "not-published" | "no-channel" | "already-posted" | "in-progress";
    };

export async function postQuarterSummary(ctx: SlackContext, month: string): Promise<QuarterPostOutcome> {
  if (!isQuarterEnd(month)) return { posted: false, quarter: null, reason: "not-quarter-end" };
  const quarter = quarterOf(month);
  const db = ctx.db;
  const close = await db.monthClose.findUnique({ where: { month } });
  if (close?.state !== MonthState.PUBLISHED) return { posted: false, quarter, reason: "not-published" };
  const settings = await readSettings(db);
  if (!settings.resultsChannel) {
    ctx.logger.warn({ quarter }, "quarterly summary not posted: no results channel is set");
    return { posted: false, quarter, reason: "no-channel" };
  }
  if (!ctx.client) throw new Error("postQuarterSummary needs the Slack client");

  // claim the post: one row per quarter; a FAILED row may be claimed again
  const created = await db.jobRun.createMany({
    data: [{ job: QUARTER_SUMMARY_JOB, period: quarter, status: JobRunStatus.RUNNING, claimedBy: "publish" }],
    skipDuplicates: true,
  });
  if (created.count === 0) {
    const reclaimed = await db.jobRun.updateMany({
      where: { job: QUARTER_SUMMARY_JOB, period: quarter, status: JobRunStatus.FAILED },
      data: { status: JobRunStatus.RUNNING, error: null, startedAt: ctx.clock() },
    });
    if (reclaimed.count === 0) {
      const row = await db.jobRun.findUnique({
        where: { job_period: { job: QUARTER_SUMMARY_JOB, period: quarter } },
      });
      return {
        posted: false,
        quarter,
        reason: row?.status === JobRunStatus.DONE ? "already-posted" : "in-progress",
      };
    }
  }
  const runId = (
    await db.jobRun.findUniqueOrThrow({
      where: { job_period: { job: QUARTER_SUMMARY_JOB, period: quarter } },
    })
  ).id;

  try {
    const q = await quarterResults(db, quarter);
    const t = translator(normalizeLang(settings.language) ?? "zh-CN");
    const message = quarterSummaryMessage(t, q, {
      privacy: settings.rankingPrivacy,
      topN: settings.rankingTopN,
    });
    const res = await ctx.client.chat.postMessage({
      channel: settings.resultsChannel,
      text: message.text,
      blocks: message.blocks,
      unfurl_links: false,
    });
    const ts = String(res.ts ?? "");
    await db.$transaction(async (tx) => {
      await tx.jobRun.update({
        where: { id: runId },
        data: { status: JobRunStatus.DONE, finishedAt: ctx.clock(), sent: 1 },
      });
      await audit(tx, {
        actor: "system",
        action: "quarter.summaryPosted",
        entityType: "Quarter",
        entityId: quarter,
        after: { channel: settings.resultsChannel, ts, months: q.published, people: q.rows.length },
      });
    });
    return { posted: true, quarter, channel: String(res.channel ?? settings.resultsChannel), ts };
  } catch (error) {
    await db.jobRun
      .update({
        where: { id: runId },
        data: {
          status: JobRunStatus.FAILED,
          finishedAt: ctx.clock(),
          failed: 1,
          error: String(error).slice(0, 500),
        },
      })
      .catch(() => {});
    throw error;
  }
}
