/**
 * The log form submitted: fields are checked (errors shown on their blocks, nothing written), then the
 * line is recorded with its evidence. A plausibility question pushes a confirmation modal; success closes
 * the form and shows the reply in the channel it came from (or by DM).
 */
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import { translator } from "../../../i18n/index.js";
import { LIMITS } from "../../blocks/kit.js";
import { confirmModal, messageModal } from "../../blocks/modal.js";
import { errorText, quickLang, type SlackContext } from "../../context.js";
import { isDomainError } from "../../domain.js";
import { blockForError, readForm } from "../../flows/form.js";
import { type EvidenceInput, recordLine, renderOutcome } from "../../flows/log.js";
import { BLOCKS } from "../../ids.js";
import { type ConfirmModalMeta, LogModalMetaSchema, type PendingLog, unpack } from "../../values.js";
import { notify } from "../common.js";

export type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

export function logModalSubmission(ctx: SlackContext) {
  return async ({ ack, body, view, client }: ViewArgs): Promise<void> => {
    const user = body.user.id;
    const lang = quickLang(ctx, user, ctx.actors.peek(user));
    const t = translator(lang);
    const { form, errors } = readForm(t, view.state.values, { needItem: true });
    if (Object.keys(errors).length > 0) {
      await ack({ response_action: "errors", errors });
      return;
    }
    const meta = unpack(LogModalMetaSchema, view.private_metadata) ?? {};
    const pending: PendingLog = {
      i: form.itemId!,
      c: form.count!,
      d: form.workDate!,
      ...(form.note ? { n: form.note } : {}),
    };
    const evidence: EvidenceInput = {
      ...(form.links.length ? { links: form.links } : {}),
      ...(form.files.length ? { files: form.files } : {}),
      ...(form.checked.length ? { checked: form.checked } : {}),
    };
    const hasEvidence = Object.keys(evidence).length > 0;
    try {
      const actor = await ctx.actors.get(user);
      const outcome = await recordLine(ctx, actor, pending, hasEvidence ? { evidence } : {});
      if (outcome.kind === "confirm") {
        const confirmMeta: ConfirmModalMeta = {
          p: pending,
          ...(meta.ch ? { ch: meta.ch } : {}),
          ...(form.links.length ? { links: form.links } : {}),
          ...(form.files.length ? { files: form.files } : {}),
          ...(form.checked.length ? { checked: form.checked } : {}),
        };
        if (JSON.stringify(confirmMeta).length > LIMITS.privateMetadata) {
          await ack({ response_action: "errors", errors: { [BLOCKS.links]: t("errors.invalidRequest") } });
          return;
        }
        const text = renderOutcome(lang, outcome).blocks[0];
        const question =
          text && text.type === "section" && text.text ? text.text.text : t("log.confirmDuplicate");
        await ack({ response_action: "push", view: confirmModal(t, question, confirmMeta) });
        return;
      }
      await ack();
      await notify(ctx, client, user, meta.ch, renderOutcome(lang, outcome));
      ctx.refreshHome(user);
    } catch (error) {
      const text = errorText(ctx, lang, error, "view.log");
      const block = isDomainError(error) ? blockForError(error.code, { hasItem: true }) : undefined;
      if (block) await ack({ response_action: "errors", errors: { [block]: text } });
      else await ack({ response_action: "update", view: messageModal(t, text) });
    }
  };
}
