/**
 * Reviewing submitted sheets: the reviewer's card data, approve, return (with a reason), adjust counts
 * (each with a reason), approve all clean sheets, the chief's overview, and reopening an approved sheet
 * (assessment group).
 *
 * Rules:
 * - Who may decide a SUBMITTED sheet: its assigned reviewer (Sheet.reviewerId, set on submission by
 *   findReviewer), or a deputy of that reviewer active today (date range in the configured zone; both are
 *   recorded: decidedById = the deputy, decidedForId = the reviewer). A sheet without a reviewer (the
 *   branch chief's own), or whose reviewer was deactivated since, is decided by the assessment group.
 *   Nobody decides their own sheet. Everyone else is refused, and every refusal is audited (REFUSED).
 * - A decision is one conditional update (`WHERE state = 'SUBMITTED' AND version = v`) in one transaction,
 *   with a SheetTransition and audit rows: of any number of concurrent clicks exactly one wins; the others
 *   are refused with review.alreadyDecided naming who decided and when. A card carries the version it
 *   showed: once the sheet changed (adjusted, resubmitted) a stale card is refused with review.changed.
 * - Lines only change while a sheet is OPEN or RETURNED (logging.ts refuses otherwise, under the same row
 *   lock), and by a reviewer's adjustment while SUBMITTED (version bumped); an APPROVED sheet's lines are
 *   immutable. Returning keeps a snapshot of the lines in the transition's detail, so the next card shows
 *   what changed since the return.
 * - Reopen (assessment group): APPROVED → RETURNED with a reason, while the month is not published.
 *
 * DomainError codes (i18n keys under "errors.") and params:
 *   review.notFound       { sheetId }                  no such sheet (or a malformed id)
 *   review.ownSheet       {}                           deciding one's own sheet
 *   review.notReviewer    { person, month }            not the reviewer nor their active deputy
 *   review.notSubmitted   { person, month, state }     the sheet is not waiting for review (never decided)
 *   review.alreadyDecided { person, month, state, by, at }  someone decided it already (at: "YYYY-MM-DD HH:mm")
 *   review.changed        { person, month }            the card is stale (the sheet changed since)
 *   review.reasonRequired {}                           return / reopen / an adjustment without a reason
 *   review.reasonTooLong  { max }
 *   review.badCount       { value, max }               an adjusted count not a whole number in 0…max
 *   review.lineNotFound   { entryId }                  an adjusted line not on this sheet
 *   review.duplicateLine  { entryId }                  an adjustment naming the same line twice (malformed)
 *   review.noChanges      {}                           an adjustment that changes nothing
 *   review.notApproved    { person, month, state }     reopening a sheet that is not APPROVED
 *   review.monthClosed    { month }                    reopening after the month was published
 *   review.monthPublished { month }                    deciding / adjusting a sheet of a published month
 *   auth.forbidden        { roles }                    reopen without the assessment group role
 */
import type { Db, Tx } from "../db/client.js";
import type { SheetState } from "../generated/prisma/enums.js";
import { type Clock, currentMonth, isMonth, localDateTime, shiftMonth, todayIn } from "../util/time.js";
import { audit } from "./audit.js";
import { cleanText, MAX_COUNT } from "./command-parse.js";
import { isActiveDeputy, principalsOf } from "./deputies.js";
import { DomainError, isDomainError } from "./errors.js";
import { auditMalformed, isClosedMonth, refusalsAudited } from "./guard.js";
import { type Line, readMonthLines, requireActive, type TempTaskView } from "./logging.js";
import { type Actor, hasRole } from "./people.js";
import { readSettings } from "./settings.js";

export interface ReviewDeps {
  clock: Clock;
  timeZone: string;
  /** points (not hundredths) a day may reach before it is flagged; default: the setting (480) */
  plausibleDailyPoints?: number;
}

export const MAX_REASON_LENGTH = 500;

export interface PersonBrief {
  personId: string;
  slackUserId: string;
  name: string;
  nameEn: string | null;
}

export interface CardItem {
  itemId: string;
  itemCode: string;
  itemName: string;
  itemNameEn: string;
  unit: string;
  count: number;
  /** hundredths per unit; null when the item's lines carry different point versions */
  pointsPerUnit: number | null;
  /** hundredths */
  points: number;
  lines: number;
  /** per work date: the count that day */
  dates: { date: string; count: number }[];
  /** lines of this item with a missing required document */
  gaps: number;
  /** lines of this item a reviewer adjusted */
  adjusted: number;
}

export type PlausibilityFlag =
  | { kind: "dayOver"; date: string; points: number; limit: number }
  | {
      kind: "duplicate";
      date: string;
      itemCode: string;
      itemName: string;
      itemNameEn: string;
      count: number;
      lines: number;
    };

export interface AdjustedLine {
  entryId: string;
  workDate: string;
  itemCode: string;
  itemName: string;
  itemNameEn: string;
  from: number;
  to: number;
  reason: string;
}

export interface LineSnapshot {
  id: string;
  itemCode: string;
  itemName: string;
  itemNameEn: string;
  workDate: string;
  count: number;
  note: string | null;
}

export interface ChangesSinceReturn {
  returnedAt: Date;
  reason: string | null;
  added: LineSnapshot[];
  removed: LineSnapshot[];
  changed: (LineSnapshot & { fromCount: number; fromDate: string; fromNote: string | null })[];
  tempAdded: { description: string; minutes: number }[];
  tempRemoved: { description: string; minutes: number }[];
}

export interface DecisionInfo {
  state: SheetState;
  by: PersonBrief | null;
  /** the reviewer a deputy acted for */
  for: PersonBrief | null;
  at: Date | null;
  /** the return (or reopen) reason */
  reason: string | null;
}

