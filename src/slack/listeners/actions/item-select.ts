/**
 * The item picker inside the log modal changed: the modal is updated (views.update with the view's
 * hash) to show the item's points and its checklist of required documents.
 */
import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { translator } from "../../../i18n/index.js";
import { logModal } from "../../blocks/modal.js";
import { quickLang, type SlackContext, today } from "../../context.js";
import { modalItem } from "../../flows/modal.js";
import { ACTIONS, BLOCKS } from "../../ids.js";
import { LogModalMetaSchema, unpack } from "../../values.js";

type Args = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

export function itemSelectAction(ctx: SlackContext) {
  return async ({ ack, body, action, client }: Args): Promise<void> => {
    await ack();
    const view = body.view;
    const itemId = (action as { selected_option?: { value?: string } | null }).selected_option?.value;
    if (!view || !itemId) return;
    try {
      const user = body.user.id;
      const lang = quickLang(ctx, user, ctx.actors.peek(user));
      const date = view.state?.values?.[BLOCKS.date]?.[ACTIONS.date]?.selected_date ?? today(ctx);
      const item = await ctx.catalog.item(date.slice(0, 7), itemId);
      if (!item) return;
      const meta = unpack(LogModalMetaSchema, view.private_metadata) ?? {};
      await client.views.update({
        view_id: view.id,
        hash: view.hash,
        view: logModal(translator(lang), lang, { today: today(ctx), meta, item: modalItem(item) }),
      });
    } catch (error) {
      // a hash_conflict means the person already moved on (another update won): nothing to do
      ctx.logger.info({ err: error }, "item picker update skipped");
    }
  };
}
