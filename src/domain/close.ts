/**
 * Closing a month (SCHEME.md "The monthly cycle" step 4, "Scoring: the formula"): the assessment group
 * previews the month computed by the scoring module, then publishes it in a separate, confirmed step.
 *
 * - previewClose: what blocks closing (sheets not approved, temporary tasks unpriced, staff without
 *   quality scoring, staff who cannot be scored), the table by category and overall with every component,
 *   ranks and ties, and the change from the last published month. Persists nothing but the fact that a
 *   preview was shown (MonthClose.previewedAt/By). Returns the hash of the inputs it was computed from.
 * - publishMonth: ONE transaction that takes the month's MonthClose row FOR UPDATE (so two publishers
 *   queue), re-reads the inputs, refuses when they differ from the previewed hash, refuses blockers unless
 *   a reason names them as exceptions (each blocker is recorded by name in MonthClose.exceptions), computes
 *   with computeMonth while the server locks the approved sheets (APPROVED → LOCKED, recorded once for the
 *   month: the audit row and MonthClose.publishedAt/By), writes every MonthResult (the numbers, and what
 *   its explanation is built again from) and marks the month PUBLISHED, with an audit row. It runs on the
 *   database driver itself (src/db/raw.ts), not through Prisma. A failure anywhere rolls everything back;
 *   publishing a published month changes nothing and answers alreadyPublished.
 * - monthTable / publishedTable: the rows the preview, the announcement and the exports show.
 * The CLI (`close <month>`) and Slack (`/kpi close`) call the same functions; the announcement is the
 * Slack layer's (src/slack/announce.ts).
 *
 * DomainError codes: auth.forbidden, month.invalid, close.changed { month }, close.blocked { month, count },
 * close.reasonTooLong { max }, close.poolOverspent { month, spent, size }.
 */
import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Db, Tx } from "../db/client.js";
import { copyText, rawSqlOf, type SqlTx } from "../db/raw.js";
import { Role } from "../generated/prisma/enums.js";
import {
  compareStrings,
  computeMonth,
  formatHundredths,
  type MonthResult,
  type PersonResult,
  PoolOverspentError,
  type Rational,
} from "../scoring/index.js";
import { type Clock, isMonth } from "../util/time.js";
import { audit, auditSql, toJson } from "./audit.js";
import { DomainError } from "./errors.js";
import { type LoadedMonth, loadMonthInput, type MonthBlockers, prepareMonthRead } from "./month-input.js";
import { type Actor, requireRole } from "./people.js";
import { encodeExplanation } from "./steps-codec.js";

/** Who closes: a person of the assessment group, or the admin CLI. */
export type Closer = Actor | "cli";

export interface CloseDeps {
  clock: Clock;
  /**
   * Test hooks inside the publishing transaction: "computed" after the computation, "results" after the
   * results are written (the sheets are locked by then; the month is not yet marked published). A throw
   * there aborts the whole transaction.
   */
  failpoint?: (stage: "computed" | "results") => void | Promise<void>;
  /**
   * called as the publishing transaction passes each stage (benchmarks print the breakdown), with
   * timings inside some stages (see PublishTrace)
   */
  trace?: (stage: PublishStage, detail?: PublishTrace) => void;
}

export type PublishStage = "claimed" | "loaded" | "computed" | "locked" | "results" | "published";

export interface PublishTrace {
  /**
   * "loaded": the time in the statements that read the month (the rest of the stage is JavaScript);
   * "locked": how long the server took to lock the sheets (it runs while the month is computed)
   */
  serverMs?: number;
  /** "results": the part of the stage spent encoding the rows (the server writes one chunk meanwhile) */
  encodeMs?: number;
  /** "locked": sheets locked; "results": rows written */
  rows?: number;
}

export const EXCEPTION_REASON_MAX = 500;

export type BlockerKind =
  | "sheetNotApproved"
  | "unpricedTempTask"
  | "noQualityReview"
  | "noCategory"
  | "noWeights";

/** One blocker, named: the person and what is missing. Closing anyway records these as exceptions. */
export interface NamedBlocker {
  kind: BlockerKind;
  personId: string;
  slackUserId: string;
  name: string;
  /** sheet state (NONE: no sheet), temporary task "date · minutes · description", or category code */
  detail: string;
}

