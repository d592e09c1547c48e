/**
 * The quality form saved: the standards ticked and the free adjustment (a signed number with a reason) are
 * checked (errors on their blocks, nothing written), then recorded with the review, even when nothing is
 * adjusted. The form stays open, refreshed: the running score, what is recorded, a fresh key.
 */
import { translator } from "../../../i18n/index.js";
import { keyedBlock } from "../../blocks/assessment.js";
import { messageModal } from "../../blocks/modal.js";
import { errorText, quickLang, resolveLang, type SlackContext } from "../../context.js";
import { isDomainError, parseSignedAmount, recordQuality } from "../../domain.js";
import { MALFORMED, malformedFormModal, renderQuality, textIn, tickedIn } from "../../flows/assessment.js";
import { ASSESS_ACTIONS, ASSESS_BLOCKS } from "../../ids.js";
import { unpack } from "../../values.js";
import { QualityMetaSchema } from "../../values-assessment.js";
import type { ViewArgs } from "./log-modal.js";

const MAX_POINTS = 100;

const BASE_OF: Record<string, string> = {
  "quality.badValue": ASSESS_BLOCKS.qualityValue,
  "assess.noReason": ASSESS_BLOCKS.qualityReason,
  "assess.reasonTooLong": ASSESS_BLOCKS.qualityReason,
  "quality.evidenceTooLong": ASSESS_BLOCKS.qualityEvidence,
};

export function qualityModalSubmission(ctx: SlackContext) {
  return async ({ ack, body, view }: ViewArgs): Promise<void> => {
    const user = body.user.id;
    let lang = quickLang(ctx, user, ctx.actors.peek(user));
    let t = translator(lang);
    const meta = unpack(QualityMetaSchema, view.private_metadata);
    if (!meta)
      return void (await ack({
        response_action: "update",
        view: await malformedFormModal(ctx, user, MALFORMED.qualityRecord, view.private_metadata),
      }));
    const values = view.state.values;
    const B = {
      value: keyedBlock(ASSESS_BLOCKS.qualityValue, meta.k),
      reason: keyedBlock(ASSESS_BLOCKS.qualityReason, meta.k),
    };
    const ticked = tickedIn(
      values,
      keyedBlock(ASSESS_BLOCKS.qualityRules, meta.k),
      ASSESS_ACTIONS.qualityRules,
    );
    const raw = textIn(values, B.value, ASSESS_ACTIONS.qualityValue);
    const reason = textIn(values, B.reason, ASSESS_ACTIONS.qualityReason);
    const evidence = textIn(
      values,
      keyedBlock(ASSESS_BLOCKS.qualityEvidence, meta.k),
      ASSESS_ACTIONS.qualityEvidence,
    );
    const errors: Record<string, string> = {};
    const value = raw ? parseSignedAmount(raw) : null;
    if (raw) {
      if (value === null) errors[B.value] = t("quality.notANumber", { value: raw });
      else if (value === 0) errors[B.value] = t("quality.zero");
      else if (Math.abs(value) > MAX_POINTS * 100)
        errors[B.value] = t("quality.tooLarge", { max: MAX_POINTS });
      if (!reason) errors[B.reason] = t("quality.reasonRequired");
    } else if (reason) {
      errors[B.value] = t("quality.valueRequired");
    }
    if (Object.keys(errors).length > 0) return void (await ack({ response_action: "errors", errors }));
    const ev = evidence ? { evidence } : {};
    const adjustments = [
      ...ticked.map((ruleId) => ({ ruleId, ...ev })),
      ...(value !== null ? [{ value, reason, ...ev }] : []),
    ];
    try {
      const actor = await ctx.actors.get(user);
      lang = await resolveLang(ctx, user, actor);
      t = translator(lang);
      const r = await recordQuality(ctx.db, ctx.deps, actor, {
        person: meta.p,
        month: meta.m,
        key: meta.k,
        adjustments,
      });
      const added = adjustments.length;
      const notice = added === 0 ? t("quality.savedNone") : t("quality.saved", { count: added });
      await ack({
        response_action: "update",
        view: renderQuality(ctx, t, lang, r.sheet, { notice, ...(meta.ch ? { channel: meta.ch } : {}) }),
      });
    } catch (error) {
      const text = errorText(ctx, lang, error, "view.quality");
      const base = isDomainError(error) ? BASE_OF[error.code] : undefined;
      const block = base ? keyedBlock(base, meta.k) : undefined;
      if (block) await ack({ response_action: "errors", errors: { [block]: text } });
      else await ack({ response_action: "update", view: messageModal(t, text) });
    }
  };
}
