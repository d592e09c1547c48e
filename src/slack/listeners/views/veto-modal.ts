/**
 * The veto confirmed: recorded (with the review), the confirmation closes and the quality form under it is
 * refreshed with the score now 0. Without a veto standard chosen, a reason is required.
 */
import { translator } from "../../../i18n/index.js";
import { messageModal } from "../../blocks/modal.js";
import { errorText, quickLang, resolveLang, type SlackContext } from "../../context.js";
import { isDomainError, recordVeto } from "../../domain.js";
import { MALFORMED, malformedFormModal, renderQuality, selectedIn, textIn } from "../../flows/assessment.js";
import { ASSESS_ACTIONS, ASSESS_BLOCKS } from "../../ids.js";
import { unpack } from "../../values.js";
import { VetoMetaSchema } from "../../values-assessment.js";
import type { ViewArgs } from "./log-modal.js";

const BLOCK_OF: Record<string, string> = {
  "assess.noReason": ASSESS_BLOCKS.vetoReason,
  "assess.reasonTooLong": ASSESS_BLOCKS.vetoReason,
  "quality.evidenceTooLong": ASSESS_BLOCKS.vetoEvidence,
};

export function vetoModalSubmission(ctx: SlackContext) {
  return async ({ ack, body, view, client }: ViewArgs): Promise<void> => {
    const user = body.user.id;
    let lang = quickLang(ctx, user, ctx.actors.peek(user));
    let t = translator(lang);
    const meta = unpack(VetoMetaSchema, view.private_metadata);
    if (!meta)
      return void (await ack({
        response_action: "update",
        view: await malformedFormModal(ctx, user, MALFORMED.qualityVeto, view.private_metadata),
      }));
    const values = view.state.values;
    const ruleId = selectedIn(values, ASSESS_BLOCKS.vetoRule, ASSESS_ACTIONS.vetoRule);
    const reason = textIn(values, ASSESS_BLOCKS.vetoReason, ASSESS_ACTIONS.vetoReason);
    const evidence = textIn(values, ASSESS_BLOCKS.vetoEvidence, ASSESS_ACTIONS.vetoEvidence);
    if (!ruleId && !reason) {
      return void (await ack({
        response_action: "errors",
        errors: { [ASSESS_BLOCKS.vetoReason]: t("quality.vetoReasonRequired") },
      }));
    }
    try {
      const actor = await ctx.actors.get(user);
      lang = await resolveLang(ctx, user, actor);
      t = translator(lang);
      const r = await recordVeto(ctx.db, ctx.deps, actor, {
        person: meta.p,
        month: meta.m,
        key: meta.k,
        ...(ruleId ? { ruleId } : {}),
        ...(reason ? { reason } : {}),
        ...(evidence ? { evidence } : {}),
        confirm: true,
      });
      await ack();
      if (meta.root) {
        await client.views
          .update({
            view_id: meta.root,
            view: renderQuality(ctx, t, lang, r.sheet, { notice: t("quality.vetoSaved") }),
          })
          .catch((e) => ctx.logger.warn({ err: e }, "could not refresh the quality form after a veto"));
      }
    } catch (error) {
      const text = errorText(ctx, lang, error, "view.veto");
      const block = isDomainError(error) ? BLOCK_OF[error.code] : undefined;
      if (block) await ack({ response_action: "errors", errors: { [block]: text } });
      else await ack({ response_action: "update", view: messageModal(t, text) });
    }
  };
}