export interface MonthExceptions {
  reason: string;
  by: string;
  at: string;
  items: NamedBlocker[];
}

/**
 * What MonthClose.exceptions holds once published: the pool size the month was computed with, and the
 * exceptions (blockers closed anyway, each named) when there were any.
 */
export interface CloseRecord {
  poolSize: string;
  exceptions: MonthExceptions | null;
  /**
   * The month's normalisation groups as the results' explanations name them (`/kpi why` gives them to
   * explainPerson); bigints as decimal strings. Absent for months published before.
   */
  groups?: { normGroup: string; categories: string[]; members: number; max: string; maxHolders: string[] }[];
}

/** The month's groups for CloseRecord (bigints as decimal strings). */
export function groupsOf(result: MonthResult): NonNullable<CloseRecord["groups"]> {
  return result.groups.map((g) => ({ ...g, max: g.max.toString() }));
}

export function namedBlockers(b: MonthBlockers): NamedBlocker[] {
  const out: NamedBlocker[] = [];
  const who = (w: { personId: string; slackUserId: string; name: string }) => ({
    personId: w.personId,
    slackUserId: w.slackUserId,
    name: w.name,
  });
  for (const s of b.sheetsNotApproved) out.push({ kind: "sheetNotApproved", ...who(s), detail: s.state });
  for (const t of b.unpricedTempTasks)
    out.push({
      kind: "unpricedTempTask",
      ...who(t),
      detail: `${t.workDate} · ${t.minutes} min · ${t.description}`,
    });
  for (const s of b.staffWithoutQualityReview) out.push({ kind: "noQualityReview", ...who(s), detail: "" });
  for (const s of b.staffWithoutCategory) out.push({ kind: "noCategory", ...who(s), detail: "" });
  for (const s of b.staffWithoutWeights) out.push({ kind: "noWeights", ...who(s), detail: s.categoryCode });
  return out;
}

// ───────────────────────────── the table every view shows ─────────────────────────────

export interface ResultLine {
  personId: string;
  slackUserId: string;
  name: string;
  nameEn: string | null;
  categoryCode: string;
  sectionId: string | null;
  sectionCode: string | null;
  /** 2-decimal display strings; only `final` is a rounded result */
  raw: string;
  groupMax: string;
  quantity: string;
  quality: string;
  vetoed: boolean;
  qualityWeight: string;
  quantityWeight: string;
  qualityWeighted: string;
  quantityWeighted: string;
  discretionary: string;
  final: string;
  /** hundredths */
  finalRounded: bigint;
  rankOverall: number;
  rankCategory: number;
  rankSection: number | null;
  /** another person shares the rank */
  tiedOverall: boolean;
  tiedCategory: boolean;
  /** the last published month's result of the person, and the change */
  previous: { month: string; final: string; rankOverall: number; delta: string } | null;
}

export interface CategoryLine {
  code: string;
  name: string;
  nameEn: string;
  qualityWeight: string;
  quantityWeight: string;
  normGroup: string;
  groupMax: string;
  staff: number;
}

export interface MonthTable {
  month: string;
  /** sorted by overall rank, then name */
  rows: ResultLine[];
  /** categories with at least one person, in catalog order */
  categories: CategoryLine[];
  pool: { size: string; spent: string; left: string };
  totals: { staff: number; raw: string; spread: string; average: string; top: string; bottom: string };
  /** the month compared against (the latest published month before this one), null when none */
  previousMonth: string | null;
}

/** "1.5" from a weight string as stored (Decimal "0.4000" → "0.4"). */
function trimWeight(w: string): string {
  return w.includes(".") ? w.replace(/0+$/, "").replace(/\.$/, "") : w;
}

/** A rational as a decimal string with 6 places, half up (for Decimal(14,6) columns). */
export function rationalTo6(r: Rational): string {
  const neg = r.num < 0n;
  const n = neg ? -r.num : r.num;
  const q = (n * 2_000_000n + r.den) / (2n * r.den);
  const s = `${q / 1_000_000n}.${(q % 1_000_000n).toString().padStart(6, "0")}`;
  return neg && q !== 0n ? `-${s}` : s;
}

