/**
 * The Return modal submitted: the sheet goes back to the staff member with the reason (required). The
 * card is updated in place, the staff member told; a refusal is shown in the modal.
 */
import { returnSheet } from "../../../domain/review.js";
import { simpleMessage } from "../../blocks/log-reply.js";
import type { SlackContext } from "../../context.js";
import { afterDecision } from "../../flows/review.js";
import { notify } from "../common.js";
import { reviewReasonSubmission } from "./review-reason.js";

export function reviewReturnSubmission(ctx: SlackContext) {
  return reviewReasonSubmission(ctx, {
    action: "sheet.return",
    where: "view.reviewReturn",
    decide: async ({ actor, meta, reason, user, client }) => {
      const r = await returnSheet(ctx.db, ctx.deps, actor, {
        sheetId: meta.s,
        ...(meta.v !== undefined ? { version: meta.v } : {}),
        reason,
      });
      return async (t) => {
        await afterDecision(ctx, client, r, user);
        // opened from the overview: the reviewer is told here as well
        if (meta.o)
          await notify(
            ctx,
            client,
            user,
            undefined,
            simpleMessage(t("review.returnedDone", { person: r.person.name, month: r.month })),
          );
      };
    },
  });
}
