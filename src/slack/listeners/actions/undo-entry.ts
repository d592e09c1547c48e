/** The Undo button under a logged line: deletes that line (the use-case checks it is the clicker's). */
import { undoneReply } from "../../blocks/log-reply.js";
import type { SlackContext } from "../../context.js";
import { deleteLine } from "../../domain.js";
import { actionHandler, invalidRequest } from "./handler.js";

export function undoEntryAction(ctx: SlackContext) {
  return actionHandler(ctx, "action.undoEntry", async ({ actor, lang, t, value, reply, user }) => {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) return reply(invalidRequest(t), { replace: false });
    const r = await deleteLine(ctx.db, ctx.deps, actor, value);
    const l = r.removed;
    await reply(
      undoneReply(t, lang, {
        kind: "entry",
        itemCode: l.itemCode,
        itemName: l.itemName,
        itemNameEn: l.itemNameEn,
        count: l.count,
        workDate: l.workDate,
        subtotal: l.subtotal,
      }),
    );
    if (!r.alreadyDeleted) ctx.refreshHome(user);
  });
}
