/** `/log submit [month]`: the sheet summary with a Submit button; and the "submitted" reply. */
import type { Lang, Translate } from "../../i18n/index.js";
import { ACTIONS } from "../ids.js";
import { packValue } from "../values-pack.js";
import { dateText, itemLabel, pts, sheetStateName } from "./format.js";
import { actions, button, context, header, type KnownBlock, type Message, section, truncate } from "./kit.js";
import { type Amount, stripMarkup } from "./log-reply.js";

export interface SummaryView {
  month: string;
  sheetId?: string | null;
  state: string | null;
  late: boolean;
  lines: number;
  items: { itemCode: string; itemName: string; itemNameEn?: string | null; count: number; points: Amount }[];
  tempTasks: { awaiting: number; priced: number };
  total: Amount;
  evidenceGaps: number;
  deadline: string | Date | null;
  canSubmit: boolean;
  /** reasons it cannot be submitted, already translated */
  blockers: string[];
  returnReason?: string | null;
  /** submitting now would be marked late */
  lateIfSubmittedNow: boolean;
  /** the sheet's version, echoed back on submit so a stale summary cannot submit a changed sheet */
  version?: number;
}

/** Items as bullet lines, split into sections of at most ~2900 characters, capped at `maxSections`. */
function itemSections(t: Translate, lang: Lang, v: SummaryView, maxSections: number): KnownBlock[] {
  const lines = v.items.map((i) =>
    t("submit.itemLine", { item: itemLabel(lang, i), count: i.count, points: pts(t, i.points) }),
  );
  const out: KnownBlock[] = [];
  let chunk: string[] = [];
  let size = 0;
  let used = 0;
  for (const line of lines) {
    if (size + line.length + 1 > 2900) {
      if (out.length === maxSections - 1) break;
      out.push(section(chunk.join("\n")));
      chunk = [];
      size = 0;
    }
    chunk.push(line);
    size += line.length + 1;
    used++;
  }
  if (used < lines.length) chunk.push(t("common.truncated", { count: lines.length - used }));
  if (chunk.length > 0) out.push(section(truncate(chunk.join("\n"), 3000)));
  return out;
}

export function submitSummaryMessage(t: Translate, lang: Lang, v: SummaryView): Message {
  const blocks: KnownBlock[] = [header(t("submit.header", { month: v.month }))];
  const state =
    t("submit.state", { state: sheetStateName(t, v.state) }) + (v.late ? ` ${t("submit.lateFlag")}` : "");
  blocks.push(context([state]));
  if (v.state === "RETURNED" && v.returnReason) {
    blocks.push(section(t("submit.returnedReason", { reason: truncate(v.returnReason, 500) })));
  }
  if (v.items.length === 0 && v.tempTasks.awaiting + v.tempTasks.priced === 0) {
    blocks.push(section(t("submit.nothing", { month: v.month })));
  } else {
    blocks.push(...itemSections(t, lang, v, 10));
  }
  const facts = [t("submit.total", { total: pts(t, v.total), lines: v.lines })];
  facts.push(t("submit.temp", { awaiting: v.tempTasks.awaiting, priced: v.tempTasks.priced }));
  facts.push(v.evidenceGaps > 0 ? t("submit.gaps", { count: v.evidenceGaps }) : t("submit.noGaps"));
  const deadline = dateText(v.deadline);
  if (deadline) facts.push(t("submit.deadline", { date: deadline }));
  blocks.push(section(facts.join("\n")));
  const open = v.state === null || v.state === "OPEN" || v.state === "RETURNED";
  if (open && v.canSubmit && v.lateIfSubmittedNow) blocks.push(context([t("submit.lateWarning")]));
  if (v.blockers.length > 0) {
    blocks.push(section([t("submit.blockers"), ...v.blockers.map((b) => `• ${b}`)].join("\n")));
  }
  if (v.canSubmit) {
    const label =
      v.state === "RETURNED"
        ? t("submit.resubmit", { month: v.month })
        : t("submit.button", { month: v.month });
    blocks.push(
      actions(
        [
          button(
            label,
            ACTIONS.submitSheet,
            packValue({
              m: v.month,
              ...(v.sheetId ? { s: v.sheetId } : {}),
              ...(v.version !== undefined ? { v: v.version } : {}),
            }),
            "primary",
          ),
        ],
        "submit_actions",
      ),
    );
  } else if (!open) {
    blocks.push(context([t("submit.already", { month: v.month, state: sheetStateName(t, v.state) })]));
  }
  return { text: stripMarkup(t("submit.header", { month: v.month })), blocks };
}

export interface SubmittedView {
  month: string;
  late: boolean;
  total: Amount;
  lines: number;
  alreadySubmitted: boolean;
  state: string;
}

export function submittedMessage(t: Translate, v: SubmittedView): Message {
  const text = v.alreadySubmitted
    ? t("submit.already", { month: v.month, state: sheetStateName(t, v.state) })
    : t(v.late ? "submit.doneLate" : "submit.done", {
        month: v.month,
        total: pts(t, v.total),
        lines: v.lines,
      });
  return { text: stripMarkup(text), blocks: [section(text)] };
}