function signedDelta(h: bigint): string {
  return h > 0n ? `+${formatHundredths(h)}` : formatHundredths(h);
}

function markTies(rows: ResultLine[]): void {
  const overall = new Map<number, number>();
  const cat = new Map<string, number>();
  for (const r of rows) {
    overall.set(r.rankOverall, (overall.get(r.rankOverall) ?? 0) + 1);
    const k = `${r.categoryCode}\u0000${r.rankCategory}`;
    cat.set(k, (cat.get(k) ?? 0) + 1);
  }
  for (const r of rows) {
    r.tiedOverall = (overall.get(r.rankOverall) ?? 0) > 1;
    r.tiedCategory = (cat.get(`${r.categoryCode}\u0000${r.rankCategory}`) ?? 0) > 1;
  }
}

function totalsOf(rows: ResultLine[], rawTotal: bigint): MonthTable["totals"] {
  const finals = rows.map((r) => r.finalRounded);
  let top = finals[0] ?? 0n;
  let bottom = top;
  for (const f of finals) {
    if (f > top) top = f;
    if (f < bottom) bottom = f;
  }
  const sum = finals.reduce((a, b) => a + b, 0n);
  const n = BigInt(rows.length);
  const average = n === 0n ? 0n : (sum * 2n + n) / (2n * n);
  return {
    staff: rows.length,
    raw: formatHundredths(rawTotal),
    spread: formatHundredths(top - bottom),
    average: formatHundredths(average),
    top: formatHundredths(top),
    bottom: formatHundredths(bottom),
  };
}

/** The latest published month before `month` and its finals, for "change from last month". */
async function previousResults(
  db: Db | Tx,
  month: string,
): Promise<{ month: string; byPerson: Map<string, { final: bigint; rankOverall: number }> } | null> {
  const prev = await db.monthClose.findFirst({
    where: { state: "PUBLISHED", month: { lt: month } },
    orderBy: { month: "desc" },
    select: { month: true },
  });
  if (!prev) return null;
  const rows = await db.monthResult.findMany({
    where: { month: prev.month },
    select: { personId: true, final: true, rankOverall: true },
  });
  return { month: prev.month, byPerson: new Map(rows.map((r) => [r.personId, r])) };
}

function withPrevious(
  line: Omit<ResultLine, "previous" | "tiedOverall" | "tiedCategory">,
  prev: Awaited<ReturnType<typeof previousResults>>,
): ResultLine {
  const p = prev?.byPerson.get(line.personId);
  return {
    ...line,
    tiedOverall: false,
    tiedCategory: false,
    previous:
      p && prev
        ? {
            month: prev.month,
            final: formatHundredths(p.final),
            rankOverall: p.rankOverall,
            delta: signedDelta(line.finalRounded - p.final),
          }
        : null,
  };
}

function categoryLines(
  loadedCats: LoadedMonth["categories"],
  rows: ResultLine[],
  groupMax: Map<string, bigint>,
): CategoryLine[] {
  const count = new Map<string, number>();
  for (const r of rows) count.set(r.categoryCode, (count.get(r.categoryCode) ?? 0) + 1);
  return [...loadedCats.values()]
    .filter((c) => count.has(c.code))
    .sort((a, b) => a.sortOrder - b.sortOrder || (a.code < b.code ? -1 : 1))
    .map((c) => ({
      code: c.code,
      name: c.name,
      nameEn: c.nameEn,
      qualityWeight: trimWeight(c.weights?.qualityWeight ?? "0"),
      quantityWeight: trimWeight(c.weights?.quantityWeight ?? "0"),
      normGroup: c.weights?.normGroup ?? c.code,
      groupMax: formatHundredths(groupMax.get(c.code) ?? 0n),
      staff: count.get(c.code) ?? 0,
    }));
}