export interface ReviewCard {
  sheetId: string;
  month: string;
  state: SheetState;
  /** echoed by the card's buttons: a decision on a changed sheet is refused */
  version: number;
  late: boolean;
  submittedAt: Date | null;
  person: PersonBrief;
  reviewer: PersonBrief | null;
  items: CardItem[];
  /** every active line, by date */
  lines: Line[];
  tempTasks: TempTaskView[];
  tempAwaiting: number;
  evidenceGaps: {
    entryId: string;
    workDate: string;
    itemCode: string;
    itemName: string;
    itemNameEn: string;
    missing: string[];
    missingEn: string[];
  }[];
  flags: PlausibilityFlag[];
  /** active lines + priced temporary tasks (hundredths) */
  total: number;
  /** the part of the total whose required documents are incomplete */
  incompleteTotal: number;
  adjusted: AdjustedLine[];
  changesSinceReturn: ChangesSinceReturn | null;
  decision: DecisionInfo | null;
  /** no evidence gap, no plausibility flag, no temporary task awaiting pricing */
  clean: boolean;
  /** where the reviewer's card is (chat.update) */
  card: { channel: string; ts: string } | null;
}

// ───────────────────────────── helpers ─────────────────────────────

const PERSON_SELECT = { id: true, slackUserId: true, name: true, nameEn: true } as const;

function brief(p: { id: string; slackUserId: string; name: string; nameEn: string | null }): PersonBrief {
  return { personId: p.id, slackUserId: p.slackUserId, name: p.name, nameEn: p.nameEn };
}

function cleanReason(raw: unknown, required = true): string | null {
  const r = typeof raw === "string" ? cleanText(raw) : "";
  if (!r) {
    if (required) throw new DomainError("review.reasonRequired", {});
    return null;
  }
  if (Array.from(r).length > MAX_REASON_LENGTH) {
    throw new DomainError("review.reasonTooLong", { max: MAX_REASON_LENGTH });
  }
  return r;
}

function validSheetId(id: unknown): id is string {
  return typeof id === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(id);
}

async function plausibleLimit(db: Db | Tx, deps: ReviewDeps): Promise<number> {
  return (deps.plausibleDailyPoints ?? (await readSettings(db)).plausibleDailyPoints) * 100;
}

/** Days above the plausible daily total, and identical lines (same item, date, count and note). */
export function plausibilityFlags(lines: Line[], limit: number): PlausibilityFlag[] {
  const flags: PlausibilityFlag[] = [];
  const byDay = new Map<string, number>();
  for (const l of lines) byDay.set(l.workDate, (byDay.get(l.workDate) ?? 0) + l.subtotal);
  for (const [date, points] of [...byDay].sort(([a], [b]) => a.localeCompare(b))) {
    if (points > limit) flags.push({ kind: "dayOver", date, points, limit });
  }
  const same = new Map<string, { line: Line; n: number }>();
  for (const l of lines) {
    const key = JSON.stringify([l.itemId, l.workDate, l.originalCount ?? l.count, l.note ?? ""]);
    const hit = same.get(key);
    if (hit) hit.n++;
    else same.set(key, { line: l, n: 1 });
  }
  for (const { line, n } of same.values()) {
    if (n < 2) continue;
    flags.push({
      kind: "duplicate",
      date: line.workDate,
      itemCode: line.itemCode,
      itemName: line.itemName,
      itemNameEn: line.itemNameEn,
      count: line.count,
      lines: n,
    });
  }
  return flags;
}

function groupItems(lines: Line[]): CardItem[] {
  const byItem = new Map<string, CardItem & { ppu: Set<number>; byDate: Map<string, number> }>();
  for (const l of lines) {
    let it = byItem.get(l.itemId);
    if (!it) {
      it = {
        itemId: l.itemId,
        itemCode: l.itemCode,
        itemName: l.itemName,
        itemNameEn: l.itemNameEn,
        unit: l.unit,
        count: 0,
        pointsPerUnit: null,
        points: 0,
        lines: 0,
        dates: [],
        gaps: 0,
        adjusted: 0,
        ppu: new Set(),
        byDate: new Map(),
      };
      byItem.set(l.itemId, it);
    }
    it.count += l.count;
    it.points += l.subtotal;
    it.lines++;
    it.ppu.add(l.pointsPerUnit);
    it.byDate.set(l.workDate, (it.byDate.get(l.workDate) ?? 0) + l.count);
    if (l.evidenceMissing.length) it.gaps++;
    if (l.originalCount !== null) it.adjusted++;
  }
  return [...byItem.values()]
    .map(({ ppu, byDate, ...it }) => ({
      ...it,
      pointsPerUnit: ppu.size === 1 ? [...ppu][0]! : null,
      dates: [...byDate].sort(([a], [b]) => a.localeCompare(b)).map(([date, count]) => ({ date, count })),
    }))
    .sort((a, b) => a.itemCode.localeCompare(b.itemCode));
}

function snapshotOf(lines: Line[]): LineSnapshot[] {
  return lines.map((l) => ({
    id: l.id,
    itemCode: l.itemCode,
    itemName: l.itemName,
    itemNameEn: l.itemNameEn,
    workDate: l.workDate,
    count: l.count,
    note: l.note,
  }));
}

interface ReturnDetail {
  snapshot?: LineSnapshot[];
  temp?: { id: string; description: string; minutes: number }[];
}

function diffSinceReturn(
  at: Date,
  reason: string | null,
  detail: ReturnDetail,
  lines: Line[],
  temps: TempTaskView[],
): ChangesSinceReturn {
  const before = new Map((detail.snapshot ?? []).map((s) => [s.id, s]));
  const now = snapshotOf(lines);
  const nowIds = new Set(now.map((s) => s.id));
  const changed: ChangesSinceReturn["changed"] = [];
  const added: LineSnapshot[] = [];
  for (const s of now) {
    const b = before.get(s.id);
    if (!b) added.push(s);
    else if (b.count !== s.count || b.workDate !== s.workDate || (b.note ?? null) !== (s.note ?? null)) {
      changed.push({ ...s, fromCount: b.count, fromDate: b.workDate, fromNote: b.note ?? null });
    }
  }
  const removed = [...before.values()].filter((s) => !nowIds.has(s.id));
  const tempBefore = new Map((detail.temp ?? []).map((t) => [t.id, t]));
  const tempNow = new Set(temps.map((t) => t.id));
  return {
    returnedAt: at,
    reason,
    added,
    removed,
    changed,
    tempAdded: temps
      .filter((t) => !tempBefore.has(t.id))
      .map((t) => ({ description: t.description, minutes: t.minutes })),
    tempRemoved: [...tempBefore.values()]
      .filter((t) => !tempNow.has(t.id))
      .map((t) => ({ description: t.description, minutes: t.minutes })),
  };
}

