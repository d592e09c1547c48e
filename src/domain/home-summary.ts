/**
 * What the App Home shows of a person, read in one statement: the month's sheet state, its active lines,
 * total, lines with a required document missing and temporary tasks awaiting pricing (the numbers
 * sheetSummary gives), and the last published result (lastPublishedResult's). The home is rebuilt after
 * every change a person makes, so this runs often: through the raw driver when there is one (no Prisma
 * query compiler, one round trip instead of five or six).
 *
 * Same rules as readMonthLines/summarize: lines are the ACTIVE entries of the person's month (a sheet
 * holds exactly those, so they are read by sheet); the total adds PRICED temporary tasks; a line has an
 * evidence gap when one of its item's required documents (ItemEvidence) is neither ticked nor attached
 * (no EntryEvidence of the line names it), unless it was imported (evidenceMissingOf: imported lines
 * carry their evidence in the tax system).
 */
import type { Db } from "../db/client.js";
import { rawSqlOf } from "../db/raw.js";
import { Prisma } from "../generated/prisma/client.js";
import type { SheetState } from "../generated/prisma/enums.js";

export interface HomeSummary {
  month: string;
  state: SheetState | null;
  late: boolean;
  lines: number;
  /** active lines + priced temporary tasks (hundredths) */
  total: number;
  /** active lines with a required document missing */
  evidenceGaps: number;
  /** temporary tasks awaiting pricing */
  tempAwaiting: number;
  lastResult: PublishedResult | null;
}

export interface PublishedResult {
  month: string;
  final: bigint;
  raw: bigint;
  discretionary: bigint;
  /** decimals formatted to 2 places (half away from zero, as Prisma's Decimal#toFixed) */
  quantity: string;
  quality: string;
  qualityWeight: string;
  quantityWeight: string;
  vetoed: boolean;
  rankOverall: number;
  rankCategory: number;
  rankSection: number | null;
}

export const HOME_SUMMARY_SQL = `
WITH s AS (
  SELECT id, state::text AS state, late FROM "Sheet" WHERE "personId" = $1 AND month = $2
),
e AS (
  SELECT e."pointsPerUnit"::bigint * e.count AS subtotal,
    e."docsMissing" > 0 AS gap
  FROM s JOIN "Entry" e ON e."sheetId" = s.id AND e.status = 'ACTIVE'
),
t AS (
  SELECT status::text AS status, points FROM "TempTask"
  WHERE "personId" = $1 AND month = $2 AND status <> 'DELETED'
)
SELECT json_build_object(
  'state', (SELECT state FROM s),
  'late', COALESCE((SELECT late FROM s), false),
  'lines', (SELECT count(*) FROM e),
  'lineTotal', (SELECT COALESCE(sum(subtotal), 0)::text FROM e),
  'tempTotal', (SELECT COALESCE(sum(points), 0)::text FROM t WHERE status = 'PRICED'),
  'gaps', (SELECT count(*) FROM e WHERE gap),
  'tempAwaiting', (SELECT count(*) FROM t WHERE status = 'AWAITING_PRICING'),
  'lastResult', (
    SELECT json_build_object(
      'month', mr.month, 'final', mr.final::text, 'raw', mr.raw::text,
      'discretionary', mr.discretionary::text, 'quantity', mr.quantity::text, 'quality', mr.quality::text,
      'qualityWeight', mr."qualityWeight"::text, 'quantityWeight', mr."quantityWeight"::text,
      'vetoed', mr.vetoed, 'rankOverall', mr."rankOverall", 'rankCategory', mr."rankCategory",
      'rankSection', mr."rankSection")
    FROM "MonthResult" mr
    WHERE mr."personId" = $1
      AND mr.month IN (SELECT mc.month FROM "MonthClose" mc WHERE mc.state = 'PUBLISHED'
                       ORDER BY mc.month DESC LIMIT 24)
    ORDER BY mr.month DESC LIMIT 1)
) AS r`;

interface Row {
  state: SheetState | null;
  late: boolean;
  lines: number;
  lineTotal: string;
  tempTotal: string;
  gaps: number;
  tempAwaiting: number;
  lastResult: {
    month: string;
    final: string;
    raw: string;
    discretionary: string;
    quantity: string;
    quality: string;
    qualityWeight: string;
    quantityWeight: string;
    vetoed: boolean;
    rankOverall: number;
    rankCategory: number;
    rankSection: number | null;
  } | null;
}

const fixed2 = (decimal: string) => new Prisma.Decimal(decimal).toFixed(2);

/** The person's home numbers for `month` ("YYYY-MM") and their last published result. */
export async function readHomeSummary(db: Db, personId: string, month: string): Promise<HomeSummary> {
  const raw = rawSqlOf(db);
  const rows = raw
    ? await raw.query<{ r: Row }>("kpi_home_summary", HOME_SUMMARY_SQL, [personId, month])
    : await db.$queryRawUnsafe<{ r: Row }[]>(HOME_SUMMARY_SQL, personId, month);
  const r = rows[0]?.r;
  if (!r) throw new Error("home summary answered no row");
  const last = r.lastResult;
  return {
    month,
    state: r.state,
    late: r.late,
    lines: Number(r.lines),
    total: Number(r.lineTotal) + Number(r.tempTotal),
    evidenceGaps: Number(r.gaps),
    tempAwaiting: Number(r.tempAwaiting),
    lastResult: last
      ? {
          month: last.month,
          final: BigInt(last.final),
          raw: BigInt(last.raw),
          discretionary: BigInt(last.discretionary),
          quantity: fixed2(last.quantity),
          quality: fixed2(last.quality),
          qualityWeight: fixed2(last.qualityWeight),
          quantityWeight: fixed2(last.quantityWeight),
          vetoed: last.vetoed,
          rankOverall: last.rankOverall,
          rankCategory: last.rankCategory,
          rankSection: last.rankSection,
        }
      : null,
  };
}