/** The table of a computed month (preview, and the publish transaction's own result). */
export async function monthTable(db: Db | Tx, loaded: LoadedMonth, result: MonthResult): Promise<MonthTable> {
  const prev = await previousResults(db, result.month);
  const rows = result.people.map((p) => {
    const info = loaded.people.get(p.personId)!;
    return withPrevious(
      {
        personId: p.personId,
        slackUserId: info.slackUserId,
        name: info.name,
        nameEn: info.nameEn,
        categoryCode: p.categoryCode,
        sectionId: p.sectionId,
        sectionCode: info.sectionCode,
        raw: p.display.raw,
        groupMax: formatHundredths(p.groupMax),
        quantity: p.display.quantity,
        quality: p.display.quality,
        vetoed: p.vetoed,
        qualityWeight: trimWeight(p.qualityWeight),
        quantityWeight: trimWeight(p.quantityWeight),
        qualityWeighted: p.qualityWeighted.toFixed2(),
        quantityWeighted: p.quantityWeighted.toFixed2(),
        discretionary: p.display.discretionary,
        final: p.display.final,
        finalRounded: p.finalRounded,
        rankOverall: p.rankOverall,
        rankCategory: p.rankCategory,
        rankSection: p.rankSection,
      },
      prev,
    );
  });
  markTies(rows);
  const maxByCat = new Map(result.people.map((p) => [p.categoryCode, p.groupMax]));
  return {
    month: result.month,
    rows,
    categories: categoryLines(loaded.categories, rows, maxByCat),
    pool: {
      size: formatHundredths(result.pool.size),
      spent: formatHundredths(result.pool.spent),
      left: formatHundredths(result.pool.left),
    },
    totals: totalsOf(rows, result.totals.raw),
    previousMonth: prev?.month ?? null,
  };
}

const fixed2 = (d: { toFixed(n: number): string }) => {
  // Decimal(14,6) → 2 decimals half up (Prisma's Decimal rounds half up with toFixed)
  return d.toFixed(2);
};

/** The table of a month from its persisted results (what was published). Null when none are saved. */
export async function publishedTable(db: Db | Tx, month: string): Promise<MonthTable | null> {
  if (!isMonth(month)) throw new DomainError("month.invalid", { month });
  const saved = await db.monthResult.findMany({
    where: { month },
    orderBy: [{ rankOverall: "asc" }, { personId: "asc" }],
  });
  const close = await db.monthClose.findUnique({ where: { month } });
  if (saved.length === 0) return null;
  const [people, sections, categories] = [
    await db.person.findMany({ where: { id: { in: saved.map((r) => r.personId) } } }),
    await db.section.findMany(),
    await db.category.findMany(),
  ];
  const personOf = new Map(people.map((p) => [p.id, p]));
  const sectionOf = new Map(sections.map((s) => [s.id, s]));
  const prev = await previousResults(db, month);
  const rows = saved.map((r) => {
    const p = personOf.get(r.personId);
    return withPrevious(
      {
        personId: r.personId,
        slackUserId: p?.slackUserId ?? r.personId,
        name: p?.name ?? r.personId,
        nameEn: p?.nameEn ?? null,
        categoryCode: r.categoryCode,
        sectionId: r.sectionId,
        sectionCode: r.sectionId ? (sectionOf.get(r.sectionId)?.code ?? null) : null,
        raw: formatHundredths(r.raw),
        groupMax: formatHundredths(r.groupMax),
        quantity: fixed2(r.quantity),
        quality: fixed2(r.quality),
        vetoed: r.vetoed,
        qualityWeight: trimWeight(r.qualityWeight.toString()),
        quantityWeight: trimWeight(r.quantityWeight.toString()),
        qualityWeighted: fixed2(r.qualityWeighted),
        quantityWeighted: fixed2(r.quantityWeighted),
        discretionary: formatHundredths(r.discretionary),
        final: formatHundredths(r.final),
        finalRounded: r.final,
        rankOverall: r.rankOverall,
        rankCategory: r.rankCategory,
        rankSection: r.rankSection,
      },
      prev,
    );
  });
  rows.sort(
    (a, b) =>
      a.rankOverall - b.rankOverall ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
      (a.personId < b.personId ? -1 : 1),
  );
  markTies(rows);
  const catInfo = new Map(
    categories.map((c) => {
      const any = saved.find((r) => r.categoryCode === c.code);
      return [
        c.code,
        {
          code: c.code,
          name: c.name,
          nameEn: c.nameEn,
          coefficientGroup: c.coefficientGroup,
          sortOrder: c.sortOrder,
          weights: any
            ? {
                effectiveMonth: month,
                qualityWeight: any.qualityWeight.toString(),
                quantityWeight: any.quantityWeight.toString(),
                normGroup: any.normGroup,
              }
            : null,
        },
      ];
    }),
  );
  const maxByCat = new Map(saved.map((r) => [r.categoryCode, r.groupMax]));
  const spent = saved.reduce((a, r) => a + r.discretionary, 0n);
  const poolSize = (close?.exceptions as CloseRecord | null)?.poolSize;
  const size = poolSize ? BigInt(poolSize) : null;
  return {
    month,
    rows,
    categories: categoryLines(catInfo, rows, maxByCat),
    pool: {
      size: size === null ? "-" : formatHundredths(size),
      spent: formatHundredths(spent),
      left: size === null ? "-" : formatHundredths(size - spent),
    },
    totals: totalsOf(
      rows,
      saved.reduce((a, r) => a + r.raw, 0n),
    ),
    previousMonth: prev?.month ?? null,
  };
}

