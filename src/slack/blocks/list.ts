/** `/log list [month]`: the month's lines, with Edit / Delete while editable; paginated. */
import type { types } from "@slack/bolt";
import type { Lang, Translate } from "../../i18n/index.js";
import { ACTIONS } from "../ids.js";
import { packValue } from "../values-pack.js";
import { amount, docNames, itemLabel, pts, sheetStateName, tempStatusName } from "./format.js";
import {
  actions,
  button,
  context,
  header,
  type KnownBlock,
  type Message,
  section,
  truncate,
  userText,
} from "./kit.js";
import type { Amount } from "./log-reply.js";
import { stripMarkup } from "./log-reply.js";

export interface LineView {
  id: string;
  workDate: string;
  itemCode: string;
  itemName: string;
  itemNameEn?: string | null;
  unit?: string;
  count: number;
  pointsPerUnit: number;
  subtotal: Amount;
  note?: string | null;
  evidenceMissing: { id: string; name: string; nameEn?: string | null }[];
  evidenceCount: number;
  editable: boolean;
}

export interface TempTaskView {
  id?: string;
  workDate: string;
  minutes: number;
  description: string;
  status: string;
  points?: number | null;
}

export interface ListView {
  month: string;
  sheet: { state: string; late?: boolean } | null;
  lines: LineView[];
  tempTasks: TempTaskView[];
  total: Amount;
  evidenceGaps: number;
}

/** Lines per page: header + state + lines + temp + total + pager stays under 50 blocks. */
export const PAGE_SIZE = 40;

/** One line as text (used in the list, the delete prompt and the "deleted" reply). */
export function lineText(t: Translate, lang: Lang, l: LineView): string {
  return t("list.line", {
    date: l.workDate,
    item: itemLabel(lang, l),
    count: l.count,
    ppu: amount(l.pointsPerUnit),
    subtotal: amount(l.subtotal),
  });
}

function lineBlock(t: Translate, lang: Lang, month: string, l: LineView): KnownBlock {
  const parts = [lineText(t, lang, l)];
  const status: string[] = [];
  if (l.evidenceMissing.length > 0)
    status.push(t("list.evidenceGap", { docs: docNames(lang, l.evidenceMissing) }));
  else if (l.evidenceCount > 0) status.push(t("list.evidenceCount", { count: l.evidenceCount }));
  if (!l.editable) status.push(t("list.readOnly"));
  if (status.length > 0) parts.push(status.join(" · "));
  if (l.note) parts.push(t("list.noteLine", { note: userText(l.note, 300) }));
  const block: types.SectionBlock = {
    type: "section",
    block_id: `line:${l.id}`,
    text: { type: "mrkdwn", text: truncate(parts.join("\n"), 3000) },
  };
  if (l.editable) {
    block.accessory = {
      type: "overflow",
      action_id: ACTIONS.lineMenu,
      options: [
        {
          text: { type: "plain_text", text: t("common.edit"), emoji: true },
          value: packValue({ a: "edit", id: l.id, m: month }, 150),
        },
        {
          text: { type: "plain_text", text: t("common.delete"), emoji: true },
          value: packValue({ a: "delete", id: l.id, m: month }, 150),
        },
      ],
    };
  }
  return block;
}

/** The list message, page `page` (0-based). */
export function listMessage(t: Translate, lang: Lang, v: ListView, page = 0): Message {
  const pages = Math.max(1, Math.ceil(v.lines.length / PAGE_SIZE));
  const p = Math.min(Math.max(0, page), pages - 1);
  const shown = v.lines.slice(p * PAGE_SIZE, (p + 1) * PAGE_SIZE);
  const blocks: KnownBlock[] = [header(t("list.header", { month: v.month }))];
  const stateText =
    t("list.sheet", { state: sheetStateName(t, v.sheet?.state) }) +
    (v.sheet?.late ? ` (${t("common.late")})` : "");
  blocks.push(context([stateText]));
  if (v.lines.length === 0 && v.tempTasks.length === 0) {
    blocks.push(section(t("list.empty", { month: v.month })));
    return { text: stripMarkup(t("list.empty", { month: v.month })), blocks };
  }
  for (const l of shown) blocks.push(lineBlock(t, lang, v.month, l));
  if (v.tempTasks.length > 0) blocks.push(section(tempTasksText(t, v.tempTasks)));
  blocks.push(
    context([t("list.total", { total: pts(t, v.total), lines: v.lines.length, gaps: v.evidenceGaps })]),
  );
  if (pages > 1) {
    const nav: types.ActionsBlockElement[] = [];
    if (p > 0)
      nav.push(button(t("common.previous"), `${ACTIONS.listPage}:prev`, packValue({ m: v.month, p: p - 1 })));
    if (p < pages - 1)
      nav.push(button(t("common.next"), `${ACTIONS.listPage}:next`, packValue({ m: v.month, p: p + 1 })));
    blocks.push(
      context([
        t("list.page", { from: p * PAGE_SIZE + 1, to: p * PAGE_SIZE + shown.length, count: v.lines.length }),
      ]),
    );
    blocks.push(actions(nav, "list_pager"));
  }
  return { text: stripMarkup(t("list.header", { month: v.month })), blocks };
}

/** Temporary tasks as one section, cut with a "more" note when long. */
export function tempTasksText(t: Translate, tasks: TempTaskView[]): string {
  const out: string[] = [`*${t("list.tempHeader")}*`];
  let used = out[0]!.length;
  let shown = 0;
  for (const task of tasks) {
    const line = t("list.tempLine", {
      date: task.workDate,
      description: userText(task.description, 150),
      minutes: task.minutes,
      status: tempStatusName(t, task.status, task.points),
    });
    if (used + line.length + 80 > 2900) break;
    out.push(line);
    used += line.length + 1;
    shown++;
  }
  if (shown < tasks.length) out.push(t("common.truncated", { count: tasks.length - shown }));
  return out.join("\n");
}

/** "Delete this line?" with Delete / Cancel. */
export function deleteConfirmMessage(t: Translate, lang: Lang, month: string, l: LineView): Message {
  const text = t("list.deleteConfirm", { line: lineText(t, lang, l) });
  return {
    text: stripMarkup(text),
    blocks: [
      section(text),
      actions(
        [
          button(t("common.delete"), ACTIONS.deleteLine, packValue({ id: l.id, m: month }), "danger"),
          button(t("common.cancel"), `${ACTIONS.listPage}:back`, packValue({ m: month, p: 0 })),
        ],
        "delete_confirm",
      ),
    ],
  };
}