// ───────────────────────────── the card ─────────────────────────────

/** Everything the reviewer's card and the Details / Adjust modals show of a sheet. */
export async function loadReviewCard(db: Db | Tx, deps: ReviewDeps, sheetId: string): Promise<ReviewCard> {
  if (!validSheetId(sheetId)) throw new DomainError("review.notFound", { sheetId: String(sheetId ?? "") });
  const sheet = await db.sheet.findUnique({
    where: { id: sheetId },
    include: { person: { select: PERSON_SELECT } },
  });
  if (!sheet) throw new DomainError("review.notFound", { sheetId });
  const data = await readMonthLines(db, sheet.personId, sheet.month);
  const ids = [sheet.reviewerId, sheet.decidedById, sheet.decidedForId].filter((x): x is string => !!x);
  const people = ids.length
    ? await db.person.findMany({ where: { id: { in: ids } }, select: PERSON_SELECT })
    : [];
  const byId = new Map(people.map((p) => [p.id, brief(p)]));
  const limit = await plausibleLimit(db, deps);
  const flags = plausibilityFlags(data.lines, limit);
  const lastReturn = await db.sheetTransition.findFirst({
    where: { sheetId, toState: "RETURNED" },
    orderBy: [{ at: "desc" }, { id: "desc" }],
  });
  const changesSinceReturn =
    lastReturn && sheet.state !== "RETURNED"
      ? diffSinceReturn(
          lastReturn.at,
          lastReturn.reason,
          (lastReturn.detail ?? {}) as ReturnDetail,
          data.lines,
          data.tempTasks,
        )
      : null;
  const evidenceGaps = data.lines
    .filter((l) => l.evidenceMissing.length)
    .map((l) => ({
      entryId: l.id,
      workDate: l.workDate,
      itemCode: l.itemCode,
      itemName: l.itemName,
      itemNameEn: l.itemNameEn,
      missing: l.evidenceMissing.map((m) => m.name),
      missingEn: l.evidenceMissing.map((m) => m.nameEn),
    }));
  const tempAwaiting = data.tempTasks.filter((t) => t.status === "AWAITING_PRICING").length;
  const decided = sheet.state === "APPROVED" || sheet.state === "RETURNED" || sheet.state === "LOCKED";
  return {
    sheetId: sheet.id,
    month: sheet.month,
    state: sheet.state,
    version: sheet.version,
    late: sheet.late,
    submittedAt: sheet.submittedAt,
    person: brief(sheet.person),
    reviewer: sheet.reviewerId ? (byId.get(sheet.reviewerId) ?? null) : null,
    items: groupItems(data.lines),
    lines: data.lines,
    tempTasks: data.tempTasks,
    tempAwaiting,
    evidenceGaps,
    flags,
    total: data.total,
    incompleteTotal: data.incompleteTotal,
    adjusted: data.lines
      .filter((l) => l.originalCount !== null)
      .map((l) => ({
        entryId: l.id,
        workDate: l.workDate,
        itemCode: l.itemCode,
        itemName: l.itemName,
        itemNameEn: l.itemNameEn,
        from: l.originalCount!,
        to: l.count,
        reason: l.adjustReason ?? "",
      })),
    changesSinceReturn,
    decision: decided
      ? {
          state: sheet.state,
          by: sheet.decidedById ? (byId.get(sheet.decidedById) ?? null) : null,
          for: sheet.decidedForId ? (byId.get(sheet.decidedForId) ?? null) : null,
          at: sheet.decidedAt,
          reason: sheet.state === "RETURNED" ? sheet.returnReason : null,
        }
      : null,
    clean: evidenceGaps.length === 0 && flags.length === 0 && tempAwaiting === 0,
    card: sheet.cardChannel && sheet.cardTs ? { channel: sheet.cardChannel, ts: sheet.cardTs } : null,
  };
}

/** Records where the reviewer's card was posted (for chat.update after a decision). */
export async function recordCard(db: Db, sheetId: string, card: { channel: string; ts: string }) {
  await db.sheet.updateMany({ where: { id: sheetId }, data: { cardChannel: card.channel, cardTs: card.ts } });
}

/**
 * The card a reviewer may look at: their own review (or their principal's, as deputy), the assessment
 * group, or the sheet's owner. Anyone else is refused (audited) like a missing sheet would not be.
 */
export async function reviewCardFor(
  db: Db,
  deps: ReviewDeps,
  actor: Actor,
  sheetId: string,
): Promise<ReviewCard> {
  requireActive(actor);
  return auditReview(db, actor, "review.view", sheetId, async () => {
    const card = await loadReviewCard(db, deps, sheetId);
    if (card.person.personId === actor.personId || hasRole(actor, "ASSESSMENT_GROUP", "ADMIN")) return card;
    const today = todayIn(deps.timeZone, deps.clock());
    const reviewerId = card.reviewer?.personId ?? null;
    if (reviewerId === actor.personId) return card;
    if (reviewerId && (await isActiveDeputy(db, actor.personId, reviewerId, today))) return card;
    if (card.decision?.by?.personId === actor.personId) return card;
    throw new DomainError("review.notReviewer", { person: card.person.name, month: card.month });
  });
}

/**
 * The card of a sheet the actor may decide now (before opening the Return or Adjust modal): the same
 * checks as a decision (exists, not one's own, reviewer or active deputy, still SUBMITTED, the version
 * shown), refusals audited.
 */
export async function reviewCardForDecision(
  db: Db,
  deps: ReviewDeps,
  actor: Actor,
  sheetId: string,
  version?: number,
  action = "review.open",
): Promise<ReviewCard> {
  requireActive(actor);
  return auditReview(db, actor, action, sheetId, async () => {
    await sheetForDecision(db, deps, actor, sheetId, version);
    return loadReviewCard(db, deps, sheetId);
  });
}

// ───────────────────────────── decisions ─────────────────────────────

