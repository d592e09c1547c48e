/**
 * The Return and Reopen modals share their form: one reason (required, shown next to the field when
 * missing or too long). A private_metadata that does not parse is refused and audited, and the form says it
 * could not be read (as the pricing, quality and award forms); other refusals replace the modal. On success the modal closes, then `after` updates the card and tells the people
 * concerned.
 */
import type { WebClient } from "@slack/web-api";
import { type Translate, translator } from "../../../i18n/index.js";
import { messageModal } from "../../blocks/modal.js";
import { errorText, quickLang, resolveLang, type SlackContext } from "../../context.js";
import { type Actor, isDomainError } from "../../domain.js";
import { malformedFormModal } from "../../flows/assessment.js";
import { ACTIONS, BLOCKS } from "../../ids.js";
import { type ReviewRef, ReviewRefSchema, unpack } from "../../values.js";
import type { ViewArgs } from "./log-modal.js";

const FIELD_ERRORS = new Set(["review.reasonRequired", "review.reasonTooLong"]);

export function reviewReasonSubmission(
  ctx: SlackContext,
  opts: {
    /** the audited action of a malformed submission */
    action: string;
    where: string;
    /** runs the use-case; the returned work runs after the ack */
    decide: (env: {
      actor: Actor;
      meta: ReviewRef;
      reason: string;
      user: string;
      client: WebClient;
    }) => Promise<(t: Translate) => Promise<void>>;
  },
) {
  return async ({ ack, body, view, client }: ViewArgs): Promise<void> => {
    const user = body.user.id;
    let lang = quickLang(ctx, user, ctx.actors.peek(user));
    const meta = unpack(ReviewRefSchema, view.private_metadata);
    if (!meta) {
      const answer = await malformedFormModal(
        ctx,
        user,
        { action: opts.action, entityType: "Sheet" },
        view.private_metadata,
      );
      await ack({ response_action: "update", view: answer });
      return;
    }
    const reason = view.state.values[BLOCKS.reviewReason]?.[ACTIONS.reviewReason]?.value ?? "";
    try {
      const actor = await ctx.actors.get(user);
      lang = await resolveLang(ctx, user, actor);
      const after = await opts.decide({ actor, meta, reason, user, client });
      await ack();
      await after(translator(lang));
    } catch (error) {
      const text = errorText(ctx, lang, error, opts.where);
      if (isDomainError(error) && FIELD_ERRORS.has(error.code)) {
        await ack({ response_action: "errors", errors: { [BLOCKS.reviewReason]: text } });
      } else {
        await ack({ response_action: "update", view: messageModal(translator(lang), text) });
      }
    }
  };
}
