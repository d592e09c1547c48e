/**
 * Opening a review modal from a button (Return…, Adjust…, Details, Reopen…): the modal opens at once
 * with the trigger_id ("loading"), then the sheet is read and checked for the clicker and the modal is
 * filled, or shows the refusal. Page buttons inside a modal replace it (views.update).
 */

import { auditMalformedRequest, type ReviewCard } from "../../../domain/review.js";
import type { Lang, Translate } from "../../../i18n/index.js";
import { translator } from "../../../i18n/index.js";
import type { ModalView } from "../../blocks/kit.js";
import { loadingModal, messageModal } from "../../blocks/modal.js";
import { errorText, quickLang, resolveLang, type SlackContext } from "../../context.js";
import type { Actor } from "../../domain.js";
import { type ReviewRef, ReviewRefSchema, unpack } from "../../values.js";
import { type ActionArgs, actionValue } from "./handler.js";

export type LoadCard = (ctx: SlackContext, actor: Actor, ref: ReviewRef) => Promise<ReviewCard>;
export type BuildModal = (t: Translate, lang: Lang, card: ReviewCard, ref: ReviewRef) => ModalView;

export function openReviewModalAction(ctx: SlackContext, where: string, load: LoadCard, build: BuildModal) {
  return async (args: ActionArgs): Promise<void> => {
    await args.ack();
    const user = args.body.user.id;
    let lang = quickLang(ctx, user, ctx.actors.peek(user));
    const ref = unpack(ReviewRefSchema, actionValue(args));
    const inModal = args.body.view?.id;
    let viewId: string | undefined = inModal;
    try {
      if (!inModal) {
        const opened = await args.client.views.open({
          trigger_id: args.body.trigger_id,
          view: loadingModal(translator(lang)),
        });
        viewId = opened.view?.id;
      }
      if (!viewId) return;
      if (!ref) {
        const actor = await ctx.actors.get(user);
        await auditMalformedRequest(ctx.db, actor, where, actionValue(args));
        await args.client.views.update({
          view_id: viewId,
          view: messageModal(translator(lang), translator(lang)("errors.invalidRequest")),
        });
        return;
      }
      const actor = await ctx.actors.get(user);
      lang = await resolveLang(ctx, user, actor);
      const card = await load(ctx, actor, ref);
      await args.client.views.update({ view_id: viewId, view: build(translator(lang), lang, card, ref) });
    } catch (error) {
      const text = errorText(ctx, lang, error, where);
      if (viewId) {
        await args.client.views
          .update({ view_id: viewId, view: messageModal(translator(lang), text) })
          .catch((e) => ctx.logger.error({ err: e, where }, "could not show a refusal in the modal"));
      } else {
        await args
          .respond({ response_type: "ephemeral", replace_original: false, text })
          .catch((e) => ctx.logger.error({ err: e, where }, "could not report an error"));
      }
    }
  };
}