export interface DecisionResult {
  sheetId: string;
  month: string;
  state: SheetState;
  version: number;
  person: PersonBrief;
  decidedBy: PersonBrief;
  /** the reviewer the deputy acted for, or null */
  decidedFor: PersonBrief | null;
  decidedAt: Date;
  reason: string | null;
  /** the lines a reviewer adjusted (all of the sheet's adjusted lines, for the staff member's DM) */
  adjusted: AdjustedLine[];
  /** the reviewer (for notifications after a reopen) */
  reviewer: PersonBrief | null;
}

const REVIEW_REFUSALS_NOT_AUDITED = new Set(["review.reasonTooLong"]);

/** Runs a review use-case; every DomainError it throws is audited (outcome REFUSED), then rethrown. */
function auditReview<T>(
  db: Db,
  actor: Actor,
  action: string,
  sheetId: unknown,
  fn: () => Promise<T>,
): Promise<T> {
  return refusalsAudited(
    db,
    actor,
    {
      action,
      entityType: "Sheet",
      entityId: sheetId,
      audited: (code) => !REVIEW_REFUSALS_NOT_AUDITED.has(code),
    },
    fn,
  );
}

type SheetRow = NonNullable<Awaited<ReturnType<typeof readSheetForDecision>>>;

async function readSheetForDecision(tx: Db | Tx, sheetId: string) {
  return tx.sheet.findUnique({ where: { id: sheetId }, include: { person: { select: PERSON_SELECT } } });
}

/** Who decided a sheet, for the loser of a race: "王股长" or "李副 (for 王股长)", and when. */
async function alreadyDecided(tx: Db | Tx, deps: ReviewDeps, sheet: SheetRow): Promise<DomainError> {
  const ids = [sheet.decidedById, sheet.decidedForId].filter((x): x is string => !!x);
  const people = ids.length
    ? await tx.person.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })
    : [];
  const name = (id: string | null) => (id ? (people.find((p) => p.id === id)?.name ?? "?") : "");
  if (!sheet.decidedById || !sheet.decidedAt || sheet.state === "SUBMITTED" || sheet.state === "OPEN") {
    return new DomainError("review.notSubmitted", {
      person: sheet.person.name,
      month: sheet.month,
      state: sheet.state,
    });
  }
  const by = sheet.decidedForId
    ? `${name(sheet.decidedById)} (${name(sheet.decidedForId)})`
    : name(sheet.decidedById);
  return new DomainError("review.alreadyDecided", {
    person: sheet.person.name,
    month: sheet.month,
    state: sheet.state,
    by,
    at: localDateTime(sheet.decidedAt, deps.timeZone),
  });
}

/**
 * The actor's authority over a submitted sheet: as its reviewer (decidedFor null) or as the active deputy
 * of its reviewer (decidedFor = reviewer); the assessment group for a sheet without a reviewer.
 */
async function authority(
  tx: Db | Tx,
  deps: ReviewDeps,
  actor: Actor,
  sheet: SheetRow,
): Promise<{ decidedForId: string | null }> {
  if (sheet.personId === actor.personId) throw new DomainError("review.ownSheet", {});
  if (sheet.reviewerId === actor.personId) return { decidedForId: null };
  const today = todayIn(deps.timeZone, deps.clock());
  if (sheet.reviewerId && (await isActiveDeputy(tx, actor.personId, sheet.reviewerId, today))) {
    return { decidedForId: sheet.reviewerId };
  }
  if (hasRole(actor, "ASSESSMENT_GROUP")) {
    // a sheet without a reviewer, or whose reviewer has left since it was submitted
    if (!sheet.reviewerId) return { decidedForId: null };
    const reviewer = await tx.person.findUnique({
      where: { id: sheet.reviewerId },
      select: { active: true },
    });
    if (!reviewer?.active) return { decidedForId: null };
  }
  throw new DomainError("review.notReviewer", { person: sheet.person.name, month: sheet.month });
}

/**
 * The state of the month's close row, share-locked until the transaction ends: a publish (which holds it
 * FOR UPDATE) finishes first and its PUBLISHED is seen here, or waits until this transaction is committed.
 */
async function monthState(tx: Db | Tx, month: string): Promise<string | null> {
  const rows = await tx.$queryRaw<{ state: string }[]>`
    SELECT state::text AS state FROM "MonthClose" WHERE month = ${month} FOR SHARE`;
  return rows[0]?.state ?? null;
}

/**
 * Loads and checks a sheet for a decision: exists, not one's own, the actor may act, still SUBMITTED, its
 * month not published (a sheet left submitted by a close with exceptions stays out of the results).
 */
async function sheetForDecision(
  tx: Db | Tx,
  deps: ReviewDeps,
  actor: Actor,
  sheetId: string,
  expectedVersion: number | undefined,
) {
  if (!validSheetId(sheetId)) throw new DomainError("review.notFound", { sheetId: String(sheetId ?? "") });
  const sheet = await readSheetForDecision(tx, sheetId);
  if (!sheet) throw new DomainError("review.notFound", { sheetId });
  const auth = await authority(tx, deps, actor, sheet);
  if (sheet.state !== "SUBMITTED") throw await alreadyDecided(tx, deps, sheet);
  if ((await monthState(tx, sheet.month)) === "PUBLISHED") {
    throw new DomainError("review.monthPublished", { month: sheet.month });
  }
  if (expectedVersion !== undefined && expectedVersion !== sheet.version) {
    throw new DomainError("review.changed", { person: sheet.person.name, month: sheet.month });
  }
  return { sheet, ...auth };
}

/** After a conditional update that matched nothing: who won, or that the sheet changed. */
async function lostRace(tx: Tx, deps: ReviewDeps, sheetId: string): Promise<DomainError> {
  const again = await readSheetForDecision(tx, sheetId);
  if (!again) return new DomainError("review.notFound", { sheetId });
  if (again.state !== "SUBMITTED") return alreadyDecided(tx, deps, again);
  return new DomainError("review.changed", { person: again.person.name, month: again.month });
}

