/**
 * The ⋯ menu of a line in `/log list`: Edit opens the edit modal at once (trigger_id first, then the
 * line is read and filled in); Delete asks for confirmation. The line must be among the clicker's own.
 */
import { translator } from "../../../i18n/index.js";
import { deleteConfirmMessage } from "../../blocks/list.js";
import { quickLang, type SlackContext } from "../../context.js";
import { listLines } from "../../domain.js";
import { openEditModal } from "../../flows/modal.js";
import { toLineView } from "../../flows/views.js";
import { LineRefSchema, unpack } from "../../values.js";
import { type ActionArgs, actionHandler, actionValue, invalidRequest } from "./handler.js";

export function lineMenuAction(ctx: SlackContext) {
  const onDelete = actionHandler(ctx, "action.lineMenu", async ({ actor, lang, t, value, reply }) => {
    const ref = unpack(LineRefSchema, value);
    if (!ref) return reply(invalidRequest(t), { replace: false });
    const list = await listLines(ctx.db, ctx.deps, actor, ref.m);
    const line = list.lines.find((l) => l.id === ref.id);
    if (!line?.editable)
      return reply(
        {
          text: t("list.notFound", { month: ref.m }),
          blocks: [{ type: "section", text: { type: "mrkdwn", text: t("list.notFound", { month: ref.m }) } }],
        },
        { replace: false },
      );
    await reply(deleteConfirmMessage(t, lang, ref.m, toLineView(line)));
  });
  return async (args: ActionArgs): Promise<void> => {
    const ref = unpack(LineRefSchema, actionValue(args));
    if (ref?.a !== "edit") return onDelete(args);
    await args.ack();
    const user = args.body.user.id;
    try {
      await openEditModal(ctx, args.client, args.body.trigger_id, user, ref, args.body.channel?.id);
    } catch (error) {
      ctx.logger.error({ err: error }, "could not open the edit modal");
      const t = translator(quickLang(ctx, user, ctx.actors.peek(user)));
      await args
        .respond({ response_type: "ephemeral", replace_original: false, text: t("errors.generic") })
        .catch(() => {});
    }
  };
}
