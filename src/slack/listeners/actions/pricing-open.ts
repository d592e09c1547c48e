/** The queue's Price… button: opens the pricing form of that task (trigger_id first, then filled). */
import { translator } from "../../../i18n/index.js";
import { quickLang, type SlackContext } from "../../context.js";
import { openPricingModal } from "../../flows/assessment.js";
import { unpack } from "../../values.js";
import { TaskRefSchema } from "../../values-assessment.js";
import { type ActionArgs, actionValue } from "./handler.js";

export function pricingOpenAction(ctx: SlackContext) {
  return async (args: ActionArgs): Promise<void> => {
    await args.ack();
    const user = args.body.user.id;
    const ref = unpack(TaskRefSchema, actionValue(args));
    const t = translator(quickLang(ctx, user, ctx.actors.peek(user)));
    try {
      if (!ref) throw new Error("invalid pricing button value");
      await openPricingModal(ctx, args.client, args.body.trigger_id, user, ref.t, args.body.channel?.id);
    } catch (error) {
      ctx.logger.warn({ err: error }, "could not open the pricing form");
      await args
        .respond({
          response_type: "ephemeral",
          replace_original: false,
          text: ref ? t("errors.generic") : t("errors.invalidRequest"),
        })
        .catch(() => {});
    }
  };
}