async function adjustedOf(tx: Tx, sheetId: string): Promise<AdjustedLine[]> {
  const rows = await tx.entry.findMany({
    where: { sheetId, status: "ACTIVE", originalCount: { not: null } },
    include: { item: { select: { code: true, name: true, nameEn: true } } },
    orderBy: [{ workDate: "asc" }, { createdAt: "asc" }, { id: "asc" }],
  });
  return rows.map((e) => ({
    entryId: e.id,
    workDate: e.workDate,
    itemCode: e.item.code,
    itemName: e.item.name,
    itemNameEn: e.item.nameEn,
    from: e.originalCount!,
    to: e.count,
    reason: e.adjustReason ?? "",
  }));
}

async function decide(
  db: Db,
  deps: ReviewDeps,
  actor: Actor,
  input: { sheetId: string; version?: number },
  to: "APPROVED" | "RETURNED",
  reason: string | null,
): Promise<DecisionResult> {
  const action = to === "APPROVED" ? "sheet.approve" : "sheet.return";
  return auditReview(db, actor, action, input.sheetId, () =>
    db.$transaction(async (tx) => {
      const { sheet, decidedForId } = await sheetForDecision(tx, deps, actor, input.sheetId, input.version);
      const now = deps.clock();
      let detail: Record<string, unknown> = {};
      if (to === "RETURNED") {
        const data = await readMonthLines(tx, sheet.personId, sheet.month);
        detail = {
          snapshot: snapshotOf(data.lines),
          temp: data.tempTasks.map((t) => ({ id: t.id, description: t.description, minutes: t.minutes })),
          total: data.total,
        };
      }
      const res = await tx.sheet.updateMany({
        where: { id: sheet.id, state: "SUBMITTED", version: sheet.version },
        data: {
          state: to,
          version: { increment: 1 },
          decidedById: actor.personId,
          decidedForId,
          decidedAt: now,
          returnReason: to === "RETURNED" ? reason : null,
        },
      });
      if (res.count === 0) throw await lostRace(tx, deps, sheet.id);
      const onBehalf = decidedForId
        ? await tx.person.findUnique({ where: { id: decidedForId }, select: PERSON_SELECT })
        : null;
      await tx.sheetTransition.create({
        data: {
          sheetId: sheet.id,
          fromState: "SUBMITTED",
          toState: to,
          actorId: actor.personId,
          onBehalfOfId: decidedForId,
          reason,
          detail: detail as never,
          at: now,
        },
      });
      await audit(tx, {
        actor: actor.slackUserId,
        onBehalfOf: onBehalf?.slackUserId ?? null,
        action,
        entityType: "Sheet",
        entityId: sheet.id,
        reason,
        before: { state: "SUBMITTED", version: sheet.version },
        after: {
          state: to,
          version: sheet.version + 1,
          person: sheet.person.slackUserId,
          month: sheet.month,
          decidedById: actor.personId,
          decidedForId,
        },
      });
      const reviewer = sheet.reviewerId
        ? await tx.person.findUnique({ where: { id: sheet.reviewerId }, select: PERSON_SELECT })
        : null;
      return {
        sheetId: sheet.id,
        month: sheet.month,
        state: to,
        version: sheet.version + 1,
        person: brief(sheet.person),
        decidedBy: {
          personId: actor.personId,
          slackUserId: actor.slackUserId,
          name: actor.name,
          nameEn: null,
        },
        decidedFor: onBehalf ? brief(onBehalf) : null,
        decidedAt: now,
        reason,
        adjusted: await adjustedOf(tx, sheet.id),
        reviewer: reviewer ? brief(reviewer) : null,
      };
    }),
  );
}

/** SUBMITTED → APPROVED: the lines become final. */
export function approveSheet(
  db: Db,
  deps: ReviewDeps,
  actor: Actor,
  input: { sheetId: string; version?: number },
): Promise<DecisionResult> {
  requireActive(actor);
  return decide(db, deps, actor, input, "APPROVED", null);
}

/** SUBMITTED → RETURNED with a required reason: the lines unlock for the staff member to fix and resubmit. */
export async function returnSheet(
  db: Db,
  deps: ReviewDeps,
  actor: Actor,
  input: { sheetId: string; version?: number; reason: string },
): Promise<DecisionResult> {
  requireActive(actor);
  let reason: string;
  try {
    reason = cleanReason(input.reason)!;
  } catch (e) {
    return auditReview(db, actor, "sheet.return", input.sheetId, () => Promise.reject(e));
  }
  return decide(db, deps, actor, input, "RETURNED", reason);
}

export interface AdjustChange {
  entryId: string;
  count: number;
  reason: string;
}

export interface AdjustResult {
  sheetId: string;
  month: string;
  version: number;
  person: PersonBrief;
  decidedBy: PersonBrief;
  decidedFor: PersonBrief | null;
  at: Date;
  /** the lines changed by this call */
  changed: AdjustedLine[];
  /** the sheet's total after the change (hundredths) */
  total: number;
}

/**
 * Changes counts of a submitted sheet's lines, each with a reason (the sheet stays SUBMITTED, its version
 * goes up so stale cards are refused). The count as logged is kept (Entry.originalCount); setting a line
 * back to it clears the adjustment. A count of 0 keeps the line but scores nothing.
 */
