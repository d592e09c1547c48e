/** The App Home's catalog view: open it from the home, pick a category, go back to the month. */
import { catalogByCategory } from "../../../domain/catalog-admin.js";
import { catalogHomeView } from "../../blocks/proposals.js";
import { type SlackContext, today } from "../../context.js";
import { actionHandler } from "./handler.js";

const CODE = /^[A-Za-z0-9_-]{1,40}$/;

export function homeCatalogAction(ctx: SlackContext) {
  return actionHandler(ctx, "action.homeCatalog", async ({ user, lang, t, value, args }) => {
    const month = today(ctx).slice(0, 7);
    const groups = await catalogByCategory(ctx.db, month);
    const chosen = CODE.test(value) && groups.some((g) => g.category.code === value) ? value : "all";
    await args.client.views.publish({
      user_id: user,
      view: catalogHomeView(t, lang, { month, chosen, groups }),
    });
  });
}

export function homeCatalogBackAction(ctx: SlackContext) {
  return async (args: Parameters<ReturnType<typeof homeCatalogAction>>[0]): Promise<void> => {
    await args.ack();
    ctx.refreshHome(args.body.user.id, { now: true });
  };
}
