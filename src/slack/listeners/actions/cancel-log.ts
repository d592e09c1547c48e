/** Cancel on a warning or a candidate list: nothing is recorded. */
import { simpleMessage } from "../../blocks/log-reply.js";
import type { SlackContext } from "../../context.js";
import { actionHandler } from "./handler.js";

export function cancelLogAction(ctx: SlackContext) {
  return actionHandler(ctx, "action.cancelLog", async ({ t, reply }) => {
    await reply(simpleMessage(t("log.cancelled")));
  });
}
