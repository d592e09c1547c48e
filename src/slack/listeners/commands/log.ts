/**
 * `/log …`. The common case, `/log <item> [count] [date] [note]`, answers in the ack body after one
 * database round trip: parse (pure), the catalog (cached), match in memory, then `logWorkAs`, one
 * statement that resolves the person and records the line (and refreshes the actor cache). Nothing else
 * before the ack: the reply's language comes from what is known (quickLang); the users.info look-up and
 * the App Home refresh come after it. `/log list` and `/log submit` ack at once and answer through
 * response_url.
 */
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { previousMonthWindow, withCalendar } from "../../../domain/deadlines.js";
import { type Lang, translator } from "../../../i18n/index.js";
import { helpMessage } from "../../blocks/help.js";
import type { Message } from "../../blocks/kit.js";
import { listMessage } from "../../blocks/list.js";
import { tempReply, undoneReply } from "../../blocks/log-reply.js";
import { submitSummaryMessage } from "../../blocks/submit.js";
import { quickLang, resolveLang, type SlackContext, today } from "../../context.js";
import {
  type Actor,
  defaultSubmitMonth,
  listLines,
  logTempTask,
  parseLogCommand,
  resolveDate,
  sheetSummary,
  undoLast,
} from "../../domain.js";
import { findItem, type ItemMatch, recordLineAs, renderCandidates, renderOutcome } from "../../flows/log.js";
import { openLogModal } from "../../flows/modal.js";
import { resolveSimilar, toRemovedView, toSummaryView, toTempView } from "../../flows/shapes.js";
import { toListView } from "../../flows/views.js";
import type { PendingLog } from "../../values.js";
import { afterAck, ephemeral, errorMessage } from "../common.js";

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

export function logCommand(ctx: SlackContext) {
  return async ({ command, ack, respond, client }: Args): Promise<void> => {
    const user = command.user_id;
    let acked = false;
    const reply = async (render: (lang: Lang) => Message, actor: Actor | null, changed = false) => {
      const lang = quickLang(ctx, user, actor);
      acked = true;
      await ack(ephemeral(render(lang)));
      afterAck(ctx, { user, actor, lang, respond, rerender: render, changed });
    };
    const fail = (error: unknown, actor: Actor | null, where: string) =>
      reply((l) => errorMessage(ctx, l, error, where), actor);

    const parsed = parseLogCommand(command.text ?? "");
    if (!parsed.ok) return fail(parsed.error, ctx.actors.peek(user) ?? null, "log.parse");
    const cmd = parsed.command;
    try {
      switch (cmd.kind) {
        case "help": {
          const day = ctx.settings.peek().submitDeadlineDay;
          return await reply((l) => helpMessage(translator(l), day), ctx.actors.peek(user) ?? null);
        }
        case "modal":
          acked = true;
          await ack();
          await openLogModal(ctx, client, command.trigger_id, user, command.channel_id);
          return;
        case "log": {
          // The common case is one round trip: the statement that records the line also resolves the
          // person. Whatever is refused before it (a bad date, a catalog failure) or instead of it (no
          // exact match) first checks the person, so someone unknown or deactivated is told that first.
          let match: ItemMatch;
          let pending: Omit<PendingLog, "i">;
          try {
            const workDate = resolveDate(cmd.date, today(ctx));
            const items = await ctx.catalog.items(workDate.slice(0, 7));
            match = findItem(items, cmd.itemQuery);
            pending = { c: cmd.count, d: workDate, ...(cmd.note ? { n: cmd.note } : {}) };
          } catch (error) {
            await ctx.actors.get(user);
            throw error;
          }
          if (match.kind !== "exact") {
            const actor = await ctx.actors.get(user);
            const p = pending;
            return await reply((l) => renderCandidates(l, match, cmd.itemQuery, p), actor);
          }
          const { actor, outcome } = await recordLineAs(ctx, user, { ...pending, i: match.item.id });
          return await reply((l) => renderOutcome(l, outcome), actor, outcome.kind === "logged");
        }
        case "temp": {
          const actor = await ctx.actors.get(user);
          const day = today(ctx);
          const similar = cmd.similar
            ? resolveSimilar(await ctx.catalog.items(day.slice(0, 7)), cmd.similar)
            : undefined;
          const r = await logTempTask(ctx.db, ctx.deps, actor, {
            minutes: cmd.minutes,
            description: cmd.description,
            workDate: day,
            ...(similar ? { similarItemId: similar.id } : {}),
          });
          const view = toTempView(r);
          return await reply((l) => tempReply(translator(l), l, view), actor, true);
        }
        case "undo": {
          const actor = await ctx.actors.get(user);
          const removed = toRemovedView(await undoLast(ctx.db, ctx.deps, actor));
          return await reply((l) => undoneReply(translator(l), l, removed), actor, true);
        }
        case "list":
        case "submit": {
          acked = true;
          await ack();
          let lang = quickLang(ctx, user, ctx.actors.peek(user));
          let actor: Actor | null = null;
          try {
            actor = await ctx.actors.get(user);
            lang = await resolveLang(ctx, user, actor);
            const m =
              cmd.kind === "list"
                ? await listReply(ctx, actor, lang, cmd.month)
                : await submitReply(ctx, actor, lang, cmd.month);
            await respond({ response_type: "ephemeral", text: m.text, blocks: m.blocks });
          } catch (error) {
            if (!actor) lang = await resolveLang(ctx, user, null);
            const m = errorMessage(ctx, lang, error, `log.${cmd.kind}`);
            await respond({ response_type: "ephemeral", text: m.text, blocks: m.blocks });
          }
          return;
        }
      }
    } catch (error) {
      if (!acked) return fail(error, ctx.actors.peek(user) ?? null, `log.${cmd.kind}`);
      ctx.logger.error({ err: error }, "/log failed after ack");
    }
  };
}

/** The month's list (default: this month), page 0. */
export async function listReply(
  ctx: SlackContext,
  actor: Actor,
  lang: Lang,
  month?: string,
  page = 0,
): Promise<Message> {
  const m = month ?? today(ctx).slice(0, 7);
  const r = await listLines(ctx.db, ctx.deps, actor, m);
  return listMessage(translator(lang), lang, toListView(r), page);
}

/** The sheet summary with its Submit button (default: the month now due). */
export async function submitReply(
  ctx: SlackContext,
  actor: Actor,
  lang: Lang,
  month?: string,
): Promise<Message> {
  const settings = await withCalendar(ctx.db, await ctx.settings.get());
  const day = today(ctx);
  const m = month ?? defaultSubmitMonth(day, previousMonthWindow(day, settings));
  const s = await sheetSummary(ctx.db, { ...ctx.deps, settings }, actor, m);
  return submitSummaryMessage(translator(lang), lang, toSummaryView(lang, s));
}
