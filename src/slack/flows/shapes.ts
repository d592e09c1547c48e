/** Adapters from the domain's result shapes to view models (kept apart so a shape change stays local). */
import { type Lang, translateDynamic } from "../../i18n/index.js";
import type { RemovedView, TempLoggedView } from "../blocks/log-reply.js";
import type { SummaryView } from "../blocks/submit.js";
import {
  type CatalogItem,
  type logTempTask,
  resolveItem,
  type sheetSummary,
  type undoLast,
} from "../domain.js";

/** The item a temporary task names as similar: the one meant, or the best plausible candidate. */
export function resolveSimilar(items: CatalogItem[], query: string): CatalogItem {
  const r = resolveItem(items, query, { limit: 5 });
  return r.item ?? r.candidates[0]!;
}

export function toTempView(r: Awaited<ReturnType<typeof logTempTask>>): TempLoggedView {
  return { workDate: r.workDate, minutes: r.minutes, description: r.description, similar: r.similarItem };
}

export function toRemovedView(r: Awaited<ReturnType<typeof undoLast>>): RemovedView {
  if (r.removed.kind === "temp") {
    const t = r.removed.task;
    return { kind: "temp", workDate: t.workDate, minutes: t.minutes, description: t.description };
  }
  const l = r.removed.line;
  return {
    kind: "entry",
    itemCode: l.itemCode,
    itemName: l.itemName,
    itemNameEn: l.itemNameEn,
    count: l.count,
    workDate: l.workDate,
    subtotal: l.subtotal,
  };
}

export function toSummaryView(lang: Lang, s: Awaited<ReturnType<typeof sheetSummary>>): SummaryView {
  return {
    month: s.month,
    sheetId: s.sheet?.id ?? null,
    version: s.version,
    state: s.state,
    late: s.late,
    lines: s.lines,
    items: s.items,
    tempTasks: { awaiting: s.tempTasks.awaiting, priced: s.tempTasks.priced },
    total: s.total,
    evidenceGaps: s.evidenceGaps.length,
    deadline: s.deadline,
    canSubmit: s.canSubmit,
    lateIfSubmittedNow: s.lateIfSubmittedNow,
    returnReason: s.sheet?.returnReason ?? null,
    blockers: s.blockers.map(
      (code) => translateDynamic(lang, `errors.${code}`, { month: s.month, state: s.state ?? "" }) ?? code,
    ),
  };
}
