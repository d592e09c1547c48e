/**
 * The monthly sheet from the staff member's side: which month `/log submit` means, the summary shown
 * before submitting, and the submission itself (OPEN or RETURNED → SUBMITTED, which locks the lines).
 *
 * Rules:
 * - Submitting is one conditional update (state and version must still be what was read), so a double
 *   click or a retry makes one transition; the second call answers alreadySubmitted: true.
 * - Late: submitted after the end of the submit deadline day (day `submitDeadlineDay` of the following
 *   month) in the configured zone. A returned sheet keeps the lateness of its first submission when it is
 *   resubmitted (the return was the reviewer's doing).
 * - Reviewer: a chief of the person's section; the branch chief when the person is a chief of their own
 *   section or the section has no chief (or the person has no section); nobody reviews their own sheet, so
 *   a branch chief's own sheet gets no reviewer (null: the assessment group sees it as unassigned).
 * - An empty sheet (no active line, no temporary task) is submitted only with allowEmpty.
 * - A month whose results are published takes no submission, whatever its sheet's state (a sheet the close
 *   left open, returned or submitted could never be decided any more): sheet.monthPublished.
 *
 * DomainError codes (i18n keys under "errors.") and params:
 *   auth.inactive          { user }            the actor is deactivated
 *   log.badMonth           { value }           month is not YYYY-MM
 *   sheet.futureMonth      { month }           the month has not started yet
 *   sheet.empty            { month }           nothing to submit and allowEmpty not set
 *   sheet.locked           { month, state }    the sheet is APPROVED or LOCKED (audited REFUSED)
 *   sheet.monthPublished   { month }           the month's results are published (audited REFUSED)
 *   sheet.changed          { month }           the sheet moved on since the summary was shown
 *                                              (expectedVersion differs, or another transition won)
 * Blocker codes in sheetSummary().blockers (same catalog): sheet.empty, sheet.alreadySubmitted { month },
 *   sheet.locked, sheet.futureMonth, sheet.monthPublished (alone: nothing else matters then).
 */
import { type Db, inOrder, type Tx } from "../db/client.js";
import type { SheetState } from "../generated/prisma/enums.js";
import { type Clock, currentMonth, shiftMonth } from "../util/time.js";
import { audit } from "./audit.js";
import { type DeadlineSettings, isPastDeadline, submitDeadline, withCalendar } from "./deadlines.js";
import { DomainError } from "./errors.js";
import {
  auditRefusals,
  checkMonth,
  isOpenState,
  lockSheet,
  type MonthLines,
  readMonthLines,
  requireActive,
  requireMonthUnpublished,
  type SheetInfo,
  type TempTaskView,
} from "./logging.js";
import type { Actor } from "./people.js";
import { readSettings } from "./settings.js";

export interface SheetDeps {
  clock: Clock;
  timeZone: string;
  /** deadline days; read from the Setting table when absent */
  settings?: DeadlineSettings;
}

/**
 * The month `/log submit` means on a given day: the previous month during days 1…`lastDayForPrevious`
 * (default 7, the review deadline: last month's sheet is still being submitted, late after the 5th),
 * else the current month.
 */
export function defaultSubmitMonth(today: string, lastDayForPrevious = 7): string {
  const month = today.slice(0, 7);
  return Number(today.slice(8, 10)) <= lastDayForPrevious ? shiftMonth(month, -1) : month;
}

/** The deadline settings with the working-day calendar when the holiday rule needs it (effective dates). */
async function deadlineSettings(db: Db | Tx, deps: SheetDeps): Promise<DeadlineSettings> {
  return withCalendar(db, deps.settings ?? (await readSettings(db)));
}

export interface SheetSummary {
  month: string;
  sheet: SheetInfo | null;
  /** null while the month has no sheet yet (nothing logged) */
  state: SheetState | null;
  late: boolean;
  /** pass back as expectedVersion when submitting from this summary */
  version: number;
  /** active lines */
  lines: number;
  /** per item: total count and points (hundredths), by item code */
  items: {
    itemId: string;
    itemCode: string;
    itemName: string;
    itemNameEn: string;
    unit: string;
    count: number;
    points: number;
  }[];
  tempTasks: { awaiting: number; priced: number; list: TempTaskView[] };
  /** active lines + priced temporary tasks (hundredths) */
  total: number;
  /** the part of the total whose required documents are incomplete */
  incompleteTotal: number;
  evidenceGaps: {
    entryId: string;
    workDate: string;
    itemCode: string;
    itemName: string;
    itemNameEn: string;
    missing: string[];
    missingEn: string[];
  }[];
  /** the submit deadline, inclusive ("YYYY-MM-DD") */
  deadline: string;
  /** submitting now would be marked late */
  lateIfSubmittedNow: boolean;
  canSubmit: boolean;
  /**
   * why not (DomainError codes): sheet.empty, sheet.alreadySubmitted, sheet.locked, sheet.futureMonth;
   * sheet.monthPublished alone
   */
  blockers: string[];
}