export async function adjustLines(
  db: Db,
  deps: ReviewDeps,
  actor: Actor,
  input: { sheetId: string; version?: number; changes: AdjustChange[] },
): Promise<AdjustResult> {
  requireActive(actor);
  return auditReview(db, actor, "sheet.adjust", input.sheetId, async () => {
    const changes = (Array.isArray(input.changes) ? input.changes : []).map((c) => {
      const n = Number(c.count);
      if (!Number.isInteger(n) || n < 0 || n > MAX_COUNT) {
        throw new DomainError("review.badCount", { value: String(c.count), max: MAX_COUNT });
      }
      return { entryId: String(c.entryId ?? ""), count: n, reason: cleanReason(c.reason)! };
    });
    if (changes.length === 0) throw new DomainError("review.noChanges", {});
    // each line once: a second change of the same line would be audited with a stale "before"
    const named = new Set<string>();
    for (const c of changes) {
      if (named.has(c.entryId))
        throw new DomainError("review.duplicateLine", { entryId: c.entryId.slice(0, 64) });
      named.add(c.entryId);
    }
    return db.$transaction(async (tx) => {
      const { sheet, decidedForId } = await sheetForDecision(tx, deps, actor, input.sheetId, input.version);
      // lock the sheet for the rest of the transaction: the version check below then holds until commit
      const res = await tx.sheet.updateMany({
        where: { id: sheet.id, state: "SUBMITTED", version: sheet.version },
        data: { version: { increment: 1 } },
      });
      if (res.count === 0) throw await lostRace(tx, deps, sheet.id);
      const entries = await tx.entry.findMany({
        where: { id: { in: changes.map((c) => c.entryId) }, sheetId: sheet.id, status: "ACTIVE" },
        include: { item: { select: { code: true, name: true, nameEn: true } } },
      });
      const byId = new Map(entries.map((e) => [e.id, e]));
      const changed: AdjustedLine[] = [];
      const now = deps.clock();
      const onBehalf = decidedForId
        ? await tx.person.findUnique({ where: { id: decidedForId }, select: PERSON_SELECT })
        : null;
      for (const c of changes) {
        const e = byId.get(c.entryId);
        if (!e) throw new DomainError("review.lineNotFound", { entryId: c.entryId.slice(0, 64) });
        if (e.count === c.count) continue;
        const original = e.originalCount ?? e.count;
        const back = c.count === original;
        await tx.entry.update({
          where: { id: e.id },
          data: {
            count: c.count,
            originalCount: back ? null : original,
            adjustReason: back ? null : c.reason,
          },
        });
        await audit(tx, {
          actor: actor.slackUserId,
          onBehalfOf: onBehalf?.slackUserId ?? null,
          action: "entry.adjust",
          entityType: "Entry",
          entityId: e.id,
          reason: c.reason,
          before: { count: e.count, originalCount: e.originalCount },
          after: { count: c.count, originalCount: back ? null : original, sheetId: sheet.id },
        });
        changed.push({
          entryId: e.id,
          workDate: e.workDate,
          itemCode: e.item.code,
          itemName: e.item.name,
          itemNameEn: e.item.nameEn,
          from: e.count,
          to: c.count,
          reason: c.reason,
        });
      }
      if (changed.length === 0) throw new DomainError("review.noChanges", {});
      await tx.sheetTransition.create({
        data: {
          sheetId: sheet.id,
          fromState: "SUBMITTED",
          toState: "SUBMITTED",
          actorId: actor.personId,
          onBehalfOfId: decidedForId,
          reason: changed
            .map((c) => c.reason)
            .join("; ")
            .slice(0, 2000),
          detail: { adjusted: changed } as never,
          at: now,
        },
      });
      await audit(tx, {
        actor: actor.slackUserId,
        onBehalfOf: onBehalf?.slackUserId ?? null,
        action: "sheet.adjust",
        entityType: "Sheet",
        entityId: sheet.id,
        before: { state: "SUBMITTED", version: sheet.version },
        after: {
          state: "SUBMITTED",
          version: sheet.version + 1,
          person: sheet.person.slackUserId,
          adjusted: changed.map((c) => ({ entryId: c.entryId, from: c.from, to: c.to, reason: c.reason })),
        },
      });
      const data = await readMonthLines(tx, sheet.personId, sheet.month);
      return {
        sheetId: sheet.id,
        month: sheet.month,
        version: sheet.version + 1,
        person: brief(sheet.person),
        decidedBy: {
          personId: actor.personId,
          slackUserId: actor.slackUserId,
          name: actor.name,
          nameEn: null,
        },
        decidedFor: onBehalf ? brief(onBehalf) : null,
        at: now,
        changed,
        total: data.total,
      };
    });
  });
}

/**
 * APPROVED → RETURNED by the assessment group, with a reason, while the month is not published: the
 * staff member corrects and resubmits, and the reviewer reviews again.
 */
export async function reopenSheet(
  db: Db,
  deps: ReviewDeps,
  actor: Actor,
  input: { sheetId: string; reason: string },
): Promise<DecisionResult> {
  requireActive(actor);
  return auditReview(db, actor, "sheet.reopen", input.sheetId, async () => {
    if (!hasRole(actor, "ASSESSMENT_GROUP"))
      throw new DomainError("auth.forbidden", { roles: "ASSESSMENT_GROUP" });
    const reason = cleanReason(input.reason)!;
    if (!validSheetId(input.sheetId))
      throw new DomainError("review.notFound", { sheetId: String(input.sheetId ?? "") });
    return db.$transaction(async (tx) => {
      const sheet = await readSheetForDecision(tx, input.sheetId);
      if (!sheet) throw new DomainError("review.notFound", { sheetId: input.sheetId });
      if (sheet.personId === actor.personId) throw new DomainError("review.ownSheet", {});
      if (sheet.state !== "APPROVED") {
        throw new DomainError("review.notApproved", {
          person: sheet.person.name,
          month: sheet.month,
          state: sheet.state,
        });
      }
      const close = await monthState(tx, sheet.month);
      if (close && close !== "OPEN") throw new DomainError("review.monthClosed", { month: sheet.month });
      const data = await readMonthLines(tx, sheet.personId, sheet.month);
      const now = deps.clock();
      const res = await tx.sheet.updateMany({
        where: { id: sheet.id, state: "APPROVED", version: sheet.version },
        data: {
          state: "RETURNED",
          version: { increment: 1 },
          decidedById: actor.personId,
          decidedForId: null,
          decidedAt: now,
          returnReason: reason,
        },
      });
      if (res.count === 0) {
        const again = await readSheetForDecision(tx, sheet.id);
        throw new DomainError("review.notApproved", {
          person: sheet.person.name,
          month: sheet.month,
          state: again?.state ?? sheet.state,
        });
      }
      await tx.sheetTransition.create({
        data: {
          sheetId: sheet.id,
          fromState: "APPROVED",
          toState: "RETURNED",
          actorId: actor.personId,
          reason,
          detail: {
            reopen: true,
            snapshot: snapshotOf(data.lines),
            temp: data.tempTasks.map((t) => ({ id: t.id, description: t.description, minutes: t.minutes })),
            approvedById: sheet.decidedById,
            approvedAt: sheet.decidedAt,
          } as never,
          at: now,
        },
      });
      await audit(tx, {
        actor: actor.slackUserId,
        action: "sheet.reopen",
        entityType: "Sheet",
        entityId: sheet.id,
        reason,
        before: { state: "APPROVED", version: sheet.version, decidedById: sheet.decidedById },
        after: {
          state: "RETURNED",
          version: sheet.version + 1,
          person: sheet.person.slackUserId,
          month: sheet.month,
        },
      });
      const reviewer = sheet.reviewerId
        ? await tx.person.findUnique({ where: { id: sheet.reviewerId }, select: PERSON_SELECT })
        : null;
      return {
        sheetId: sheet.id,
        month: sheet.month,
        state: "RETURNED" as const,
        version: sheet.version + 1,
        person: brief(sheet.person),
        decidedBy: {
          personId: actor.personId,
          slackUserId: actor.slackUserId,
          name: actor.name,
          nameEn: null,
        },
        decidedFor: null,
        decidedAt: now,
        reason,
        adjusted: await adjustedOf(tx, sheet.id),
        reviewer: reviewer ? brief(reviewer) : null,
      };
    });
  });
}

