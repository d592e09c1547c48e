/** Withdraw on a gift in the award form: back into the pool; the form shows the new pool. */
import { awardModal } from "../../blocks/assessment.js";
import type { SlackContext } from "../../context.js";
import { revokeAward } from "../../domain.js";
import { MALFORMED } from "../../flows/assessment.js";
import { AwardMetaSchema, formKey } from "../../values-assessment.js";
import { withdrawInFormAction } from "./withdraw-in-form.js";

export function awardWithdrawAction(ctx: SlackContext) {
  return withdrawInFormAction(ctx, {
    meta: AwardMetaSchema,
    malformed: MALFORMED.awardRevoke,
    where: "action.awardWithdraw",
    withdraw: async ({ actor, t, id, meta }) => {
      const r = await revokeAward(ctx.db, ctx.deps, actor, { awardId: id });
      return awardModal(t, r.pool, {
        meta: { m: r.pool.month, k: formKey(), ...(meta.ch ? { ch: meta.ch } : {}) },
        notice: t("award.withdrawn"),
      });
    },
  });
}