function summarize(data: MonthLines, deadline: string, lateNow: boolean, thisMonth: string): SheetSummary {
  const byItem = new Map<string, SheetSummary["items"][number]>();
  for (const l of data.lines) {
    const it = byItem.get(l.itemId) ?? {
      itemId: l.itemId,
      itemCode: l.itemCode,
      itemName: l.itemName,
      itemNameEn: l.itemNameEn,
      unit: l.unit,
      count: 0,
      points: 0,
    };
    it.count += l.count;
    it.points += l.subtotal;
    byItem.set(l.itemId, it);
  }
  const state = data.sheet?.state ?? null;
  const blockers: string[] = [];
  // a published month takes no more changes: nothing else is worth saying
  if (data.published) blockers.push("sheet.monthPublished");
  else {
    if (data.month > thisMonth) blockers.push("sheet.futureMonth");
    if (state === "SUBMITTED") blockers.push("sheet.alreadySubmitted");
    else if (state !== null && !isOpenState(state)) blockers.push("sheet.locked");
    else if (data.lines.length === 0 && data.tempTasks.length === 0) blockers.push("sheet.empty");
  }
  return {
    month: data.month,
    sheet: data.sheet,
    state,
    late: data.sheet?.late ?? false,
    version: data.sheet?.version ?? 0,
    lines: data.lines.length,
    items: [...byItem.values()].sort((a, b) => a.itemCode.localeCompare(b.itemCode)),
    tempTasks: {
      awaiting: data.tempTasks.filter((t) => t.status === "AWAITING_PRICING").length,
      priced: data.tempTasks.filter((t) => t.status === "PRICED").length,
      list: data.tempTasks,
    },
    total: data.total,
    incompleteTotal: data.incompleteTotal,
    evidenceGaps: data.lines
      .filter((l) => l.evidenceMissing.length)
      .map((l) => ({
        entryId: l.id,
        workDate: l.workDate,
        itemCode: l.itemCode,
        itemName: l.itemName,
        itemNameEn: l.itemNameEn,
        missing: l.evidenceMissing.map((m) => m.name),
        missingEn: l.evidenceMissing.map((m) => m.nameEn),
      })),
    deadline,
    lateIfSubmittedNow: state === "RETURNED" ? (data.sheet?.late ?? false) : lateNow,
    canSubmit: blockers.length === 0,
    blockers,
  };
}

/** What the actor would submit for a month, and whether they can. */
export async function sheetSummary(
  db: Db,
  deps: SheetDeps,
  actor: Actor,
  month: string,
): Promise<SheetSummary> {
  requireActive(actor);
  checkMonth(month);
  const settings = await deadlineSettings(db, deps);
  const data = await readMonthLines(db, actor.personId, month);
  const deadline = submitDeadline(month, settings);
  const now = deps.clock();
  return summarize(
    data,
    deadline,
    isPastDeadline(deadline, now, deps.timeZone),
    currentMonth(deps.timeZone, now),
  );
}

/**
 * Who reviews a person's sheet: a chief of their section (the first by id when there are several), or the
 * branch chief when the person chiefs their own section or it has none; never the person themselves.
 */
export async function findReviewer(db: Db | Tx, personId: string): Promise<string | null> {
  const person = await db.person.findUnique({
    where: { id: personId },
    select: {
      section: {
        select: {
          chiefs: {
            select: { personId: true, person: { select: { active: true } } },
            orderBy: { personId: "asc" },
          },
        },
      },
    },
  });
  const chiefs = person?.section?.chiefs ?? [];
  const isOwnChief = chiefs.some((c) => c.personId === personId);
  if (!isOwnChief) {
    const chief = chiefs.find((c) => c.person.active && c.personId !== personId);
    if (chief) return chief.personId;
  }
  const branch = await db.roleAssignment.findFirst({
    where: { role: "BRANCH_CHIEF", personId: { not: personId }, person: { active: true } },
    orderBy: { personId: "asc" },
    select: { personId: true },
  });
  return branch?.personId ?? null;
}

