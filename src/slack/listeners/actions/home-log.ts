/** App Home "Log work": opens the log form (trigger_id first). */
import type { SlackContext } from "../../context.js";
import { openLogModal } from "../../flows/modal.js";
import type { ActionArgs } from "./handler.js";

export function homeLogAction(ctx: SlackContext) {
  return async (args: ActionArgs): Promise<void> => {
    await args.ack();
    try {
      await openLogModal(ctx, args.client, args.body.trigger_id, args.body.user.id);
    } catch (error) {
      ctx.logger.error({ err: error }, "could not open the log modal from the home");
    }
  };
}
