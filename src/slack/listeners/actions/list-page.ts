/** Previous / Next / back to the list. */
import { listMessage } from "../../blocks/list.js";
import type { SlackContext } from "../../context.js";
import { listLines } from "../../domain.js";
import { toListView } from "../../flows/views.js";
import { ListRefSchema, unpack } from "../../values.js";
import { actionHandler, invalidRequest } from "./handler.js";

export function listPageAction(ctx: SlackContext) {
  return actionHandler(ctx, "action.listPage", async ({ actor, lang, t, value, reply }) => {
    const ref = unpack(ListRefSchema, value);
    if (!ref) return reply(invalidRequest(t), { replace: false });
    const r = await listLines(ctx.db, ctx.deps, actor, ref.m);
    await reply(listMessage(t, lang, toListView(r), ref.p));
  });
}
