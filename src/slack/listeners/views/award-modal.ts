/**
 * The award form submitted: person, points (> 0, at most 2 decimals) and reason are checked (errors on their
 * blocks); overspending is refused on the points block with the numbers. The form stays open with the new
 * pool; the recipient is told by DM.
 */
import { awardDm, awardModal, keyedBlock } from "../../blocks/assessment.js";
import { amount } from "../../blocks/format.js";
import { userText } from "../../blocks/kit.js";
import type { SlackContext } from "../../context.js";
import { giveAward, parseSignedAmount } from "../../domain.js";
import { dmPerson, MALFORMED, selectedIn, textIn } from "../../flows/assessment.js";
import { ASSESS_ACTIONS, ASSESS_BLOCKS } from "../../ids.js";
import { AwardMetaSchema, formKey } from "../../values-assessment.js";
import { assessmentFormSubmission, checked } from "./assessment-form.js";

const BASE_OF: Record<string, string> = {
  "award.overspent": ASSESS_BLOCKS.awardPoints,
  "award.badPoints": ASSESS_BLOCKS.awardPoints,
  "award.notAssessed": ASSESS_BLOCKS.awardPerson,
  "award.self": ASSESS_BLOCKS.awardPerson,
  "assess.noReason": ASSESS_BLOCKS.awardReason,
  "assess.reasonTooLong": ASSESS_BLOCKS.awardReason,
};

export function awardModalSubmission(ctx: SlackContext) {
  return assessmentFormSubmission(ctx, {
    meta: AwardMetaSchema,
    malformed: MALFORMED.awardGive,
    where: "view.award",
    blockOf: (code, meta) => (BASE_OF[code] ? keyedBlock(BASE_OF[code], meta.k) : undefined),
    read: (values, meta, t) => {
      const B = {
        person: keyedBlock(ASSESS_BLOCKS.awardPerson, meta.k),
        points: keyedBlock(ASSESS_BLOCKS.awardPoints, meta.k),
        reason: keyedBlock(ASSESS_BLOCKS.awardReason, meta.k),
      };
      const person = selectedIn(values, B.person, ASSESS_ACTIONS.awardPerson);
      const raw = textIn(values, B.points, ASSESS_ACTIONS.awardPoints);
      const reason = textIn(values, B.reason, ASSESS_ACTIONS.awardReason);
      const points = parseSignedAmount(raw);
      const errors: Record<string, string> = {};
      if (!person) errors[B.person] = t("award.personRequired");
      if (points === null) errors[B.points] = t("award.notANumber", { value: raw });
      else if (points <= 0) errors[B.points] = t("award.notPositive");
      if (!reason) errors[B.reason] = t("award.reasonRequired");
      return checked(errors, () => ({ person, points: points!, reason }));
    },
    save: async ({ actor, t, meta, input, args }) => {
      const r = await giveAward(ctx.db, ctx.deps, actor, { month: meta.m, ...input, key: meta.k });
      const notice = t("award.done", {
        points: amount(r.award.points),
        name: userText(r.award.name, 60),
        left: amount(r.pool.left),
      });
      return {
        view: awardModal(t, r.pool, {
          meta: { m: meta.m, k: formKey(), ...(meta.ch ? { ch: meta.ch } : {}) },
          notice,
        }),
        after: async () => {
          if (!r.repeated)
            await dmPerson(ctx, args.client, r.award.slackUserId, (tt) => awardDm(tt, r.award, meta.m));
        },
      };
    },
  });
}
