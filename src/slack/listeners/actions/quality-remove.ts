/** Remove on a recorded quality adjustment (or veto): withdraws it and refreshes the form's running score. */
import { translator } from "../../../i18n/index.js";
import { messageModal } from "../../blocks/modal.js";
import { errorText, quickLang, resolveLang, type SlackContext } from "../../context.js";
import { revokeQualityAdjustment } from "../../domain.js";
import { MALFORMED, refuseMalformed, renderQuality } from "../../flows/assessment.js";
import { unpack } from "../../values.js";
import { QualityMetaSchema, RecordRefSchema } from "../../values-assessment.js";
import { type ActionArgs, actionValue } from "./handler.js";

export function qualityRemoveAction(ctx: SlackContext) {
  return async (args: ActionArgs): Promise<void> => {
    await args.ack();
    const user = args.body.user.id;
    let lang = quickLang(ctx, user, ctx.actors.peek(user));
    const view = args.body.view;
    const ref = unpack(RecordRefSchema, actionValue(args));
    const meta = unpack(QualityMetaSchema, view?.private_metadata);
    if (!view || !ref || !meta) {
      const raw = view && meta ? actionValue(args) : view?.private_metadata;
      const t = await refuseMalformed(ctx, user, MALFORMED.qualityRevoke, raw);
      if (view)
        await args.client.views
          .update({ view_id: view.id, view: messageModal(t, t("errors.invalidForm")) })
          .catch((e) => ctx.logger.warn({ err: e }, "could not show the remove refusal"));
      return;
    }
    try {
      const actor = await ctx.actors.get(user);
      lang = await resolveLang(ctx, user, actor);
      const t = translator(lang);
      const r = await revokeQualityAdjustment(ctx.db, ctx.deps, actor, { adjustmentId: ref.a });
      await args.client.views.update({
        view_id: view.id,
        hash: view.hash,
        view: renderQuality(ctx, t, lang, r.sheet, {
          notice: t("quality.removed"),
          ...(meta.ch ? { channel: meta.ch } : {}),
        }),
      });
    } catch (error) {
      const t = translator(lang);
      const text = errorText(ctx, lang, error, "action.qualityRemove");
      await args.client.views
        .update({ view_id: view.id, view: messageModal(t, text) })
        .catch((e) => ctx.logger.warn({ err: e }, "could not show the remove error"));
    }
  };
}
