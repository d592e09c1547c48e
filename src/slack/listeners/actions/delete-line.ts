/** Delete confirmed: deletes the line (own lines only, checked by the use-case) and shows the list again. */
import { context } from "../../blocks/kit.js";
import { lineText, listMessage } from "../../blocks/list.js";
import type { SlackContext } from "../../context.js";
import { deleteLine, listLines } from "../../domain.js";
import { toLineView, toListView } from "../../flows/views.js";
import { LineRefSchema, unpack } from "../../values.js";
import { actionHandler, invalidRequest } from "./handler.js";

export function deleteLineAction(ctx: SlackContext) {
  return actionHandler(ctx, "action.deleteLine", async ({ actor, lang, t, value, reply, user }) => {
    const ref = unpack(LineRefSchema, value);
    if (!ref) return reply(invalidRequest(t), { replace: false });
    const r = await deleteLine(ctx.db, ctx.deps, actor, ref.id);
    const list = listMessage(t, lang, toListView(await listLines(ctx.db, ctx.deps, actor, ref.m)));
    const done = t("list.deleted", { line: lineText(t, lang, toLineView(r.removed)) });
    await reply({ text: done, blocks: [context([done]), ...list.blocks].slice(0, 50) });
    if (!r.alreadyDeleted) ctx.refreshHome(user);
  });
}
