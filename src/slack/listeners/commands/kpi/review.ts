/**
 * `/kpi review [YYYY-MM]`: the sheets waiting for the chief (or the reviewer they deputise for), each
 * with Details / Approve / Return… / Adjust…, "Approve all clean", and who has not submitted.
 * `/kpi reopen @user YYYY-MM reason…` (assessment group): reopens an approved sheet; without a reason it
 * shows the sheet with a Reopen… button that asks for one.
 */

import { requireRole } from "../../../../domain/people.js";
import { findSheet, reopenSheet, reviewCardFor, reviewOverview } from "../../../../domain/review.js";
import { isMonth } from "../../../../util/time.js";
import { simpleMessage } from "../../../blocks/log-reply.js";
import { reopenPromptMessage, reviewOverviewMessage } from "../../../blocks/review.js";
import { afterReopen } from "../../../flows/review.js";
import type { KpiSubcommand, KpiTable } from "./types.js";

const review: KpiSubcommand = async ({ ctx, actor, lang, t, words, send }) => {
  const month = words[0];
  if (month !== undefined && !isMonth(month))
    return void (await send(simpleMessage(t("review.reviewUsage"))));
  const o = await reviewOverview(ctx.db, ctx.deps, actor, month ? { month } : {});
  await send(reviewOverviewMessage(t, lang, o));
};

/** `<@U123|name>`, `<@U123>`, `@name`, `U123` or a name → a Slack id or name the domain looks up. */
export function personArg(word: string): string {
  const mention = /^<@([A-Z0-9]+)(?:\|[^>]*)?>$/i.exec(word);
  if (mention) return mention[1]!;
  return word.replace(/^@/, "");
}

const reopen: KpiSubcommand = async ({ ctx, actor, lang, t, rest, send, args, user }) => {
  const [who = "", month = "", ...reasonWords] = rest.split(/\s+/).filter(Boolean);
  if (!who || !isMonth(month)) return void (await send(simpleMessage(t("review.reopenUsage"))));
  requireRole(actor, "ASSESSMENT_GROUP");
  const person = personArg(who);
  const sheetId = await findSheet(ctx.db, person, month);
  if (!sheetId) return void (await send(simpleMessage(t("review.noSheet", { person, month }))));
  const reason = reasonWords.join(" ");
  if (!reason) {
    const card = await reviewCardFor(ctx.db, ctx.deps, actor, sheetId);
    return void (await send(reopenPromptMessage(t, lang, card, ctx.deps.timeZone)));
  }
  const r = await reopenSheet(ctx.db, ctx.deps, actor, { sheetId, reason });
  await send(simpleMessage(t("review.reopenDone", { person: r.person.name, month: r.month })));
  await afterReopen(ctx, args.client, r, user);
};

export const reviewSubcommands: KpiTable = { review, 审核: review, reopen, 重新打开: reopen };
