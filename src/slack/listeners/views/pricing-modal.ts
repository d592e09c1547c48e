/**
 * The pricing form submitted: the points (a number ≥ 0 with at most 2 decimals) and a reason are checked
 * (errors shown on their blocks, nothing written); then the task is priced. If another member priced it
 * first, the points block says who, at what and when. The owner is told by DM.
 */
import { translator } from "../../../i18n/index.js";
import { noticeModal, pricedDm, pricedText } from "../../blocks/assessment.js";
import { messageModal } from "../../blocks/modal.js";
import { errorText, quickLang, resolveLang, type SlackContext } from "../../context.js";
import { isDomainError, parseSignedAmount, priceTempTask } from "../../domain.js";
import { dmPerson, MALFORMED, malformedFormModal, textIn } from "../../flows/assessment.js";
import { ASSESS_ACTIONS, ASSESS_BLOCKS } from "../../ids.js";
import { unpack } from "../../values.js";
import { PricingMetaSchema } from "../../values-assessment.js";
import type { ViewArgs } from "./log-modal.js";

const BLOCK_OF: Record<string, string> = {
  "pricing.alreadyPriced": ASSESS_BLOCKS.pricingPoints,
  "pricing.badPoints": ASSESS_BLOCKS.pricingPoints,
  "assess.noReason": ASSESS_BLOCKS.pricingReason,
  "assess.reasonTooLong": ASSESS_BLOCKS.pricingReason,
};

export function pricingModalSubmission(ctx: SlackContext) {
  return async ({ ack, body, view, client }: ViewArgs): Promise<void> => {
    const user = body.user.id;
    let lang = quickLang(ctx, user, ctx.actors.peek(user));
    let t = translator(lang);
    const meta = unpack(PricingMetaSchema, view.private_metadata);
    if (!meta)
      return void (await ack({
        response_action: "update",
        view: await malformedFormModal(ctx, user, MALFORMED.pricingPrice, view.private_metadata),
      }));
    const values = view.state.values;
    const raw = textIn(values, ASSESS_BLOCKS.pricingPoints, ASSESS_ACTIONS.pricingPoints);
    const reason = textIn(values, ASSESS_BLOCKS.pricingReason, ASSESS_ACTIONS.pricingReason);
    const points = parseSignedAmount(raw);
    const errors: Record<string, string> = {};
    if (points === null) errors[ASSESS_BLOCKS.pricingPoints] = t("pricing.notANumber", { value: raw });
    else if (points < 0) errors[ASSESS_BLOCKS.pricingPoints] = t("pricing.negative");
    if (!reason) errors[ASSESS_BLOCKS.pricingReason] = t("pricing.reasonRequired");
    if (Object.keys(errors).length > 0) return void (await ack({ response_action: "errors", errors }));
    try {
      const actor = await ctx.actors.get(user);
      lang = await resolveLang(ctx, user, actor);
      t = translator(lang);
      const r = await priceTempTask(ctx.db, ctx.deps, actor, { taskId: meta.t, points: points!, reason });
      await ack({
        response_action: "update",
        view: noticeModal(t, t("pricing.title"), pricedText(t, r.task, r.repeated)),
      });
      if (!r.repeated)
        await dmPerson(ctx, client, r.notify.slackUserId, (tt) => pricedDm(tt, r.task, actor.name));
      ctx.refreshHome(r.notify.slackUserId);
    } catch (error) {
      const text = errorText(ctx, lang, error, "view.pricing");
      const block = isDomainError(error) ? BLOCK_OF[error.code] : undefined;
      if (block) await ack({ response_action: "errors", errors: { [block]: text } });
      else await ack({ response_action: "update", view: messageModal(t, text) });
    }
  };
}
