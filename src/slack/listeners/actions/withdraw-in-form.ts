/**
 * Remove (quality form) and Withdraw (award form): a button on a recorded line inside an open form. The
 * button's value names the record, the form's private_metadata which form it is; the use-case withdraws
 * it and the form is drawn again with the result, or shows the refusal. A value or form that does not
 * parse is refused (audited) and the form says so.
 */
import type { z } from "zod";
import { type Lang, type Translate, translator } from "../../../i18n/index.js";
import type { ModalView } from "../../blocks/kit.js";
import { messageModal } from "../../blocks/modal.js";
import { errorText, quickLang, resolveLang, type SlackContext } from "../../context.js";
import type { Actor } from "../../domain.js";
import { refuseMalformed } from "../../flows/assessment.js";
import { unpack } from "../../values.js";
import { RecordRefSchema } from "../../values-assessment.js";
import { type ActionArgs, actionValue } from "./handler.js";

export function withdrawInFormAction<M>(
  ctx: SlackContext,
  opts: {
    meta: z.ZodType<M>;
    /** what the audit row of a malformed click says it was */
    malformed: { action: string; entityType: string };
    where: string;
    /** withdraws the record and returns the form to show */
    withdraw: (env: { actor: Actor; t: Translate; lang: Lang; id: string; meta: M }) => Promise<ModalView>;
  },
) {
  return async (args: ActionArgs): Promise<void> => {
    await args.ack();
    const user = args.body.user.id;
    let lang = quickLang(ctx, user, ctx.actors.peek(user));
    const view = args.body.view;
    const ref = unpack(RecordRefSchema, actionValue(args));
    const meta = unpack(opts.meta, view?.private_metadata);
    if (!view || !ref || !meta) {
      const raw = view && meta ? actionValue(args) : view?.private_metadata;
      const t = await refuseMalformed(ctx, user, opts.malformed, raw);
      if (view)
        await args.client.views
          .update({ view_id: view.id, view: messageModal(t, t("errors.invalidForm")) })
          .catch((e) => ctx.logger.warn({ err: e, where: opts.where }, "could not show the refusal"));
      return;
    }
    try {
      const actor = await ctx.actors.get(user);
      lang = await resolveLang(ctx, user, actor);
      const form = await opts.withdraw({ actor, t: translator(lang), lang, id: ref.a, meta });
      await args.client.views.update({ view_id: view.id, hash: view.hash, view: form });
    } catch (error) {
      const text = errorText(ctx, lang, error, opts.where);
      await args.client.views
        .update({ view_id: view.id, view: messageModal(translator(lang), text) })
        .catch((e) => ctx.logger.warn({ err: e, where: opts.where }, "could not show the error"));
    }
  };
}
