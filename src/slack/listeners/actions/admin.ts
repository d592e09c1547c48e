/**
 * `/kpi admin` buttons (open a panel) and the pickers inside the admin modals (re-render the form for
 * the chosen person / section / category). Admins only: others are refused and audited.
 */

import { translator } from "../../../i18n/index.js";
import { messageModal } from "../../blocks/modal.js";
import { errorText, quickLang, resolveLang, type SlackContext } from "../../context.js";
import { ADMIN_PANELS, type AdminPanel, openAdminPanel, panelView, requireAdmin } from "../../flows/admin.js";
import { type ActionArgs, actionHandler, actionValue } from "./handler.js";

export function adminOpenAction(ctx: SlackContext) {
  return actionHandler(ctx, "action.adminOpen", async ({ actor, lang, value, args }) => {
    const panel = (ADMIN_PANELS as readonly string[]).includes(value) ? (value as AdminPanel) : "people";
    await openAdminPanel(ctx, args.client, args.body.trigger_id, actor, lang, panel);
  });
}

/** A picker changed inside an admin modal: the same modal re-rendered for the choice. */
export function adminPickAction(ctx: SlackContext, panel: AdminPanel) {
  return async (args: ActionArgs): Promise<void> => {
    await args.ack();
    const user = args.body.user.id;
    const view = (args.body as { view?: { id?: string; hash?: string } }).view;
    if (!view?.id) return;
    let lang = quickLang(ctx, user, ctx.actors.peek(user));
    try {
      const actor = await ctx.actors.get(user);
      lang = await resolveLang(ctx, user, actor);
      await requireAdmin(ctx, actor, `admin.${panel}.pick`);
      const a = args.action as { selected_user?: string; selected_option?: { value?: string } };
      const chosen = a.selected_user ?? a.selected_option?.value ?? actionValue(args) ?? null;
      await args.client.views.update({
        view_id: view.id,
        view: await panelView(ctx, args.client, actor, lang, panel, chosen || null),
      });
    } catch (error) {
      await args.client.views
        .update({
          view_id: view.id,
          view: messageModal(translator(lang), errorText(ctx, lang, error, "admin.pick")),
        })
        .catch(() => {});
    }
  };
}
