/**
 * The award form submitted: person, points (> 0, at most 2 decimals) and reason are checked (errors on their
 * blocks); overspending is refused on the points block with the numbers. The form stays open with the new
 * pool; the recipient is told by DM.
 */
import { translator } from "../../../i18n/index.js";
import { awardDm, awardModal, keyedBlock } from "../../blocks/assessment.js";
import { amount } from "../../blocks/format.js";
import { userText } from "../../blocks/kit.js";
import { messageModal } from "../../blocks/modal.js";
import { errorText, quickLang, resolveLang, type SlackContext } from "../../context.js";
import { giveAward, isDomainError, parseSignedAmount } from "../../domain.js";
import { dmPerson, MALFORMED, malformedFormModal, selectedIn, textIn } from "../../flows/assessment.js";
import { ASSESS_ACTIONS, ASSESS_BLOCKS } from "../../ids.js";
import { unpack } from "../../values.js";
import { AwardMetaSchema, formKey } from "../../values-assessment.js";
import type { ViewArgs } from "./log-modal.js";

const BASE_OF: Record<string, string> = {
  "award.overspent": ASSESS_BLOCKS.awardPoints,
  "award.badPoints": ASSESS_BLOCKS.awardPoints,
  "award.notAssessed": ASSESS_BLOCKS.awardPerson,
  "award.self": ASSESS_BLOCKS.awardPerson,
  "assess.noReason": ASSESS_BLOCKS.awardReason,
  "assess.reasonTooLong": ASSESS_BLOCKS.awardReason,
};

export function awardModalSubmission(ctx: SlackContext) {
  return async ({ ack, body, view, client }: ViewArgs): Promise<void> => {
    const user = body.user.id;
    let lang = quickLang(ctx, user, ctx.actors.peek(user));
    let t = translator(lang);
    const meta = unpack(AwardMetaSchema, view.private_metadata);
    if (!meta)
      return void (await ack({
        response_action: "update",
        view: await malformedFormModal(ctx, user, MALFORMED.awardGive, view.private_metadata),
      }));
    const values = view.state.values;
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
    if (Object.keys(errors).length > 0) return void (await ack({ response_action: "errors", errors }));
    try {
      const actor = await ctx.actors.get(user);
      lang = await resolveLang(ctx, user, actor);
      t = translator(lang);
      const r = await giveAward(ctx.db, ctx.deps, actor, {
        month: meta.m,
        person,
        points: points!,
        reason,
        key: meta.k,
      });
      const notice = t("award.done", {
        points: amount(r.award.points),
        name: userText(r.award.name, 60),
        left: amount(r.pool.left),
      });
      await ack({
        response_action: "update",
        view: awardModal(t, r.pool, {
          meta: { m: meta.m, k: formKey(), ...(meta.ch ? { ch: meta.ch } : {}) },
          notice,
        }),
      });
      if (!r.repeated) await dmPerson(ctx, client, r.award.slackUserId, (tt) => awardDm(tt, r.award, meta.m));
    } catch (error) {
      const text = errorText(ctx, lang, error, "view.award");
      const base = isDomainError(error) ? BASE_OF[error.code] : undefined;
      const block = base ? keyedBlock(base, meta.k) : undefined;
      if (block) await ack({ response_action: "errors", errors: { [block]: text } });
      else await ack({ response_action: "update", view: messageModal(t, text) });
    }
  };
}
