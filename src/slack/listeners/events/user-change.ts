/** A Slack profile changed (locale, deactivation): forget what is cached about the person. */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { SlackContext } from "../../context.js";

export function userChange(ctx: SlackContext) {
  return async ({ event }: SlackEventMiddlewareArgs<"user_change"> & AllMiddlewareArgs): Promise<void> => {
    const id = (event.user as { id?: string } | undefined)?.id;
    if (!id) return;
    ctx.locales.invalidate(id);
    ctx.actors.invalidate(id);
  };
}
