/**
 * Builds the scoring module's input for one month from the database (SCHEME.md "Scoring: the formula"),
 * and lists what still blocks closing the month.
 *
 * - People assessed: active persons with role STAFF; category from PersonMonthCategory for the month,
 *   else Person.categoryCode. (Staff without a category, or whose category has no weights in force, cannot
 *   be scored: they are left out and reported as blockers.)
 * - raw: approved lines = ACTIVE entries of the month in sheets APPROVED or LOCKED, aggregated in SQL so
 *   memory stays bounded however many lines the month has, either "itemized" (one LineInput per person ×
 *   item × point version, count = Σ count: the score sheet, price proposals, a preview's `/kpi why`) or
 *   "summed" (one LinesTotal per person: closing, publishing, the pool); plus temporary tasks of those
 *   sheets (priced: their points; awaiting pricing: null, which counts 0).
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
import type { Database, Db, Tx } from "../db/client.js";
import { type PrismaRaw, pgArray, prismaSql, rawSqlOf, type SqlTx } from "../db/raw.js";
import { SheetState, TempTaskStatus } from "../generated/prisma/enums.js";
import type {
  CategoryConfig,
  LineInput,
  LinesTotal,
  MonthInput,
  PersonInput,
  TempTaskInput,
} from "../scoring/index.js";
import { isMonth } from "../util/time.js";
import { DomainError } from "./errors.js";
import { settingsFrom } from "./settings.js";

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

/** Lines left out for missing documents: [point version id, points per unit, lines, Σ count]. */
export type LeftOutLines = [string, number, number, number];

export interface LoadedMonth {
  input: MonthInput;
  blockers: MonthBlockers;
  /** approved lines that do not count yet because required documents are missing */
  evidenceIncomplete: EvidenceIncomplete[];
  /**
   * "summed": per person, the approved lines the evidence rule left out, per point version and points
   * per unit (publishing keeps them, so `/kpi why` shows the lines that counted whatever documents the
   * catalog requires later)
   */
  leftOut: Map<string, LeftOutLines[]>;
  /** everyone in `input.people`, by person id */
  people: Map<string, PersonInfo>;
  /** every category, by code */
  categories: Map<string, CategoryInfo>;
}