// ───────────────────────────── preview ─────────────────────────────

export interface ClosePreview {
  month: string;
  state: "OPEN" | "PUBLISHED";
  /** sha-256 of the inputs: publishing with it publishes exactly what was previewed */
  inputsHash: string;
  blockers: NamedBlocker[];
  /** approved lines left out for missing documents (not a blocker) */
  evidenceIncomplete: { name: string; itemCode: string; lines: number; points: string }[];
  table: MonthTable;
  /** set when the month is already published */
  published: { at: Date; by: string | null; announced: boolean } | null;
  /** the pool is overspent: publishing is refused until the awards are corrected */
  poolOverspent: { spent: string; size: string } | null;
}

/**
 * sha-256 (first 32 hex digits) of everything the computation and the blockers are made of: the month,
 * the categories' weights, the pool per staff, then each person in input order as one JSON array line
 * (bigints as decimal strings), then the blockers. Hashed person by person: no single document of the
 * whole month is built.
 */
export function inputsHashOf(loaded: LoadedMonth): string {
  const { input } = loaded;
  const h = createHash("sha256");
  const str = (v: bigint | null | undefined) => (v === null || v === undefined ? null : v.toString());
  h.update(JSON.stringify([input.month, input.categories, str(input.poolPerStaff)]));
  // the people's lines are handed to the hash a few hundred at a time (one native call each, not one per person)
  let chunk = "";
  input.people.forEach((p, i) => {
    const lines: unknown[] = [];
    for (const l of p.lines) lines.push(str(l.points), l.count, l.itemCode, l.label, l.ref);
    chunk += `\n${JSON.stringify([
      p.personId,
      p.name,
      p.categoryCode,
      p.sectionId,
      str(p.discretionary),
      lines,
      p.linesTotal
        ? [str(p.linesTotal.points), p.linesTotal.lines ?? null, p.linesTotal.units ?? null]
        : null,
      p.tempTasks.map((t) => [str(t.points), t.ref, t.label]),
      p.quality.map((q) => [str(q.value), q.veto, q.reason, q.ref]),
    ])}`;
    if (i % 512 === 511) {
      h.update(chunk);
      chunk = "";
    }
  });
  h.update(chunk);
  h.update(`\n${JSON.stringify(loaded.blockers)}`);
  return h.digest("hex").slice(0, 32);
}

function requireCloser(closer: Closer): void {
  if (closer !== "cli") requireRole(closer, Role.ASSESSMENT_GROUP);
}

const actorName = (closer: Closer) => (closer === "cli" ? "cli" : closer.slackUserId);
const actorId = (closer: Closer) => (closer === "cli" ? "cli" : closer.personId);

async function refusing<T>(db: Db, closer: Closer, action: string, month: string, fn: () => Promise<T>) {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof DomainError) {
      await audit(db, {
        actor: actorName(closer),
        action,
        entityType: "MonthClose",
        entityId: month,
        outcome: "REFUSED",
        reason: e.code,
        after: e.params,
      }).catch(() => {});
    }
    throw e;
  }
}

