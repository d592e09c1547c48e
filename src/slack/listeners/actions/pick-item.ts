/** A candidate button (ambiguous or unknown item): records the pending line with the chosen item. */
import type { SlackContext } from "../../context.js";
import { recordLine, renderOutcome } from "../../flows/log.js";
import { PendingLogSchema, unpack } from "../../values.js";
import { actionHandler, invalidRequest } from "./handler.js";

export function pickItemAction(ctx: SlackContext) {
  return actionHandler(ctx, "action.pickItem", async ({ actor, lang, t, value, reply, user }) => {
    const pending = unpack(PendingLogSchema, value);
    if (!pending) return reply(invalidRequest(t), { replace: false });
    const outcome = await recordLine(ctx, actor, pending);
    await reply(renderOutcome(lang, outcome));
    if (outcome.kind === "logged") ctx.refreshHome(user);
  });
}
