/**
 * After a month is published: the announcement in the results channel (the ranking, a chart of the
 * finals uploaded with files.uploadV2), every staff member's own result by DM, and the quarterly summary
 * after the third month of a quarter. Everything is read back from the persisted results, so what is
 * announced is what was saved.
 *
 * Safe to call again (a retry, a second replica, the "Post the announcement" button):
 * - the channel post is claimed on MonthClose.announceTs (NULL → "claimed" → the message ts); a failed post
 *   gives the claim back so the next call posts;
 * - each DM is one ReminderSend row (job "results-dm", period = month, recipient = person): rows already
 *   SENT are not sent again;
 * - the quarterly summary is made once by postQuarterSummary's own JobRun.
 */
import { renderRankingChartPng } from "../charts/ranking.js";
import { CLAIMED } from "../domain/close.js";
import { readSettings } from "../domain/settings.js";
import { normalizeLang, translator } from "../i18n/index.js";
import { announcementMessages, resultDmMessage } from "./blocks/announce.js";
import { categoryName, personName } from "./blocks/close.js";
import { resolveLang, type SlackContext } from "./context.js";
import { publishedTable } from "./domain.js";
import { postQuarterSummary } from "./quarter.js";

export const RESULTS_DM_JOB = "results-dm";

export interface AnnounceOutcome {
  month: string;
  /** null when no results channel is set */
  channel: string | null;
  /** the post was made by this call (false: made before, or no channel) */
  posted: boolean;
  ts: string | null;
  chart: boolean;
  dms: { sent: number; failed: number; already: number };
  quarter: string | null;
}

export async function announceMonth(ctx: SlackContext, month: string): Promise<AnnounceOutcome> {
  const client = ctx.client;
  if (!client) throw new Error("announceMonth needs the Slack client");
  const db = ctx.db;
  const table = await publishedTable(db, month);
  const close = await db.monthClose.findUnique({ where: { month } });
  if (!table || close?.state !== "PUBLISHED") throw new Error(`announceMonth: ${month} is not published`);
  const settings = await readSettings(db);
  const lang = normalizeLang(settings.language) ?? "zh-CN";
  const t = translator(lang);
  const out: AnnounceOutcome = {
    month,
    channel: settings.resultsChannel,
    posted: false,
    ts: null,
    chart: false,
    dms: { sent: 0, failed: 0, already: 0 },
    quarter: null,
  };

  if (settings.resultsChannel) {
    const channel = settings.resultsChannel;
    const claim = await db.monthClose.updateMany({
      where: { month, announceTs: null },
      data: { announceTs: CLAIMED },
    });
    if (claim.count === 1) {
      try {
        const messages = announcementMessages(t, lang, table, {
          privacy: settings.rankingPrivacy,
          topN: settings.rankingTopN,
        });
        const first = await client.chat.postMessage({
          channel,
          text: messages[0]!.text,
          blocks: messages[0]!.blocks,
          unfurl_links: false,
        });
        const ts = String(first.ts ?? "");
        for (const m of messages.slice(1)) {
          await client.chat.postMessage({ channel, thread_ts: ts, text: m.text, blocks: m.blocks });
        }
        const rows =
          settings.rankingPrivacy === "top"
            ? table.rows.filter((r) => r.rankOverall <= settings.rankingTopN)
            : table.rows;
        const catName = new Map(table.categories.map((c) => [c.code, categoryName(lang, c)]));
        const png = await renderRankingChartPng({
          title: t("announce.chartTitle", { month }),
          lang,
          rows: rows.map((r) => ({
            name: personName(lang, r),
            category: catName.get(r.categoryCode) ?? r.categoryCode,
            final: r.final,
          })),
        });
        await client.filesUploadV2({
          channel_id: channel,
          initial_comment: t("announce.chartComment", { month }),
          file: Buffer.from(png),
          filename: `results-${month}.png`,
          title: t("announce.chartTitle", { month }),
        });
        out.chart = true;
        await db.monthClose.update({ where: { month }, data: { announceTs: ts } });
        out.posted = true;
        out.ts = ts;
      } catch (error) {
        await db.monthClose
          .updateMany({ where: { month, announceTs: CLAIMED }, data: { announceTs: null } })
          .catch(() => {});
        throw error;
      }
    } else {
      out.ts = close.announceTs;
    }
  }

  // every staff member's own result, once each
  const people = await db.person.findMany({
    where: { id: { in: table.rows.map((r) => r.personId) } },
    select: { id: true, slackUserId: true, locale: true },
  });
  const personOf = new Map(people.map((p) => [p.id, p]));
  await db.reminderSend.createMany({
    data: table.rows.map((r) => ({ job: RESULTS_DM_JOB, period: month, recipientId: r.personId })),
    skipDuplicates: true,
  });
  const sends = await db.reminderSend.findMany({ where: { job: RESULTS_DM_JOB, period: month } });
  const rowOf = new Map(table.rows.map((r) => [r.personId, r]));
  for (const s of sends) {
    if (s.status === "SENT") {
      out.dms.already++;
      continue;
    }
    const row = rowOf.get(s.recipientId);
    const person = personOf.get(s.recipientId);
    if (!row || !person) continue;
    try {
      const l = normalizeLang(person.locale) ?? (await resolveLang(ctx, person.slackUserId, null));
      const m = resultDmMessage(translator(l), l, table, row);
      const res = await client.chat.postMessage({
        channel: person.slackUserId,
        text: m.text,
        blocks: m.blocks,
      });
      await db.reminderSend.update({
        where: { id: s.id },
        data: {
          status: "SENT",
          attempts: { increment: 1 },
          sentAt: ctx.clock(),
          messageTs: String(res.ts ?? ""),
        },
      });
      out.dms.sent++;
    } catch (error) {
      out.dms.failed++;
      ctx.logger.warn({ err: error, month, person: person.slackUserId }, "results DM failed");
      await db.reminderSend
        .update({
          where: { id: s.id },
          data: { status: "FAILED", attempts: { increment: 1 }, error: String(error).slice(0, 500) },
        })
        .catch(() => {});
    }
  }

  try {
    const q = await postQuarterSummary(ctx, month);
    if (q.posted) out.quarter = q.quarter;
  } catch (error) {
    ctx.logger.error({ err: error, month }, "quarterly summary failed");
  }
  return out;
}