/** Computes the month and lists its blockers; records that the group previewed it. Group or CLI only. */
export async function previewClose(
  db: Db,
  deps: CloseDeps,
  closer: Closer,
  month: string,
): Promise<ClosePreview> {
  return refusing(db, closer, "month.preview", month, async () => {
    requireCloser(closer);
    if (!isMonth(month)) throw new DomainError("month.invalid", { month });
    const close = await db.monthClose.findUnique({ where: { month } });
    const loaded = await loadMonthInput(db, month, { lines: "summed" });
    const inputsHash = inputsHashOf(loaded);
    let result: MonthResult;
    let poolOverspent: ClosePreview["poolOverspent"] = null;
    try {
      result = computeMonth(loaded.input, { explain: false });
    } catch (e) {
      if (!(e instanceof PoolOverspentError)) throw e;
      poolOverspent = { spent: formatHundredths(e.spent), size: formatHundredths(e.size) };
      // show the table anyway, without the awards, so the group sees what else is right
      result = computeMonth(
        { ...loaded.input, people: loaded.input.people.map((p) => ({ ...p, discretionary: 0n })) },
        { explain: false },
      );
    }
    const published = close?.state === "PUBLISHED";
    const table = published
      ? ((await publishedTable(db, month)) ?? (await monthTable(db, loaded, result)))
      : await monthTable(db, loaded, result);
    if (!published) {
      const now = deps.clock();
      await db.monthClose.upsert({
        where: { month },
        create: { month, previewedAt: now, previewedById: actorId(closer) },
        update: { previewedAt: now, previewedById: actorId(closer) },
      });
      await audit(db, {
        actor: actorName(closer),
        action: "month.preview",
        entityType: "MonthClose",
        entityId: month,
        after: { inputsHash, staff: result.people.length, blockers: namedBlockers(loaded.blockers).length },
      });
    }
    return {
      month,
      state: published ? "PUBLISHED" : "OPEN",
      inputsHash,
      blockers: namedBlockers(loaded.blockers),
      evidenceIncomplete: loaded.evidenceIncomplete.map((e) => ({
        name: loaded.people.get(e.personId)?.name ?? e.personId,
        itemCode: e.itemCode,
        lines: e.lines,
        points: formatHundredths(e.points),
      })),
      table,
      published:
        published && close?.publishedAt
          ? {
              at: close.publishedAt,
              by: close.publishedById,
              announced: !!close.announceTs && close.announceTs !== CLAIMED,
            }
          : null,
      poolOverspent,
    };
  });
}

// ───────────────────────────── publish ─────────────────────────────

export interface PublishOptions {
  /** the hash shown with the preview; publishing refuses when the inputs changed since */
  expectedHash?: string;
  /** closing with blockers needs a reason; the blockers are recorded by name as exceptions */
  exceptionReason?: string;
}

export interface PublishOutcome {
  month: string;
  alreadyPublished: boolean;
  staff: number;
  lockedSheets: number;
  exceptions: MonthExceptions | null;
}

/** MonthResult's columns, in the order publishing writes them. */
const RESULT_COLUMNS = [
  "month",
  "personId",
  "categoryCode",
  "sectionId",
  "normGroup",
  "raw",
  "groupMax",
  "quantity",
  "quality",
  "vetoed",
  "qualityWeight",
  "quantityWeight",
  "qualityWeighted",
  "quantityWeighted",
  "discretionary",
  "final",
  "rankOverall",
  "rankCategory",
  "rankSection",
  "steps",
] as const;

/**
 * A person's MonthResult row as a line of COPY's text format (without its newline), the columns in
 * RESULT_COLUMNS' order; `steps` is the person's stored explanation (`encodeExplanation`). Only the
 * values that are text can hold a character COPY escapes: the numbers and the month go as they are.
 * (Joined from an array: a template literal of twenty parts cost twice as much, copying the line as it
 * grew.)
 */
function resultLine(month: string, p: PersonResult, steps: string): string {
  return [
    month,
    copyText(p.personId),
    copyText(p.categoryCode),
    copyText(p.sectionId),
    copyText(p.normGroup),
    String(p.raw),
    String(p.groupMax),
    rationalTo6(p.quantity),
    rationalTo6(p.quality),
    p.vetoed ? "t" : "f",
    copyText(p.qualityWeight),
    copyText(p.quantityWeight),
    rationalTo6(p.qualityWeighted),
    rationalTo6(p.quantityWeighted),
    String(p.discretionary),
    String(p.finalRounded),
    String(p.rankOverall),
    String(p.rankCategory),
    copyText(p.rankSection === null ? null : String(p.rankSection)),
    copyText(steps),
  ].join("\t");
}

