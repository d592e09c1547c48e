/**
 * Admin forms submitted (people, sections, categories, settings, people sync): validated by the
 * use-cases; a refusal that belongs on a field is shown there (response_action: errors), any other
 * (e.g. not an admin) replaces the modal with the message. Success closes the modal and confirms by DM.
 */
import { isDomainError } from "../../../domain/errors.js";
import { translator } from "../../../i18n/index.js";
import { ADMIN_BLOCKS } from "../../blocks/admin.js";
import { list, readInputs } from "../../blocks/inputs.js";
import { simpleMessage } from "../../blocks/log-reply.js";
import { messageModal } from "../../blocks/modal.js";
import { errorText, quickLang, resolveLang, type SlackContext } from "../../context.js";
import { type AdminPanel, fieldErrors, requireAdmin, submitAdminForm } from "../../flows/admin.js";
import { notify } from "../common.js";
import type { ViewArgs } from "./log-modal.js";

function metaOf(raw: string | undefined): Record<string, unknown> {
  try {
    const v = JSON.parse(raw ?? "{}");
    return typeof v === "object" && v !== null && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}

export function adminSubmission(ctx: SlackContext, panel: AdminPanel) {
  return async ({ ack, body, view, client }: ViewArgs): Promise<void> => {
    const user = body.user.id;
    let lang = quickLang(ctx, user, ctx.actors.peek(user));
    const v = readInputs(view.state.values as never);
    const meta = metaOf(view.private_metadata);
    try {
      const actor = await ctx.actors.get(user);
      lang = await resolveLang(ctx, user, actor);
      const t = translator(lang);
      if (panel === "sync") {
        // users.list may take a while in a large workspace: check the form, close it, then import
        await requireAdmin(ctx, actor, "admin.sync.submit");
        if (!list(v[ADMIN_BLOCKS.members]).length) {
          await ack({
            response_action: "errors",
            errors: { [ADMIN_BLOCKS.members]: t("errors.admin.nothingPicked") },
          });
          return;
        }
        await ack();
        let text: string;
        try {
          text = await submitAdminForm(ctx, client, actor, t, panel, meta, v);
        } catch (error) {
          text = errorText(ctx, lang, error, "admin.sync");
        }
        await notify(ctx, client, user, undefined, simpleMessage(text));
        return;
      }
      const text = await submitAdminForm(ctx, client, actor, t, panel, meta, v);
      await ack();
      await notify(ctx, client, user, undefined, simpleMessage(text));
    } catch (error) {
      const errors = fieldErrors(ctx, lang, panel, error);
      const present = errors && Object.keys(errors).every((b) => b in (view.state.values ?? {}));
      if (errors && present) await ack({ response_action: "errors", errors });
      else {
        const text = isDomainError(error)
          ? errorText(ctx, lang, error, `admin.${panel}`)
          : errorText(ctx, lang, error, `admin.${panel}`);
        await ack({ response_action: "update", view: messageModal(translator(lang), text) });
      }
    }
  };
}
