/**
 * `/kpi close [month]` (assessment group): the month's preview, ephemeral to the group member: blockers,
 * the table by category and overall, Recompute and Publish… (default month: last month).
 * `/kpi why [@person] [month]`: every step from the person's lines to their final (default: oneself, the
 * latest published month); each person their own, chiefs their section's, the group everyone's.
 */

import type { Lang } from "../../../../i18n/index.js";
import { translator } from "../../../../i18n/index.js";
import { localDateTime, shiftMonth } from "../../../../util/time.js";
import { closePreviewMessage } from "../../../blocks/close.js";
import type { Message } from "../../../blocks/kit.js";
import { simpleMessage } from "../../../blocks/log-reply.js";
import { whyMessage } from "../../../blocks/why.js";
import { type SlackContext, today } from "../../../context.js";
import {
  type Actor,
  type ClosePreview,
  explainResult,
  findPersonRef,
  mayExplainOthers,
  previewClose,
} from "../../../domain.js";
import { isMonthValue } from "../../../values.js";
import type { KpiSubcommand, KpiTable } from "./types.js";

/** The preview message of a month for a group member (shared with the Recompute button). */
export async function closePreviewReply(
  ctx: SlackContext,
  actor: Actor,
  lang: Lang,
  month: string,
): Promise<Message> {
  const p: ClosePreview = await previewClose(ctx.db, { clock: ctx.clock }, actor, month);
  let publishedBy: string | undefined;
  let publishedAt: string | undefined;
  if (p.published) {
    const by = p.published.by
      ? await ctx.db.person.findUnique({ where: { id: p.published.by }, select: { name: true } })
      : null;
    publishedBy = by?.name ?? p.published.by ?? "";
    // in the scheme's zone, as every other time the bot shows
    publishedAt = localDateTime(p.published.at, ctx.deps.timeZone);
  }
  return closePreviewMessage(translator(lang), lang, p, {
    ...(publishedBy !== undefined ? { publishedBy } : {}),
    ...(publishedAt !== undefined ? { publishedAt } : {}),
  });
}

const close: KpiSubcommand = async ({ ctx, actor, lang, t, words, send }) => {
  if (words.length > 1 || (words[0] && !isMonthValue(words[0])))
    return void (await send(simpleMessage(t("close.usage"))));
  const month = words[0] ?? shiftMonth(today(ctx).slice(0, 7), -1);
  await send(await closePreviewReply(ctx, actor, lang, month));
};

const why: KpiSubcommand = async ({ ctx, actor, lang, t, rest, send }) => {
  const parts = rest.split(/\s+/).filter(Boolean);
  let target: string | undefined;
  let month: string | undefined;
  for (const p of parts) {
    if (isMonthValue(p) && month === undefined) {
      month = p;
      continue;
    }
    if (target !== undefined) return void (await send(simpleMessage(t("why.usage"))));
    const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(p);
    const found = mention ? mention[1]! : await findPersonRef(ctx.db, p);
    if (!found) {
      // refused as any other person would be (explainResult): nobody learns whether a name exists
      if (!mayExplainOthers(actor)) {
        target = p.slice(0, 60);
        continue;
      }
      return void (await send(simpleMessage(t("errors.why.unknownPerson", { who: p.slice(0, 60) }))));
    }
    target = found;
  }
  const e = await explainResult(ctx.db, actor, {
    ...(target ? { target } : {}),
    ...(month ? { month } : {}),
  });
  await send(whyMessage(t, lang, e));
};

export const closeSubcommands: KpiTable = { close, 月结: close, why, 为什么: why, 得分说明: why };
