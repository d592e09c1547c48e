/** The plausibility confirmation pushed over the log form: submitting records the line anyway. */
import { translator } from "../../../i18n/index.js";
import { messageModal } from "../../blocks/modal.js";
import { errorText, quickLang, type SlackContext } from "../../context.js";
import { recordLine, renderOutcome } from "../../flows/log.js";
import { ConfirmModalMetaSchema, unpack } from "../../values.js";
import { notify } from "../common.js";
import type { ViewArgs } from "./log-modal.js";

export function confirmModalSubmission(ctx: SlackContext) {
  return async ({ ack, body, view, client }: ViewArgs): Promise<void> => {
    const user = body.user.id;
    const lang = quickLang(ctx, user, ctx.actors.peek(user));
    const t = translator(lang);
    const meta = unpack(ConfirmModalMetaSchema, view.private_metadata);
    if (!meta) {
      await ack({ response_action: "update", view: messageModal(t, t("errors.invalidRequest")) });
      return;
    }
    try {
      const actor = await ctx.actors.get(user);
      const evidence = {
        ...(meta.links ? { links: meta.links } : {}),
        ...(meta.files ? { files: meta.files } : {}),
        ...(meta.checked ? { checked: meta.checked } : {}),
      };
      const outcome = await recordLine(ctx, actor, meta.p, {
        confirm: true,
        ...(Object.keys(evidence).length ? { evidence } : {}),
      });
      await ack({ response_action: "clear" });
      await notify(ctx, client, user, meta.ch, renderOutcome(lang, outcome));
      ctx.refreshHome(user);
    } catch (error) {
      await ack({
        response_action: "update",
        view: messageModal(t, errorText(ctx, lang, error, "view.confirm")),
      });
    }
  };
}