/** Rows per chunk of the COPY. */
const RESULT_CHUNK = 2000;

/**
 * The month's results as chunks of COPY rows (`copyRow`), made one chunk at a time as the COPY asks
 * for them, so the server loads a chunk while the next is made. COPY is the server's bulk load: on
 * 20,000 results it took a third of the time of INSERT … SELECT FROM unnest(one array per column), which
 * parsed every array and then every row again. Rows go in person order, so the table's key (month,
 * person) grows at one end rather than at random places (random order cost the server a third more).
 * `timed` is given each chunk's making time.
 */
function* resultChunks(
  month: string,
  people: readonly PersonResult[],
  explanationOf: (p: PersonResult) => string,
  timed: (ms: number) => void,
): Generator<string> {
  for (let i = 0; i < people.length; i += RESULT_CHUNK) {
    const t = performance.now();
    const lines = people.slice(i, i + RESULT_CHUNK).map((p) => resultLine(month, p, explanationOf(p)));
    const text = `${lines.join("\n")}\n`;
    timed(performance.now() - t);
    yield text;
  }
}

/**
 * Locks the month's approved sheets ($1 the month, $2 the time): one statement, and one record of it (the
 * month.publish audit row, with the count, and MonthClose's publishedAt / publishedById), not a
 * SheetTransition per sheet (on twenty thousand sheets those rows and their foreign-key checks were half
 * the time of locking).
 */
const LOCK_SHEETS = `
UPDATE "Sheet" SET state = 'LOCKED'::"SheetState", version = version + 1,
  "updatedAt" = ($2::timestamptz AT TIME ZONE 'UTC')
WHERE month = $1 AND state = 'APPROVED'::"SheetState"`;

/** Marks an announcement being posted (announceTs) so two posters cannot both post. */
export const CLAIMED = "claimed";

/** Wraps a SqlTx to add up the time its statements run, for the trace. */
function statementClock() {
  let total = 0;
  const timed = async <R>(run: () => Promise<R>): Promise<R> => {
    const t = performance.now();
    try {
      return await run();
    } finally {
      total += performance.now() - t;
    }
  };
  return {
    ms: () => total,
    wrap: (tx: SqlTx): SqlTx => ({
      kind: tx.kind,
      query: <T>(text: string, params?: readonly unknown[]) => timed(() => tx.query<T>(text, params)),
      execute: (text: string, params?: readonly unknown[]) => timed(() => tx.execute(text, params)),
    }),
  };
}

/** A promise's outcome, awaited later without an unhandled rejection in between. */
function settled<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/**
 * Publishes a month: persist every result, lock the month, in one transaction (see the file header).
 * Publishing a month already published changes nothing (alreadyPublished: true).
 *
 * The transaction runs on the raw driver (a pooled connection of its own on a server, PGlite's
 * transaction when embedded), not through Prisma: Prisma's per-statement work on 20,000 results with
 * their steps cost more than the statements. While JavaScript computes, the server locks the sheets
 * (the statement is sent before the computation and awaited after it).
 */
