/** Replies to `/log …`: logged, confirm, candidates, undo, temporary task, cancelled. */
import type { Lang, Translate } from "../../i18n/index.js";
import { ACTIONS } from "../ids.js";
import { type PendingLog, packPending } from "../values.js";
import { amount, docNames, itemLabel, itemPlainLabel, pts } from "./format.js";
import { actions, button, context, type KnownBlock, type Message, section, userText } from "./kit.js";

export type Amount = number | bigint;

export interface LoggedEntryView {
  id: string;
  workDate: string;
  count: number;
  itemCode: string;
  itemName: string;
  itemNameEn?: string | null;
  pointsPerUnit: number;
  subtotal: Amount;
  note?: string | null;
}

export interface LoggedView {
  entry: LoggedEntryView;
  dayTotal: Amount;
  monthTotal: Amount;
  monthLines: number;
  evidenceMissing: { id: string; name: string; nameEn?: string | null }[];
}

/** "✅ Logged …" with the day's and month's totals and an Undo button. */
export function loggedReply(t: Translate, lang: Lang, r: LoggedView, note?: string | null): Message {
  const e = r.entry;
  const main = t("log.logged", {
    item: itemLabel(lang, e),
    count: e.count,
    date: e.workDate,
    ppu: amount(e.pointsPerUnit),
    subtotal: pts(t, e.subtotal),
  });
  const totals = t("log.totals", {
    date: e.workDate,
    day: pts(t, r.dayTotal),
    month: e.workDate.slice(0, 7),
    month_total: pts(t, r.monthTotal),
    lines: r.monthLines,
  });
  const blocks: KnownBlock[] = [section(main)];
  const shownNote = note ?? e.note;
  if (shownNote) blocks.push(context([t("log.note", { note: userText(shownNote, 500) })]));
  blocks.push(context([totals]));
  if (r.evidenceMissing.length > 0) {
    blocks.push(section(t("log.evidenceMissing", { docs: docNames(lang, r.evidenceMissing) })));
  }
  blocks.push(actions([button(t("common.undo"), ACTIONS.undoEntry, e.id)], "logged_actions"));
  return { text: stripMarkup(main), blocks };
}

export interface ConfirmView {
  reason: "dayOver" | "duplicate";
  dayTotal?: Amount;
  limit?: Amount;
}

/** Plausibility warning with Confirm / Cancel. */
export function confirmReply(t: Translate, c: ConfirmView, pending: PendingLog): Message {
  const text =
    c.reason === "dayOver"
      ? t("log.confirmDayOver", {
          date: pending.d,
          day: amount(c.dayTotal ?? 0),
          limit: amount(c.limit ?? 0),
        })
      : t("log.confirmDuplicate");
  return {
    text: stripMarkup(text),
    blocks: [
      section(text),
      actions(
        [
          button(t("common.confirm"), ACTIONS.confirmLog, packPending(pending), "primary"),
          button(t("common.cancel"), ACTIONS.cancelLog, "cancel"),
        ],
        "confirm_actions",
      ),
    ],
  };
}

export interface CandidateView {
  id: string;
  code: string;
  name: string;
  nameEn?: string | null;
  points: number;
}

/**
 * No exact match: "ambiguous" (several plausible items, pick one) or "unknown" (nothing matches;
 * the closest ones are offered). Each candidate is a button that records the pending line.
 */
export function candidatesReply(
  t: Translate,
  lang: Lang,
  kind: "ambiguous" | "unknown",
  query: string,
  candidates: CandidateView[],
  pending: Omit<PendingLog, "i">,
): Message {
  const q = userText(query, 80);
  const head = kind === "ambiguous" ? t("log.ambiguous", { query: q }) : t("log.unknownItem", { query: q });
  const blocks: KnownBlock[] = [section(head)];
  const shown = candidates.slice(0, 5);
  if (shown.length === 0) {
    blocks.push(context([t("log.noClosest")]));
    return { text: stripMarkup(head), blocks };
  }
  if (kind === "unknown") blocks.push(context([t("log.closest")]));
  blocks.push(context([t("log.pickHint", { count: pending.c, date: pending.d })]));
  blocks.push(
    actions(
      [
        ...shown.map((c) =>
          button(
            `${itemPlainLabel(lang, c, 60)} (${amount(c.points)})`,
            `${ACTIONS.pickItem}:${c.id}`,
            packPending({ ...pending, i: c.id }),
          ),
        ),
        button(t("common.cancel"), ACTIONS.cancelLog, "cancel"),
      ],
      "candidates",
    ),
  );
  const names = shown.map((c) => itemPlainLabel(lang, c)).join(", ");
  return { text: `${stripMarkup(head)} ${names}`, blocks };
}

export interface RemovedView {
  kind: "entry" | "temp";
  itemCode?: string;
  itemName?: string;
  itemNameEn?: string | null;
  count?: number;
  workDate: string;
  subtotal?: Amount;
  description?: string;
  minutes?: number;
}

export function undoneReply(t: Translate, lang: Lang, r: RemovedView): Message {
  const text =
    r.kind === "temp"
      ? t("log.undoneTemp", {
          description: userText(r.description ?? "", 200),
          minutes: r.minutes ?? 0,
          date: r.workDate,
        })
      : t("log.undone", {
          item: itemLabel(lang, {
            itemCode: r.itemCode,
            itemName: r.itemName ?? "",
            itemNameEn: r.itemNameEn,
          }),
          count: r.count ?? 0,
          date: r.workDate,
          subtotal: pts(t, r.subtotal ?? 0),
        });
  return simpleMessage(text);
}

export interface TempLoggedView {
  workDate: string;
  minutes: number;
  description: string;
  similar?: { code: string; name: string; nameEn?: string | null } | null;
}

export function tempReply(t: Translate, lang: Lang, r: TempLoggedView): Message {
  const text = t("log.tempLogged", {
    date: r.workDate,
    description: userText(r.description, 500),
    minutes: r.minutes,
  });
  const blocks: KnownBlock[] = [section(text)];
  if (r.similar) blocks.push(context([t("log.tempSimilar", { item: itemLabel(lang, r.similar) })]));
  return { text: stripMarkup(text), blocks };
}

/** One section of text (already mrkdwn). */
export function simpleMessage(text: string): Message {
  return { text: stripMarkup(text), blocks: [section(text)] };
}

/** Fallback `text` for notifications: mrkdwn bold/italic markers removed, cut to a sane length. */
export function stripMarkup(text: string): string {
  const s = text.replace(/[*_`]/g, "");
  return s.length > 300 ? `${s.slice(0, 299)}…` : s;
}
