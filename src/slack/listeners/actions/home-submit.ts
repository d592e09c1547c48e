/** App Home "Submit": the sheet summary with its Submit button, sent as a DM from the app. */
import type { SlackContext } from "../../context.js";
import { isMonthValue } from "../../values.js";
import { submitReply } from "../commands/log.js";
import { actionHandler } from "./handler.js";

export function homeSubmitAction(ctx: SlackContext) {
  return actionHandler(ctx, "action.homeSubmit", async ({ actor, lang, value, reply }) => {
    await reply(await submitReply(ctx, actor, lang, isMonthValue(value) ? value : undefined));
  });
}
