/** Remove on a recorded quality adjustment (or veto): withdraws it and refreshes the form's running score. */
import type { SlackContext } from "../../context.js";
import { revokeQualityAdjustment } from "../../domain.js";
import { MALFORMED, renderQuality } from "../../flows/assessment.js";
import { QualityMetaSchema } from "../../values-assessment.js";
import { withdrawInFormAction } from "./withdraw-in-form.js";

export function qualityRemoveAction(ctx: SlackContext) {
  return withdrawInFormAction(ctx, {
    meta: QualityMetaSchema,
    malformed: MALFORMED.qualityRevoke,
    where: "action.qualityRemove",
    withdraw: async ({ actor, t, lang, id, meta }) => {
      const r = await revokeQualityAdjustment(ctx.db, ctx.deps, actor, { adjustmentId: id });
      return renderQuality(ctx, t, lang, r.sheet, {
        notice: t("quality.removed"),
        ...(meta.ch ? { channel: meta.ch } : {}),
      });
    },
  });
}