export interface SubmitResult {
  sheet: {
    id: string;
    month: string;
    state: "SUBMITTED";
    late: boolean;
    version: number;
    submittedAt: Date;
    reviewerId: string | null;
  };
  alreadySubmitted: boolean;
}

/**
 * Submits the actor's sheet for a month: OPEN or RETURNED → SUBMITTED, in one conditional update, with a
 * SheetTransition and an audit row. A repeat (double click, retry) answers alreadySubmitted: true, unless
 * the month has been published since (sheet.monthPublished).
 */
export async function submitSheet(
  db: Db,
  deps: SheetDeps,
  actor: Actor,
  month: string,
  opts: { expectedVersion?: number; allowEmpty?: boolean } = {},
): Promise<SubmitResult> {
  requireActive(actor);
  checkMonth(month);
  const now = deps.clock();
  if (month > currentMonth(deps.timeZone, now)) throw new DomainError("sheet.futureMonth", { month });
  const settings = await deadlineSettings(db, deps);
  const deadline = submitDeadline(month, settings);

  return auditRefusals(db, actor, { action: "sheet.submit", entityType: "Sheet" }, () =>
    db.$transaction(async (tx) => {
      await requireMonthUnpublished(tx, month);
      let sheet = await tx.sheet.findUnique({
        where: { personId_month: { personId: actor.personId, month } },
      });
      if (sheet?.state === "SUBMITTED") return already(sheet);
      if (sheet && !isOpenState(sheet.state))
        throw new DomainError("sheet.locked", { month, state: sheet.state });
      if (sheet && opts.expectedVersion !== undefined && sheet.version !== opts.expectedVersion) {
        throw new DomainError("sheet.changed", { month });
      }
      const [lines, tempTasks] = sheet
        ? await inOrder([
            tx.entry.count({ where: { sheetId: sheet.id, status: "ACTIVE" } }),
            tx.tempTask.count({ where: { sheetId: sheet.id, status: { not: "DELETED" } } }),
          ])
        : [0, 0];
      if (lines + tempTasks === 0 && !opts.allowEmpty) throw new DomainError("sheet.empty", { month });
      if (!sheet) {
        const created = await lockSheet(tx, actor, month, now);
        sheet = await tx.sheet.findUniqueOrThrow({ where: { id: created.id } });
      }
      const from = sheet.state;
      const late = from === "RETURNED" ? sheet.late : isPastDeadline(deadline, now, deps.timeZone);
      const reviewerId = await findReviewer(tx, actor.personId);
      const res = await tx.sheet.updateMany({
        where: { id: sheet.id, state: { in: ["OPEN", "RETURNED"] }, version: sheet.version },
        data: { state: "SUBMITTED", version: { increment: 1 }, submittedAt: now, late, reviewerId },
      });
      if (res.count === 0) {
        const again = await tx.sheet.findUniqueOrThrow({ where: { id: sheet.id } });
        if (again.state === "SUBMITTED") return already(again);
        throw new DomainError("sheet.changed", { month });
      }
      const after = await tx.sheet.findUniqueOrThrow({ where: { id: sheet.id } });
      const points = await tx.$queryRaw<{ total: unknown }[]>`
        SELECT COALESCE(SUM("pointsPerUnit"::bigint * count), 0) AS total
        FROM "Entry" WHERE "sheetId" = ${sheet.id} AND status = 'ACTIVE'`;
      const detail = {
        late,
        lines,
        tempTasks,
        linePoints: Number(points[0]?.total ?? 0),
        reviewerId,
        deadline,
      };
      await tx.sheetTransition.create({
        data: {
          sheetId: sheet.id,
          fromState: from,
          toState: "SUBMITTED",
          actorId: actor.personId,
          detail,
          at: now,
        },
      });
      await audit(tx, {
        actor: actor.slackUserId,
        action: "sheet.submit",
        entityType: "Sheet",
        entityId: sheet.id,
        before: { state: from, version: sheet.version },
        after: { state: "SUBMITTED", version: after.version, ...detail },
      });
      return { sheet: view(after), alreadySubmitted: false };
    }),
  );

  function view(s: {
    id: string;
    month: string;
    late: boolean;
    version: number;
    submittedAt: Date | null;
    reviewerId: string | null;
  }): SubmitResult["sheet"] {
    return {
      id: s.id,
      month: s.month,
      state: "SUBMITTED",
      late: s.late,
      version: s.version,
      submittedAt: s.submittedAt ?? now,
      reviewerId: s.reviewerId,
    };
  }
  function already(s: Parameters<typeof view>[0]): SubmitResult {
    return { sheet: view(s), alreadySubmitted: true };
  }
}
