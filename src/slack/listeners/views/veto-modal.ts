/**
 * The veto confirmed: recorded (with the review), the confirmation closes and the quality form under it is
 * refreshed with the score now 0. Without a veto standard chosen, a reason is required.
 */
import type { SlackContext } from "../../context.js";
import { recordVeto } from "../../domain.js";
import { MALFORMED, renderQuality, selectedIn, textIn } from "../../flows/assessment.js";
import { ASSESS_ACTIONS, ASSESS_BLOCKS } from "../../ids.js";
import { VetoMetaSchema } from "../../values-assessment.js";
import { assessmentFormSubmission, checked } from "./assessment-form.js";

const BLOCK_OF: Record<string, string> = {
  "assess.noReason": ASSESS_BLOCKS.vetoReason,
  "assess.reasonTooLong": ASSESS_BLOCKS.vetoReason,
  "quality.evidenceTooLong": ASSESS_BLOCKS.vetoEvidence,
};

export function vetoModalSubmission(ctx: SlackContext) {
  return assessmentFormSubmission(ctx, {
    meta: VetoMetaSchema,
    malformed: MALFORMED.qualityVeto,
    where: "view.veto",
    blockOf: (code) => BLOCK_OF[code],
    read: (values, _meta, t) => {
      const ruleId = selectedIn(values, ASSESS_BLOCKS.vetoRule, ASSESS_ACTIONS.vetoRule);
      const reason = textIn(values, ASSESS_BLOCKS.vetoReason, ASSESS_ACTIONS.vetoReason);
      const evidence = textIn(values, ASSESS_BLOCKS.vetoEvidence, ASSESS_ACTIONS.vetoEvidence);
      const errors: Record<string, string> =
        !ruleId && !reason ? { [ASSESS_BLOCKS.vetoReason]: t("quality.vetoReasonRequired") } : {};
      return checked(errors, () => ({
        ...(ruleId ? { ruleId } : {}),
        ...(reason ? { reason } : {}),
        ...(evidence ? { evidence } : {}),
      }));
    },
    save: async ({ actor, t, lang, meta, input, args }) => {
      const r = await recordVeto(ctx.db, ctx.deps, actor, {
        person: meta.p,
        month: meta.m,
        key: meta.k,
        ...input,
        confirm: true,
      });
      return {
        after: async () => {
          if (!meta.root) return;
          await args.client.views
            .update({
              view_id: meta.root,
              view: renderQuality(ctx, t, lang, r.sheet, { notice: t("quality.vetoSaved") }),
            })
            .catch((e) => ctx.logger.warn({ err: e }, "could not refresh the quality form after a veto"));
        },
      };
    },
  });
}
