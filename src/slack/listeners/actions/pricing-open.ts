/** The queue's Price… button: opens the pricing form of that task (trigger_id first, then filled). */
import { translator } from "../../../i18n/index.js";
import { quickLang, type SlackContext } from "../../context.js";
import { MALFORMED, openPricingModal, refuseMalformed } from "../../flows/assessment.js";
import { unpack } from "../../values.js";
import { TaskRefSchema } from "../../values-assessment.js";
import { type ActionArgs, actionValue } from "./handler.js";

export function pricingOpenAction(ctx: SlackContext) {
  return async (args: ActionArgs): Promise<void> => {
    await args.ack();
    const user = args.body.user.id;
    const ref = unpack(TaskRefSchema, actionValue(args));
    if (!ref) {
      const t = await refuseMalformed(ctx, user, MALFORMED.pricingView, actionValue(args));
      await args
        .respond({ response_type: "ephemeral", replace_original: false, text: t("errors.invalidRequest") })
        .catch((e) => ctx.logger.warn({ err: e }, "could not answer a malformed Price… button"));
      return;
    }
    const t = translator(quickLang(ctx, user, ctx.actors.peek(user)));
    try {
      await openPricingModal(ctx, args.client, args.body.trigger_id, user, ref.t, args.body.channel?.id);
    } catch (error) {
      ctx.logger.warn({ err: error }, "could not open the pricing form");
      await args
        .respond({
          response_type: "ephemeral",
          replace_original: false,
          text: t("errors.generic"),
        })
        .catch(() => {});
    }
  };
}
