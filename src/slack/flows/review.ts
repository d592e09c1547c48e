/**
 * Review side effects in Slack: the reviewer's card posted as a DM on submission (its channel and ts kept
 * on the sheet), updated in place (chat.update) after every decision or adjustment, the staff member's
 * and the reviewer's notices, and the App Home refreshes. Each helper logs and swallows Slack errors: the
 * decision is already committed, and a failed notice must not turn it into an error for the clicker.
 */
import type { WebClient } from "@slack/web-api";
import type { DecisionResult } from "../../domain/review.js";
import { loadReviewCard, recordCard } from "../../domain/review.js";
import { translator } from "../../i18n/index.js";
import { todayIn } from "../../util/time.js";
import { esc } from "../blocks/kit.js";
import {
  type DecisionNotice,
  reopenNotices,
  reviewCardMessage,
  staffAdjustedMessage,
  staffDecisionMessage,
} from "../blocks/review.js";
import { resolveLang, type SlackContext } from "../context.js";

async function langOf(ctx: SlackContext, slackUserId: string) {
  const actor = await ctx.actors.get(slackUserId).catch(() => null);
  return resolveLang(ctx, slackUserId, actor);
}

/**
 * Posts the reviewer's card for a freshly submitted sheet as a DM and records where it is. A sheet
 * without a reviewer (the branch chief's own) gets no card: the assessment group finds it in
 * `/kpi review`. Answers whether a card was posted.
 */
export async function postReviewCard(
  ctx: SlackContext,
  client: WebClient,
  sheetId: string,
): Promise<boolean> {
  try {
    const card = await loadReviewCard(ctx.db, ctx.deps, sheetId);
    if (!card.reviewer || card.state !== "SUBMITTED") return false;
    const lang = await langOf(ctx, card.reviewer.slackUserId);
    const m = reviewCardMessage(translator(lang), lang, card, ctx.deps.timeZone);
    const res = await client.chat.postMessage({
      channel: card.reviewer.slackUserId,
      text: m.text,
      blocks: m.blocks,
    });
    if (res.channel && res.ts) await recordCard(ctx.db, sheetId, { channel: res.channel, ts: res.ts });
    ctx.refreshHome(card.reviewer.slackUserId);
    await tellActiveDeputies(ctx, client, card);
    return true;
  } catch (error) {
    ctx.logger.error({ err: error, sheetId }, "review: could not post the reviewer's card");
    return false;
  }
}

/** A deputy active today hears of a sheet waiting for their principal (they decide it in `/kpi review`). */
async function tellActiveDeputies(
  ctx: SlackContext,
  client: WebClient,
  card: Awaited<ReturnType<typeof loadReviewCard>>,
): Promise<void> {
  if (!card.reviewer) return;
  const today = todayIn(ctx.deps.timeZone, ctx.deps.clock());
  const rows = await ctx.db.deputy.findMany({
    where: {
      principalId: card.reviewer.personId,
      revokedAt: null,
      startDate: { lte: today },
      endDate: { gte: today },
    },
    select: { deputyId: true },
  });
  const ids = [...new Set(rows.map((r) => r.deputyId))].filter((id) => id !== card.person.personId);
  if (ids.length === 0) return;
  const people = await ctx.db.person.findMany({
    where: { id: { in: ids }, active: true },
    select: { slackUserId: true },
  });
  for (const p of people) {
    const lang = await langOf(ctx, p.slackUserId);
    const text = translator(lang)("review.deputyNotice", {
      person: esc(card.person.name),
      month: card.month,
      principal: esc(card.reviewer.name),
    });
    await dm(ctx, client, p.slackUserId, {
      text,
      blocks: [{ type: "section", text: { type: "mrkdwn", text } }],
    });
    ctx.refreshHome(p.slackUserId);
  }
}