export async function publishMonth(
  db: Db,
  deps: CloseDeps,
  closer: Closer,
  month: string,
  opts: PublishOptions = {},
): Promise<PublishOutcome> {
  return refusing(db, closer, "month.publish", month, async () => {
    requireCloser(closer);
    if (!isMonth(month)) throw new DomainError("month.invalid", { month });
    const reason = opts.exceptionReason?.trim() ?? "";
    if (Array.from(reason).length > EXCEPTION_REASON_MAX)
      throw new DomainError("close.reasonTooLong", { max: EXCEPTION_REASON_MAX });
    const raw = rawSqlOf(db);
    if (!raw) throw new Error("publishMonth needs a database opened by openDatabase (its raw driver)");
    return raw.transaction(async (tx) => {
      await tx.execute(`INSERT INTO "MonthClose" (month, state) VALUES ($1, 'OPEN') ON CONFLICT DO NOTHING`, [
        month,
      ]);
      const [close] = await tx.query<{ state: string }>(
        `SELECT state::text AS state FROM "MonthClose" WHERE month = $1 FOR UPDATE`,
        [month],
      );
      deps.trace?.("claimed");
      if (close?.state === "PUBLISHED") {
        const [n] = await tx.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "MonthResult" WHERE month = $1`,
          [month],
        );
        return { month, alreadyPublished: true, staff: n?.n ?? 0, lockedSheets: 0, exceptions: null };
      }
      await prepareMonthRead(tx);
      const reading = statementClock();
      const loaded = await loadMonthInput(reading.wrap(tx), month, { lines: "summed" });
      deps.trace?.("loaded", { serverMs: reading.ms() });
      // the sheets are locked by the server while the inputs are hashed and the month computed here (a
      // refusal below rolls the lock back with everything else)
      const now = deps.clock();
      const lockStarted = performance.now();
      let lockMs = 0;
      const locking = settled(
        tx.execute(LOCK_SHEETS, [month, now.toISOString()]).then((n) => {
          lockMs = performance.now() - lockStarted;
          return n;
        }),
      );
      let hash: string;
      let blockers: NamedBlocker[];
      let result: MonthResult;
      try {
        hash = inputsHashOf(loaded);
        if (opts.expectedHash && opts.expectedHash !== hash)
          throw new DomainError("close.changed", { month });
        blockers = namedBlockers(loaded.blockers);
        if (blockers.length > 0 && reason === "")
          throw new DomainError("close.blocked", { month, count: blockers.length });
        // the numbers only: each explanation is built again from what the row keeps when it is asked for
        result = computeMonth(loaded.input, { explain: false });
        deps.trace?.("computed");
        await deps.failpoint?.("computed");
      } catch (e) {
        await locking;
        if (e instanceof PoolOverspentError)
          throw new DomainError("close.poolOverspent", {
            month,
            spent: formatHundredths(e.spent),
            size: formatHundredths(e.size),
          });
        throw e;
      }
      const locked = await locking;
      if (!locked.ok) throw locked.error;
      const lockedSheets = locked.value;
      deps.trace?.("locked", { serverMs: lockMs, rows: lockedSheets });

      const inputs = new Map(loaded.input.people.map((p) => [p.personId, p]));
      const rows = [...result.people].sort((a, b) => compareStrings(a.personId, b.personId));
      let encoding = 0;
      await tx.copyFrom(
        "MonthResult",
        RESULT_COLUMNS,
        resultChunks(
          month,
          rows,
          (p) => encodeExplanation(inputs.get(p.personId)!, p, loaded.leftOut.get(p.personId)),
          (ms) => {
            encoding += ms;
          },
        ),
      );
      deps.trace?.("results", { encodeMs: encoding, rows: result.people.length });
      await deps.failpoint?.("results");

      const exceptions: MonthExceptions | null =
        blockers.length > 0
          ? { reason, by: actorName(closer), at: now.toISOString(), items: blockers }
          : null;
      await tx.execute(
        `UPDATE "MonthClose" SET state = 'PUBLISHED', exceptions = $2::jsonb, "inputsHash" = $3,
           "publishedAt" = ($4::timestamptz AT TIME ZONE 'UTC'), "publishedById" = $5
         WHERE month = $1`,
        [
          month,
          JSON.stringify(
            toJson({
              poolSize: result.pool.size.toString(),
              exceptions,
              groups: groupsOf(result),
            } satisfies CloseRecord),
          ),
          hash,
          now.toISOString(),
          actorId(closer),
        ],
      );
      await auditSql(tx, {
        actor: actorName(closer),
        action: "month.publish",
        entityType: "MonthClose",
        entityId: month,
        before: { state: close?.state ?? "OPEN" },
        after: {
          state: "PUBLISHED",
          inputsHash: hash,
          staff: result.people.length,
          lockedSheets,
          pool: result.pool,
          exceptions,
        },
      });
      deps.trace?.("published");
      return { month, alreadyPublished: false, staff: result.people.length, lockedSheets, exceptions };
    });
  });
}
