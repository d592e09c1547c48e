/** The Reopen modal submitted (assessment group): APPROVED → RETURNED with the reason; both are told. */
import { reopenSheet } from "../../../domain/review.js";
import { simpleMessage } from "../../blocks/log-reply.js";
import type { SlackContext } from "../../context.js";
import { afterReopen } from "../../flows/review.js";
import { notify } from "../common.js";
import { reviewReasonSubmission } from "./review-reason.js";

export function reviewReopenSubmission(ctx: SlackContext) {
  return reviewReasonSubmission(ctx, {
    action: "sheet.reopen",
    where: "view.reviewReopen",
    decide: async ({ actor, meta, reason, user, client }) => {
      const r = await reopenSheet(ctx.db, ctx.deps, actor, { sheetId: meta.s, reason });
      return async (t) => {
        await afterReopen(ctx, client, r, user);
        await notify(
          ctx,
          client,
          user,
          undefined,
          simpleMessage(t("review.reopenDone", { person: r.person.name, month: r.month })),
        );
      };
    },
  });
}
