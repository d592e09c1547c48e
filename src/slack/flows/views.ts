/** Domain results → the view models the block builders take. */
import type { LineView, ListView, TempTaskView } from "../blocks/list.js";
import type { listLines } from "../domain.js";

type ListResult = Awaited<ReturnType<typeof listLines>>;
type DomainLine = ListResult["lines"][number];

export function toLineView(l: DomainLine): LineView {
  return {
    id: l.id,
    workDate: l.workDate,
    itemCode: l.itemCode,
    itemName: l.itemName,
    itemNameEn: l.itemNameEn,
    unit: l.unit,
    count: l.count,
    pointsPerUnit: l.pointsPerUnit,
    subtotal: l.subtotal,
    note: l.note,
    evidenceMissing: l.evidenceMissing,
    evidenceCount: l.evidenceCount,
    editable: l.editable,
  };
}

export function toListView(r: ListResult): ListView {
  return {
    month: r.month,
    sheet: r.sheet ? { state: r.sheet.state, late: r.sheet.late } : null,
    lines: r.lines.map(toLineView),
    tempTasks: r.tempTasks.map(
      (x): TempTaskView => ({
        id: x.id,
        workDate: x.workDate,
        minutes: x.minutes,
        description: x.description,
        status: x.status,
        points: x.points,
      }),
    ),
    total: r.total,
    evidenceGaps: r.evidenceGaps,
  };
}
