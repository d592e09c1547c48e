/**
 * Builds the scoring module's input for one month from the database (SCHEME.md "Scoring: the formula"),
 * and lists what still blocks closing the month.
 *
 * - People assessed: active persons with role STAFF; category from PersonMonthCategory for the month,
 *   else Person.categoryCode. (Staff without a category, or whose category has no weights in force, cannot
 *   be scored: they are left out and reported as blockers.)
 * - raw: approved lines = ACTIVE entries of the month in sheets APPROVED or LOCKED, aggregated in SQL
 *   (one LineInput per person × item × point version, count = Σ count), so memory stays bounded however
 *   many lines the month has; plus temporary tasks of those sheets (priced: their points; awaiting pricing:
 *   null, which counts 0).
 * - quality: the month's QualityAdjustments not revoked; discretionary: Σ DiscretionaryAwards not revoked.
 * - weights: per category, the CategoryWeight with the latest effectiveMonth ≤ month.
 * - pool per staff: the poolPerStaff setting (points → hundredths).
 * - evidence (SCHEME.md "Evidence"): a line of an item with required documents counts only once every one
 *   of them is attached or ticked (EntryEvidence.itemEvidenceId). Lines imported from the tax system
 *   (source IMPORT) carry their evidence there and count as complete. Lines left out for missing
 *   documents are listed in `evidenceIncomplete` (not a blocker: the chief saw the gaps when approving).
 * Blockers: assessed staff whose sheet is not approved (state, or NONE for no sheet), temporary tasks
 * awaiting pricing, staff not yet quality-reviewed (QualityReview), and the unscorable staff above.
 */
import { type Database, type Db, inOrder, type Tx } from "../db/client.js";
import { SheetState, TempTaskStatus } from "../generated/prisma/enums.js";
import type { CategoryConfig, LineInput, MonthInput, PersonInput, TempTaskInput } from "../scoring/index.js";
import { isMonth } from "../util/time.js";
import { DomainError } from "./errors.js";
import { readSettings } from "./settings.js";

export interface PersonInfo {
  personId: string;
  slackUserId: string;
  name: string;
  nameEn: string | null;
  categoryCode: string | null;
  sectionId: string | null;
  sectionCode: string | null;
  sectionName: string | null;
}

export interface CategoryInfo {
  code: string;
  name: string;
  nameEn: string;
  coefficientGroup: string;
  sortOrder: number;
  /** the weights in force for the month, null when none is */
  weights: {
    effectiveMonth: string;
    qualityWeight: string;
    quantityWeight: string;
    normGroup: string;
  } | null;
}

type Who = Pick<PersonInfo, "personId" | "slackUserId" | "name">;

export interface MonthBlockers {
  /** assessed staff whose sheet is not APPROVED or LOCKED; state NONE when they have no sheet */
  sheetsNotApproved: (Who & { sheetId: string | null; state: SheetState | "NONE" })[];
  unpricedTempTasks: (Who & { tempTaskId: string; workDate: string; minutes: number; description: string })[];
  staffWithoutQualityReview: Who[];
  /** active staff with no work category for the month (left out of the computation) */
  staffWithoutCategory: Who[];
  /** staff whose category has no weights in force for the month (left out of the computation) */
  staffWithoutWeights: (Who & { categoryCode: string })[];
}

export interface EvidenceIncomplete {
  personId: string;
  itemCode: string;
  itemName: string;
  /** lines left out, and the hundredths they would have added */
  lines: number;
  points: bigint;
}

export interface LoadedMonth {
  input: MonthInput;
  blockers: MonthBlockers;
  /** approved lines that do not count yet because required documents are missing */
  evidenceIncomplete: EvidenceIncomplete[];
  /** everyone in `input.people`, by person id */
  people: Map<string, PersonInfo>;
  /** every category, by code */
  categories: Map<string, CategoryInfo>;
}

/** True when nothing blocks closing. */
export function noBlockers(b: MonthBlockers): boolean {
  return Object.values(b).every((list) => list.length === 0);
}

