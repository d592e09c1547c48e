/**
 * The edit form submitted: count, date and note are updated, evidence attached and the checklist set to
 * what is ticked. The line must be the submitter's own (the use-cases check; the id in private_metadata
 * is only a hint).
 */
import { translator } from "../../../i18n/index.js";
import { lineText } from "../../blocks/list.js";
import { simpleMessage } from "../../blocks/log-reply.js";
import { messageModal } from "../../blocks/modal.js";
import { errorText, quickLang, type SlackContext } from "../../context.js";
import { attachEvidence, isDomainError, updateLine } from "../../domain.js";
import { blockForError, readForm } from "../../flows/form.js";
import { toLineView } from "../../flows/views.js";
import { BLOCKS } from "../../ids.js";
import { EditModalMetaSchema, unpack } from "../../values.js";
import { notify } from "../common.js";
import type { ViewArgs } from "./log-modal.js";

export function editModalSubmission(ctx: SlackContext) {
  return async ({ ack, body, view, client }: ViewArgs): Promise<void> => {
    const user = body.user.id;
    const lang = quickLang(ctx, user, ctx.actors.peek(user));
    const t = translator(lang);
    const meta = unpack(EditModalMetaSchema, view.private_metadata);
    if (!meta) {
      await ack({ response_action: "update", view: messageModal(t, t("errors.invalidRequest")) });
      return;
    }
    const { form, errors } = readForm(t, view.state.values, { needItem: false });
    if (Object.keys(errors).length > 0) {
      await ack({ response_action: "errors", errors });
      return;
    }
    const hasChecklist = Object.keys(view.state.values).some((b) => b.startsWith(BLOCKS.checklistPrefix));
    try {
      const actor = await ctx.actors.get(user);
      const r = await updateLine(ctx.db, ctx.deps, actor, meta.id, {
        count: form.count!,
        workDate: form.workDate!,
        note: form.note ?? null,
      });
      let line = toLineView(r.line);
      if (form.links.length || form.files.length || hasChecklist) {
        const ev = await attachEvidence(
          ctx.db,
          ctx.deps,
          actor,
          meta.id,
          {
            ...(form.links.length ? { links: form.links } : {}),
            ...(form.files.length ? { files: form.files } : {}),
            checked: form.checked,
          },
          { replaceChecklist: hasChecklist },
        );
        line = { ...line, evidenceMissing: ev.evidenceMissing, evidenceCount: ev.evidenceCount };
      }
      await ack();
      await notify(
        ctx,
        client,
        user,
        meta.ch,
        simpleMessage(t("list.updated", { line: lineText(t, lang, line) })),
      );
      ctx.refreshHome(user);
    } catch (error) {
      const text = errorText(ctx, lang, error, "view.edit");
      const block = isDomainError(error) ? blockForError(error.code, { hasItem: false }) : undefined;
      if (block) await ack({ response_action: "errors", errors: { [block]: text } });
      else await ack({ response_action: "update", view: messageModal(t, text) });
    }
  };
}
