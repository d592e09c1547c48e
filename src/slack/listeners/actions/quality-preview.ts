/**
 * While the quality form is edited (a standard ticked, a value typed), the form shows what the score would
 * be if saved now, through the scoring module. The form is updated with the same key, so Slack keeps what
 * was typed and ticked. Nothing is written.
 */
import { translator } from "../../../i18n/index.js";
import { keyedBlock } from "../../blocks/assessment.js";
import { resolveLang, type SlackContext } from "../../context.js";
import { parseSignedAmount, qualityScoreOf, qualitySheet } from "../../domain.js";
import { MALFORMED, refuseMalformed, renderQuality, textIn, tickedIn } from "../../flows/assessment.js";
import { ASSESS_ACTIONS, ASSESS_BLOCKS } from "../../ids.js";
import { unpack } from "../../values.js";
import { QualityMetaSchema } from "../../values-assessment.js";
import type { ActionArgs } from "./handler.js";

export function qualityPreviewAction(ctx: SlackContext) {
  return async (args: ActionArgs): Promise<void> => {
    await args.ack();
    const user = args.body.user.id;
    const view = args.body.view;
    const meta = unpack(QualityMetaSchema, view?.private_metadata);
    // nothing to preview in a form that does not parse: the refusal is audited, the form left as it is
    if (!view || !meta)
      return void (await refuseMalformed(ctx, user, MALFORMED.qualityView, view?.private_metadata));
    try {
      const actor = await ctx.actors.get(user);
      const lang = await resolveLang(ctx, user, actor);
      const sheet = await qualitySheet(ctx.db, actor, { person: meta.p, month: meta.m });
      const values = view.state?.values;
      const ticked = new Set(
        tickedIn(values, keyedBlock(ASSESS_BLOCKS.qualityRules, meta.k), ASSESS_ACTIONS.qualityRules),
      );
      const typed = parseSignedAmount(
        textIn(values, keyedBlock(ASSESS_BLOCKS.qualityValue, meta.k), ASSESS_ACTIONS.qualityValue),
      );
      const adjustments = [
        ...sheet.adjustments.map((a) => ({ value: a.value, veto: a.veto })),
        ...sheet.rules
          .filter((r) => !r.veto && ticked.has(r.id))
          .map((r) => ({ value: r.value, veto: false })),
        ...(typed !== null && typed !== 0 && Math.abs(typed) <= 10_000
          ? [{ value: typed, veto: false }]
          : []),
      ];
      const score = qualityScoreOf(adjustments);
      await args.client.views.update({
        view_id: view.id,
        hash: view.hash,
        view: renderQuality(ctx, translator(lang), lang, sheet, {
          key: meta.k,
          preview: { value: score.value, vetoed: score.vetoed },
          ...(meta.ch ? { channel: meta.ch } : {}),
        }),
      });
    } catch (error) {
      // a stale hash (the person kept typing) or a refusal: the form stays as it is; Save reports refusals
      ctx.logger.info({ err: error }, "quality preview not shown");
    }
  };
}
