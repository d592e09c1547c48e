/** The person opened the App Home: publish it (after Bolt's automatic ack). */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { SlackContext } from "../../context.js";

export function appHomeOpened(ctx: SlackContext) {
  return async ({
    event,
  }: SlackEventMiddlewareArgs<"app_home_opened"> & AllMiddlewareArgs): Promise<void> => {
    if (event.tab && event.tab !== "home") return;
    ctx.refreshHome(event.user, { now: true });
  };
}