interface LineRow {
  personId: string;
  itemCode: string;
  itemName: string;
  pointsPerUnit: number;
  count: bigint;
  lines: bigint;
  missingLines: bigint;
  missingCount: bigint;
  effectiveMonth: string;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

type StaffRow = PersonInfo;

interface TempRow {
  id: string;
  personId: string;
  status: TempTaskStatus;
  points: number | null;
  workDate: string;
  minutes: number;
  description: string;
  sheetState: SheetState;
}

/**
 * The ref of an aggregated line: item code, the month its point version took effect, and how many sheet
 * lines it sums ("SV001@2000-01×3"). `/kpi why` reads it back with parseLineRef.
 */
export function lineRef(itemCode: string, effectiveMonth: string, lines: number): string {
  return `${itemCode}@${effectiveMonth}×${lines}`;
}

export function parseLineRef(
  ref: string | null,
): { itemCode: string; effectiveMonth: string; lines: number } | null {
  const m = ref ? /^(.+)@(\d{4}-\d{2})×(\d+)$/.exec(ref) : null;
  return m ? { itemCode: m[1]!, effectiveMonth: m[2]!, lines: Number(m[3]) } : null;
}

export async function loadMonthInput(db: Db | Tx | Database, month: string): Promise<LoadedMonth> {
  if (!isMonth(month)) throw new DomainError("month.invalid", { month });
  const p: Db | Tx = "prisma" in db && "sql" in db ? db.prisma : (db as Db | Tx);

  // Every read is by month in SQL (no lists of person ids as parameters): the same few statements for
  // ten people or twenty thousand.
  const [staff, categories, weightRows, settings] = await inOrder([
    p.$queryRaw<StaffRow[]>`
      SELECT p.id AS "personId", p."slackUserId", p.name, p."nameEn", p."sectionId",
             sec.code AS "sectionCode", sec.name AS "sectionName",
             COALESCE(pmc."categoryCode", p."categoryCode") AS "categoryCode"
      FROM "Person" p
      JOIN "RoleAssignment" r ON r."personId" = p.id AND r.role = 'STAFF'
      LEFT JOIN "Section" sec ON sec.id = p."sectionId"
      LEFT JOIN "PersonMonthCategory" pmc ON pmc."personId" = p.id AND pmc.month = ${month}
      WHERE p.active
      ORDER BY p."slackUserId"`,
    p.category.findMany({ orderBy: [{ sortOrder: "asc" }, { code: "asc" }] }),
    p.categoryWeight.findMany({
      where: { effectiveMonth: { lte: month } },
      orderBy: { effectiveMonth: "desc" },
    }),
    readSettings(p),
  ]);

  const catInfo = new Map<string, CategoryInfo>();
  for (const c of categories) {
    const w = weightRows.find((r) => r.categoryCode === c.code);
    catInfo.set(c.code, {
      code: c.code,
      name: c.name,
      nameEn: c.nameEn,
      coefficientGroup: c.coefficientGroup,
      sortOrder: c.sortOrder,
      weights: w
        ? {
            effectiveMonth: w.effectiveMonth,
            qualityWeight: w.qualityWeight.toString(),
            quantityWeight: w.quantityWeight.toString(),
            normGroup: w.normGroup,
          }
        : null,
    });
  }
  const categoryConfigs: CategoryConfig[] = [...catInfo.values()].flatMap((c) =>
    c.weights
      ? [
          {
            code: c.code,
            qualityWeight: c.weights.qualityWeight,
            quantityWeight: c.weights.quantityWeight,
            normGroup: c.weights.normGroup,
          },
        ]
      : [],
  );

  const blockers: MonthBlockers = {
    sheetsNotApproved: [],
    unpricedTempTasks: [],
    staffWithoutQualityReview: [],
    staffWithoutCategory: [],
    staffWithoutWeights: [],
  };
  const people = new Map<string, PersonInfo>();
  for (const s of staff) {
    const who = { personId: s.personId, slackUserId: s.slackUserId, name: s.name };
    if (!s.categoryCode) {
      blockers.staffWithoutCategory.push(who);
      continue;
    }
    if (!catInfo.get(s.categoryCode)?.weights) {
      blockers.staffWithoutWeights.push({ ...who, categoryCode: s.categoryCode });
      continue;
    }
    people.set(s.personId, { ...s });
  }

  const [linesByPerson, items, tempTasks, sheets, adjustments, awards, reviews] = await inOrder([
    // One pass over the month's lines, aggregated per sheet × point version (two keys to hash, no join
    // before the aggregation; the sheet gives the person and its state): the counts, and the part whose
    // required documents are incomplete (SCHEME.md "Evidence"; imported lines carry theirs in the tax
    // system, so only lines logged here of items that require documents are checked).
    // One row per person (the lines as a JSON array): twenty thousand rows to read back, not two hundred
    // thousand.
    p.$queryRaw<{ personId: string; l: [string, string, number, number, number, number, number][] }[]>`
      WITH docs AS (SELECT DISTINCT "itemId" FROM "ItemEvidence")
      SELECT s."personId",
             json_agg(json_build_array(v."itemId", v."effectiveMonth", g."pointsPerUnit", g.count, g.lines,
                                       g."missingLines", g."missingCount")) AS l
      FROM (
        SELECT x."sheetId", x."pointVersionId", x."pointsPerUnit", SUM(x.count)::bigint AS count,
               COUNT(*)::bigint AS lines, COUNT(*) FILTER (WHERE x.incomplete)::bigint AS "missingLines",
               COALESCE(SUM(x.count) FILTER (WHERE x.incomplete), 0)::bigint AS "missingCount"
        FROM (
          SELECT e."sheetId", e."pointVersionId", e."pointsPerUnit", e.count,
                 (e.source <> 'IMPORT' AND e."itemId" IN (SELECT "itemId" FROM docs) AND EXISTS (
                   SELECT 1 FROM "ItemEvidence" ie WHERE ie."itemId" = e."itemId" AND NOT EXISTS (
                     SELECT 1 FROM "EntryEvidence" ev WHERE ev."entryId" = e.id AND ev."itemEvidenceId" = ie.id)))
                   AS incomplete
          FROM "Entry" e
          WHERE e.month = ${month} AND e.status = 'ACTIVE'
        ) x
        GROUP BY 1, 2, 3
      ) g
      JOIN "Sheet" s ON s.id = g."sheetId" AND s.state IN ('APPROVED', 'LOCKED')
      JOIN "ItemPointVersion" v ON v.id = g."pointVersionId"
      GROUP BY s."personId"`,
    p.workItem.findMany({ select: { id: true, code: true, name: true } }),
    p.$queryRaw<TempRow[]>`
      SELECT t.id, t."personId", t.status::text AS status, t.points, t."workDate", t.minutes, t.description,
             s.state::text AS "sheetState"
      FROM "TempTask" t JOIN "Sheet" s ON s.id = t."sheetId"
      WHERE t.month = ${month} AND t.status IN ('PRICED', 'AWAITING_PRICING')
      ORDER BY t."workDate", t."createdAt", t.id`,
    p.$queryRaw<{ id: string; personId: string; state: SheetState }[]>`
      SELECT id, "personId", state::text AS state FROM "Sheet" WHERE month = ${month}`,
    p.$queryRaw<{ id: string; personId: string; value: number; veto: boolean; reason: string }[]>`
      SELECT id, "personId", value, veto, reason FROM "QualityAdjustment"
      WHERE month = ${month} AND "revokedAt" IS NULL
      ORDER BY "createdAt", id`,
    p.$queryRaw<{ personId: string; points: bigint }[]>`
      SELECT "personId", SUM(points)::bigint AS points FROM "DiscretionaryAward"
      WHERE month = ${month} AND "revokedAt" IS NULL
      GROUP BY "personId"`,
    p.$queryRaw<{ personId: string }[]>`SELECT "personId" FROM "QualityReview" WHERE month = ${month}`,
  ]);

  const inputs = new Map<string, PersonInput>();
  for (const info of people.values()) {
    inputs.set(info.personId, {
      personId: info.personId,
      name: info.name,
      categoryCode: info.categoryCode!,
      sectionId: info.sectionId,
      lines: [],
      tempTasks: [],
      quality: [],
      discretionary: 0n,
    });
  }
  const itemOf = new Map(items.map((i) => [i.id, i]));
  const lineRows: LineRow[] = [];
  for (const r of linesByPerson) {
    for (const [itemId, effectiveMonth, pointsPerUnit, count, lines, missingLines, missingCount] of r.l) {
      const item = itemOf.get(itemId)!;
      lineRows.push({
        personId: r.personId,
        itemCode: item.code,
        itemName: item.name,
        pointsPerUnit,
        count: BigInt(count),
        lines: BigInt(lines),
        missingLines: BigInt(missingLines),
        missingCount: BigInt(missingCount),
        effectiveMonth,
      });
    }
  }
  const incomplete = new Map<string, EvidenceIncomplete>();
  // the same order on every run (the inputs hash and the step indexes depend on it)
  lineRows.sort(
    (a, b) =>
      cmp(a.personId, b.personId) ||
      cmp(a.itemCode, b.itemCode) ||
      cmp(a.effectiveMonth, b.effectiveMonth) ||
      a.pointsPerUnit - b.pointsPerUnit,
  );
  for (const r of lineRows) {
    const pi = inputs.get(r.personId);
    if (!pi) continue; // not assessed this month (not staff, inactive)
    const missingLines = Number(r.missingLines);
    if (missingLines > 0) {
      const key = `${r.personId}\u0000${r.itemCode}`;
      const e = incomplete.get(key) ?? {
        personId: r.personId,
        itemCode: r.itemCode,
        itemName: r.itemName,
        lines: 0,
        points: 0n,
      };
      e.lines += missingLines;
      e.points += BigInt(r.missingCount) * BigInt(r.pointsPerUnit);
      incomplete.set(key, e);
    }
    const lines = Number(r.lines) - missingLines;
    if (lines === 0) continue;
    const count = Number(BigInt(r.count) - BigInt(r.missingCount));
    if (!Number.isSafeInteger(count))
      throw new DomainError("month.countTooLarge", { person: r.personId, item: r.itemCode });
    const line: LineInput = {
      points: BigInt(r.pointsPerUnit),
      count,
      itemCode: r.itemCode,
      label: r.itemName,
      ref: lineRef(r.itemCode, r.effectiveMonth, lines),
    };
    pi.lines.push(line);
  }
  const approved = new Set<string>([SheetState.APPROVED, SheetState.LOCKED]);
  for (const t of tempTasks) {
    const who = people.get(t.personId);
    if (!who) continue;
    if (t.status === TempTaskStatus.AWAITING_PRICING) {
      blockers.unpricedTempTasks.push({
        personId: who.personId,
        slackUserId: who.slackUserId,
        name: who.name,
        tempTaskId: t.id,
        workDate: t.workDate,
        minutes: t.minutes,
        description: t.description,
      });
    }
    if (!approved.has(t.sheetState)) continue;
    const tt: TempTaskInput = {
      points: t.status === TempTaskStatus.PRICED && t.points !== null ? BigInt(t.points) : null,
      ref: t.id,
      label: t.description,
    };
    inputs.get(t.personId)!.tempTasks.push(tt);
  }
  for (const q of adjustments) {
    inputs
      .get(q.personId)
      ?.quality.push({ value: BigInt(q.value), veto: q.veto, reason: q.reason, ref: q.id });
  }
  for (const a of awards) {
    const pi = inputs.get(a.personId);
    if (pi) pi.discretionary = BigInt(a.points ?? 0);
  }

  const sheetOf = new Map(sheets.map((s) => [s.personId, s]));
  const reviewed = new Set(reviews.map((r) => r.personId));
  for (const info of people.values()) {
    const who = { personId: info.personId, slackUserId: info.slackUserId, name: info.name };
    const s = sheetOf.get(info.personId);
    if (!s || !approved.has(s.state))
      blockers.sheetsNotApproved.push({ ...who, sheetId: s?.id ?? null, state: s?.state ?? "NONE" });
    if (!reviewed.has(info.personId)) blockers.staffWithoutQualityReview.push(who);
  }

  return {
    input: {
      month,
      categories: categoryConfigs,
      people: [...inputs.values()],
      poolPerStaff: BigInt(Math.round(settings.poolPerStaff * 100)),
    },
    blockers,
    evidenceIncomplete: [...incomplete.values()],
    people,
    categories: catInfo,
  };
}
