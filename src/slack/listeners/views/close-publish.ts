/**
 * The publish confirmation submitted: the month is published with the hash of the preview it was opened
 * from and the reason for the exceptions (when there were blockers). The modal turns into "Publishing…"
 * at once (acknowledged within Slack's 3 s), then shows the outcome; then the announcement is made (the
 * channel post with its chart, every staff member's DM, the quarterly summary after a quarter's third
 * month) and the modal says what was posted.
 */
import { z } from "zod";
import { hasRole } from "../../../domain/people.js";
import type { Translate } from "../../../i18n/index.js";
import { translator } from "../../../i18n/index.js";
import { type AnnounceOutcome, announceMonth } from "../../announce.js";
import { closeMessageModal } from "../../blocks/close.js";
import { userText } from "../../blocks/kit.js";
import { errorText, quickLang, resolveLang, type SlackContext } from "../../context.js";
import { publishMonth } from "../../domain.js";
import { CLOSE_ACTIONS, CLOSE_BLOCKS } from "../../ids.js";
import type { ViewArgs } from "./log-modal.js";

const MetaSchema = z.object({
  m: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
  h: z.string().regex(/^[0-9a-f]{8,64}$/),
});

export function announceSummary(t: Translate, out: AnnounceOutcome): string {
  const dms = out.dms.sent + out.dms.already;
  const lines = [
    out.channel
      ? t("close.announced", { channel: `<#${out.channel}>`, dms })
      : t("close.notPostedNoChannel", { dms }),
  ];
  if (out.quarter) lines.push(t("close.quarterPosted", { quarter: out.quarter }));
  return lines.join("\n");
}

export function closePublishSubmission(ctx: SlackContext) {
  return async ({ ack, body, view, client }: ViewArgs): Promise<void> => {
    const user = body.user.id;
    let lang = quickLang(ctx, user, ctx.actors.peek(user));
    let t = translator(lang);
    let meta: z.infer<typeof MetaSchema> | undefined;
    try {
      meta = MetaSchema.parse(JSON.parse(view.private_metadata || "{}"));
    } catch {
      await ack({ response_action: "update", view: closeMessageModal(t, "", t("errors.invalidRequest")) });
      return;
    }
    const reasonBlock = view.state.values[CLOSE_BLOCKS.reason];
    const reason = reasonBlock?.[CLOSE_ACTIONS.reason]?.value?.trim() ?? "";
    if (reasonBlock && reason === "") {
      await ack({ response_action: "errors", errors: { [CLOSE_BLOCKS.reason]: t("close.reasonRequired") } });
      return;
    }
    // someone outside the assessment group is answered in the ack (the use-case refuses and audits it)
    try {
      const actor = await ctx.actors.get(user);
      if (!hasRole(actor, "ASSESSMENT_GROUP")) {
        await publishMonth(ctx.db, { clock: ctx.clock }, actor, meta.m, { expectedHash: meta.h });
      }
    } catch (error) {
      await ack({
        response_action: "update",
        view: closeMessageModal(t, meta.m, errorText(ctx, lang, error, "close.publish")),
      });
      return;
    }
    await ack({
      response_action: "update",
      view: closeMessageModal(t, meta.m, t("close.publishing", { month: meta.m })),
    });
    const viewId = view.id;
    const show = (text: string) =>
      client.views.update({ view_id: viewId, view: closeMessageModal(t, meta!.m, text) }).catch((error) => {
        ctx.logger.warn({ err: error }, "close: could not update the publish modal");
      });
    try {
      const actor = await ctx.actors.get(user);
      lang = await resolveLang(ctx, user, actor);
      t = translator(lang);
      const out = await publishMonth(ctx.db, { clock: ctx.clock }, actor, meta.m, {
        expectedHash: meta.h,
        ...(reason ? { exceptionReason: reason } : {}),
      });
      if (out.alreadyPublished) return void (await show(t("close.alreadyPublished", { month: meta.m })));
      const done = [t("close.publishedDone", { month: meta.m, staff: out.staff, locked: out.lockedSheets })];
      if (out.exceptions)
        done.push(
          t("close.exceptionsDone", {
            count: out.exceptions.items.length,
            reason: userText(out.exceptions.reason, 300),
          }),
        );
      await show(done.join("\n"));
      try {
        const a = await announceMonth(ctx, meta.m);
        done.push(announceSummary(t, a));
      } catch (error) {
        ctx.logger.error({ err: error, month: meta.m }, "close: announcement failed");
        done.push(t("close.announceFailed", { month: meta.m }));
      }
      await show(done.join("\n"));
      for (const u of [user]) ctx.refreshHome(u);
    } catch (error) {
      await show(errorText(ctx, lang, error, "close.publish"));
    }
  };
}