/** True when nothing blocks closing. */
export function noBlockers(b: MonthBlockers): boolean {
  return Object.values(b).every((list) => list.length === 0);
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

/** What loadMonthInput reads from: a Prisma client or transaction client, an opened database, or a SqlTx. */
export type MonthInputSource = Db | Tx | Database | SqlTx;

function isSqlTx(db: MonthInputSource): db is SqlTx {
  return "execute" in db && "kind" in db && typeof (db as SqlTx).execute === "function";
}

export interface LoadOptions {
  /**
   * How each person's approved lines are given to the scoring module: "itemized" (default), one line
   * per item × point version (what the score sheet and price proposals need); "summed", one LinesTotal
   * per person, which the database adds up in one parallel aggregate (closing and publishing: the
   * explanation's line detail is read back from the locked sheet by `/kpi why`). Both give the same raw.
   */
  lines?: "itemized" | "summed";
}

/**
 * Reads the month's inputs. On a client opened by openDatabase this runs on its raw driver, in one
 * read transaction of its own; a transaction client (`tx`) reads inside its transaction; a SqlTx (the
 * publishing transaction) on its connection.
 */
export async function loadMonthInput(
  db: MonthInputSource,
  month: string,
  opts: LoadOptions = {},
): Promise<LoadedMonth> {
  if (!isMonth(month)) throw new DomainError("month.invalid", { month });
  const mode = opts.lines ?? "itemized";
  return reading(db, (q) => loadWith(q, month, mode));
}

/** Runs `fn` on the source's SqlTx: see loadMonthInput. */
async function reading<T>(db: MonthInputSource, fn: (q: SqlTx) => Promise<T>): Promise<T> {
  if (isSqlTx(db)) return fn(db);
  const p: Db | Tx = "prisma" in db && "sql" in db ? db.prisma : (db as Db | Tx);
  const raw = rawSqlOf(p);
  if (!raw) return fn(prismaSql(p as unknown as PrismaRaw));
  return raw.transaction(async (tx) => {
    await prepareMonthRead(tx);
    return fn(tx);
  });
}

/**
 * One person's approved lines of the month, itemized in the order loadMonthInput's "itemized" mode gives
 * them, less the lines publishing recorded as left out for missing documents (`leftOut`; the evidence rule
 * is not applied again: the catalog's required documents may have changed since). What `/kpi why` shows
 * under a published "linesTotal" step, read back from the locked sheet. Empty when the person's sheet is
 * not approved or locked, or has no lines.
 */
export async function loadPersonLines(
  db: MonthInputSource,
  month: string,
  personId: string,
  leftOut: readonly LeftOutLines[] = [],
): Promise<LineInput[]> {
  if (!isMonth(month)) throw new DomainError("month.invalid", { month });
  return reading(db, async (q) => {
    const sheets = await q.query<{ id: string }>(
      `SELECT id FROM "Sheet" WHERE "personId" = $1 AND month = $2`,
      [personId, month],
    );
    if (sheets.length === 0) return [];
    const rows = await itemizedLines(q, month, { sheetIds: sheets.map((x) => x.id), evidence: false });
    const versionOf = await pointVersions(q);
    const lines: LineInput[] = [];
    for (const r of rows) {
      for (const t of lineTuples(r, versionOf)) {
        let counted = t.counted;
        let units = t.units;
        for (const [vid, ppu, missingLines, missingCount] of leftOut) {
          if (vid === t.version.id && ppu === t.pointsPerUnit) {
            counted -= missingLines;
            units -= missingCount;
          }
        }
        if (counted > 0)
          lines.push({
            points: BigInt(t.pointsPerUnit),
            count: units,
            itemCode: t.version.code,
            ref: lineRef(t.version.code, t.version.effectiveMonth, counted),
          });
      }
    }
    return lines;
  });
}

interface VersionInfo {
  id: string;
  code: string;
  name: string;
  effectiveMonth: string;
  /** place in line order: item code, then the month it took effect */
  order: number;
}

/** Every point version, by id, with its place in line order. */
async function pointVersions(q: SqlTx): Promise<Map<string, VersionInfo>> {
  const versions = await q.query<{ id: string; code: string; name: string; effectiveMonth: string }>(
    `SELECT v.id, i.code, i.name, v."effectiveMonth" FROM "ItemPointVersion" v JOIN "WorkItem" i ON i.id = v."itemId"`,
  );
  versions.sort((a, b) => cmp(a.code, b.code) || cmp(a.effectiveMonth, b.effectiveMonth));
  return new Map(versions.map((v, order) => [v.id, { ...v, order }]));
}

/**
 * A person's row of itemizedLines, in line order (item code, effective month, points per unit): per
 * point version and points per unit, the lines counted and their Σ count (`units`), and those left out
 * for missing documents.
 */
function lineTuples(
  r: { personId: string; l: string },
  versionOf: Map<string, VersionInfo>,
): {
  version: VersionInfo;
  pointsPerUnit: number;
  counted: number;
  units: number;
  missingLines: number;
  missingCount: number;
}[] {
  const rows = JSON.parse(r.l) as LineTuple[];
  const orderOf = (t: LineTuple) => versionOf.get(t[0])!.order;
  rows.sort((a, b) => orderOf(a) - orderOf(b) || a[1] - b[1]);
  return rows.map((t) => {
    const [vid, pointsPerUnit, count, lines, missingLines, missingCount] = t;
    const version = versionOf.get(vid)!;
    const units = count - missingCount;
    if (!Number.isSafeInteger(count) || !Number.isSafeInteger(units))
      throw new DomainError("month.countTooLarge", { person: r.personId, item: version.code });
    return { version, pointsPerUnit, counted: lines - missingLines, units, missingLines, missingCount };
  });
}

/**
 * Session settings for reading a month (inside a transaction: they end with it). The month's lines are
 * aggregated in one hash or group aggregate: give it room. No JIT: the aggregate is estimated expensive
 * (its evidence check is a subquery per line, though it runs only for lines that need documents), so
 * PostgreSQL would spend more compiling it than running it.
 */
export async function prepareMonthRead(tx: SqlTx): Promise<void> {
  if (tx.kind === "prisma") return;
  await tx.execute("SET LOCAL work_mem = '256MB'");
  await tx.execute("SET LOCAL jit = off");
}

/** A Decimal column read as text ("0.4000") written as Prisma's Decimal writes it ("0.4"). */
function decimalText(v: string): string {
  return v.includes(".") ? v.replace(/0+$/, "").replace(/\.$/, "") : v;
}

/** [point version id, points per unit, Σ count, lines, lines missing documents, their Σ count] */
type LineTuple = [string, number, number, number, number, number];

/**
 * The month's approved lines (of some sheets, or only those missing documents), one row per person, its
 * lines aggregated per point version and points per unit, with the part whose required documents are
 * incomplete (SCHEME.md "Evidence": Entry."docsMissing", kept by the database for every line; an imported
 * line carries its documents in the tax system and never misses any). The lines
 * come as the text of one JSON array of arrays [point version, points per unit, Σ count, lines, lines
 * missing documents, their Σ count] (string_agg of text is several times cheaper for the server than
 * json_agg of json_build_array; the version id goes through to_json, so the text is JSON whatever it
 * holds).
 */
async function itemizedLines(
  q: SqlTx,
  month: string,
  scope: {
    /** only these sheets */
    sheetIds?: readonly string[];
    /** only the lines missing documents */
    missingOnly?: boolean;
    /** false: no evidence check (every line counted) */
    evidence?: boolean;
  } = {},
): Promise<{ personId: string; l: string }[]> {
  const params: unknown[] = [month];
  let where = "";
  if (scope.sheetIds) {
    params.push(pgArray(scope.sheetIds));
    where += ` AND e."sheetId" = ANY($${params.length}::text[])`;
  }
  if (scope.missingOnly) where += ` AND e."docsMissing" > 0`;
  const check = scope.evidence === false ? "false" : `e."docsMissing" > 0`;
  return q.query<{ personId: string; l: string }>(
    `SELECT s."personId", g.l
     FROM (
       SELECT x."sheetId",
              '[' || string_agg(concat('[', to_json(x."pointVersionId"), ',', x."pointsPerUnit", ',', x.count, ',',
                                       x.lines, ',', x."missingLines", ',', x."missingCount", ']'), ',') || ']' AS l
       FROM (
         SELECT e."sheetId", e."pointVersionId", e."pointsPerUnit", SUM(e.count) AS count, COUNT(*) AS lines,
                COUNT(*) FILTER (WHERE e.incomplete) AS "missingLines",
                COALESCE(SUM(e.count) FILTER (WHERE e.incomplete), 0) AS "missingCount"
         FROM (
           SELECT e."sheetId", e."pointVersionId", e."pointsPerUnit", e.count, ${check} AS incomplete
           FROM "Entry" e
           WHERE e.month = $1 AND e.status = 'ACTIVE'${where}
         ) e
         GROUP BY 1, 2, 3
       ) x
       GROUP BY 1
     ) g
     JOIN "Sheet" s ON s.id = g."sheetId" AND s.state IN ('APPROVED', 'LOCKED')`,
    params,
  );
}

/**
 * Every sheet of the month with its state and, for an approved (or locked) sheet, its lines summed:
 * Σ count × points, and how many lines miss documents (`itemizedLines` reads those). No subquery per line,
 * so PostgreSQL runs the aggregate in parallel like a bare GROUP BY. A sheet with no lines, or not
 * approved, has null sums. The number of lines and Σ count are not summed: the computation does not use
 * them, and `/kpi why` counts the lines it reads back (two more aggregates over every line cost the
 * statement about a tenth).
 */
async function summedSheets(
  q: SqlTx,
  month: string,
): Promise<
  {
    id: string;
    personId: string;
    state: SheetState;
    points: string | null;
    checks: number | null;
  }[]
> {
  return q.query(
    `SELECT s.id, s."personId", s.state::text AS state, x.points::text AS points, x.checks::int AS checks
     FROM "Sheet" s
     LEFT JOIN (
       SELECT e."sheetId", SUM(e.count::bigint * e."pointsPerUnit") AS points,
              COUNT(*) FILTER (WHERE e."docsMissing" > 0) AS checks
       FROM "Entry" e
       WHERE e.month = $1 AND e.status = 'ACTIVE'
       GROUP BY 1
     ) x ON x."sheetId" = s.id AND s.state IN ('APPROVED', 'LOCKED')
     WHERE s.month = $1`,
    [month],
  );
}

/** Up to this many sheets with lines missing documents are read by sheet (an index); more, by month (a scan). */
const MISSING_BY_SHEET = 500;

/** The summed lines of someone with none (shared: a total is replaced, never changed in place). */
const NO_LINES: Readonly<LinesTotal> = Object.freeze({ points: 0n });

async function loadWith(q: SqlTx, month: string, mode: "itemized" | "summed"): Promise<LoadedMonth> {
  // Every read is by month in SQL (no lists of person ids as parameters): the same few statements for
  // ten people or twenty thousand. Result columns are text, int4, boolean or json (see SqlTx).
  const staff = await q.query<StaffRow>(
    `SELECT p.id AS "personId", p."slackUserId", p.name, p."nameEn", p."sectionId",
            sec.code AS "sectionCode", sec.name AS "sectionName",
            COALESCE(pmc."categoryCode", p."categoryCode") AS "categoryCode"
     FROM "Person" p
     JOIN "RoleAssignment" r ON r."personId" = p.id AND r.role = 'STAFF'
     LEFT JOIN "Section" sec ON sec.id = p."sectionId"
     LEFT JOIN "PersonMonthCategory" pmc ON pmc."personId" = p.id AND pmc.month = $1
     WHERE p.active
     ORDER BY p."slackUserId"`,
    [month],
  );
  const categories = await q.query<Omit<CategoryInfo, "weights">>(
    `SELECT code, name, "nameEn", "coefficientGroup", "sortOrder" FROM "Category" ORDER BY "sortOrder", code`,
  );
  const weightRows = await q.query<{
    categoryCode: string;
    effectiveMonth: string;
    qualityWeight: string;
    quantityWeight: string;
    normGroup: string;
  }>(
    `SELECT DISTINCT ON ("categoryCode") "categoryCode", "effectiveMonth", "qualityWeight"::text AS "qualityWeight",
            "quantityWeight"::text AS "quantityWeight", "normGroup"
     FROM "CategoryWeight" WHERE "effectiveMonth" <= $1
     ORDER BY "categoryCode", "effectiveMonth" DESC`,
    [month],
  );
  const settings = settingsFrom(
    await q.query<{ key: string; value: unknown }>(`SELECT key, value FROM "Setting"`),
  );

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
            qualityWeight: decimalText(w.qualityWeight),
            quantityWeight: decimalText(w.quantityWeight),
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
  // a blocker's person, made only for those blocked
  const whoOf = (p: PersonInfo) => ({ personId: p.personId, slackUserId: p.slackUserId, name: p.name });
  for (const s of staff) {
    if (!s.categoryCode) {
      blockers.staffWithoutCategory.push(whoOf(s));
      continue;
    }
    if (!catInfo.get(s.categoryCode)?.weights) {
      blockers.staffWithoutWeights.push({ ...whoOf(s), categoryCode: s.categoryCode });
      continue;
    }
    people.set(s.personId, s);
  }

  // The month's lines. Itemized: aggregated per sheet × point version, with the evidence rule, in one
  // pass. Summed: one total per sheet over every line, then, when some sheets have lines missing
  // documents, those lines alone per point version: they are taken off the total.
  let linesByPerson: { personId: string; l: string }[];
  let sheets: { id: string; personId: string; state: SheetState }[];
  let totals: Awaited<ReturnType<typeof summedSheets>> = [];
  if (mode === "summed") {
    // the month's sheets come with their sums (one statement, not a second read of them)
    totals = await summedSheets(q, month);
    sheets = totals;
    const missing = totals.filter((t) => t.checks !== null && t.checks > 0).map((t) => t.id);
    linesByPerson =
      missing.length === 0
        ? []
        : await itemizedLines(q, month, {
            missingOnly: true,
            ...(missing.length <= MISSING_BY_SHEET ? { sheetIds: missing } : {}),
          });
  } else {
    linesByPerson = await itemizedLines(q, month);
    sheets = await q.query<{ id: string; personId: string; state: SheetState }>(
      `SELECT id, "personId", state::text AS state FROM "Sheet" WHERE month = $1`,
      [month],
    );
  }
  // after the lines: every point version they name exists by then (a version in use is never deleted);
  // only needed when there are lines to itemize
  const versionOf = linesByPerson.length ? await pointVersions(q) : new Map<string, VersionInfo>();
  const tempTasks = await q.query<TempRow>(
    `SELECT t.id, t."personId", t.status::text AS status, t.points, t."workDate", t.minutes, t.description,
            s.state::text AS "sheetState"
     FROM "TempTask" t JOIN "Sheet" s ON s.id = t."sheetId"
     WHERE t.month = $1 AND t.status IN ('PRICED', 'AWAITING_PRICING')
     ORDER BY t."workDate", t."createdAt", t.id`,
    [month],
  );
  const adjustments = await q.query<{
    id: string;
    personId: string;
    value: number;
    veto: boolean;
    reason: string;
  }>(
    `SELECT id, "personId", value, veto, reason FROM "QualityAdjustment"
     WHERE month = $1 AND "revokedAt" IS NULL
     ORDER BY "createdAt", id`,
    [month],
  );
  const awards = await q.query<{ personId: string; points: string }>(
    `SELECT "personId", SUM(points)::text AS points FROM "DiscretionaryAward"
     WHERE month = $1 AND "revokedAt" IS NULL
     GROUP BY "personId"`,
    [month],
  );
  const reviews = await q.query<{ personId: string }>(
    `SELECT "personId" FROM "QualityReview" WHERE month = $1`,
    [month],
  );

  const inputs = new Map<string, PersonInput>();
  for (const info of people.values()) {
    const pi: PersonInput = {
      personId: info.personId,
      name: info.name,
      categoryCode: info.categoryCode!,
      sectionId: info.sectionId,
      lines: [],
      tempTasks: [],
      quality: [],
      discretionary: 0n,
    };
    if (mode === "summed") pi.linesTotal = NO_LINES;
    inputs.set(info.personId, pi);
  }
  // bigints repeated on many lines are shared, not allocated per line
  const bigints = new Map<number, bigint>();
  const bigOf = (n: number) => {
    let b = bigints.get(n);
    if (b === undefined) {
      b = BigInt(n);
      bigints.set(n, b);
    }
    return b;
  };
  const incomplete = new Map<string, EvidenceIncomplete>();
  const leftOut = new Map<string, LeftOutLines[]>();
  // the same order on every run (the inputs hash, the step indexes and the list of incomplete lines
  // depend on it): people by id, each one's lines by item code, effective month, points per unit
  linesByPerson.sort((a, b) => cmp(a.personId, b.personId));
  for (const r of linesByPerson) {
    const pi = inputs.get(r.personId);
    if (!pi) continue; // not assessed this month (not staff, inactive)
    for (const t of lineTuples(r, versionOf)) {
      const v = t.version;
      if (t.missingLines > 0) {
        const key = `${r.personId}\u0000${v.code}`;
        const e = incomplete.get(key) ?? {
          personId: r.personId,
          itemCode: v.code,
          itemName: v.name,
          lines: 0,
          points: 0n,
        };
        e.lines += t.missingLines;
        e.points += BigInt(t.missingCount) * BigInt(t.pointsPerUnit);
        incomplete.set(key, e);
      }
      if (mode === "summed") {
        // only the lines needing the check were read: keep what it left out
        if (t.missingLines > 0) {
          const list = leftOut.get(r.personId) ?? [];
          list.push([v.id, t.pointsPerUnit, t.missingLines, t.missingCount]);
          leftOut.set(r.personId, list);
        }
        continue;
      }
      if (t.counted === 0) continue;
      // No label: a line names its item by code (codes never change), and whoever shows it takes the
      // item's name from the catalog in the reader's language (`/kpi why`, the score sheet). Carrying the
      // Chinese name into every one of the month's explanation steps made them a tenth larger and their
      // encoding half again slower (non-ASCII text) for a value nobody reads.
      const line: LineInput = {
        points: bigOf(t.pointsPerUnit),
        count: t.units,
        itemCode: v.code,
        ref: lineRef(v.code, v.effectiveMonth, t.counted),
      };
      pi.lines.push(line);
    }
  }
  // summed: each sheet's total as the database added it up, less the lines left out for documents
  for (const t of totals) {
    if (t.points === null) continue; // no lines, or not approved
    const pi = inputs.get(t.personId);
    if (!pi?.linesTotal) continue;
    let points = BigInt(t.points);
    const left = leftOut.get(t.personId);
    if (left) for (const [, ppu, , missingCount] of left) points -= BigInt(missingCount) * BigInt(ppu);
    pi.linesTotal = { points };
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
    if (pi) pi.discretionary = BigInt(a.points ?? "0");
  }

  const sheetOf = new Map(sheets.map((s) => [s.personId, s]));
  const reviewed = new Set(reviews.map((r) => r.personId));
  for (const info of people.values()) {
    const s = sheetOf.get(info.personId);
    if (!s || !approved.has(s.state))
      blockers.sheetsNotApproved.push({ ...whoOf(info), sheetId: s?.id ?? null, state: s?.state ?? "NONE" });
    if (!reviewed.has(info.personId)) blockers.staffWithoutQualityReview.push(whoOf(info));
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
    leftOut,
    people,
    categories: catInfo,
  };
}
