/** Confirm on a plausibility warning: records the line with confirm: true. */
import type { SlackContext } from "../../context.js";
import { recordLine, renderOutcome } from "../../flows/log.js";
import { PendingLogSchema, unpack } from "../../values.js";
import { actionHandler, invalidRequest } from "./handler.js";

export function confirmLogAction(ctx: SlackContext) {
  return actionHandler(ctx, "action.confirmLog", async ({ actor, lang, t, value, reply, user }) => {
    const pending = unpack(PendingLogSchema, value);
    if (!pending) return reply(invalidRequest(t), { replace: false });
    const outcome = await recordLine(ctx, actor, pending, { confirm: true });
    await reply(renderOutcome(lang, outcome));
    if (outcome.kind === "logged") ctx.refreshHome(user);
  });
}
