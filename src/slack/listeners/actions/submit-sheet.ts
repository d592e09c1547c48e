/**
 * The Submit button of a sheet summary: submits the clicker's own sheet of that month (a sheet id in the
 * value must be theirs; the version guards against a summary that went stale).
 */
import { submittedMessage } from "../../blocks/submit.js";
import type { SlackContext } from "../../context.js";
import { sheetSummary, submitSheet } from "../../domain.js";
import { postReviewCard } from "../../flows/review.js";
import { SheetRefSchema, unpack } from "../../values.js";
import { actionHandler, invalidRequest } from "./handler.js";

export function submitSheetAction(ctx: SlackContext) {
  return actionHandler(ctx, "action.submitSheet", async ({ actor, t, value, reply, user, args }) => {
    const ref = unpack(SheetRefSchema, value);
    if (!ref) return reply(invalidRequest(t), { replace: false });
    if (ref.s) {
      const sheet = await ctx.db.sheet.findUnique({
        where: { id: ref.s },
        select: { personId: true, month: true },
      });
      if (sheet && (sheet.personId !== actor.personId || sheet.month !== ref.m)) {
        ctx.logger.warn({ user, sheetId: ref.s }, "submit: sheet id of another person refused");
        return reply(invalidRequest(t), { replace: false });
      }
    }
    const settings = await ctx.settings.get();
    const r = await submitSheet(ctx.db, { ...ctx.deps, settings }, actor, ref.m, {
      ...(ref.v !== undefined ? { expectedVersion: ref.v } : {}),
    });
    const after = await sheetSummary(ctx.db, { ...ctx.deps, settings }, actor, ref.m);
    await reply(
      submittedMessage(t, {
        month: ref.m,
        late: r.sheet.late,
        total: after.total,
        lines: after.lines,
        alreadySubmitted: r.alreadySubmitted,
        state: r.sheet.state,
      }),
    );
    if (!r.alreadySubmitted) {
      ctx.refreshHome(user);
      await postReviewCard(ctx, args.client, r.sheet.id);
    }
  });
}