/**
 * The assessment group's right to reopen, checked before `/kpi reopen` looks the sheet up and before the
 * Reopen… modal opens: a refusal is audited like any other refused review request.
 */
export async function requireReopenRight(db: Db, actor: Actor, sheetId?: string): Promise<void> {
  requireActive(actor);
  await auditReview(db, actor, "sheet.reopen", sheetId ?? null, async () => {
    if (!hasRole(actor, "ASSESSMENT_GROUP"))
      throw new DomainError("auth.forbidden", { roles: "ASSESSMENT_GROUP" });
  });
}

/** Finds a sheet by person (Slack id, Person id or exact name) and month, for `/kpi reopen @user MONTH`. */
export async function findSheet(db: Db, person: string, month: string): Promise<string | null> {
  if (!isMonth(month)) throw new DomainError("log.badMonth", { value: month });
  const p = await db.person.findFirst({
    where: { OR: [{ slackUserId: person }, { id: person }, { name: person }] },
    select: { id: true },
  });
  if (!p) return null;
  const s = await db.sheet.findUnique({ where: { personId_month: { personId: p.id, month } } });
  return s?.id ?? null;
}

// ───────────────────────────── the overview ─────────────────────────────

export interface PendingSheet {
  sheetId: string;
  month: string;
  version: number;
  person: PersonBrief;
  late: boolean;
  submittedAt: Date | null;
  total: number;
  lines: number;
  evidenceGaps: number;
  flags: number;
  tempAwaiting: number;
  clean: boolean;
  /** the reviewer the actor acts for as deputy, or null for their own reviews */
  onBehalfOf: PersonBrief | null;
}

export interface ReviewOverview {
  month: string;
  pending: PendingSheet[];
  /** members of the sections the actor reviews (or deputises for) without a submitted sheet */
  notSubmitted: { person: PersonBrief; state: SheetState | null; lines: number }[];
  /** sheets of the month the actor already decided */
  decided: number;
  /** sections the actor reviews (as chief or deputy): notSubmitted covers their members */
  sections: number;
  /** the month's results are published: its sheets can no longer be decided, none is listed */
  published: boolean;
}

/**
 * The month a review overview shows by default: the previous month until the review deadline day,
 * else the current month.
 */
export function defaultReviewMonth(today: string, reviewDeadlineDay = 7): string {
  const month = today.slice(0, 7);
  return Number(today.slice(8, 10)) <= reviewDeadlineDay ? shiftMonth(month, -1) : month;
}

/** Reviewers the actor acts for today: themselves and the principals they deputise for. */
async function actingFor(db: Db | Tx, deps: ReviewDeps, actor: Actor): Promise<string[]> {
  const today = todayIn(deps.timeZone, deps.clock());
  return [actor.personId, ...(await principalsOf(db, actor.personId, today))];
}

/**
 * The sheets waiting for the actor's decision (as reviewer or deputy) and who has not submitted. A published
 * month lists neither (its sheets are locked; one left submitted by a close with exceptions cannot be
 * decided any more).
 */
