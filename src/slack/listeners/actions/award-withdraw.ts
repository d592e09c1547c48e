/** Withdraw on a gift in the award form: back into the pool; the form shows the new pool. */
import { translator } from "../../../i18n/index.js";
import { awardModal } from "../../blocks/assessment.js";
import { messageModal } from "../../blocks/modal.js";
import { errorText, quickLang, resolveLang, type SlackContext } from "../../context.js";
import { revokeAward } from "../../domain.js";
import { MALFORMED, refuseMalformed } from "../../flows/assessment.js";
import { unpack } from "../../values.js";
import { AwardMetaSchema, formKey, RecordRefSchema } from "../../values-assessment.js";
import { type ActionArgs, actionValue } from "./handler.js";

export function awardWithdrawAction(ctx: SlackContext) {
  return async (args: ActionArgs): Promise<void> => {
    await args.ack();
    const user = args.body.user.id;
    let lang = quickLang(ctx, user, ctx.actors.peek(user));
    const view = args.body.view;
    const ref = unpack(RecordRefSchema, actionValue(args));
    const meta = unpack(AwardMetaSchema, view?.private_metadata);
    if (!view || !ref || !meta) {
      const raw = view && meta ? actionValue(args) : view?.private_metadata;
      const t = await refuseMalformed(ctx, user, MALFORMED.awardRevoke, raw);
      if (view)
        await args.client.views
          .update({ view_id: view.id, view: messageModal(t, t("errors.invalidForm")) })
          .catch((e) => ctx.logger.warn({ err: e }, "could not show the withdraw refusal"));
      return;
    }
    try {
      const actor = await ctx.actors.get(user);
      lang = await resolveLang(ctx, user, actor);
      const t = translator(lang);
      const r = await revokeAward(ctx.db, ctx.deps, actor, { awardId: ref.a });
      await args.client.views.update({
        view_id: view.id,
        hash: view.hash,
        view: awardModal(t, r.pool, {
          meta: { m: r.pool.month, k: formKey(), ...(meta.ch ? { ch: meta.ch } : {}) },
          notice: t("award.withdrawn"),
        }),
      });
    } catch (error) {
      const t = translator(lang);
      const text = errorText(ctx, lang, error, "action.awardWithdraw");
      await args.client.views
        .update({ view_id: view.id, view: messageModal(t, text) })
        .catch((e) => ctx.logger.warn({ err: e }, "could not show the withdraw error"));
    }
  };
}
