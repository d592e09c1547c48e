/**
 * The Return modal submitted: the sheet goes back to the staff member with the reason (required). The
 * card is updated in place, the staff member told; a refusal is shown in the modal.
 */
import { returnSheet } from "../../../domain/review.js";
import { translator } from "../../../i18n/index.js";
import { simpleMessage } from "../../blocks/log-reply.js";
import { messageModal } from "../../blocks/modal.js";
import { errorText, quickLang, resolveLang, type SlackContext } from "../../context.js";
import { isDomainError } from "../../domain.js";
import { afterDecision } from "../../flows/review.js";
import { ACTIONS, BLOCKS } from "../../ids.js";
import { ReviewRefSchema, unpack } from "../../values.js";
import { notify } from "../common.js";
import type { ViewArgs } from "./log-modal.js";

const FIELD_ERRORS = new Set(["review.reasonRequired", "review.reasonTooLong"]);

export function reviewReturnSubmission(ctx: SlackContext) {
  return async ({ ack, body, view, client }: ViewArgs): Promise<void> => {
    const user = body.user.id;
    let lang = quickLang(ctx, user, ctx.actors.peek(user));
    const meta = unpack(ReviewRefSchema, view.private_metadata);
    if (!meta) {
      await ack({
        response_action: "update",
        view: messageModal(translator(lang), translator(lang)("errors.invalidRequest")),
      });
      return;
    }
    const reason = view.state.values[BLOCKS.reviewReason]?.[ACTIONS.reviewReason]?.value ?? "";
    try {
      const actor = await ctx.actors.get(user);
      lang = await resolveLang(ctx, user, actor);
      const r = await returnSheet(ctx.db, ctx.deps, actor, {
        sheetId: meta.s,
        ...(meta.v !== undefined ? { version: meta.v } : {}),
        reason,
      });
      await ack();
      await afterDecision(ctx, client, r, user);
      if (meta.o) {
        const t = translator(lang);
        await notify(
          ctx,
          client,
          user,
          undefined,
          simpleMessage(t("review.returnedDone", { person: r.person.name, month: r.month })),
        );
      }
    } catch (error) {
      const text = errorText(ctx, lang, error, "view.reviewReturn");
      if (isDomainError(error) && FIELD_ERRORS.has(error.code)) {
        await ack({ response_action: "errors", errors: { [BLOCKS.reviewReason]: text } });
      } else {
        await ack({ response_action: "update", view: messageModal(translator(lang), text) });
      }
    }
  };
}
