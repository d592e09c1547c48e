/**
 * The pricing form submitted: the points (a number ≥ 0 with at most 2 decimals) and a reason are checked
 * (errors shown on their blocks, nothing written); then the task is priced. If another member priced it
 * first, the points block says who, at what and when. The owner is told by DM.
 */
import { noticeModal, pricedDm, pricedText } from "../../blocks/assessment.js";
import type { SlackContext } from "../../context.js";
import { parseSignedAmount, priceTempTask } from "../../domain.js";
import { dmPerson, MALFORMED, textIn } from "../../flows/assessment.js";
import { ASSESS_ACTIONS, ASSESS_BLOCKS } from "../../ids.js";
import { PricingMetaSchema } from "../../values-assessment.js";
import { assessmentFormSubmission, checked } from "./assessment-form.js";

const BLOCK_OF: Record<string, string> = {
  "pricing.alreadyPriced": ASSESS_BLOCKS.pricingPoints,
  "pricing.badPoints": ASSESS_BLOCKS.pricingPoints,
  "assess.noReason": ASSESS_BLOCKS.pricingReason,
  "assess.reasonTooLong": ASSESS_BLOCKS.pricingReason,
};

export function pricingModalSubmission(ctx: SlackContext) {
  return assessmentFormSubmission(ctx, {
    meta: PricingMetaSchema,
    malformed: MALFORMED.pricingPrice,
    where: "view.pricing",
    blockOf: (code) => BLOCK_OF[code],
    read: (values, _meta, t) => {
      const raw = textIn(values, ASSESS_BLOCKS.pricingPoints, ASSESS_ACTIONS.pricingPoints);
      const reason = textIn(values, ASSESS_BLOCKS.pricingReason, ASSESS_ACTIONS.pricingReason);
      const points = parseSignedAmount(raw);
      const errors: Record<string, string> = {};
      if (points === null) errors[ASSESS_BLOCKS.pricingPoints] = t("pricing.notANumber", { value: raw });
      else if (points < 0) errors[ASSESS_BLOCKS.pricingPoints] = t("pricing.negative");
      if (!reason) errors[ASSESS_BLOCKS.pricingReason] = t("pricing.reasonRequired");
      return checked(errors, () => ({ points: points!, reason }));
    },
    save: async ({ actor, t, meta, input, args }) => {
      const r = await priceTempTask(ctx.db, ctx.deps, actor, { taskId: meta.t, ...input });
      return {
        view: noticeModal(t, t("pricing.title"), pricedText(t, r.task, r.repeated)),
        after: async () => {
          if (!r.repeated)
            await dmPerson(ctx, args.client, r.notify.slackUserId, (tt) => pricedDm(tt, r.task, actor.name));
          ctx.refreshHome(r.notify.slackUserId);
        },
      };
    },
  });
}
