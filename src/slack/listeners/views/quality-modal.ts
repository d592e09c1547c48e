/**
 * The quality form saved: the standards ticked and the free adjustment (a signed number with a reason) are
 * checked (errors on their blocks, nothing written), then recorded with the review, even when nothing is
 * adjusted. The form stays open, refreshed: the running score, what is recorded, a fresh key.
 */
import { keyedBlock } from "../../blocks/assessment.js";
import type { SlackContext } from "../../context.js";
import { type AdjustmentInput, parseSignedAmount, recordQuality } from "../../domain.js";
import { MALFORMED, renderQuality, textIn, tickedIn } from "../../flows/assessment.js";
import { ASSESS_ACTIONS, ASSESS_BLOCKS } from "../../ids.js";
import { QualityMetaSchema } from "../../values-assessment.js";
import { assessmentFormSubmission, checked } from "./assessment-form.js";

const MAX_POINTS = 100;

const BASE_OF: Record<string, string> = {
  "quality.badValue": ASSESS_BLOCKS.qualityValue,
  "assess.noReason": ASSESS_BLOCKS.qualityReason,
  "assess.reasonTooLong": ASSESS_BLOCKS.qualityReason,
  "quality.evidenceTooLong": ASSESS_BLOCKS.qualityEvidence,
};

export function qualityModalSubmission(ctx: SlackContext) {
  return assessmentFormSubmission(ctx, {
    meta: QualityMetaSchema,
    malformed: MALFORMED.qualityRecord,
    where: "view.quality",
    blockOf: (code, meta) => (BASE_OF[code] ? keyedBlock(BASE_OF[code], meta.k) : undefined),
    read: (values, meta, t) => {
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
      const ev = evidence ? { evidence } : {};
      return checked(errors, (): AdjustmentInput[] => [
        ...ticked.map((ruleId) => ({ ruleId, ...ev })),
        ...(value !== null ? [{ value, reason, ...ev }] : []),
      ]);
    },
    save: async ({ actor, t, lang, meta, input }) => {
      const r = await recordQuality(ctx.db, ctx.deps, actor, {
        person: meta.p,
        month: meta.m,
        key: meta.k,
        adjustments: input,
      });
      const notice =
        input.length === 0 ? t("quality.savedNone") : t("quality.saved", { count: input.length });
      return {
        view: renderQuality(ctx, t, lang, r.sheet, { notice, ...(meta.ch ? { channel: meta.ch } : {}) }),
      };
    },
  });
}
