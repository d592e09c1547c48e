/**
 * The shape the pricing, quality, veto and award forms share when submitted:
 * 1. a private_metadata that does not parse: refused (audited), the form says it could not be read;
 * 2. the typed values checked: errors on their blocks, nothing written;
 * 3. the use-case called as the clicker; its refusals shown on the block they concern (a form keyed per
 *    submission maps its codes to keyed block ids), or in place of the form;
 * 4. the form re-drawn (or closed), then any work after the ack (DMs, refreshing another view).
 */
import type { z } from "zod";
import { type Lang, type Translate, translator } from "../../../i18n/index.js";
import type { ModalView } from "../../blocks/kit.js";
import { messageModal } from "../../blocks/modal.js";
import { errorText, quickLang, resolveLang, type SlackContext } from "../../context.js";
import { type Actor, isDomainError } from "../../domain.js";
import { malformedFormModal, type ViewState } from "../../flows/assessment.js";
import { unpack } from "../../values.js";
import type { ViewArgs } from "./log-modal.js";

export interface AssessmentForm<M, I> {
  meta: z.ZodType<M>;
  /** what the audit row of a malformed submission says it was */
  malformed: { action: string; entityType: string };
  where: string;
  /** the block a refusal code belongs to, if any */
  blockOf: (code: string, meta: M) => string | undefined;
  /** the typed values: field errors (by block id), or the use-case's input */
  read: (values: ViewState, meta: M, t: Translate) => { errors: Record<string, string> } | { input: I };
  /** runs the use-case; view: the form to show (none: the modal closes); after: work after the ack */
  save: (env: {
    actor: Actor;
    t: Translate;
    lang: Lang;
    meta: M;
    input: I;
    args: ViewArgs;
  }) => Promise<{ view?: ModalView; after?: () => Promise<void> }>;
}

export function assessmentFormSubmission<M, I>(ctx: SlackContext, form: AssessmentForm<M, I>) {
  return async (args: ViewArgs): Promise<void> => {
    const { ack, body, view } = args;
    const user = body.user.id;
    let lang = quickLang(ctx, user, ctx.actors.peek(user));
    let t = translator(lang);
    const meta = unpack(form.meta, view.private_metadata);
    if (!meta) {
      const answer = await malformedFormModal(ctx, user, form.malformed, view.private_metadata);
      return void (await ack({ response_action: "update", view: answer }));
    }
    const read = form.read(view.state.values, meta, t);
    if ("errors" in read) return void (await ack({ response_action: "errors", errors: read.errors }));
    try {
      const actor = await ctx.actors.get(user);
      lang = await resolveLang(ctx, user, actor);
      t = translator(lang);
      const r = await form.save({ actor, t, lang, meta, input: read.input, args });
      await (r.view ? ack({ response_action: "update", view: r.view }) : ack());
      await r.after?.();
    } catch (error) {
      const text = errorText(ctx, lang, error, form.where);
      const block = isDomainError(error) ? form.blockOf(error.code, meta) : undefined;
      if (block) await ack({ response_action: "errors", errors: { [block]: text } });
      else await ack({ response_action: "update", view: messageModal(t, text) });
    }
  };
}

/** Field errors, or the input when there are none. */
export function checked<I>(
  errors: Record<string, string>,
  input: () => I,
): { errors: Record<string, string> } | { input: I } {
  return Object.keys(errors).length > 0 ? { errors } : { input: input() };
}
