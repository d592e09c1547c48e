/**
 * The Adjust modal submitted: every count that differs from the line's current count is a change, and
 * needs a reason (shown next to the field otherwise). The sheet stays submitted; the card is re-rendered
 * with the new total and version, the staff member told. A private_metadata that does not parse is refused
 * (audited) and the form says it could not be read, so nothing was saved.
 */

import { MAX_COUNT } from "../../../domain/command-parse.js";
import { adjustLines, loadReviewCard, reviewCardForDecision } from "../../../domain/review.js";
import { translator } from "../../../i18n/index.js";
import { simpleMessage } from "../../blocks/log-reply.js";
import { messageModal } from "../../blocks/modal.js";
import { ADJUST_PAGE, reviewAdjustModal } from "../../blocks/review.js";
import { errorText, quickLang, resolveLang, type SlackContext } from "../../context.js";
import { isDomainError } from "../../domain.js";
import { malformedFormModal } from "../../flows/assessment.js";
import { afterAdjust } from "../../flows/review.js";
import { ACTIONS, BLOCKS } from "../../ids.js";
import { ReviewRefSchema, unpack } from "../../values.js";
import { notify } from "../common.js";
import type { ViewArgs } from "./log-modal.js";

export function reviewAdjustSubmission(ctx: SlackContext) {
  return async ({ ack, body, view, client }: ViewArgs): Promise<void> => {
    const user = body.user.id;
    let lang = quickLang(ctx, user, ctx.actors.peek(user));
    let t = translator(lang);
    const meta = unpack(ReviewRefSchema, view.private_metadata);
    if (!meta) {
      const answer = await malformedFormModal(
        ctx,
        user,
        { action: "sheet.adjust", entityType: "Sheet" },
        view.private_metadata,
      );
      await ack({ response_action: "update", view: answer });
      return;
    }
    try {
      const actor = await ctx.actors.get(user);
      lang = await resolveLang(ctx, user, actor);
      t = translator(lang);
      // the clicker must be able to decide the sheet now (refusals audited), before its lines are read
      const card = await reviewCardForDecision(ctx.db, ctx.deps, actor, meta.s, meta.v, "sheet.adjust");
      const current = new Map(card.lines.map((l) => [l.id, l.count]));
      const errors: Record<string, string> = {};
      const changes: { entryId: string; count: number; reason: string }[] = [];
      let firstCount: string | undefined;
      for (const [blockId, fields] of Object.entries(view.state.values)) {
        if (!blockId.startsWith(BLOCKS.reviewCountPrefix)) continue;
        firstCount ??= blockId;
        const entryId = blockId.slice(BLOCKS.reviewCountPrefix.length);
        const raw = (fields[ACTIONS.reviewCount]?.value ?? "").trim();
        const reasonBlock = `${BLOCKS.reviewReasonPrefix}${entryId}`;
        const reason = (view.state.values[reasonBlock]?.[ACTIONS.reviewLineReason]?.value ?? "").trim();
        if (!/^\d{1,6}$/.test(raw) || Number(raw) > MAX_COUNT) {
          errors[blockId] = t("review.countInvalid", { max: MAX_COUNT });
          continue;
        }
        const count = Number(raw);
        if (!current.has(entryId) || current.get(entryId) === count) continue;
        if (!reason) {
          errors[reasonBlock] = t("review.reasonNeeded");
          continue;
        }
        changes.push({ entryId, count, reason });
      }
      if (Object.keys(errors).length) {
        await ack({ response_action: "errors", errors });
        return;
      }
      if (changes.length === 0) {
        if (firstCount)
          await ack({ response_action: "errors", errors: { [firstCount]: t("review.nothingChanged") } });
        else await ack({ response_action: "update", view: messageModal(t, t("review.nothingChanged")) });
        return;
      }
      const r = await adjustLines(ctx.db, ctx.deps, actor, {
        sheetId: meta.s,
        ...(meta.v !== undefined ? { version: meta.v } : {}),
        changes,
      });
      const done = t("review.adjustedDone", { n: r.changed.length, person: r.person.name, month: r.month });
      if (card.lines.length > ADJUST_PAGE) {
        // a long sheet: the modal stays open on the same page (new counts, new version) for more changes
        const fresh = await loadReviewCard(ctx.db, ctx.deps, meta.s);
        await ack({ response_action: "update", view: reviewAdjustModal(t, lang, fresh, meta.p ?? 0, done) });
      } else {
        await ack();
      }
      await afterAdjust(ctx, client, r, user);
      await notify(ctx, client, user, undefined, simpleMessage(done));
    } catch (error) {
      const text = errorText(ctx, lang, error, "view.reviewAdjust");
      if (!isDomainError(error)) ctx.logger.error({ err: error }, "adjust failed");
      await ack({ response_action: "update", view: messageModal(t, text) });
    }
  };
}