/** Re-renders the reviewer's card in place from the sheet as it is now (chat.update). */
export async function refreshReviewCard(
  ctx: SlackContext,
  client: WebClient,
  sheetId: string,
): Promise<void> {
  try {
    const card = await loadReviewCard(ctx.db, ctx.deps, sheetId);
    if (!card.card) return;
    const reader = card.reviewer?.slackUserId ?? card.person.slackUserId;
    const lang = await langOf(ctx, reader);
    const m = reviewCardMessage(translator(lang), lang, card, ctx.deps.timeZone);
    await client.chat.update({
      channel: card.card.channel,
      ts: card.card.ts,
      text: m.text,
      blocks: m.blocks,
    });
  } catch (error) {
    ctx.logger.error({ err: error, sheetId }, "review: could not update the reviewer's card");
  }
}

async function dm(
  ctx: SlackContext,
  client: WebClient,
  user: string,
  m: { text: string; blocks: unknown[] },
) {
  try {
    await client.chat.postMessage({ channel: user, text: m.text, blocks: m.blocks as never });
  } catch (error) {
    ctx.logger.error({ err: error, user }, "review: could not send a notice");
  }
}

/** After approve / return: the card updated, the staff member told, both homes refreshed. */
export async function afterDecision(
  ctx: SlackContext,
  client: WebClient,
  r: DecisionResult,
  actorSlackId: string,
): Promise<void> {
  await refreshReviewCard(ctx, client, r.sheetId);
  const lang = await langOf(ctx, r.person.slackUserId);
  const card = await loadReviewCard(ctx.db, ctx.deps, r.sheetId).catch(() => null);
  const notice: DecisionNotice = { ...r, total: card?.total ?? 0 };
  await dm(ctx, client, r.person.slackUserId, staffDecisionMessage(translator(lang), lang, notice));
  ctx.refreshHome(r.person.slackUserId);
  ctx.refreshHome(actorSlackId);
  if (r.reviewer && r.reviewer.slackUserId !== actorSlackId) ctx.refreshHome(r.reviewer.slackUserId);
}

/** After an adjustment: the card re-rendered (new total, new version), the staff member told. */
export async function afterAdjust(
  ctx: SlackContext,
  client: WebClient,
  r: {
    sheetId: string;
    month: string;
    person: DecisionResult["person"];
    decidedBy: DecisionResult["decidedBy"];
    decidedFor: DecisionResult["decidedFor"];
    changed: DecisionNotice["adjusted"];
    total: number;
  },
  actorSlackId: string,
): Promise<void> {
  await refreshReviewCard(ctx, client, r.sheetId);
  const lang = await langOf(ctx, r.person.slackUserId);
  await dm(
    ctx,
    client,
    r.person.slackUserId,
    staffAdjustedMessage(translator(lang), lang, {
      month: r.month,
      state: "SUBMITTED",
      decidedBy: r.decidedBy,
      decidedFor: r.decidedFor,
      reason: null,
      adjusted: r.changed,
      total: r.total,
    }),
  );
  ctx.refreshHome(r.person.slackUserId);
  ctx.refreshHome(actorSlackId);
}

/** After a reopen: the card shows the sheet returned; the staff member and the reviewer are told. */
export async function afterReopen(
  ctx: SlackContext,
  client: WebClient,
  r: DecisionResult,
  actorSlackId: string,
): Promise<void> {
  await refreshReviewCard(ctx, client, r.sheetId);
  const notice = { month: r.month, by: r.decidedBy, person: r.person, reason: r.reason ?? "" };
  const staffLang = await langOf(ctx, r.person.slackUserId);
  await dm(ctx, client, r.person.slackUserId, reopenNotices(translator(staffLang), staffLang, notice).staff);
  if (r.reviewer) {
    const lang = await langOf(ctx, r.reviewer.slackUserId);
    await dm(ctx, client, r.reviewer.slackUserId, reopenNotices(translator(lang), lang, notice).reviewer);
    ctx.refreshHome(r.reviewer.slackUserId);
  }
  ctx.refreshHome(r.person.slackUserId);
  ctx.refreshHome(actorSlackId);
}
