/**
 * The quality form's Veto… button: pushes the veto confirmation over the form (a veto is a distinct,
 * confirmed action). The person and month come from the form; the use-case re-checks the actor's role.
 */
import { translator } from "../../../i18n/index.js";
import { vetoModal } from "../../blocks/assessment.js";
import { messageModal } from "../../blocks/modal.js";
import { errorText, quickLang, resolveLang, type SlackContext } from "../../context.js";
import { qualitySheet } from "../../domain.js";
import { MALFORMED, refuseMalformed } from "../../flows/assessment.js";
import { unpack } from "../../values.js";
import { formKey, QualityMetaSchema } from "../../values-assessment.js";
import type { ActionArgs } from "./handler.js";

export function qualityVetoAction(ctx: SlackContext) {
  return async (args: ActionArgs): Promise<void> => {
    await args.ack();
    const user = args.body.user.id;
    let lang = quickLang(ctx, user, ctx.actors.peek(user));
    const view = args.body.view;
    const meta = unpack(QualityMetaSchema, view?.private_metadata);
    if (!meta || !view) {
      const t = await refuseMalformed(ctx, user, MALFORMED.qualityView, view?.private_metadata);
      await args.client.views
        .push({ trigger_id: args.body.trigger_id, view: messageModal(t, t("errors.invalidForm")) })
        .catch((e) => ctx.logger.warn({ err: e }, "could not show the veto refusal"));
      return;
    }
    try {
      const actor = await ctx.actors.get(user);
      lang = await resolveLang(ctx, user, actor);
      const sheet = await qualitySheet(ctx.db, actor, { person: meta.p, month: meta.m });
      await args.client.views.push({
        trigger_id: args.body.trigger_id,
        view: vetoModal(translator(lang), lang, sheet, { p: meta.p, m: meta.m, k: formKey(), root: view.id }),
      });
    } catch (error) {
      const text = errorText(ctx, lang, error, "action.qualityVeto");
      await args.client.views
        .push({ trigger_id: args.body.trigger_id, view: messageModal(translator(lang), text) })
        .catch((e) => ctx.logger.warn({ err: e }, "could not show the veto error"));
    }
  };
}
