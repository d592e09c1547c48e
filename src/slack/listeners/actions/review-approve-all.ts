/** `/kpi review`: Approve all clean sheets the overview showed; the overview is replaced with the result. */
import { approveAllClean, reviewOverview } from "../../../domain/review.js";
import { reviewOverviewMessage } from "../../blocks/review.js";
import type { SlackContext } from "../../context.js";
import { afterDecision } from "../../flows/review.js";
import { ApproveAllRefSchema, unpack } from "../../values.js";
import { actionHandler, invalidRequest } from "./handler.js";

export function reviewApproveAllAction(ctx: SlackContext) {
  return actionHandler(
    ctx,
    "action.reviewApproveAll",
    async ({ actor, t, lang, value, reply, args, user }) => {
      const ref = unpack(ApproveAllRefSchema, value);
      if (!ref) return reply(invalidRequest(t), { replace: false });
      const r = await approveAllClean(ctx.db, ctx.deps, actor, {
        month: ref.m,
        ...(ref.s ? { sheets: ref.s } : {}),
      });
      for (const d of r.approved) await afterDecision(ctx, args.client, d, user);
      const notes = [
        r.approved.length
          ? t("review.approveAllDone", {
              n: r.approved.length,
              names: r.approved.map((a) => a.person.name).join(", "),
            })
          : t("review.approveAllNone"),
      ];
      if (r.skipped.length) {
        notes.push(t("review.approveAllSkipped", { names: r.skipped.map((s) => s.person.name).join(", ") }));
      }
      const o = await reviewOverview(ctx.db, ctx.deps, actor, { month: r.month });
      await reply(reviewOverviewMessage(t, lang, o, notes.join("\n")));
    },
  );
}
