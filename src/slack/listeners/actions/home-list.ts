/** App Home "My lines": the month's list, sent as a DM from the app (Edit / Delete work there). */
import type { SlackContext } from "../../context.js";
import { isMonthValue } from "../../values.js";
import { listReply } from "../commands/log.js";
import { actionHandler } from "./handler.js";

export function homeListAction(ctx: SlackContext) {
  return actionHandler(ctx, "action.homeList", async ({ actor, lang, value, reply }) => {
    await reply(await listReply(ctx, actor, lang, isMonthValue(value) ? value : undefined));
  });
}
