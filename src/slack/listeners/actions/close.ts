/**
 * The buttons of the close preview: Recompute (the preview again, replacing the message), Publish… (the
 * confirmation modal, opened at once, then filled from a fresh computation: it says so when the inputs
 * changed since the preview the button sits on), and Post the announcement (a published month whose
 * announcement failed or was not posted). Every one re-checks the actor's role in the use-case.
 */
import { translator } from "../../../i18n/index.js";
import { announceMonth } from "../../announce.js";
import { closeMessageModal, publishModal } from "../../blocks/close.js";
import { simpleMessage } from "../../blocks/log-reply.js";
import { loadingModal } from "../../blocks/modal.js";
import { errorText, quickLang, resolveLang, type SlackContext } from "../../context.js";
import { previewClose } from "../../domain.js";
import { CloseRefSchema, unpack } from "../../values.js";
import { closePreviewReply } from "../commands/kpi/close.js";
import { announceSummary } from "../views/close-publish.js";
import { type ActionArgs, actionHandler, invalidRequest } from "./handler.js";

export function closeRecomputeAction(ctx: SlackContext) {
  return actionHandler(ctx, "action.closeRecompute", async ({ actor, lang, t, value, reply }) => {
    const ref = unpack(CloseRefSchema, value);
    if (!ref) return reply(invalidRequest(t), { replace: false });
    await reply(await closePreviewReply(ctx, actor, lang, ref.m));
  });
}

export function closeAnnounceAction(ctx: SlackContext) {
  return actionHandler(ctx, "action.closeAnnounce", async ({ actor, lang, t, value, reply }) => {
    const ref = unpack(CloseRefSchema, value);
    if (!ref) return reply(invalidRequest(t), { replace: false });
    // the group only: previewClose checks the role (and shows the month as published)
    await previewClose(ctx.db, { clock: ctx.clock }, actor, ref.m);
    const out = await announceMonth(ctx, ref.m);
    await reply(simpleMessage(announceSummary(t, out)), { replace: false });
    await reply(await closePreviewReply(ctx, actor, lang, ref.m));
  });
}

export function closePublishAction(ctx: SlackContext) {
  return async (args: ActionArgs): Promise<void> => {
    await args.ack();
    const user = args.body.user.id;
    const lang0 = quickLang(ctx, user, ctx.actors.peek(user));
    const triggerId = (args.body as { trigger_id?: string }).trigger_id;
    const value = (args.action as { value?: string }).value;
    const ref = unpack(CloseRefSchema, value);
    if (!triggerId) return;
    const opened = await args.client.views.open({
      trigger_id: triggerId,
      view: loadingModal(translator(lang0)),
    });
    const viewId = opened.view?.id;
    if (!viewId) return;
    let lang = lang0;
    try {
      const actor = await ctx.actors.get(user);
      lang = await resolveLang(ctx, user, actor);
      const t = translator(lang);
      if (!ref) {
        await args.client.views.update({
          view_id: viewId,
          view: closeMessageModal(t, "", t("errors.invalidRequest")),
        });
        return;
      }
      const p = await previewClose(ctx.db, { clock: ctx.clock }, actor, ref.m);
      const settings = await ctx.settings.get();
      await args.client.views.update({
        view_id: viewId,
        view: publishModal(t, {
          month: ref.m,
          hash: ref.h ?? p.inputsHash,
          staff: p.table.totals.staff,
          channel: settings.resultsChannel,
          blockers: p.blockers,
          changed: ref.h !== undefined && ref.h !== p.inputsHash,
          alreadyPublished: p.state === "PUBLISHED",
        }),
      });
    } catch (error) {
      const t = translator(lang);
      await args.client.views
        .update({
          view_id: viewId,
          view: closeMessageModal(t, ref?.m ?? "", errorText(ctx, lang, error, "close.publish")),
        })
        .catch(() => {});
    }
  };
}