export async function reviewOverview(
  db: Db,
  deps: ReviewDeps,
  actor: Actor,
  opts: { month?: string } = {},
): Promise<ReviewOverview> {
  requireActive(actor);
  const settings = await readSettings(db);
  const today = todayIn(deps.timeZone, deps.clock());
  const month = opts.month ?? defaultReviewMonth(today, settings.reviewDeadlineDay);
  if (!isMonth(month)) throw new DomainError("log.badMonth", { value: month });
  const reviewers = await actingFor(db, deps, actor);
  const sections = await reviewedSections(db, reviewers);
  if (await isClosedMonth(db, month)) {
    const decided = await decidedCount(db, actor, month);
    return { month, pending: [], notSubmitted: [], decided, sections: sections.count, published: true };
  }
  const unassigned = hasRole(actor, "ASSESSMENT_GROUP");
  const gone = unassigned
    ? (await db.person.findMany({ where: { active: false }, select: { id: true } })).map((p) => p.id)
    : [];
  const sheets = await db.sheet.findMany({
    where: {
      month,
      state: "SUBMITTED",
      personId: { not: actor.personId },
      OR: [
        { reviewerId: { in: reviewers } },
        ...(unassigned ? [{ reviewerId: null }, { reviewerId: { in: gone } }] : []),
      ],
    },
    include: { person: { select: PERSON_SELECT } },
    orderBy: [{ submittedAt: "asc" }, { id: "asc" }],
  });
  const reviewerPeople = await db.person.findMany({
    where: { id: { in: reviewers } },
    select: PERSON_SELECT,
  });
  const reviewerById = new Map(reviewerPeople.map((p) => [p.id, brief(p)]));
  const limit = (deps.plausibleDailyPoints ?? settings.plausibleDailyPoints) * 100;
  const pending: PendingSheet[] = [];
  for (const s of sheets) {
    const data = await readMonthLines(db, s.personId, s.month);
    const flags = plausibilityFlags(data.lines, limit).length;
    const tempAwaiting = data.tempTasks.filter((t) => t.status === "AWAITING_PRICING").length;
    pending.push({
      sheetId: s.id,
      month: s.month,
      version: s.version,
      person: brief(s.person),
      late: s.late,
      submittedAt: s.submittedAt,
      total: data.total,
      lines: data.lines.length,
      evidenceGaps: data.evidenceGaps,
      flags,
      tempAwaiting,
      clean: data.evidenceGaps === 0 && flags === 0 && tempAwaiting === 0,
      onBehalfOf:
        s.reviewerId && s.reviewerId !== actor.personId ? (reviewerById.get(s.reviewerId) ?? null) : null,
    });
  }
  // members of the sections the actor (or their principals) chief, except the chiefs' own sheets that
  // go to the branch chief, and members whose sheet is submitted or decided
  const { sectionIds, isBranch } = sections;
  const scopes = [
    ...(sectionIds.length
      ? [{ sectionId: { in: sectionIds }, NOT: { chiefOf: { some: { sectionId: { in: sectionIds } } } } }]
      : []),
    ...(isBranch
      ? [{ sectionId: null }, { section: { chiefs: { none: {} } } }, { chiefOf: { some: {} } }]
      : []),
  ];
  const members = scopes.length
    ? await db.person.findMany({
        where: {
          OR: scopes,
          active: true,
          id: { notIn: reviewers },
          roles: { some: { role: "STAFF" } },
        },
        select: { ...PERSON_SELECT, sheets: { where: { month }, select: { state: true, id: true } } },
        orderBy: { name: "asc" },
      })
    : [];
  const notSubmitted: ReviewOverview["notSubmitted"] = [];
  for (const m of members) {
    const sheet = m.sheets[0];
    if (sheet && sheet.state !== "OPEN" && sheet.state !== "RETURNED") continue;
    const lines = sheet ? await db.entry.count({ where: { sheetId: sheet.id, status: "ACTIVE" } }) : 0;
    notSubmitted.push({ person: brief(m), state: sheet?.state ?? null, lines });
  }
  const decided = await decidedCount(db, actor, month);
  return { month, pending, notSubmitted, decided, sections: sections.count, published: false };
}

/** The sections the reviewers chief, and whether one of them is the branch chief (who reviews the chiefs). */
async function reviewedSections(db: Db, reviewers: string[]) {
  const chiefRows = await db.sectionChief.findMany({
    where: { personId: { in: reviewers } },
    select: { sectionId: true },
  });
  const sectionIds = [...new Set(chiefRows.map((c) => c.sectionId))];
  // the branch chief reviews the chiefs' own sheets, and those of sections without a chief
  const isBranch =
    (await db.roleAssignment.count({ where: { personId: { in: reviewers }, role: "BRANCH_CHIEF" } })) > 0;
  return { sectionIds, isBranch, count: sectionIds.length + (isBranch ? 1 : 0) };
}

function decidedCount(db: Db, actor: Actor, month: string): Promise<number> {
  return db.sheet.count({
    where: { month, decidedById: actor.personId, state: { in: ["APPROVED", "LOCKED"] } },
  });
}

export interface ApproveAllResult {
  month: string;
  approved: DecisionResult[];
  /** pending sheets left for a closer look (not clean), or lost to another reviewer's click */
  skipped: { sheetId: string; person: PersonBrief; why: "notClean" | "decided" | "changed" }[];
}

/**
 * Approves every clean sheet waiting for the actor (no evidence gap, no plausibility flag, no temporary
 * task awaiting pricing), each in its own transaction, like a click on each card's Approve. `sheets`
 * limits it to the sheets (id → version) the overview showed, so nothing the chief did not see is
 * approved.
 */
export async function approveAllClean(
  db: Db,
  deps: ReviewDeps,
  actor: Actor,
  opts: { month?: string; sheets?: Record<string, number> } = {},
): Promise<ApproveAllResult> {
  const overview = await reviewOverview(db, deps, actor, opts.month ? { month: opts.month } : {});
  const out: ApproveAllResult = { month: overview.month, approved: [], skipped: [] };
  for (const p of overview.pending) {
    if (!p.clean) {
      out.skipped.push({ sheetId: p.sheetId, person: p.person, why: "notClean" });
      continue;
    }
    if (opts.sheets && !(p.sheetId in opts.sheets)) continue;
    const version = opts.sheets ? opts.sheets[p.sheetId] : p.version;
    try {
      out.approved.push(
        await approveSheet(db, deps, actor, {
          sheetId: p.sheetId,
          ...(version !== undefined ? { version } : {}),
        }),
      );
    } catch (e) {
      if (!isDomainError(e)) throw e;
      out.skipped.push({
        sheetId: p.sheetId,
        person: p.person,
        why: e.code === "review.changed" ? "changed" : "decided",
      });
    }
  }
  return out;
}

/**
 * The reviewer's own pending count (App Home): sheets waiting for them or their principals, in months
 * whose results are not published (a published month's sheets can no longer be decided).
 */
export async function pendingReviewCount(db: Db, deps: ReviewDeps, actor: Actor): Promise<number> {
  const reviewers = await actingFor(db, deps, actor);
  const published = await db.monthClose.findMany({ where: { state: "PUBLISHED" }, select: { month: true } });
  return db.sheet.count({
    where: {
      state: "SUBMITTED",
      reviewerId: { in: reviewers },
      personId: { not: actor.personId },
      month: { notIn: published.map((m) => m.month) },
    },
  });
}

/**
 * Audits a review request whose payload did not even parse (a forged or truncated button value), so
 * that every refused attempt is in the trail, then answers nothing: the caller shows "invalid request".
 */
export async function auditMalformedRequest(
  db: Db,
  actor: Actor,
  action: string,
  raw: string,
): Promise<void> {
  await auditMalformed(db, actor, { action, entityType: "Sheet" }, raw);
}

/** Today's month in the zone (re-exported for listeners that need it with the review deps). */
export function thisMonth(deps: ReviewDeps): string {
  return currentMonth(deps.timeZone, deps.clock());
}
