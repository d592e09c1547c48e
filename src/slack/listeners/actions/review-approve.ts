/**
 * Approve on a card or in the `/kpi review` overview. The use-case decides who may and who won; the card
 * is updated in place, the staff member told, homes refreshed. A loser of a race reads who decided and
 * when (ephemeral); a stale card is re-rendered.
 */
import { approveSheet, auditMalformedRequest, reviewOverview } from "../../../domain/review.js";
import { reviewOverviewMessage } from "../../blocks/review.js";
import type { SlackContext } from "../../context.js";
import { isDomainError } from "../../domain.js";
import { afterDecision, refreshReviewCard } from "../../flows/review.js";
import { ReviewRefSchema, unpack } from "../../values.js";
import { actionHandler, invalidRequest } from "./handler.js";

export function reviewApproveAction(ctx: SlackContext) {
  return actionHandler(ctx, "action.reviewApprove", async ({ actor, t, lang, value, reply, args, user }) => {
    const ref = unpack(ReviewRefSchema, value);
    if (!ref) {
      await auditMalformedRequest(ctx.db, actor, "sheet.approve", value);
      return reply(invalidRequest(t), { replace: false });
    }
    let r: Awaited<ReturnType<typeof approveSheet>>;
    try {
      r = await approveSheet(ctx.db, ctx.deps, actor, {
        sheetId: ref.s,
        ...(ref.v !== undefined ? { version: ref.v } : {}),
      });
    } catch (error) {
      if (
        isDomainError(error) &&
        (error.code === "review.changed" || error.code === "review.alreadyDecided")
      ) {
        await refreshReviewCard(ctx, args.client, ref.s);
      }
      throw error;
    }
    await afterDecision(ctx, args.client, r, user);
    if (ref.o) {
      const o = await reviewOverview(ctx.db, ctx.deps, actor, { month: r.month });
      const note = t("review.approvedDone", { person: r.person.name, month: r.month });
      await reply(reviewOverviewMessage(t, lang, o, note));
    }
  });
}
